//! `prana_status`: the result of every fallible function, and its mapping
//! from the core's [`Error`].

use core::ffi::{c_char, CStr};

use prana_webhook_core::Error;

/// The result of every fallible function.
///
/// Numbers are stable and grouped by area; a number is never reused or
/// renumbered. 0 is success; 1-99 are argument and ABI problems; then one
/// status per core error code: 100 resume IDs, 200 base URLs, 300 request
/// targets, 400 lifecycle, 500 capacity and JSON, 600 signatures, 700 the
/// HTTP head parser, 800 the wait action, 900 workflows, 1000 the executor.
///
/// `prana_status_str()` gives a short description and `prana_status_code()`
/// the core's snake_case code; `prana_last_error_message()` the detail of the
/// last failure on the calling thread.
///
/// In C the constants are an `enum` and `prana_status` is a `uint32_t`, so a
/// future library may return a number this header does not list: treat any
/// unknown non-zero value as a failure.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum prana_status {
    /// Success.
    PRANA_STATUS_OK = 0,
    /// A pointer argument that must not be NULL was NULL.
    PRANA_STATUS_NULL_ARGUMENT = 1,
    /// A text argument is not valid UTF-8.
    PRANA_STATUS_INVALID_UTF8 = 2,
    /// An output buffer is too small; `*out_len` holds the size needed
    /// (including the terminating NUL for strings).
    PRANA_STATUS_BUFFER_TOO_SMALL = 3,
    /// The library panicked (a bug); the call had no effect that can be relied on.
    PRANA_STATUS_PANIC = 4,
    /// A text argument contains a NUL byte.
    PRANA_STATUS_EMBEDDED_NUL = 5,
    /// An argument is out of range (a bad enum value, a seed of the wrong size, ...).
    PRANA_STATUS_INVALID_ARGUMENT = 6,
    /// The core reported an error this version of the C ABI has no status for.
    PRANA_STATUS_UNKNOWN_ERROR = 7,

    /// An execution id, node id or workflow id is empty (`empty_id_part`).
    PRANA_STATUS_EMPTY_ID_PART = 100,
    /// An id part is longer than 64 bytes (`id_part_too_long`).
    PRANA_STATUS_ID_PART_TOO_LONG = 101,
    /// An id part has a byte outside `[A-Za-z0-9_-]` (`id_part_bad_character`).
    PRANA_STATUS_ID_PART_BAD_CHARACTER = 102,
    /// A resume ID does not start with `webhook_` (`missing_webhook_prefix`).
    PRANA_STATUS_MISSING_WEBHOOK_PREFIX = 103,
    /// A resume ID does not end in `_` and 26 Crockford base32 characters (`bad_random_tail`).
    PRANA_STATUS_BAD_RANDOM_TAIL = 104,
    /// A resume ID does not split into execution id and node id (`malformed_resume_id`).
    PRANA_STATUS_MALFORMED_RESUME_ID = 105,
    /// The entropy source failed (`entropy_unavailable`).
    PRANA_STATUS_ENTROPY_UNAVAILABLE = 106,

    /// The base URL does not start with `http://` or `https://` (`base_url_scheme`).
    PRANA_STATUS_BASE_URL_SCHEME = 200,
    /// The base URL has no host (`base_url_host`).
    PRANA_STATUS_BASE_URL_HOST = 201,
    /// The base URL has a bad port (`base_url_port`).
    PRANA_STATUS_BASE_URL_PORT = 202,
    /// The base URL has a query (`base_url_query`).
    PRANA_STATUS_BASE_URL_QUERY = 203,
    /// The base URL has a fragment (`base_url_fragment`).
    PRANA_STATUS_BASE_URL_FRAGMENT = 204,
    /// The base URL has user info (`base_url_user_info`).
    PRANA_STATUS_BASE_URL_USER_INFO = 205,
    /// The base URL has a character that is not allowed (`base_url_character`).
    PRANA_STATUS_BASE_URL_CHARACTER = 206,
    /// The base URL path has an empty segment (`//`) (`base_url_empty_segment`).
    PRANA_STATUS_BASE_URL_EMPTY_SEGMENT = 207,

    /// The path is not under `{prefix}/webhook/workflow/` (`not_webhook_path`).
    PRANA_STATUS_NOT_WEBHOOK_PATH = 300,
    /// The kind segment is neither `trigger` nor `resume` (`unknown_kind`).
    PRANA_STATUS_UNKNOWN_KIND = 301,
    /// The id segment is empty (`empty_id`).
    PRANA_STATUS_EMPTY_ID = 302,
    /// The id is longer than allowed (`id_too_long`).
    PRANA_STATUS_ID_TOO_LONG = 303,
    /// The id has a byte that is not allowed (`id_bad_character`).
    PRANA_STATUS_ID_BAD_CHARACTER = 304,
    /// More path segments follow the id (`extra_segments`).
    PRANA_STATUS_EXTRA_SEGMENTS = 305,
    /// The path contains `%` (`percent_encoded`).
    PRANA_STATUS_PERCENT_ENCODED = 306,
    /// The request target is not a path or an http(s) URL (`malformed_target`).
    PRANA_STATUS_MALFORMED_TARGET = 307,

    /// A lifecycle transition not in the table (`invalid_transition`).
    PRANA_STATUS_INVALID_TRANSITION = 400,
    /// An active registration's `expires_at` has passed (`registration_expired`).
    PRANA_STATUS_REGISTRATION_EXPIRED = 401,
    /// A status name is not pending/active/consumed/expired (`unknown_status`).
    PRANA_STATUS_UNKNOWN_STATUS = 402,
    /// A consumed registration was asked to resume again (`already_consumed`).
    PRANA_STATUS_ALREADY_CONSUMED = 403,
    /// A resume ID was not made for the given execution and node (`resume_id_mismatch`).
    PRANA_STATUS_RESUME_ID_MISMATCH = 404,

    /// A fixed capacity was exceeded; the message names the limit (`capacity_exceeded`).
    PRANA_STATUS_CAPACITY_EXCEEDED = 500,
    /// JSON could not be parsed or has the wrong shape (`invalid_json`).
    PRANA_STATUS_INVALID_JSON = 501,
    /// A JSON value that must be an object is not one (`not_an_object`).
    PRANA_STATUS_NOT_AN_OBJECT = 502,
    /// Serialized JSON does not fit the library's buffer (`json_too_large`).
    PRANA_STATUS_JSON_TOO_LARGE = 503,
    /// A JSON value that must be a string is not one (`not_a_string`).
    PRANA_STATUS_NOT_A_STRING = 504,
    /// A JSON string has a `\uXXXX` escape that is half of a UTF-16 surrogate
    /// pair without the other half, so it has no UTF-8 form (`json_lone_surrogate`).
    PRANA_STATUS_JSON_LONE_SURROGATE = 505,

    /// A signature, signing key or webhook secret was rejected for a reason this
    /// version has no finer status for (`invalid_signature`).
    PRANA_STATUS_INVALID_SIGNATURE = 600,
    /// A key id must be 1 to 8 characters of [a-z0-9] (`key_id_invalid`).
    PRANA_STATUS_KEY_ID_INVALID = 601,
    /// A key secret is too short (`key_secret_too_short`).
    PRANA_STATUS_KEY_SECRET_TOO_SHORT = 602,
    /// The key set is full (`key_set_full`).
    PRANA_STATUS_KEY_SET_FULL = 603,
    /// A key with this key id is already in the key set (`key_id_duplicated`).
    PRANA_STATUS_KEY_ID_DUPLICATED = 604,
    /// No key with this key id is in the key set (`key_not_found`).
    PRANA_STATUS_KEY_NOT_FOUND = 605,
    /// The key set has no key to sign with (`no_signing_key`).
    PRANA_STATUS_NO_SIGNING_KEY = 606,
    /// The resume URL has no 'sig' parameter (`signature_missing`).
    PRANA_STATUS_SIGNATURE_MISSING = 610,
    /// The resume URL has more than one 'sig' parameter (`signature_duplicated`).
    PRANA_STATUS_SIGNATURE_DUPLICATED = 611,
    /// The 'sig' parameter is malformed (`signature_malformed`).
    PRANA_STATUS_SIGNATURE_MALFORMED = 612,
    /// The 'sig' mac is truncated (`signature_truncated`).
    PRANA_STATUS_SIGNATURE_TRUNCATED = 613,
    /// The 'sig' mac has the wrong length (`signature_wrong_length`).
    PRANA_STATUS_SIGNATURE_WRONG_LENGTH = 614,
    /// The 'sig' key id is not in the key set (`signature_unknown_key`).
    PRANA_STATUS_SIGNATURE_UNKNOWN_KEY = 615,
    /// The 'sig' does not match the resume id (`signature_mismatch`).
    PRANA_STATUS_SIGNATURE_MISMATCH = 616,
    /// A webhook secret must start with 'whsec_' (`webhook_secret_prefix`).
    PRANA_STATUS_WEBHOOK_SECRET_PREFIX = 620,
    /// A webhook secret is not valid base64 (`webhook_secret_base64`).
    PRANA_STATUS_WEBHOOK_SECRET_BASE64 = 621,
    /// A webhook secret has no key bytes (`webhook_secret_empty`).
    PRANA_STATUS_WEBHOOK_SECRET_EMPTY = 622,
    /// A webhook secret is too long (`webhook_secret_too_long`).
    PRANA_STATUS_WEBHOOK_SECRET_TOO_LONG = 623,
    /// Webhook-timestamp is not a number of unix seconds (`webhook_timestamp_invalid`).
    PRANA_STATUS_WEBHOOK_TIMESTAMP_INVALID = 624,
    /// Webhook-timestamp is too old (`webhook_timestamp_too_old`).
    PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_OLD = 625,
    /// Webhook-timestamp is too far in the future (`webhook_timestamp_too_new`).
    PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_NEW = 626,
    /// Webhook-signature has no v1 entry (`webhook_signature_no_v1`).
    PRANA_STATUS_WEBHOOK_SIGNATURE_NO_V1 = 627,
    /// A webhook-signature entry is not valid base64 (`webhook_signature_base64`).
    PRANA_STATUS_WEBHOOK_SIGNATURE_BASE64 = 628,
    /// No webhook-signature entry matches (`webhook_signature_mismatch`).
    PRANA_STATUS_WEBHOOK_SIGNATURE_MISMATCH = 629,

    /// The HTTP request head is not complete yet: read more bytes and parse again.
    PRANA_STATUS_HTTP_INCOMPLETE = 700,
    /// The HTTP request has more than `PRANA_HTTP_MAX_HEADERS` headers.
    PRANA_STATUS_HTTP_TOO_MANY_HEADERS = 701,
    /// The HTTP request head is malformed (bad method, target, version, header or line ending).
    PRANA_STATUS_HTTP_MALFORMED = 702,
    /// The body framing is unsafe: a bad `Content-Length`, several that differ, or
    /// `Content-Length` together with `Transfer-Encoding`.
    PRANA_STATUS_HTTP_BAD_FRAMING = 703,
    /// The requested header is not present.
    PRANA_STATUS_HTTP_HEADER_NOT_FOUND = 704,

    /// Mode is required (`wait_mode_required`).
    PRANA_STATUS_WAIT_MODE_REQUIRED = 800,
    /// Mode must be 'interval', 'schedule', or 'webhook' (`wait_mode_invalid`).
    PRANA_STATUS_WAIT_MODE_INVALID = 801,
    /// Duration is required (`wait_duration_required`).
    PRANA_STATUS_WAIT_DURATION_REQUIRED = 802,
    /// Duration must be a positive number (`wait_duration_invalid`).
    PRANA_STATUS_WAIT_DURATION_INVALID = 803,
    /// Unit must be 'ms', 'seconds', 'minutes', or 'hours' (`wait_unit_invalid`).
    PRANA_STATUS_WAIT_UNIT_INVALID = 804,
    /// Schedule_at is required (`wait_schedule_at_required`).
    PRANA_STATUS_WAIT_SCHEDULE_AT_REQUIRED = 805,
    /// Schedule_at must be an ISO8601 datetime string (`wait_schedule_at_invalid`).
    PRANA_STATUS_WAIT_SCHEDULE_AT_INVALID = 806,
    /// Schedule_at must be in the future (`wait_schedule_at_past`).
    PRANA_STATUS_WAIT_SCHEDULE_AT_PAST = 807,
    /// Timezone must be a string of at most 64 bytes (`wait_timezone_invalid`).
    PRANA_STATUS_WAIT_TIMEZONE_INVALID = 808,
    /// Timeout_hours must be a positive number between 1 and 8760 (1 year) (`wait_timeout_hours_invalid`).
    PRANA_STATUS_WAIT_TIMEOUT_HOURS_INVALID = 809,
    /// The current node_id is missing (`wait_missing_node_id`).
    PRANA_STATUS_WAIT_MISSING_NODE_ID = 810,
    /// The execution has no resume_url for this wait node (`wait_no_resume_url`).
    PRANA_STATUS_WAIT_NO_RESUME_URL = 811,

    /// The workflow is missing a required member (`workflow_missing_field`).
    PRANA_STATUS_WORKFLOW_MISSING_FIELD = 900,
    /// A workflow member has the wrong type (`workflow_field_type`).
    PRANA_STATUS_WORKFLOW_FIELD_TYPE = 901,
    /// The workflow has no nodes (`workflow_no_nodes`).
    PRANA_STATUS_WORKFLOW_NO_NODES = 902,
    /// A node is not an object with string key and type (`workflow_bad_node`).
    PRANA_STATUS_WORKFLOW_BAD_NODE = 903,
    /// A node key is not 1-64 bytes of [A-Za-z0-9_-] (`workflow_bad_node_key`).
    PRANA_STATUS_WORKFLOW_BAD_NODE_KEY = 904,
    /// A node type is not 1-64 bytes of [A-Za-z0-9_.-] (`workflow_bad_node_type`).
    PRANA_STATUS_WORKFLOW_BAD_NODE_TYPE = 905,
    /// Node params must be a JSON object (`workflow_bad_params`).
    PRANA_STATUS_WORKFLOW_BAD_PARAMS = 906,
    /// Two nodes share a key (`workflow_duplicate_key`).
    PRANA_STATUS_WORKFLOW_DUPLICATE_KEY = 907,
    /// A connection is malformed (`workflow_bad_connection`).
    PRANA_STATUS_WORKFLOW_BAD_CONNECTION = 908,
    /// A connection port is not 1-32 bytes of [a-z0-9_] (`workflow_bad_port`).
    PRANA_STATUS_WORKFLOW_BAD_PORT = 909,
    /// A connection names a node that does not exist (`workflow_dangling_connection`).
    PRANA_STATUS_WORKFLOW_DANGLING_CONNECTION = 910,
    /// A connection leaves a wait node by a port it does not have (`workflow_unknown_port`).
    PRANA_STATUS_WORKFLOW_UNKNOWN_PORT = 911,
    /// A port already leads to another node (`workflow_port_already_connected`).
    PRANA_STATUS_WORKFLOW_PORT_ALREADY_CONNECTED = 912,
    /// The workflow has a cycle (`workflow_cycle`).
    PRANA_STATUS_WORKFLOW_CYCLE = 913,
    /// 'start' names no node (`workflow_unknown_start`).
    PRANA_STATUS_WORKFLOW_UNKNOWN_START = 914,
    /// The workflow has no start node (`workflow_no_start`).
    PRANA_STATUS_WORKFLOW_NO_START = 915,
    /// Several nodes could be the start node (`workflow_ambiguous_start`).
    PRANA_STATUS_WORKFLOW_AMBIGUOUS_START = 916,

    /// Can only resume suspended executions (`execution_not_suspended`).
    PRANA_STATUS_EXECUTION_NOT_SUSPENDED = 1000,
    /// The execution has already run (`execution_already_started`).
    PRANA_STATUS_EXECUTION_ALREADY_STARTED = 1001,
    /// The resume id belongs to no wait node of this execution (`execution_unknown_resume_id`).
    PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID = 1002,
    /// The execution is not suspended at that wait node (`execution_not_waiting_here`).
    PRANA_STATUS_EXECUTION_NOT_WAITING_HERE = 1003,
    /// The execution waits for a webhook, not a timer (`execution_not_timer`).
    PRANA_STATUS_EXECUTION_NOT_TIMER = 1004,
    /// The wait is not over yet (`execution_not_due`).
    PRANA_STATUS_EXECUTION_NOT_DUE = 1005,
    /// The execution state does not belong to this workflow (`execution_workflow_mismatch`).
    PRANA_STATUS_EXECUTION_WORKFLOW_MISMATCH = 1006,
    /// The execution state is invalid (`execution_bad_state`).
    PRANA_STATUS_EXECUTION_BAD_STATE = 1007,

    /// $execution names no webhook wait node (`expression_unknown_node`).
    PRANA_STATUS_EXPRESSION_UNKNOWN_NODE = 1100,
    /// Unknown $execution field (`expression_unknown_field`).
    PRANA_STATUS_EXPRESSION_UNKNOWN_FIELD = 1101,
    /// '{{' has no closing '}}' (`expression_unterminated`).
    PRANA_STATUS_EXPRESSION_UNTERMINATED = 1102,
    /// Malformed $execution expression (`expression_malformed`).
    PRANA_STATUS_EXPRESSION_MALFORMED = 1103,
    /// A rendered value needs JSON escaping (`expression_unsafe_value`).
    PRANA_STATUS_EXPRESSION_UNSAFE_VALUE = 1104,
}

