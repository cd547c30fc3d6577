/* Base URLs, trigger/resume URLs, route parsing, precheck and resume decisions. */
#include <stdint.h>

#include "test_util.h"

static const char RID[] = "webhook_exec-1_wait_0123456789abcdefghjkmnpqrs";

static prana_base_url *base_new(const char *s) {
    prana_base_url *b = NULL;
    CHECK_STATUS(prana_base_url_new(s, strlen(s), &b, NULL), PRANA_STATUS_OK);
    return b;
}

static void test_base_url(void) {
    prana_base_url *b = base_new("HTTPS://gw.example.com/hooks/");
    char buf[PRANA_URL_BUF_SIZE];
    size_t n = 0;

    CHECK_STATUS(prana_base_url_str(b, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
    CHECK_STR(buf, "https://gw.example.com/hooks");
    CHECK(n == strlen(buf));

    CHECK_STATUS(prana_base_url_trigger_url(b, S("approvals"), buf, sizeof buf, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(buf, "https://gw.example.com/hooks/webhook/workflow/trigger/approvals");
    CHECK_STATUS(prana_base_url_trigger_url(b, S("a/b"), buf, sizeof buf, &n, NULL),
                 PRANA_STATUS_ID_PART_BAD_CHARACTER);

    /* Exactly-sized buffer works; one byte less reports the size. */
    {
        char small[64];
        size_t need = 0;
        CHECK_STATUS(prana_base_url_str(b, small, 28, &need, NULL), PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(need == 29);
        CHECK_STATUS(prana_base_url_str(b, small, need, &n, NULL), PRANA_STATUS_OK);
        CHECK(n == 28);
    }
    prana_base_url_free(b);

    {
        struct { const char *url; prana_status want; } rows[] = {
            {"http://127.0.0.1:8080", PRANA_STATUS_OK},
            {"https://[::1]:8443/x", PRANA_STATUS_OK},
            {"gw.example.com", PRANA_STATUS_BASE_URL_SCHEME},
            {"ftp://gw.example.com", PRANA_STATUS_BASE_URL_SCHEME},
            {"https://", PRANA_STATUS_BASE_URL_HOST},
            {"https://gw:0", PRANA_STATUS_BASE_URL_PORT},
            {"https://gw:99999", PRANA_STATUS_BASE_URL_PORT},
            {"https://gw/?a=1", PRANA_STATUS_BASE_URL_QUERY},
            {"https://gw/#f", PRANA_STATUS_BASE_URL_FRAGMENT},
            {"https://u@gw", PRANA_STATUS_BASE_URL_USER_INFO},
            {"https://gw/a b", PRANA_STATUS_BASE_URL_CHARACTER},
        };
        size_t i;
        for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            prana_base_url *x = NULL;
            prana_status st = prana_base_url_new(rows[i].url, strlen(rows[i].url), &x, NULL);
            if (st != rows[i].want) {
                fprintf(stderr, "base %s: got %s want %s\n", rows[i].url,
                        prana_status_code(st), prana_status_code(rows[i].want));
            }
            CHECK(st == rows[i].want);
            CHECK((x != NULL) == (rows[i].want == PRANA_STATUS_OK));
            prana_base_url_free(x);
        }
    }
}

static void test_route_parse(void) {
    prana_base_url *b = base_new("https://gw.example.com/hooks");
    struct prana_route r;
    const char *t;

    t = "/hooks/webhook/workflow/resume/webhook_exec-1_wait_0123456789abcdefghjkmnpqrs?sig=k1.x&a=b";
    CHECK_STATUS(prana_route_parse(b, t, strlen(t), &r, NULL), PRANA_STATUS_OK);
    CHECK(r.kind == PRANA_ROUTE_RESUME);
    CHECK(span_eq(t, r.id, RID));
    CHECK(r.has_query);
    CHECK(span_eq(t, r.query, "sig=k1.x&a=b"));

    t = "http://proxy.internal:9000/hooks/webhook/workflow/trigger/approvals";
    CHECK_STATUS(prana_route_parse(b, t, strlen(t), &r, NULL), PRANA_STATUS_OK);
    CHECK(r.kind == PRANA_ROUTE_TRIGGER);
    CHECK(span_eq(t, r.id, "approvals"));
    CHECK(!r.has_query);

    {
        struct { const char *target; prana_status want; } rows[] = {
            {"/hooks/other", PRANA_STATUS_NOT_WEBHOOK_PATH},
            {"/webhook/workflow/resume/x", PRANA_STATUS_NOT_WEBHOOK_PATH},
            {"/hooks/webhook/workflow/pause/x", PRANA_STATUS_UNKNOWN_KIND},
            {"/hooks/webhook/workflow/resume/", PRANA_STATUS_EMPTY_ID},
            {"/hooks/webhook/workflow/resume/webhook_a_b_0123456789abcdefghjkmnpqrs/x",
             PRANA_STATUS_EXTRA_SEGMENTS},
            {"/hooks/webhook/workflow/resume/webhook%5Fa", PRANA_STATUS_PERCENT_ENCODED},
            {"hooks/webhook", PRANA_STATUS_MALFORMED_TARGET},
            {"/hooks/webhook/workflow/trigger/a.b", PRANA_STATUS_ID_BAD_CHARACTER},
            {"/hooks/webhook/workflow/resume/nope", PRANA_STATUS_MISSING_WEBHOOK_PREFIX},
        };
        size_t i;
        for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            prana_status st = prana_route_parse(b, rows[i].target, strlen(rows[i].target), &r, NULL);
            if (st != rows[i].want) {
                fprintf(stderr, "target %s: got %s want %s\n", rows[i].target,
                        prana_status_code(st), prana_status_code(rows[i].want));
            }
            CHECK(st == rows[i].want);
        }
    }
    prana_base_url_free(b);
}

static void test_precheck(void) {
    prana_base_url *b = base_new("https://gw.example.com");
    struct prana_precheck p;
    const char *t = "/webhook/workflow/resume/webhook_exec-1_wait_0123456789abcdefghjkmnpqrs";

    CHECK_STATUS(prana_request_check(b, S("POST"), t, strlen(t), 10,
                                        PRANA_DEFAULT_MAX_PAYLOAD, &p, NULL),
                 PRANA_STATUS_OK);
    CHECK(p.accepted);
    CHECK(p.answer.http_status == 200);
    CHECK_STR(p.answer.code, "");
    CHECK(p.route.kind == PRANA_ROUTE_RESUME);
    CHECK(span_eq(t, p.route.id, RID));

    CHECK_STATUS(prana_request_check(b, S("GET"), t, strlen(t), 0, 100, &p, NULL), PRANA_STATUS_OK);
    CHECK(p.accepted);

    CHECK_STATUS(prana_request_check(b, S("DELETE"), t, strlen(t), 0, 100, &p, NULL),
                 PRANA_STATUS_OK);
    CHECK(!p.accepted);
    CHECK(p.answer.http_status == 405);
    CHECK_STR(p.answer.code, "method_not_allowed");
    CHECK(p.route.kind == PRANA_ROUTE_NONE);

    CHECK_STATUS(prana_request_check(b, S("POST"), t, strlen(t), 101, 100, &p, NULL),
                 PRANA_STATUS_OK);
    CHECK(!p.accepted && p.answer.http_status == 413);
    CHECK_STR(p.answer.code, "payload_too_large");

    CHECK_STATUS(prana_request_check(b, S("POST"), S("/favicon.ico"), 0, 100, &p, NULL),
                 PRANA_STATUS_OK);
    CHECK(!p.accepted && p.answer.http_status == 404);
    CHECK_STR(p.answer.code, "not_found");
    CHECK(p.answer.cause == PRANA_STATUS_NOT_WEBHOOK_PATH);

    CHECK_STATUS(prana_request_check(b, S("POST"), S("/webhook/workflow/resume/bad!"), 0,
                                        100, &p, NULL),
                 PRANA_STATUS_OK);
    CHECK(!p.accepted && p.answer.http_status == 400);
    CHECK_STR(p.answer.code, "invalid_webhook_url");
    CHECK(p.answer.cause == PRANA_STATUS_ID_BAD_CHARACTER);
    CHECK(strlen(p.answer.message) > 0);

    /* Trigger takes POST only. */
    CHECK_STATUS(prana_request_check(b, S("GET"), S("/webhook/workflow/trigger/wf"), 0, 100,
                                        &p, NULL),
                 PRANA_STATUS_OK);
    CHECK(!p.accepted && p.answer.http_status == 405);
    prana_base_url_free(b);
}

static void test_decide(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    prana_id_generator *g = NULL;
    prana_registration *reg = NULL;
    char rid[PRANA_RESUME_ID_BUF_SIZE];
    size_t n = 0;
    struct prana_resume_decision d;

    memset(seed, 3, sizeof seed);
    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &g, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_create(g, NULL, 0, S("e1"), S("wait"), 0, &reg, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_resume_id(reg, rid, sizeof rid, &n, NULL), PRANA_STATUS_OK);

    /* Unknown: the host found no row. */
    CHECK_STATUS(prana_resume_decide(rid, n, NULL, 10, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 404);
    CHECK_STR(d.answer.code, "webhook_not_found");

    /* Pending: 400. */
    CHECK_STATUS(prana_resume_decide(rid, n, reg, 10, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 400);
    CHECK_STR(d.answer.code, "wait_node_not_active");

    /* Active: resume with active -> consumed. */
    {
        struct prana_transition t;
        CHECK_STATUS(prana_registration_activate(reg, 10, 1000, S("{}"), &t, NULL), PRANA_STATUS_OK);
    }
    CHECK_STATUS(prana_resume_decide(rid, n, reg, 20, &d, NULL), PRANA_STATUS_OK);
    CHECK(d.resume);
    CHECK(d.answer.http_status == 200);
    CHECK_STR(d.transition.resume_id, rid);
    CHECK(d.transition.resume_id_len == n);
    CHECK(d.transition.from == PRANA_LIFECYCLE_ACTIVE);
    CHECK(d.transition.to == PRANA_LIFECYCLE_CONSUMED);

    /* A different id than the registration's is unknown. */
    CHECK_STATUS(prana_resume_decide(S("webhook_e1_wait_00000000000000000000000000"), reg, 20, &d, NULL),
                 PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 404);

    /* Expired by time: 410. */
    CHECK_STATUS(prana_resume_decide(rid, n, reg, 1010, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 410);
    CHECK_STR(d.answer.code, "webhook_expired");

    /* Consumed: 409. */
    {
        struct prana_transition t;
        CHECK_STATUS(prana_registration_consume(reg, 30, &t, NULL), PRANA_STATUS_OK);
    }
    CHECK_STATUS(prana_resume_decide(rid, n, reg, 40, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 409);
    CHECK_STR(d.answer.code, "webhook_already_used");


    prana_registration_free(reg);
    prana_id_generator_free(g);
}

int main(void) {
    test_base_url();
    test_route_parse();
    test_precheck();
    test_decide();
    return test_summary("urls_routes");
}
