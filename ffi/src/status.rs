//! `prana_status`: the result of every fallible function, and its mapping
//! from the core's [`Error`].
//!
//! One table (`status_table!` below) lists every status once, with its
//! number, snake_case code and description; the enum, the list of all
//! statuses and the text lookups are generated from it. The header's enum
//! is produced by cbindgen from the expanded macro.

use core::ffi::{c_char, CStr};

use prana_webhook_core::Error;

/// `s` (a literal ending in NUL, without another NUL) as a `CStr`, checked
/// at compile time.
const fn cstr(s: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(s.as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("status text must not contain a NUL byte"),
    }
}

/// Generates `prana_status`, `ALL` and the text lookup from one list of
/// `NAME = number, "code", "description";` rows (each with its docs).
macro_rules! status_table {
    ($($(#[doc = $doc:literal])* $name:ident = $num:literal, $code:literal, $desc:literal;)*) => {
        /// The result of every fallible function.
        ///
        /// Numbers are stable and grouped by area; a number is never reused or
        /// renumbered. 0 is success; 1-99 are argument and ABI problems; then one
        /// status per core error code: 100 resume IDs, 200 base URLs, 300 request
        /// targets, 400 lifecycle, 500 capacity and JSON, 600 signatures, 700 the
        /// HTTP head parser, 800 the wait action, 900 workflows, 1000 the executor.
        ///
        /// `prana_status_str()` gives a short description and `prana_status_code()`
        /// the core's snake_case code; the optional `prana_error *err` argument of
        /// each call receives the detail of its failure.
        ///
        /// In C the constants are an `enum` and `prana_status` is a `uint32_t`, so a
        /// future library may return a number this header does not list: treat any
        /// unknown non-zero value as a failure.
        #[allow(non_camel_case_types)]
        #[repr(u32)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum prana_status {
            $($(#[doc = $doc])* $name = $num,)*
        }

        /// Every status, in table order.
        pub(crate) const ALL: &[prana_status] = &[$(prana_status::$name,)*];

        impl prana_status {
            /// The status with number `n`, if there is one.
            pub fn from_u32(n: u32) -> Option<prana_status> {
                match n {
                    $($num => Some(prana_status::$name),)*
                    _ => None,
                }
            }

            /// (snake_case code, description).
            fn info(self) -> (&'static CStr, &'static CStr) {
                match self {
                    $(prana_status::$name => {
                        const INFO: (&CStr, &CStr) =
                            (cstr(concat!($code, "\0")), cstr(concat!($desc, "\0")));
                        INFO
                    })*
                }
            }
        }
    };
}

status_table! {
    /// Success.
    PRANA_STATUS_OK = 0, "ok", "success";
    /// A pointer argument that must not be NULL was NULL.
    PRANA_STATUS_NULL_ARGUMENT = 1, "null_argument", "a required pointer argument is NULL";
    /// A text argument is not valid UTF-8.
    PRANA_STATUS_INVALID_UTF8 = 2, "invalid_utf8", "a text argument is not valid UTF-8";
    /// An output buffer is too small; `*out_len` holds the size needed
    /// (including the terminating NUL for strings).
    PRANA_STATUS_BUFFER_TOO_SMALL = 3, "buffer_too_small", "the output buffer is too small";
    /// The library panicked (a bug); the call had no effect that can be relied on.
    PRANA_STATUS_PANIC = 4, "panic", "internal error: the library panicked";
    /// A text argument contains a NUL byte.
    PRANA_STATUS_EMBEDDED_NUL = 5, "embedded_nul", "a text argument contains a NUL byte";
    /// An argument is out of range (a bad enum value, a seed of the wrong size, ...).
    PRANA_STATUS_INVALID_ARGUMENT = 6, "invalid_argument", "an argument is out of range";
    /// The core reported an error this version of the C ABI has no status for.
    PRANA_STATUS_UNKNOWN_ERROR = 7, "unknown_error", "an error without a C status";
    /// `prana_execution_run` (or resume/expire/tick) reached a host node but
    /// the node handler is NULL; the execution is unchanged.
    PRANA_STATUS_NO_NODE_HANDLER = 8,
        "no_node_handler", "a host node was reached but the node handler is NULL";

    /// An execution id, node id or workflow id is empty (`empty_id_part`).
    PRANA_STATUS_EMPTY_ID_PART = 100, "empty_id_part", "an id part is empty";
    /// An id part is longer than 64 bytes (`id_part_too_long`).
    PRANA_STATUS_ID_PART_TOO_LONG = 101, "id_part_too_long", "an id part is too long";
    /// An id part has a byte outside `[A-Za-z0-9_-]` (`id_part_bad_character`).
    PRANA_STATUS_ID_PART_BAD_CHARACTER = 102,
        "id_part_bad_character", "an id part has a character outside [A-Za-z0-9_-]";
    /// A resume ID does not start with `webhook_` (`missing_webhook_prefix`).
    PRANA_STATUS_MISSING_WEBHOOK_PREFIX = 103,
        "missing_webhook_prefix", "resume id must start with 'webhook_'";
    /// A resume ID does not end in `_` and 26 Crockford base32 characters (`bad_random_tail`).
    PRANA_STATUS_BAD_RANDOM_TAIL = 104,
        "bad_random_tail", "resume id must end in '_' and 26 lowercase Crockford base32 characters";
    /// A resume ID does not split into execution id and node id (`malformed_resume_id`).
    PRANA_STATUS_MALFORMED_RESUME_ID = 105,
        "malformed_resume_id", "resume id must look like webhook_{execution_id}_{node_id}_{random}";
    /// The entropy source failed (`entropy_unavailable`).
    PRANA_STATUS_ENTROPY_UNAVAILABLE = 106, "entropy_unavailable", "the entropy source failed";

    /// The base URL does not start with `http://` or `https://` (`base_url_scheme`).
    PRANA_STATUS_BASE_URL_SCHEME = 200,
        "base_url_scheme", "base URL must start with http:// or https://";
    /// The base URL has no host (`base_url_host`).
    PRANA_STATUS_BASE_URL_HOST = 201, "base_url_host", "base URL has no host";
    /// The base URL has a bad port (`base_url_port`).
    PRANA_STATUS_BASE_URL_PORT = 202, "base_url_port", "base URL has a bad port";
    /// The base URL has a query (`base_url_query`).
    PRANA_STATUS_BASE_URL_QUERY = 203, "base_url_query", "base URL must not contain a query";
    /// The base URL has a fragment (`base_url_fragment`).
    PRANA_STATUS_BASE_URL_FRAGMENT = 204,
        "base_url_fragment", "base URL must not contain a fragment";
    /// The base URL has user info (`base_url_user_info`).
    PRANA_STATUS_BASE_URL_USER_INFO = 205,
        "base_url_user_info", "base URL must not contain user info";
    /// The base URL has a character that is not allowed (`base_url_character`).
    PRANA_STATUS_BASE_URL_CHARACTER = 206,
        "base_url_character", "base URL contains a character that is not allowed";
    /// The base URL path has an empty segment (`//`) (`base_url_empty_segment`).
    PRANA_STATUS_BASE_URL_EMPTY_SEGMENT = 207,
        "base_url_empty_segment", "base URL path has an empty segment ('//')";

    /// The path is not under `{prefix}/webhook/workflow/` (`not_webhook_path`).
    PRANA_STATUS_NOT_WEBHOOK_PATH = 300, "not_webhook_path", "path is not a webhook path";
    /// The kind segment is neither `trigger` nor `resume` (`unknown_kind`).
    PRANA_STATUS_UNKNOWN_KIND = 301,
        "unknown_kind", "unknown webhook kind: expected 'trigger' or 'resume'";
    /// The id segment is empty (`empty_id`).
    PRANA_STATUS_EMPTY_ID = 302, "empty_id", "the webhook id is empty";
    /// The id is longer than allowed (`id_too_long`).
    PRANA_STATUS_ID_TOO_LONG = 303, "id_too_long", "the webhook id is too long";
    /// The id has a byte that is not allowed (`id_bad_character`).
    PRANA_STATUS_ID_BAD_CHARACTER = 304,
        "id_bad_character", "the webhook id has a character that is not allowed";
    /// More path segments follow the id (`extra_segments`).
    PRANA_STATUS_EXTRA_SEGMENTS = 305,
        "extra_segments", "unexpected path segments after the webhook id";
    /// The path contains `%` (`percent_encoded`).
    PRANA_STATUS_PERCENT_ENCODED = 306,
        "percent_encoded", "percent-encoded characters are not allowed in webhook paths";
    /// The request target is not a path or an http(s) URL (`malformed_target`).
    PRANA_STATUS_MALFORMED_TARGET = 307,
        "malformed_target", "request target must be a path or an http(s) URL";

    /// A lifecycle transition not in the table (`invalid_transition`).
    PRANA_STATUS_INVALID_TRANSITION = 400,
        "invalid_transition", "invalid lifecycle state transition";
    /// An active registration's `expires_at` has passed (`registration_expired`).
    PRANA_STATUS_REGISTRATION_EXPIRED = 401,
        "registration_expired", "the webhook registration has expired";
    /// A status name is not pending/active/consumed/expired (`unknown_status`).
    PRANA_STATUS_UNKNOWN_STATUS = 402,
        "unknown_status", "status must be 'pending', 'active', 'consumed' or 'expired'";
    /// A consumed registration was asked to resume again (`already_consumed`).
    PRANA_STATUS_ALREADY_CONSUMED = 403, "already_consumed", "the webhook has already been used";
    /// A resume ID was not made for the given execution and node (`resume_id_mismatch`).
    PRANA_STATUS_RESUME_ID_MISMATCH = 404,
        "resume_id_mismatch", "resume_id was not made for this execution_id and node_id";
    /// A pending registration was asked to extend (`registration_not_active`).
    PRANA_STATUS_REGISTRATION_NOT_ACTIVE = 405,
        "registration_not_active", "the webhook registration is not active";
    /// An extend would not move `expires_at` later (`extend_not_later`).
    PRANA_STATUS_EXTEND_NOT_LATER = 406,
        "extend_not_later", "the new expires_at must be later than the current one";
    /// An extend would move `expires_at` past one year after creation (`extend_beyond_limit`).
    PRANA_STATUS_EXTEND_BEYOND_LIMIT = 407,
        "extend_beyond_limit", "expires_at may be at most 8760 hours after the registration was created";

    /// A fixed capacity was exceeded; the message names the limit (`capacity_exceeded`).
    PRANA_STATUS_CAPACITY_EXCEEDED = 500, "capacity_exceeded", "a fixed capacity was exceeded";
    /// JSON could not be parsed or has the wrong shape (`invalid_json`).
    PRANA_STATUS_INVALID_JSON = 501, "invalid_json", "invalid JSON";
    /// A JSON value that must be an object is not one (`not_an_object`).
    PRANA_STATUS_NOT_AN_OBJECT = 502, "not_an_object", "a value must be a JSON object";
    /// Serialized JSON does not fit the library's buffer (`json_too_large`).
    PRANA_STATUS_JSON_TOO_LARGE = 503, "json_too_large", "serialized JSON is too large";
    /// A JSON value that must be a string is not one (`not_a_string`).
    PRANA_STATUS_NOT_A_STRING = 504, "not_a_string", "a value must be a JSON string";
    /// A JSON string has a `\uXXXX` escape that is half of a UTF-16 surrogate
    /// pair without the other half, so it has no UTF-8 form (`json_lone_surrogate`).
    PRANA_STATUS_JSON_LONE_SURROGATE = 505,
        "json_lone_surrogate", "a JSON string has a lone UTF-16 surrogate escape";

    /// A signature, signing key or webhook secret was rejected for a reason this
    /// version has no finer status for (`invalid_signature`).
    PRANA_STATUS_INVALID_SIGNATURE = 600, "invalid_signature", "invalid signature";
    /// A key id must be 1 to 8 characters of [a-z0-9] (`key_id_invalid`).
    PRANA_STATUS_KEY_ID_INVALID = 601,
        "key_id_invalid", "a key id must be 1 to 8 characters of [a-z0-9]";
    /// A key secret is too short (`key_secret_too_short`).
    PRANA_STATUS_KEY_SECRET_TOO_SHORT = 602, "key_secret_too_short", "a key secret is too short";
    /// The key set is full (`key_set_full`).
    PRANA_STATUS_KEY_SET_FULL = 603, "key_set_full", "the key set is full";
    /// A key with this key id is already in the key set (`key_id_duplicated`).
    PRANA_STATUS_KEY_ID_DUPLICATED = 604,
        "key_id_duplicated", "a key with this key id is already in the key set";
    /// No key with this key id is in the key set (`key_not_found`).
    PRANA_STATUS_KEY_NOT_FOUND = 605, "key_not_found", "no key with this key id is in the key set";
    /// The key set has no key to sign with (`no_signing_key`).
    PRANA_STATUS_NO_SIGNING_KEY = 606, "no_signing_key", "the key set has no key to sign with";
    /// The resume URL has no 'sig' parameter (`signature_missing`).
    PRANA_STATUS_SIGNATURE_MISSING = 610,
        "signature_missing", "the resume URL has no 'sig' parameter";
    /// The resume URL has more than one 'sig' parameter (`signature_duplicated`).
    PRANA_STATUS_SIGNATURE_DUPLICATED = 611,
        "signature_duplicated", "the resume URL has more than one 'sig' parameter";
    /// The 'sig' parameter is malformed (`signature_malformed`).
    PRANA_STATUS_SIGNATURE_MALFORMED = 612,
        "signature_malformed", "the 'sig' parameter is malformed";
    /// The 'sig' mac is truncated (`signature_truncated`).
    PRANA_STATUS_SIGNATURE_TRUNCATED = 613, "signature_truncated", "the 'sig' mac is truncated";
    /// The 'sig' mac has the wrong length (`signature_wrong_length`).
    PRANA_STATUS_SIGNATURE_WRONG_LENGTH = 614,
        "signature_wrong_length", "the 'sig' mac has the wrong length";
    /// The 'sig' key id is not in the key set (`signature_unknown_key`).
    PRANA_STATUS_SIGNATURE_UNKNOWN_KEY = 615,
        "signature_unknown_key", "the 'sig' key id is not in the key set";
    /// The 'sig' does not match the resume id (`signature_mismatch`).
    PRANA_STATUS_SIGNATURE_MISMATCH = 616,
        "signature_mismatch", "the 'sig' does not match the resume id";
    /// A webhook secret must start with 'whsec_' (`webhook_secret_prefix`).
    PRANA_STATUS_WEBHOOK_SECRET_PREFIX = 620,
        "webhook_secret_prefix", "a webhook secret must start with 'whsec_'";
    /// A webhook secret is not valid base64 (`webhook_secret_base64`).
    PRANA_STATUS_WEBHOOK_SECRET_BASE64 = 621,
        "webhook_secret_base64", "a webhook secret is not valid base64";
    /// A webhook secret has no key bytes (`webhook_secret_empty`).
    PRANA_STATUS_WEBHOOK_SECRET_EMPTY = 622,
        "webhook_secret_empty", "a webhook secret has no key bytes";
    /// A webhook secret is too long (`webhook_secret_too_long`).
    PRANA_STATUS_WEBHOOK_SECRET_TOO_LONG = 623,
        "webhook_secret_too_long", "a webhook secret is too long";
    /// Webhook-timestamp is not a number of unix seconds (`webhook_timestamp_invalid`).
    PRANA_STATUS_WEBHOOK_TIMESTAMP_INVALID = 624,
        "webhook_timestamp_invalid", "webhook-timestamp is not a number of unix seconds";
    /// Webhook-timestamp is too old (`webhook_timestamp_too_old`).
    PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_OLD = 625,
        "webhook_timestamp_too_old", "webhook-timestamp is too old";
    /// Webhook-timestamp is too far in the future (`webhook_timestamp_too_new`).
    PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_NEW = 626,
        "webhook_timestamp_too_new", "webhook-timestamp is too far in the future";
    /// Webhook-signature has no v1 entry (`webhook_signature_no_v1`).
    PRANA_STATUS_WEBHOOK_SIGNATURE_NO_V1 = 627,
        "webhook_signature_no_v1", "webhook-signature has no v1 entry";
    /// A webhook-signature entry is not valid base64 (`webhook_signature_base64`).
    PRANA_STATUS_WEBHOOK_SIGNATURE_BASE64 = 628,
        "webhook_signature_base64", "a webhook-signature entry is not valid base64";
    /// No webhook-signature entry matches (`webhook_signature_mismatch`).
    PRANA_STATUS_WEBHOOK_SIGNATURE_MISMATCH = 629,
        "webhook_signature_mismatch", "no webhook-signature entry matches";

    /// The HTTP request head is not complete yet: read more bytes and parse again.
    PRANA_STATUS_HTTP_INCOMPLETE = 700, "http_incomplete", "the HTTP request head is incomplete";
    /// The HTTP request has more than `PRANA_HTTP_MAX_HEADERS` headers.
    PRANA_STATUS_HTTP_TOO_MANY_HEADERS = 701,
        "http_too_many_headers", "the HTTP request has too many headers";
    /// The HTTP request head is malformed (bad method, target, version, header or line ending).
    PRANA_STATUS_HTTP_MALFORMED = 702, "http_malformed", "the HTTP request head is malformed";
    /// The body framing is unsafe: a bad `Content-Length`, several that differ, or
    /// `Content-Length` together with `Transfer-Encoding`.
    PRANA_STATUS_HTTP_BAD_FRAMING = 703,
        "http_bad_framing", "bad Content-Length or conflicting body framing";
    /// The requested header is not present.
    PRANA_STATUS_HTTP_HEADER_NOT_FOUND = 704,
        "http_header_not_found", "the HTTP header is not present";

    /// Mode is required (`wait_mode_required`).
    PRANA_STATUS_WAIT_MODE_REQUIRED = 800, "wait_mode_required", "mode is required";
    /// Mode must be 'interval', 'schedule', or 'webhook' (`wait_mode_invalid`).
    PRANA_STATUS_WAIT_MODE_INVALID = 801,
        "wait_mode_invalid", "mode must be 'interval', 'schedule', or 'webhook'";
    /// Duration is required (`wait_duration_required`).
    PRANA_STATUS_WAIT_DURATION_REQUIRED = 802, "wait_duration_required", "duration is required";
    /// Duration must be a positive number (`wait_duration_invalid`).
    PRANA_STATUS_WAIT_DURATION_INVALID = 803,
        "wait_duration_invalid", "duration must be a positive number";
    /// Unit must be 'ms', 'seconds', 'minutes', or 'hours' (`wait_unit_invalid`).
    PRANA_STATUS_WAIT_UNIT_INVALID = 804,
        "wait_unit_invalid", "unit must be 'ms', 'seconds', 'minutes', or 'hours'";
    /// Schedule_at is required (`wait_schedule_at_required`).
    PRANA_STATUS_WAIT_SCHEDULE_AT_REQUIRED = 805,
        "wait_schedule_at_required", "schedule_at is required";
    /// Schedule_at must be an ISO8601 datetime string (`wait_schedule_at_invalid`).
    PRANA_STATUS_WAIT_SCHEDULE_AT_INVALID = 806,
        "wait_schedule_at_invalid", "schedule_at must be an ISO8601 datetime string";
    /// Schedule_at must be in the future (`wait_schedule_at_past`).
    PRANA_STATUS_WAIT_SCHEDULE_AT_PAST = 807,
        "wait_schedule_at_past", "schedule_at must be in the future";
    /// Timezone must be a string of at most 64 bytes (`wait_timezone_invalid`).
    PRANA_STATUS_WAIT_TIMEZONE_INVALID = 808,
        "wait_timezone_invalid", "timezone must be a string of at most 64 bytes";
    /// Timeout_hours must be a number greater than 0 and at most 8760 (`wait_timeout_hours_invalid`).
    PRANA_STATUS_WAIT_TIMEOUT_HOURS_INVALID = 809,
        "wait_timeout_hours_invalid", "timeout_hours must be a number greater than 0 and at most 8760 (1 year)";
    /// The current node_id is missing (`wait_missing_node_id`).
    PRANA_STATUS_WAIT_MISSING_NODE_ID = 810,
        "wait_missing_node_id", "the current node_id is missing";
    /// The execution has no resume_url for this wait node (`wait_no_resume_url`).
    PRANA_STATUS_WAIT_NO_RESUME_URL = 811,
        "wait_no_resume_url", "the execution has no resume_url for this wait node";

    /// The workflow is missing a required member (`workflow_missing_field`).
    PRANA_STATUS_WORKFLOW_MISSING_FIELD = 900,
        "workflow_missing_field", "the workflow is missing a required member";
    /// A workflow member has the wrong type (`workflow_field_type`).
    PRANA_STATUS_WORKFLOW_FIELD_TYPE = 901,
        "workflow_field_type", "a workflow member has the wrong type";
    /// The workflow has no nodes (`workflow_no_nodes`).
    PRANA_STATUS_WORKFLOW_NO_NODES = 902, "workflow_no_nodes", "the workflow has no nodes";
    /// A node is not an object with string key and type (`workflow_bad_node`).
    PRANA_STATUS_WORKFLOW_BAD_NODE = 903,
        "workflow_bad_node", "a node is not an object with string key and type";
    /// A node key is not 1-64 bytes of [A-Za-z0-9_-] (`workflow_bad_node_key`).
    PRANA_STATUS_WORKFLOW_BAD_NODE_KEY = 904,
        "workflow_bad_node_key", "a node key is not 1-64 bytes of [A-Za-z0-9_-]";
    /// A node type is not 1-64 bytes of [A-Za-z0-9_.-] (`workflow_bad_node_type`).
    PRANA_STATUS_WORKFLOW_BAD_NODE_TYPE = 905,
        "workflow_bad_node_type", "a node type is not 1-64 bytes of [A-Za-z0-9_.-]";
    /// Node params must be a JSON object (`workflow_bad_params`).
    PRANA_STATUS_WORKFLOW_BAD_PARAMS = 906,
        "workflow_bad_params", "node params must be a JSON object";
    /// Two nodes share a key (`workflow_duplicate_key`).
    PRANA_STATUS_WORKFLOW_DUPLICATE_KEY = 907, "workflow_duplicate_key", "two nodes share a key";
    /// A connection is malformed (`workflow_bad_connection`).
    PRANA_STATUS_WORKFLOW_BAD_CONNECTION = 908,
        "workflow_bad_connection", "a connection is malformed";
    /// A connection port is not 1-32 bytes of [a-z0-9_] (`workflow_bad_port`).
    PRANA_STATUS_WORKFLOW_BAD_PORT = 909,
        "workflow_bad_port", "a connection port is not 1-32 bytes of [a-z0-9_]";
    /// A connection names a node that does not exist (`workflow_dangling_connection`).
    PRANA_STATUS_WORKFLOW_DANGLING_CONNECTION = 910,
        "workflow_dangling_connection", "a connection names a node that does not exist";
    /// A connection leaves a wait node by a port it does not have (`workflow_unknown_port`).
    PRANA_STATUS_WORKFLOW_UNKNOWN_PORT = 911,
        "workflow_unknown_port", "a connection leaves a wait node by a port it does not have";
    /// A port already leads to another node (`workflow_port_already_connected`).
    PRANA_STATUS_WORKFLOW_PORT_ALREADY_CONNECTED = 912,
        "workflow_port_already_connected", "a port already leads to another node";
    /// The workflow has a cycle (`workflow_cycle`).
    PRANA_STATUS_WORKFLOW_CYCLE = 913, "workflow_cycle", "the workflow has a cycle";
    /// 'start' names no node (`workflow_unknown_start`).
    PRANA_STATUS_WORKFLOW_UNKNOWN_START = 914, "workflow_unknown_start", "'start' names no node";
    /// The workflow has no start node (`workflow_no_start`).
    PRANA_STATUS_WORKFLOW_NO_START = 915, "workflow_no_start", "the workflow has no start node";
    /// Several nodes could be the start node (`workflow_ambiguous_start`).
    PRANA_STATUS_WORKFLOW_AMBIGUOUS_START = 916,
        "workflow_ambiguous_start", "several nodes could be the start node";

    /// Can only resume suspended executions (`execution_not_suspended`).
    PRANA_STATUS_EXECUTION_NOT_SUSPENDED = 1000,
        "execution_not_suspended", "Can only resume suspended executions";
    /// The execution has already run (`execution_already_started`).
    PRANA_STATUS_EXECUTION_ALREADY_STARTED = 1001,
        "execution_already_started", "the execution has already run";
    /// The resume id belongs to no wait node of this execution (`execution_unknown_resume_id`).
    PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID = 1002,
        "execution_unknown_resume_id", "the resume id belongs to no wait node of this execution";
    /// The execution is not suspended at that wait node (`execution_not_waiting_here`).
    PRANA_STATUS_EXECUTION_NOT_WAITING_HERE = 1003,
        "execution_not_waiting_here", "the execution is not suspended at that wait node";
    /// The execution waits for a webhook, not a timer (`execution_not_timer`).
    PRANA_STATUS_EXECUTION_NOT_TIMER = 1004,
        "execution_not_timer", "the execution waits for a webhook, not a timer";
    /// The wait is not over yet (`execution_not_due`).
    PRANA_STATUS_EXECUTION_NOT_DUE = 1005, "execution_not_due", "the wait is not over yet";
    /// The execution state does not belong to this workflow (`execution_workflow_mismatch`).
    PRANA_STATUS_EXECUTION_WORKFLOW_MISMATCH = 1006,
        "execution_workflow_mismatch", "the execution state does not belong to this workflow";
    /// The execution state is invalid (`execution_bad_state`).
    PRANA_STATUS_EXECUTION_BAD_STATE = 1007,
        "execution_bad_state", "the execution state is invalid";
    /// The change given is not the one the host decided and applied for the
    /// registration the execution waits for: active -> consumed (resume,
    /// cancel), active -> expired (expire), or a later expiry (extend)
    /// (`execution_not_applied`).
    PRANA_STATUS_EXECUTION_NOT_APPLIED = 1008,
        "execution_not_applied",
        "the change is not the one the host applied for the waiting registration";

    /// $execution names no webhook wait node (`expression_unknown_node`).
    PRANA_STATUS_EXPRESSION_UNKNOWN_NODE = 1100,
        "expression_unknown_node", "$execution names no webhook wait node";
    /// Unknown $execution field (`expression_unknown_field`).
    PRANA_STATUS_EXPRESSION_UNKNOWN_FIELD = 1101,
        "expression_unknown_field", "unknown $execution field";
    /// '{{' has no closing '}}' (`expression_unterminated`).
    PRANA_STATUS_EXPRESSION_UNTERMINATED = 1102,
        "expression_unterminated", "'{{' has no closing '}}'";
    /// Malformed $execution expression (`expression_malformed`).
    PRANA_STATUS_EXPRESSION_MALFORMED = 1103,
        "expression_malformed", "malformed $execution expression";
    /// A rendered value needs JSON escaping (`expression_unsafe_value`).
    PRANA_STATUS_EXPRESSION_UNSAFE_VALUE = 1104,
        "expression_unsafe_value", "a rendered value needs JSON escaping";

    /// The page description in `webhook_config` is invalid (`form_config_invalid`).
    PRANA_STATUS_FORM_CONFIG_INVALID = 1200,
        "form_config_invalid", "the page description in webhook_config is invalid";
    /// The form body is not valid x-www-form-urlencoded UTF-8 (`form_bad_encoding`).
    PRANA_STATUS_FORM_BAD_ENCODING = 1201,
        "form_bad_encoding", "the form body is not valid x-www-form-urlencoded UTF-8";
    /// A submitted field name is invalid (`form_bad_field_name`).
    PRANA_STATUS_FORM_BAD_FIELD_NAME = 1202,
        "form_bad_field_name", "a submitted field name is invalid";
    /// A submitted field is not in the form (`form_unknown_field`).
    PRANA_STATUS_FORM_UNKNOWN_FIELD = 1203,
        "form_unknown_field", "a submitted field is not in the form";
    /// A field was submitted twice (`form_repeated_field`).
    PRANA_STATUS_FORM_REPEATED_FIELD = 1204,
        "form_repeated_field", "a field was submitted twice";
    /// A required field is missing or empty (`form_field_required`).
    PRANA_STATUS_FORM_FIELD_REQUIRED = 1205,
        "form_field_required", "a required field is missing or empty";
    /// A number field holds no number (`form_field_not_a_number`).
    PRANA_STATUS_FORM_FIELD_NOT_A_NUMBER = 1206,
        "form_field_not_a_number", "a number field holds no number";
    /// A boolean field holds no boolean (`form_field_not_a_boolean`).
    PRANA_STATUS_FORM_FIELD_NOT_A_BOOLEAN = 1207,
        "form_field_not_a_boolean", "a boolean field holds no boolean";
    /// A select field holds a value that is not one of its options (`form_field_not_an_option`).
    PRANA_STATUS_FORM_FIELD_NOT_AN_OPTION = 1208,
        "form_field_not_an_option", "a select field holds a value that is not one of its options";
    /// The decision is not `approve` or `reject` (`form_bad_decision`).
    PRANA_STATUS_FORM_BAD_DECISION = 1209,
        "form_bad_decision", "the decision is not approve or reject";
}

impl prana_status {
    /// The snake_case code, as a static C string.
    pub fn code(self) -> &'static CStr {
        self.info().0
    }

    /// The description, as a static C string.
    pub fn description(self) -> &'static CStr {
        self.info().1
    }
}

/// The status whose code is `code`.
fn by_code(code: &str) -> Option<prana_status> {
    ALL.iter()
        .copied()
        .find(|s| s.code().to_bytes() == code.as_bytes())
}

/// The status for a core error. Every core error code has a status of the
/// same code (signature errors: their reason sub-code), so the mapping goes
/// by code and stays right when the core adds variants.
pub(crate) fn status_of(err: &Error) -> prana_status {
    match err {
        Error::Signature(e) => {
            by_code(e.reason()).unwrap_or(prana_status::PRANA_STATUS_INVALID_SIGNATURE)
        }
        Error::BufferTooSmall { .. } => prana_status::PRANA_STATUS_BUFFER_TOO_SMALL,
        _ => by_code(err.code()).unwrap_or(prana_status::PRANA_STATUS_UNKNOWN_ERROR),
    }
}

/// A short, static, NUL-terminated description of `status` (for example
/// "the webhook id is too long"). Unknown numbers give "unknown status".
/// Never NULL; the string lives for the whole program. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_status_str(status: u32) -> *const c_char {
    match prana_status::from_u32(status) {
        Some(s) => s.description().as_ptr(),
        None => c"unknown status".as_ptr(),
    }
}