use prana_status::*;

/// Every status, for number -> status conversion.
const ALL: &[prana_status] = &[
    PRANA_STATUS_OK,
    PRANA_STATUS_NULL_ARGUMENT,
    PRANA_STATUS_INVALID_UTF8,
    PRANA_STATUS_BUFFER_TOO_SMALL,
    PRANA_STATUS_PANIC,
    PRANA_STATUS_EMBEDDED_NUL,
    PRANA_STATUS_INVALID_ARGUMENT,
    PRANA_STATUS_UNKNOWN_ERROR,
    PRANA_STATUS_EMPTY_ID_PART,
    PRANA_STATUS_ID_PART_TOO_LONG,
    PRANA_STATUS_ID_PART_BAD_CHARACTER,
    PRANA_STATUS_MISSING_WEBHOOK_PREFIX,
    PRANA_STATUS_BAD_RANDOM_TAIL,
    PRANA_STATUS_MALFORMED_RESUME_ID,
    PRANA_STATUS_ENTROPY_UNAVAILABLE,
    PRANA_STATUS_BASE_URL_SCHEME,
    PRANA_STATUS_BASE_URL_HOST,
    PRANA_STATUS_BASE_URL_PORT,
    PRANA_STATUS_BASE_URL_QUERY,
    PRANA_STATUS_BASE_URL_FRAGMENT,
    PRANA_STATUS_BASE_URL_USER_INFO,
    PRANA_STATUS_BASE_URL_CHARACTER,
    PRANA_STATUS_BASE_URL_EMPTY_SEGMENT,
    PRANA_STATUS_NOT_WEBHOOK_PATH,
    PRANA_STATUS_UNKNOWN_KIND,
    PRANA_STATUS_EMPTY_ID,
    PRANA_STATUS_ID_TOO_LONG,
    PRANA_STATUS_ID_BAD_CHARACTER,
    PRANA_STATUS_EXTRA_SEGMENTS,
    PRANA_STATUS_PERCENT_ENCODED,
    PRANA_STATUS_MALFORMED_TARGET,
    PRANA_STATUS_INVALID_TRANSITION,
    PRANA_STATUS_REGISTRATION_EXPIRED,
    PRANA_STATUS_UNKNOWN_STATUS,
    PRANA_STATUS_ALREADY_CONSUMED,
    PRANA_STATUS_RESUME_ID_MISMATCH,
    PRANA_STATUS_CAPACITY_EXCEEDED,
    PRANA_STATUS_INVALID_JSON,
    PRANA_STATUS_NOT_AN_OBJECT,
    PRANA_STATUS_JSON_TOO_LARGE,
    PRANA_STATUS_NOT_A_STRING,
    PRANA_STATUS_JSON_LONE_SURROGATE,
    PRANA_STATUS_INVALID_SIGNATURE,
    PRANA_STATUS_KEY_ID_INVALID,
    PRANA_STATUS_KEY_SECRET_TOO_SHORT,
    PRANA_STATUS_KEY_SET_FULL,
    PRANA_STATUS_KEY_ID_DUPLICATED,
    PRANA_STATUS_KEY_NOT_FOUND,
    PRANA_STATUS_NO_SIGNING_KEY,
    PRANA_STATUS_SIGNATURE_MISSING,
    PRANA_STATUS_SIGNATURE_DUPLICATED,
    PRANA_STATUS_SIGNATURE_MALFORMED,
    PRANA_STATUS_SIGNATURE_TRUNCATED,
    PRANA_STATUS_SIGNATURE_WRONG_LENGTH,
    PRANA_STATUS_SIGNATURE_UNKNOWN_KEY,
    PRANA_STATUS_SIGNATURE_MISMATCH,
    PRANA_STATUS_WEBHOOK_SECRET_PREFIX,
    PRANA_STATUS_WEBHOOK_SECRET_BASE64,
    PRANA_STATUS_WEBHOOK_SECRET_EMPTY,
    PRANA_STATUS_WEBHOOK_SECRET_TOO_LONG,
    PRANA_STATUS_WEBHOOK_TIMESTAMP_INVALID,
    PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_OLD,
    PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_NEW,
    PRANA_STATUS_WEBHOOK_SIGNATURE_NO_V1,
    PRANA_STATUS_WEBHOOK_SIGNATURE_BASE64,
    PRANA_STATUS_WEBHOOK_SIGNATURE_MISMATCH,
    PRANA_STATUS_HTTP_INCOMPLETE,
    PRANA_STATUS_HTTP_TOO_MANY_HEADERS,
    PRANA_STATUS_HTTP_MALFORMED,
    PRANA_STATUS_HTTP_BAD_FRAMING,
    PRANA_STATUS_HTTP_HEADER_NOT_FOUND,
    PRANA_STATUS_WAIT_MODE_REQUIRED,
    PRANA_STATUS_WAIT_MODE_INVALID,
    PRANA_STATUS_WAIT_DURATION_REQUIRED,
    PRANA_STATUS_WAIT_DURATION_INVALID,
    PRANA_STATUS_WAIT_UNIT_INVALID,
    PRANA_STATUS_WAIT_SCHEDULE_AT_REQUIRED,
    PRANA_STATUS_WAIT_SCHEDULE_AT_INVALID,
    PRANA_STATUS_WAIT_SCHEDULE_AT_PAST,
    PRANA_STATUS_WAIT_TIMEZONE_INVALID,
    PRANA_STATUS_WAIT_TIMEOUT_HOURS_INVALID,
    PRANA_STATUS_WAIT_MISSING_NODE_ID,
    PRANA_STATUS_WAIT_NO_RESUME_URL,
    PRANA_STATUS_WORKFLOW_MISSING_FIELD,
    PRANA_STATUS_WORKFLOW_FIELD_TYPE,
    PRANA_STATUS_WORKFLOW_NO_NODES,
    PRANA_STATUS_WORKFLOW_BAD_NODE,
    PRANA_STATUS_WORKFLOW_BAD_NODE_KEY,
    PRANA_STATUS_WORKFLOW_BAD_NODE_TYPE,
    PRANA_STATUS_WORKFLOW_BAD_PARAMS,
    PRANA_STATUS_WORKFLOW_DUPLICATE_KEY,
    PRANA_STATUS_WORKFLOW_BAD_CONNECTION,
    PRANA_STATUS_WORKFLOW_BAD_PORT,
    PRANA_STATUS_WORKFLOW_DANGLING_CONNECTION,
    PRANA_STATUS_WORKFLOW_UNKNOWN_PORT,
    PRANA_STATUS_WORKFLOW_PORT_ALREADY_CONNECTED,
    PRANA_STATUS_WORKFLOW_CYCLE,
    PRANA_STATUS_WORKFLOW_UNKNOWN_START,
    PRANA_STATUS_WORKFLOW_NO_START,
    PRANA_STATUS_WORKFLOW_AMBIGUOUS_START,
    PRANA_STATUS_EXECUTION_NOT_SUSPENDED,
    PRANA_STATUS_EXECUTION_ALREADY_STARTED,
    PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID,
    PRANA_STATUS_EXECUTION_NOT_WAITING_HERE,
    PRANA_STATUS_EXECUTION_NOT_TIMER,
    PRANA_STATUS_EXECUTION_NOT_DUE,
    PRANA_STATUS_EXECUTION_WORKFLOW_MISMATCH,
    PRANA_STATUS_EXECUTION_BAD_STATE,
    PRANA_STATUS_EXPRESSION_UNKNOWN_NODE,
    PRANA_STATUS_EXPRESSION_UNKNOWN_FIELD,
    PRANA_STATUS_EXPRESSION_UNTERMINATED,
    PRANA_STATUS_EXPRESSION_MALFORMED,
    PRANA_STATUS_EXPRESSION_UNSAFE_VALUE,
];

