/* The calling conventions of the 0.2 ABI: the `prana_error *err` argument,
 * PRANA_NUL_TERMINATED lengths, a NULL node handler until a host node runs,
 * and the one call that makes a resume ID with its (signed) URL. */
#include <stdint.h>
#include <stdlib.h>

#include "test_util.h"

/* trigger -> wait (webhook): no host node before the wait. */
static const char WAIT_FIRST[] =
    "{\"id\": \"waitfirst\", \"nodes\": ["
    "{\"key\": \"t\", \"type\": \"trigger\"},"
    "{\"key\": \"w\", \"type\": \"wait\", \"params\": {\"mode\": \"webhook\"}},"
    "{\"key\": \"after\", \"type\": \"log\"}],"
    "\"connections\": [{\"from\": \"t\", \"to\": \"w\"}, {\"from\": \"w\", \"to\": \"after\"}]}";

static void test_error_out_parameter(void) {
    prana_error err;
    memset(&err, 0x55, sizeof err);
    CHECK_STATUS(prana_id_part_validate(S("a b"), &err), PRANA_STATUS_ID_PART_BAD_CHARACTER);
    CHECK(err.code == PRANA_STATUS_ID_PART_BAD_CHARACTER);
    CHECK(err.message_len == strlen(err.message) && err.message_len > 0);
    CHECK(strstr(err.message, "byte 1") != NULL);
    /* The same detail as the thread's last error, the std convenience. */
    CHECK_STR(last_error(), err.message);

    CHECK_STATUS(prana_id_part_validate(S("ab"), &err), PRANA_STATUS_OK);
    CHECK(err.code == PRANA_STATUS_OK && err.message_len == 0 && err.message[0] == '\0');

    /* NULL err is allowed everywhere. */
    CHECK_STATUS(prana_id_part_validate(S("a b"), NULL), PRANA_STATUS_ID_PART_BAD_CHARACTER);

    /* BUFFER_TOO_SMALL names the sizes. */
    {
        prana_base_url *b = NULL;
        char small[4];
        size_t n = 0;
        CHECK_STATUS(prana_base_url_new(S("https://gw.example.com"), &b, NULL), PRANA_STATUS_OK);
        CHECK_STATUS(prana_base_url_str(b, small, sizeof small, &n, &err),
                     PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(err.code == PRANA_STATUS_BUFFER_TOO_SMALL && n == strlen("https://gw.example.com") + 1);
        CHECK(strstr(err.message, "holds 4 bytes") != NULL);
        prana_base_url_free(b);
    }
}

static void test_nul_terminated(void) {
    static const char rid[] = "webhook_e1_n1_00000000000000000000000000";
    prana_base_url *b = NULL;
    char buf[PRANA_URL_BUF_SIZE];
    size_t n = 0;
    prana_error err;

    CHECK_STATUS(prana_resume_id_validate(rid, PRANA_NUL_TERMINATED, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_resume_id_validate("webhook_", PRANA_NUL_TERMINATED, NULL),
                 PRANA_STATUS_BAD_RANDOM_TAIL);
    CHECK_STATUS(prana_id_part_validate("", PRANA_NUL_TERMINATED, NULL), PRANA_STATUS_EMPTY_ID_PART);
    /* NULL with PRANA_NUL_TERMINATED is a NULL argument, not "". */
    CHECK_STATUS(prana_id_part_validate(NULL, PRANA_NUL_TERMINATED, &err),
                 PRANA_STATUS_NULL_ARGUMENT);
    /* Non-UTF-8 is still refused. */
    CHECK_STATUS(prana_id_part_validate("a\xff", PRANA_NUL_TERMINATED, NULL),
                 PRANA_STATUS_INVALID_UTF8);

    CHECK_STATUS(prana_base_url_new("https://gw.example.com/x", PRANA_NUL_TERMINATED, &b, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_base_url_trigger_url(b, "flow", PRANA_NUL_TERMINATED, buf, sizeof buf, &n,
                                            NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(buf, "https://gw.example.com/x/webhook/workflow/trigger/flow");
    prana_base_url_free(b);
}

static bool ok_handler(void *user_data, const struct prana_node_call *call, char *output,
                       size_t output_cap, struct prana_node_result *result) {
    (void)call;
    (void)result;
    *(int *)user_data += 1;
    if (output_cap < 2) {
        return false;
    }
    memcpy(output, "{}", 2);
    result->output_len = 2;
    return true;
}

static void test_null_handler(void) {
    uint8_t seed[PRANA_ID_SEED_LEN] = {1};
    prana_id_generator *g = NULL;
    prana_base_url *b = NULL;
    prana_workflow *w = NULL;
    prana_execution *x = NULL;
    struct prana_run_result r;
    prana_error err;
    char rid[PRANA_RESUME_ID_BUF_SIZE];
    int calls = 0;

    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &g, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_base_url_new("https://gw.example.com", PRANA_NUL_TERMINATED, &b, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_workflow_new(S(WAIT_FIRST), &w, NULL), PRANA_STATUS_OK);

    /* No host node before the wait: a NULL handler is fine. */
    CHECK_STATUS(prana_execution_start(w, "e1", PRANA_NUL_TERMINATED, b, NULL, g, 1, 0, &x, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_execution_run(w, x, NULL, NULL, S("{}"), 2, &r, &err), PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_SUSPENDED);
    snprintf(rid, sizeof rid, "%s", r.resume_id);

    /* The resume reaches the host node "after": a clear status. */
    CHECK_STATUS(prana_execution_resume(w, x, NULL, NULL, applied(rid), S("{}"), 3,
                                        &r, &err),
                 PRANA_STATUS_NO_NODE_HANDLER);
    CHECK(err.code == PRANA_STATUS_NO_NODE_HANDLER);
    CHECK(strstr(err.message, "'after'") != NULL);
    CHECK_STR(prana_status_code(PRANA_STATUS_NO_NODE_HANDLER), "no_node_handler");
    prana_execution_free(x);

    /* With a handler the same resume completes. */
    x = NULL;
    CHECK_STATUS(prana_execution_start(w, S("e2"), b, NULL, g, 1, 0, &x, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_execution_run(w, x, NULL, NULL, S("{}"), 2, &r, NULL), PRANA_STATUS_OK);
    snprintf(rid, sizeof rid, "%s", r.resume_id);
    CHECK_STATUS(prana_execution_resume(w, x, ok_handler, &calls, applied(rid), S("{}"), 3, &r,
                                        NULL),
                 PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_COMPLETED && calls == 1);
    prana_execution_free(x);

    prana_workflow_free(w);
    prana_base_url_free(b);
    prana_id_generator_free(g);
}

static void test_signed_resume_url(void) {
    uint8_t seed[PRANA_ID_SEED_LEN] = {2};
    static const uint8_t secret[] = "0123456789abcdef0123456789abcdef";
    prana_id_generator *g = NULL;
    prana_base_url *b = NULL;
    prana_key_set *keys = NULL, *empty = NULL;
    prana_registration *reg = NULL;
    char id[PRANA_RESUME_ID_BUF_SIZE], url[PRANA_URL_BUF_SIZE];
    size_t id_n = 0, url_n = 0, need_id = 0, need_url = 0;
    struct prana_signature_check check;
    prana_error err;
    const char *q;

    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &g, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_base_url_new(S("https://gw.example.com/hooks"), &b, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_new(&keys, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_new(&empty, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_add(keys, S("k7"), secret, sizeof secret - 1, NULL), PRANA_STATUS_OK);

    /* Size query first: exact sizes, the generator not advanced. */
    CHECK_STATUS(prana_resume_url_create(g, b, keys, S("e1"), S("w"), NULL, 0, &need_id, NULL, 0,
                                         &need_url, &err),
                 PRANA_STATUS_BUFFER_TOO_SMALL);
    CHECK(err.code == PRANA_STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(prana_resume_url_create(g, b, keys, S("e1"), S("w"), id, need_id, &id_n, url,
                                         need_url, &url_n, NULL),
                 PRANA_STATUS_OK);
    CHECK(id_n + 1 == need_id && url_n + 1 == need_url);
    CHECK(strlen(url) == url_n && strstr(url, id) != NULL);
    q = strstr(url, "?sig=k7.");
    CHECK(q != NULL);

    /* The URL verifies with the same key set. */
    if (q != NULL) {
        CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_RESUME, PRANA_SIGNATURE_REQUIRED, id, id_n, q + 1,
                                            PRANA_NUL_TERMINATED, &check, NULL),
                     PRANA_STATUS_OK);
        CHECK(check.accepted);
    }

    /* The same URL rebuilt from the stored ID; the cancel URL of that ID is
     * signed in its own domain: its sig never opens the resume URL. */
    {
        char again[PRANA_URL_BUF_SIZE], cancel[PRANA_URL_BUF_SIZE];
        size_t again_n = 0, cancel_n = 0;
        const char *cq;
        CHECK_STATUS(prana_base_url_action_url(b, keys, PRANA_ROUTE_RESUME, id, id_n, again,
                                               sizeof again, &again_n, NULL),
                     PRANA_STATUS_OK);
        CHECK(again_n == url_n);
        CHECK_STR(again, url);
        CHECK_STATUS(prana_base_url_action_url(b, keys, PRANA_ROUTE_CANCEL, id, PRANA_NUL_TERMINATED,
                                               cancel, sizeof cancel, &cancel_n, NULL),
                     PRANA_STATUS_OK);
        CHECK(strncmp(cancel, "https://gw.example.com/hooks/webhook/workflow/cancel/", 53) == 0);
        cq = strstr(cancel, "?sig=k7.");
        CHECK(cq != NULL);
        if (cq != NULL) {
            CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_CANCEL, PRANA_SIGNATURE_REQUIRED,
                                                id, id_n, cq + 1, PRANA_NUL_TERMINATED, &check,
                                                NULL),
                         PRANA_STATUS_OK);
            CHECK(check.accepted);
            CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_RESUME, PRANA_SIGNATURE_REQUIRED,
                                                id, id_n, cq + 1, PRANA_NUL_TERMINATED, &check,
                                                NULL),
                         PRANA_STATUS_OK);
            CHECK(!check.accepted);
        }
        /* Without keys: the same path, unsigned. */
        CHECK_STATUS(prana_base_url_action_url(b, NULL, PRANA_ROUTE_EXTEND, id, id_n, again,
                                               sizeof again, &again_n, NULL),
                     PRANA_STATUS_OK);
        CHECK(strstr(again, "/webhook/workflow/extend/") != NULL && strstr(again, "?") == NULL);
        CHECK_STATUS(prana_base_url_action_url(b, empty, PRANA_ROUTE_RESUME, id, id_n, again,
                                               sizeof again, &again_n, &err),
                     PRANA_STATUS_NO_SIGNING_KEY);
    }

    /* An empty key set cannot sign. */
    CHECK_STATUS(prana_resume_url_create(g, b, empty, S("e1"), S("w"), id, sizeof id, &id_n, url,
                                         sizeof url, &url_n, &err),
                 PRANA_STATUS_NO_SIGNING_KEY);

    /* A registration for the ID just made, and one for another node. */
    CHECK_STATUS(prana_resume_url_create(g, b, NULL, S("e1"), S("w"), id, sizeof id, &id_n, url,
                                         sizeof url, &url_n, NULL),
                 PRANA_STATUS_OK);
    CHECK(strstr(url, "?sig=") == NULL);
    CHECK_STATUS(prana_registration_create(NULL, id, id_n, S("e1"), S("w"), 5, &reg, NULL),
                 PRANA_STATUS_OK);
    prana_registration_free(reg);
    reg = NULL;
    CHECK_STATUS(prana_registration_create(NULL, id, id_n, S("e1"), S("other"), 5, &reg, &err),
                 PRANA_STATUS_RESUME_ID_MISMATCH);
    CHECK(reg == NULL);

    prana_key_set_free(empty);
    prana_key_set_free(keys);
    prana_base_url_free(b);
    prana_id_generator_free(g);
}

/* Handles in caller memory: the *_init functions (the no_std build's only
 * constructors, present in every build). */
static void test_caller_memory(void) {
    static uint64_t base_mem[(PRANA_BASE_URL_SIZE + 7) / 8];
    static uint64_t gen_mem[(PRANA_ID_GENERATOR_SIZE + 7) / 8];
    static uint64_t keys_mem[(PRANA_KEY_SET_SIZE + 7) / 8];
    static uint64_t secret_mem[(PRANA_WEBHOOK_SECRET_SIZE + 7) / 8];
    static uint64_t reg_mem[(PRANA_REGISTRATION_SIZE + 7) / 8];
    uint8_t seed[PRANA_ID_SEED_LEN] = {9};
    static const uint8_t key[] = "0123456789abcdef0123456789abcdef";
    prana_base_url *base = NULL;
    prana_id_generator *gen = NULL;
    prana_key_set *keys = NULL;
    prana_webhook_secret *secret = NULL;
    prana_registration *reg = NULL;
    prana_error err;
    char id[PRANA_RESUME_ID_BUF_SIZE], url[PRANA_URL_BUF_SIZE], got[PRANA_RESUME_ID_BUF_SIZE];
    size_t id_n = 0, url_n = 0, n = 0;
    struct prana_transition t;
    struct prana_resume_decision d;

    /* Refusals: NULL memory, too small, misaligned. */
    CHECK_STATUS(prana_base_url_init(NULL, PRANA_BASE_URL_SIZE, S("http://h"), &base, NULL),
                 PRANA_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(prana_base_url_init(base_mem, PRANA_BASE_URL_SIZE / 2, S("http://h"), &base, &err),
                 PRANA_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "bytes; ") != NULL);
    CHECK_STATUS(prana_base_url_init((char *)base_mem + 1, PRANA_BASE_URL_SIZE, S("http://h"),
                                     &base, &err),
                 PRANA_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "aligned") != NULL);
    CHECK(base == NULL);
    /* Parse errors still come first from the text. */
    CHECK_STATUS(prana_base_url_init(base_mem, sizeof base_mem, S("ftp://h"), &base, NULL),
                 PRANA_STATUS_BASE_URL_SCHEME);

    CHECK_STATUS(prana_base_url_init(base_mem, sizeof base_mem, S("http://device.local"), &base,
                                     NULL),
                 PRANA_STATUS_OK);
    CHECK((void *)base == (void *)base_mem);
    CHECK_STATUS(prana_id_generator_init(gen_mem, sizeof gen_mem, seed, sizeof seed, &gen, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_init(keys_mem, sizeof keys_mem, &keys, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_add(keys, S("fw1"), key, sizeof key - 1, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_webhook_secret_init(secret_mem, sizeof secret_mem,
                                           S("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), &secret,
                                           NULL),
                 PRANA_STATUS_OK);

    /* The approval round trip without a single allocation of a handle. */
    CHECK_STATUS(prana_resume_url_create(gen, base, keys, S("run-1"), S("approve"), id, sizeof id,
                                         &id_n, url, sizeof url, &url_n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_init(reg_mem, sizeof reg_mem, NULL, id, id_n, S("run-1"),
                                         S("approve"), 10, &reg, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_resume_id(reg, got, sizeof got, &n, NULL), PRANA_STATUS_OK);
    CHECK_STR(got, id);
    CHECK_STATUS(prana_registration_activate(reg, 20, 1000, NULL, 0, &t, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_resume_decide(id, id_n, reg, 30, &d, NULL), PRANA_STATUS_OK);
    CHECK(d.resume);
    CHECK_STATUS(prana_registration_consume(reg, 30, &t, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_resume_decide(id, id_n, reg, 40, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 409);
    /* A fresh ID from the generator when no ID is given. */
    CHECK_STATUS(prana_registration_init(reg_mem, sizeof reg_mem, gen, NULL, 0, S("run-2"),
                                         S("approve"), 50, &reg, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_resume_id(reg, got, sizeof got, &n, NULL), PRANA_STATUS_OK);
    CHECK(strncmp(got, "webhook_run-2_approve_", 22) == 0);
}

int main(void) {
    test_error_out_parameter();
    test_nul_terminated();
    test_null_handler();
    test_signed_resume_url();
    test_caller_memory();
    return test_summary("abi");
}