/// The stable snake_case code of `status` (the core's error code, for example
/// "id_too_long"; "ok" for `PRANA_STATUS_OK`), static and NUL-terminated.
/// Unknown numbers give "unknown". Never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn prana_status_code(status: u32) -> *const c_char {
    match prana_status::from_u32(status) {
        Some(s) => s.code().as_ptr(),
        None => c"unknown".as_ptr(),
    }
}

/// Size of the `message` array of `prana_error` (message and NUL).
pub const PRANA_ERROR_BUF_SIZE: usize = 256;

/// The detail of a failed call, filled by every function that takes a
/// `prana_error *err` (its last argument) when `err` is not NULL.
///
/// On success `code` is `PRANA_STATUS_OK`, `message_len` is 0 and
/// `message` is "". On failure `code` is the returned status and `message`
/// the detail (for example "execution_id has a character outside
/// [A-Za-z0-9_-] at byte 3"), NUL-terminated. `message_len` is the full
/// length of the detail without the NUL: when it is
/// `PRANA_ERROR_BUF_SIZE` or more the message was cut to fit the
/// array (at a UTF-8 character boundary), which the length shows.
///
/// Ownership: caller memory (stack or static); the library only writes it
/// during the call. Thread safety: use one per thread (or per call); no
/// thread-local state is involved, so a `prana_error` may be read on any
/// thread.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct prana_error {
    /// The status the call returned.
    pub code: prana_status,
    /// Length of the full detail message in bytes, without the NUL.
    pub message_len: usize,
    /// The detail message, NUL-terminated (cut when `message_len` does not fit).
    pub message: [c_char; PRANA_ERROR_BUF_SIZE],
}