impl prana_status {
    /// The status with number `n`, if there is one.
    pub fn from_u32(n: u32) -> Option<prana_status> {
        ALL.iter().copied().find(|s| *s as u32 == n)
    }

    /// (snake_case code, description).
    fn info(self) -> (&'static CStr, &'static CStr) {
        match self {
            PRANA_STATUS_OK => (c"ok", c"success"),
            PRANA_STATUS_NULL_ARGUMENT => {
                (c"null_argument", c"a required pointer argument is NULL")
            }
            PRANA_STATUS_INVALID_UTF8 => (c"invalid_utf8", c"a text argument is not valid UTF-8"),
            PRANA_STATUS_BUFFER_TOO_SMALL => {
                (c"buffer_too_small", c"the output buffer is too small")
            }
            PRANA_STATUS_PANIC => (c"panic", c"internal error: the library panicked"),
            PRANA_STATUS_EMBEDDED_NUL => (c"embedded_nul", c"a text argument contains a NUL byte"),
            PRANA_STATUS_INVALID_ARGUMENT => (c"invalid_argument", c"an argument is out of range"),
            PRANA_STATUS_UNKNOWN_ERROR => (c"unknown_error", c"an error without a C status"),
            PRANA_STATUS_EMPTY_ID_PART => (c"empty_id_part", c"an id part is empty"),
            PRANA_STATUS_ID_PART_TOO_LONG => (c"id_part_too_long", c"an id part is too long"),
            PRANA_STATUS_ID_PART_BAD_CHARACTER => (
                c"id_part_bad_character",
                c"an id part has a character outside [A-Za-z0-9_-]",
            ),
            PRANA_STATUS_MISSING_WEBHOOK_PREFIX => (
                c"missing_webhook_prefix",
                c"resume id must start with 'webhook_'",
            ),
            PRANA_STATUS_BAD_RANDOM_TAIL => (
                c"bad_random_tail",
                c"resume id must end in '_' and 26 lowercase Crockford base32 characters",
            ),
            PRANA_STATUS_MALFORMED_RESUME_ID => (
                c"malformed_resume_id",
                c"resume id must look like webhook_{execution_id}_{node_id}_{random}",
            ),
            PRANA_STATUS_ENTROPY_UNAVAILABLE => {
                (c"entropy_unavailable", c"the entropy source failed")
            }
            PRANA_STATUS_BASE_URL_SCHEME => (
                c"base_url_scheme",
                c"base URL must start with http:// or https://",
            ),
            PRANA_STATUS_BASE_URL_HOST => (c"base_url_host", c"base URL has no host"),
            PRANA_STATUS_BASE_URL_PORT => (c"base_url_port", c"base URL has a bad port"),
            PRANA_STATUS_BASE_URL_QUERY => {
                (c"base_url_query", c"base URL must not contain a query")
            }
            PRANA_STATUS_BASE_URL_FRAGMENT => (
                c"base_url_fragment",
                c"base URL must not contain a fragment",
            ),
            PRANA_STATUS_BASE_URL_USER_INFO => (
                c"base_url_user_info",
                c"base URL must not contain user info",
            ),
            PRANA_STATUS_BASE_URL_CHARACTER => (
                c"base_url_character",
                c"base URL contains a character that is not allowed",
            ),
            PRANA_STATUS_BASE_URL_EMPTY_SEGMENT => (
                c"base_url_empty_segment",
                c"base URL path has an empty segment ('//')",
            ),
            PRANA_STATUS_NOT_WEBHOOK_PATH => (c"not_webhook_path", c"path is not a webhook path"),
            PRANA_STATUS_UNKNOWN_KIND => (
                c"unknown_kind",
                c"unknown webhook kind: expected 'trigger' or 'resume'",
            ),
            PRANA_STATUS_EMPTY_ID => (c"empty_id", c"the webhook id is empty"),
            PRANA_STATUS_ID_TOO_LONG => (c"id_too_long", c"the webhook id is too long"),
            PRANA_STATUS_ID_BAD_CHARACTER => (
                c"id_bad_character",
                c"the webhook id has a character that is not allowed",
            ),
            PRANA_STATUS_EXTRA_SEGMENTS => (
                c"extra_segments",
                c"unexpected path segments after the webhook id",
            ),
            PRANA_STATUS_PERCENT_ENCODED => (
                c"percent_encoded",
                c"percent-encoded characters are not allowed in webhook paths",
            ),
            PRANA_STATUS_MALFORMED_TARGET => (
                c"malformed_target",
                c"request target must be a path or an http(s) URL",
            ),
            PRANA_STATUS_INVALID_TRANSITION => {
                (c"invalid_transition", c"invalid lifecycle state transition")
            }
            PRANA_STATUS_REGISTRATION_EXPIRED => (
                c"registration_expired",
                c"the webhook registration has expired",
            ),
            PRANA_STATUS_UNKNOWN_STATUS => (
                c"unknown_status",
                c"status must be 'pending', 'active', 'consumed' or 'expired'",
            ),
            PRANA_STATUS_ALREADY_CONSUMED => {
                (c"already_consumed", c"the webhook has already been used")
            }
            PRANA_STATUS_RESUME_ID_MISMATCH => (
                c"resume_id_mismatch",
                c"resume_id was not made for this execution_id and node_id",
            ),
            PRANA_STATUS_CAPACITY_EXCEEDED => {
                (c"capacity_exceeded", c"a fixed capacity was exceeded")
            }
            PRANA_STATUS_INVALID_JSON => (c"invalid_json", c"invalid JSON"),
            PRANA_STATUS_NOT_AN_OBJECT => (c"not_an_object", c"a value must be a JSON object"),
            PRANA_STATUS_JSON_TOO_LARGE => (c"json_too_large", c"serialized JSON is too large"),
            PRANA_STATUS_NOT_A_STRING => (c"not_a_string", c"a value must be a JSON string"),
            PRANA_STATUS_JSON_LONE_SURROGATE => (
                c"json_lone_surrogate",
                c"a JSON string has a lone UTF-16 surrogate escape",
            ),
            PRANA_STATUS_INVALID_SIGNATURE => (c"invalid_signature", c"invalid signature"),
            PRANA_STATUS_HTTP_INCOMPLETE => {
                (c"http_incomplete", c"the HTTP request head is incomplete")
            }
            PRANA_STATUS_HTTP_TOO_MANY_HEADERS => (
                c"http_too_many_headers",
                c"the HTTP request has too many headers",
            ),
            PRANA_STATUS_HTTP_MALFORMED => {
                (c"http_malformed", c"the HTTP request head is malformed")
            }
            PRANA_STATUS_HTTP_BAD_FRAMING => (
                c"http_bad_framing",
                c"bad Content-Length or conflicting body framing",
            ),
            PRANA_STATUS_HTTP_HEADER_NOT_FOUND => {
                (c"http_header_not_found", c"the HTTP header is not present")
            }
            PRANA_STATUS_KEY_ID_INVALID => (
                c"key_id_invalid",
                c"a key id must be 1 to 8 characters of [a-z0-9]",
            ),
            PRANA_STATUS_KEY_SECRET_TOO_SHORT => {
                (c"key_secret_too_short", c"a key secret is too short")
            }
            PRANA_STATUS_KEY_SET_FULL => (c"key_set_full", c"the key set is full"),
            PRANA_STATUS_KEY_ID_DUPLICATED => (
                c"key_id_duplicated",
                c"a key with this key id is already in the key set",
            ),
            PRANA_STATUS_KEY_NOT_FOUND => (
                c"key_not_found",
                c"no key with this key id is in the key set",
            ),
            PRANA_STATUS_NO_SIGNING_KEY => {
                (c"no_signing_key", c"the key set has no key to sign with")
            }
            PRANA_STATUS_SIGNATURE_MISSING => (
                c"signature_missing",
                c"the resume URL has no 'sig' parameter",
            ),
            PRANA_STATUS_SIGNATURE_DUPLICATED => (
                c"signature_duplicated",
                c"the resume URL has more than one 'sig' parameter",
            ),
            PRANA_STATUS_SIGNATURE_MALFORMED => {
                (c"signature_malformed", c"the 'sig' parameter is malformed")
            }
            PRANA_STATUS_SIGNATURE_TRUNCATED => {
                (c"signature_truncated", c"the 'sig' mac is truncated")
            }
            PRANA_STATUS_SIGNATURE_WRONG_LENGTH => (
                c"signature_wrong_length",
                c"the 'sig' mac has the wrong length",
            ),
            PRANA_STATUS_SIGNATURE_UNKNOWN_KEY => (
                c"signature_unknown_key",
                c"the 'sig' key id is not in the key set",
            ),
            PRANA_STATUS_SIGNATURE_MISMATCH => (
                c"signature_mismatch",
                c"the 'sig' does not match the resume id",
            ),
            PRANA_STATUS_WEBHOOK_SECRET_PREFIX => (
                c"webhook_secret_prefix",
                c"a webhook secret must start with 'whsec_'",
            ),
            PRANA_STATUS_WEBHOOK_SECRET_BASE64 => (
                c"webhook_secret_base64",
                c"a webhook secret is not valid base64",
            ),
            PRANA_STATUS_WEBHOOK_SECRET_EMPTY => (
                c"webhook_secret_empty",
                c"a webhook secret has no key bytes",
            ),
            PRANA_STATUS_WEBHOOK_SECRET_TOO_LONG => {
                (c"webhook_secret_too_long", c"a webhook secret is too long")
            }
            PRANA_STATUS_WEBHOOK_TIMESTAMP_INVALID => (
                c"webhook_timestamp_invalid",
                c"webhook-timestamp is not a number of unix seconds",
            ),
            PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_OLD => (
                c"webhook_timestamp_too_old",
                c"webhook-timestamp is too old",
            ),
            PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_NEW => (
                c"webhook_timestamp_too_new",
                c"webhook-timestamp is too far in the future",
            ),
            PRANA_STATUS_WEBHOOK_SIGNATURE_NO_V1 => (
                c"webhook_signature_no_v1",
                c"webhook-signature has no v1 entry",
            ),
            PRANA_STATUS_WEBHOOK_SIGNATURE_BASE64 => (
                c"webhook_signature_base64",
                c"a webhook-signature entry is not valid base64",
            ),
            PRANA_STATUS_WEBHOOK_SIGNATURE_MISMATCH => (
                c"webhook_signature_mismatch",
                c"no webhook-signature entry matches",
            ),
            PRANA_STATUS_WAIT_MODE_REQUIRED => (c"wait_mode_required", c"mode is required"),
            PRANA_STATUS_WAIT_MODE_INVALID => (
                c"wait_mode_invalid",
                c"mode must be 'interval', 'schedule', or 'webhook'",
            ),
            PRANA_STATUS_WAIT_DURATION_REQUIRED => {
                (c"wait_duration_required", c"duration is required")
            }
            PRANA_STATUS_WAIT_DURATION_INVALID => (
                c"wait_duration_invalid",
                c"duration must be a positive number",
            ),
            PRANA_STATUS_WAIT_UNIT_INVALID => (
                c"wait_unit_invalid",
                c"unit must be 'ms', 'seconds', 'minutes', or 'hours'",
            ),
            PRANA_STATUS_WAIT_SCHEDULE_AT_REQUIRED => {
                (c"wait_schedule_at_required", c"schedule_at is required")
            }
            PRANA_STATUS_WAIT_SCHEDULE_AT_INVALID => (
                c"wait_schedule_at_invalid",
                c"schedule_at must be an ISO8601 datetime string",
            ),
            PRANA_STATUS_WAIT_SCHEDULE_AT_PAST => (
                c"wait_schedule_at_past",
                c"schedule_at must be in the future",
            ),
            PRANA_STATUS_WAIT_TIMEZONE_INVALID => (
                c"wait_timezone_invalid",
                c"timezone must be a string of at most 64 bytes",
            ),
            PRANA_STATUS_WAIT_TIMEOUT_HOURS_INVALID => (
                c"wait_timeout_hours_invalid",
                c"timeout_hours must be a positive number between 1 and 8760 (1 year)",
            ),
            PRANA_STATUS_WAIT_MISSING_NODE_ID => {
                (c"wait_missing_node_id", c"the current node_id is missing")
            }
            PRANA_STATUS_WAIT_NO_RESUME_URL => (
                c"wait_no_resume_url",
                c"the execution has no resume_url for this wait node",
            ),
            PRANA_STATUS_WORKFLOW_MISSING_FIELD => (
                c"workflow_missing_field",
                c"the workflow is missing a required member",
            ),
            PRANA_STATUS_WORKFLOW_FIELD_TYPE => (
                c"workflow_field_type",
                c"a workflow member has the wrong type",
            ),
            PRANA_STATUS_WORKFLOW_NO_NODES => (c"workflow_no_nodes", c"the workflow has no nodes"),
            PRANA_STATUS_WORKFLOW_BAD_NODE => (
                c"workflow_bad_node",
                c"a node is not an object with string key and type",
            ),
            PRANA_STATUS_WORKFLOW_BAD_NODE_KEY => (
                c"workflow_bad_node_key",
                c"a node key is not 1-64 bytes of [A-Za-z0-9_-]",
            ),
            PRANA_STATUS_WORKFLOW_BAD_NODE_TYPE => (
                c"workflow_bad_node_type",
                c"a node type is not 1-64 bytes of [A-Za-z0-9_.-]",
            ),
            PRANA_STATUS_WORKFLOW_BAD_PARAMS => {
                (c"workflow_bad_params", c"node params must be a JSON object")
            }
            PRANA_STATUS_WORKFLOW_DUPLICATE_KEY => {
                (c"workflow_duplicate_key", c"two nodes share a key")
            }
            PRANA_STATUS_WORKFLOW_BAD_CONNECTION => {
                (c"workflow_bad_connection", c"a connection is malformed")
            }
            PRANA_STATUS_WORKFLOW_BAD_PORT => (
                c"workflow_bad_port",
                c"a connection port is not 1-32 bytes of [a-z0-9_]",
            ),
            PRANA_STATUS_WORKFLOW_DANGLING_CONNECTION => (
                c"workflow_dangling_connection",
                c"a connection names a node that does not exist",
            ),
            PRANA_STATUS_WORKFLOW_UNKNOWN_PORT => (
                c"workflow_unknown_port",
                c"a connection leaves a wait node by a port it does not have",
            ),
            PRANA_STATUS_WORKFLOW_PORT_ALREADY_CONNECTED => (
                c"workflow_port_already_connected",
                c"a port already leads to another node",
            ),
            PRANA_STATUS_WORKFLOW_CYCLE => (c"workflow_cycle", c"the workflow has a cycle"),
            PRANA_STATUS_WORKFLOW_UNKNOWN_START => {
                (c"workflow_unknown_start", c"'start' names no node")
            }
            PRANA_STATUS_WORKFLOW_NO_START => {
                (c"workflow_no_start", c"the workflow has no start node")
            }
            PRANA_STATUS_WORKFLOW_AMBIGUOUS_START => (
                c"workflow_ambiguous_start",
                c"several nodes could be the start node",
            ),
            PRANA_STATUS_EXECUTION_NOT_SUSPENDED => (
                c"execution_not_suspended",
                c"Can only resume suspended executions",
            ),
            PRANA_STATUS_EXECUTION_ALREADY_STARTED => (
                c"execution_already_started",
                c"the execution has already run",
            ),
            PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID => (
                c"execution_unknown_resume_id",
                c"the resume id belongs to no wait node of this execution",
            ),
            PRANA_STATUS_EXECUTION_NOT_WAITING_HERE => (
                c"execution_not_waiting_here",
                c"the execution is not suspended at that wait node",
            ),
            PRANA_STATUS_EXECUTION_NOT_TIMER => (
                c"execution_not_timer",
                c"the execution waits for a webhook, not a timer",
            ),
            PRANA_STATUS_EXECUTION_NOT_DUE => (c"execution_not_due", c"the wait is not over yet"),
            PRANA_STATUS_EXECUTION_WORKFLOW_MISMATCH => (
                c"execution_workflow_mismatch",
                c"the execution state does not belong to this workflow",
            ),
            PRANA_STATUS_EXECUTION_BAD_STATE => {
                (c"execution_bad_state", c"the execution state is invalid")
            }
            PRANA_STATUS_EXPRESSION_UNKNOWN_NODE => (
                c"expression_unknown_node",
                c"$execution names no webhook wait node",
            ),
            PRANA_STATUS_EXPRESSION_UNKNOWN_FIELD => {
                (c"expression_unknown_field", c"unknown $execution field")
            }
            PRANA_STATUS_EXPRESSION_UNTERMINATED => {
                (c"expression_unterminated", c"'{{' has no closing '}}'")
            }
            PRANA_STATUS_EXPRESSION_MALFORMED => {
                (c"expression_malformed", c"malformed $execution expression")
            }
            PRANA_STATUS_EXPRESSION_UNSAFE_VALUE => (
                c"expression_unsafe_value",
                c"a rendered value needs JSON escaping",
            ),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn core_errors_map_to_their_status() {
        use prana_webhook_core::context::ExpressionError;
        use prana_webhook_core::error::Part;
        use prana_webhook_core::executor::ExecutionError;
        use prana_webhook_core::lifecycle::Status;
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