impl Default for prana_error {
    fn default() -> prana_error {
        prana_error {
            code: prana_status::PRANA_STATUS_OK,
            message_len: 0,
            message: [0; PRANA_ERROR_BUF_SIZE],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prana_status::*;

    #[test]
    fn numbers_are_unique_and_round_trip() {
        for (i, a) in ALL.iter().enumerate() {
            assert_eq!(prana_status::from_u32(*a as u32), Some(*a));
            for b in &ALL[i + 1..] {
                assert_ne!(*a as u32, *b as u32);
                assert_ne!(a.code(), b.code());
            }
        }
        assert_eq!(prana_status::from_u32(99_999), None);
    }

    #[test]
    fn every_code_is_its_name_in_lower_case() {
        for s in ALL {
            let name = format!("{s:?}");
            let code = s.code().to_str().unwrap();
            assert_eq!(
                name.strip_prefix("PRANA_STATUS_").unwrap().to_lowercase(),
                code
            );
            assert!(!s.description().to_bytes().is_empty());
        }
    }

    #[test]
    fn core_errors_map_to_their_status() {
        use prana_webhook_core::error::Part;
        use prana_webhook_core::executor::ExecutionError;
        use prana_webhook_core::lifecycle::Status;
        use prana_webhook_core::template::ExpressionError;
        use prana_webhook_core::token::SignatureError;
        use prana_webhook_core::wait::WaitError;
        use prana_webhook_core::workflow::WorkflowError;
        let cases = [
            (Error::EmptyPart(Part::NodeId), PRANA_STATUS_EMPTY_ID_PART),
            (
                Error::PartTooLong {
                    part: Part::NodeId,
                    len: 65,
                    max: 64,
                },
                PRANA_STATUS_ID_PART_TOO_LONG,
            ),
            (
                Error::BadCharacter {
                    part: Part::NodeId,
                    at: 1,
                },
                PRANA_STATUS_ID_PART_BAD_CHARACTER,
            ),
            (Error::MissingPrefix, PRANA_STATUS_MISSING_WEBHOOK_PREFIX),
            (Error::BadRandomTail, PRANA_STATUS_BAD_RANDOM_TAIL),
            (Error::MalformedResumeId, PRANA_STATUS_MALFORMED_RESUME_ID),
            (Error::EntropyUnavailable, PRANA_STATUS_ENTROPY_UNAVAILABLE),
            (Error::BaseUrlScheme, PRANA_STATUS_BASE_URL_SCHEME),
            (Error::BaseUrlHost, PRANA_STATUS_BASE_URL_HOST),
            (Error::BaseUrlPort, PRANA_STATUS_BASE_URL_PORT),
            (Error::BaseUrlQuery, PRANA_STATUS_BASE_URL_QUERY),
            (Error::BaseUrlFragment, PRANA_STATUS_BASE_URL_FRAGMENT),
            (Error::BaseUrlUserInfo, PRANA_STATUS_BASE_URL_USER_INFO),
            (Error::BaseUrlCharacter, PRANA_STATUS_BASE_URL_CHARACTER),
            (
                Error::BaseUrlEmptySegment,
                PRANA_STATUS_BASE_URL_EMPTY_SEGMENT,
            ),
            (Error::NotWebhookPath, PRANA_STATUS_NOT_WEBHOOK_PATH),
            (Error::UnknownKind, PRANA_STATUS_UNKNOWN_KIND),
            (Error::EmptyId, PRANA_STATUS_EMPTY_ID),
            (
                Error::IdTooLong { len: 1, max: 0 },
                PRANA_STATUS_ID_TOO_LONG,
            ),
            (
                Error::IdBadCharacter { at: 0 },
                PRANA_STATUS_ID_BAD_CHARACTER,
            ),
            (Error::ExtraSegments, PRANA_STATUS_EXTRA_SEGMENTS),
            (Error::PercentEncoded, PRANA_STATUS_PERCENT_ENCODED),
            (Error::MalformedTarget, PRANA_STATUS_MALFORMED_TARGET),
            (
                Error::InvalidTransition {
                    from: Status::Consumed,
                    to: Status::Active,
                },
                PRANA_STATUS_INVALID_TRANSITION,
            ),
            (
                Error::RegistrationExpired,
                PRANA_STATUS_REGISTRATION_EXPIRED,
            ),
            (Error::UnknownStatus, PRANA_STATUS_UNKNOWN_STATUS),
            (Error::AlreadyConsumed, PRANA_STATUS_ALREADY_CONSUMED),
            (Error::ResumeIdMismatch, PRANA_STATUS_RESUME_ID_MISMATCH),
            (
                Error::Capacity {
                    what: "x",
                    limit: 1,
                },
                PRANA_STATUS_CAPACITY_EXCEEDED,
            ),
            (
                Error::BufferTooSmall { needed: 1 },
                PRANA_STATUS_BUFFER_TOO_SMALL,
            ),
            (Error::Json("x"), PRANA_STATUS_INVALID_JSON),
            (Error::NotAnObject("x"), PRANA_STATUS_NOT_AN_OBJECT),
            (Error::JsonTooLarge, PRANA_STATUS_JSON_TOO_LARGE),
            (Error::NotAString("x"), PRANA_STATUS_NOT_A_STRING),
            (
                Error::JsonLoneSurrogate { at: 1 },
                PRANA_STATUS_JSON_LONE_SURROGATE,
            ),
            (
                Error::Signature(SignatureError::Mismatch),
                PRANA_STATUS_SIGNATURE_MISMATCH,
            ),
            (
                Error::Signature(SignatureError::KeySetFull { limit: 8 }),
                PRANA_STATUS_KEY_SET_FULL,
            ),
            (
                Error::Signature(SignatureError::NoMatchingSignature),
                PRANA_STATUS_WEBHOOK_SIGNATURE_MISMATCH,
            ),
            (
                Error::Wait(WaitError::ModeRequired),
                PRANA_STATUS_WAIT_MODE_REQUIRED,
            ),
            (
                Error::Wait(WaitError::TimeoutHoursInvalid),
                PRANA_STATUS_WAIT_TIMEOUT_HOURS_INVALID,
            ),
            (
                Error::Workflow(WorkflowError::NoNodes),
                PRANA_STATUS_WORKFLOW_NO_NODES,
            ),
            (
                Error::Workflow(WorkflowError::AmbiguousStart),
                PRANA_STATUS_WORKFLOW_AMBIGUOUS_START,
            ),
            (
                Error::Execution(ExecutionError::NotSuspended),
                PRANA_STATUS_EXECUTION_NOT_SUSPENDED,
            ),
            (
                Error::Execution(ExecutionError::BadState("x")),
                PRANA_STATUS_EXECUTION_BAD_STATE,
            ),
            (
                Error::Expression(ExpressionError::UnsafeValue),
                PRANA_STATUS_EXPRESSION_UNSAFE_VALUE,
            ),
        ];
        for (err, want) in cases {
            assert_eq!(status_of(&err), want, "{err:?}");
        }
    }
}
