/* The HTTP/1.1 request-head parser, and a gateway flow built on it. */
#include <stdint.h>
#include <stdlib.h>

#include "test_util.h"

static const char REQ[] =
    "POST /webhook/workflow/resume/webhook_e1_wait_0123456789abcdefghjkmnpqrs?sig=k1.abc HTTP/1.1\r\n"
    "Host: gw.example.com\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 11\r\n"
    "Webhook-Signature: v1,abc\r\n"
    "\r\n"
    "{\"ok\":true}";

static void test_parse(void) {
    struct prana_http_request r;
    struct prana_span v;
    const uint8_t *buf = (const uint8_t *)REQ;
    size_t len = sizeof REQ - 1;

    CHECK_STATUS(prana_http_parse_request(buf, len, &r, NULL), PRANA_STATUS_OK);
    CHECK(span_eq(REQ, r.method, "POST"));
    CHECK(span_eq(REQ, r.target,
                  "/webhook/workflow/resume/webhook_e1_wait_0123456789abcdefghjkmnpqrs?sig=k1.abc"));
    CHECK(r.version_minor == 1);
    CHECK(r.has_content_length && r.content_length == 11);
    CHECK(!r.has_transfer_encoding);
    CHECK(r.keep_alive);
    CHECK(r.header_count == 4);
    CHECK(r.head_len == len - 11);
    CHECK(memcmp(REQ + r.head_len, "{\"ok\":true}", 11) == 0);
    CHECK(span_eq(REQ, r.headers[0].name, "Host"));
    CHECK(span_eq(REQ, r.headers[0].value, "gw.example.com"));

    /* Header lookup ignores case. */
    CHECK_STATUS(prana_http_request_header(&r, buf, len, S("webhook-signature"), &v, NULL),
                 PRANA_STATUS_OK);
    CHECK(span_eq(REQ, v, "v1,abc"));
    CHECK_STATUS(prana_http_request_header(&r, buf, len, S("CONTENT-TYPE"), &v, NULL), PRANA_STATUS_OK);
    CHECK(span_eq(REQ, v, "application/json"));
    CHECK_STATUS(prana_http_request_header(&r, buf, len, S("webhook-id"), &v, NULL),
                 PRANA_STATUS_HTTP_HEADER_NOT_FOUND);

    /* A request that does not fit the buffer it is checked against. */
    CHECK_STATUS(prana_http_request_header(&r, buf, 10, S("host"), &v, NULL),
                 PRANA_STATUS_INVALID_ARGUMENT);
    {
        struct prana_http_request bad = r;
        bad.header_count = PRANA_HTTP_MAX_HEADERS + 1;
        CHECK_STATUS(prana_http_request_header(&bad, buf, len, S("host"), &v, NULL),
                     PRANA_STATUS_INVALID_ARGUMENT);
    }
}

static void test_incremental(void) {
    /* Feed the head byte by byte, as a socket might. */
    const uint8_t *buf = (const uint8_t *)REQ;
    size_t head = 0, i;
    struct prana_http_request r;
    int incomplete = 0;

    for (i = 0; i <= sizeof REQ - 1; i++) {
        prana_status st = prana_http_parse_request(buf, i, &r, NULL);
        if (st == PRANA_STATUS_HTTP_INCOMPLETE) {
            incomplete++;
            continue;
        }
        CHECK_STATUS(st, PRANA_STATUS_OK);
        head = r.head_len;
        break;
    }
    CHECK(head == sizeof REQ - 1 - 11);
    CHECK(incomplete == (int)head);
}

static void test_errors_and_connection(void) {
    struct prana_http_request r;
    struct {
        const char *raw;
        prana_status want;
    } rows[] = {
        {"GET / HTTP/1.1\r\nHost: a\r\n", PRANA_STATUS_HTTP_INCOMPLETE},
        {"", PRANA_STATUS_HTTP_INCOMPLETE},
        {"G@T / HTTP/1.1\r\n\r\n", PRANA_STATUS_HTTP_MALFORMED},
        {"GET / HTTP/2.0\r\n\r\n", PRANA_STATUS_HTTP_MALFORMED},
        {"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", PRANA_STATUS_HTTP_MALFORMED},
        {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
         PRANA_STATUS_HTTP_BAD_FRAMING},
        {"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n", PRANA_STATUS_OK},
        {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", PRANA_STATUS_HTTP_BAD_FRAMING},
        {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
         PRANA_STATUS_HTTP_BAD_FRAMING},
        {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
         PRANA_STATUS_HTTP_BAD_FRAMING},
    };
    size_t i;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        prana_status st =
            prana_http_parse_request((const uint8_t *)rows[i].raw, strlen(rows[i].raw), &r, NULL);
        if (st != rows[i].want) {
            fprintf(stderr, "row %u: got %s want %s\n", (unsigned)i, prana_status_code(st),
                    prana_status_code(rows[i].want));
        }
        CHECK(st == rows[i].want);
    }

    CHECK_STATUS(prana_http_parse_request((const uint8_t *)S("GET / HTTP/1.0\r\n\r\n"), &r, NULL),
                 PRANA_STATUS_OK);
    CHECK(!r.keep_alive && r.version_minor == 0 && !r.has_content_length);
    CHECK_STATUS(prana_http_parse_request(
                     (const uint8_t *)S("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), &r, NULL),
                 PRANA_STATUS_OK);
    CHECK(r.keep_alive);
    CHECK_STATUS(prana_http_parse_request(
                     (const uint8_t *)S("GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n\r\n"),
                     &r, NULL),
                 PRANA_STATUS_OK);
    CHECK(!r.keep_alive);
    CHECK_STATUS(prana_http_parse_request(
                     (const uint8_t *)S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
                     &r, NULL),
                 PRANA_STATUS_OK);
    CHECK(r.has_transfer_encoding && !r.has_content_length);
}

static void test_too_many_headers(void) {
    size_t cap = 64 + (PRANA_HTTP_MAX_HEADERS + 1) * 16;
    char *raw = malloc(cap);
    size_t len, i;
    struct prana_http_request r;
    CHECK(raw != NULL);
    if (raw == NULL) {
        return;
    }
    len = (size_t)sprintf(raw, "GET / HTTP/1.1\r\n");
    for (i = 0; i < PRANA_HTTP_MAX_HEADERS + 1; i++) {
        len += (size_t)sprintf(raw + len, "X-H%03u: v\r\n", (unsigned)i);
    }
    len += (size_t)sprintf(raw + len, "\r\n");
    CHECK_STATUS(prana_http_parse_request((const uint8_t *)raw, len, &r, NULL),
                 PRANA_STATUS_HTTP_TOO_MANY_HEADERS);
    free(raw);
}

/* The whole gateway path: head -> precheck -> lookup -> decide. */
static void test_gateway_flow(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    prana_id_generator *g = NULL;
    prana_registration *reg = NULL;
    prana_base_url *base = NULL;
    char rid[PRANA_RESUME_ID_BUF_SIZE], req[1024];
    size_t rid_len = 0, req_len;
    struct prana_http_request h;
    struct prana_precheck p;
    struct prana_resume_decision d;
    struct prana_transition t;

    memset(seed, 9, sizeof seed);
    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &g, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_base_url_new(S("http://127.0.0.1:8080"), &base, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_create(g, NULL, 0, S("exec-9"), S("approve"), 100, &reg, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_activate(reg, 200, 60000, S("{}"), &t, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_resume_id(reg, rid, sizeof rid, &rid_len, NULL), PRANA_STATUS_OK);

    req_len = (size_t)sprintf(req,
                              "POST /webhook/workflow/resume/%s HTTP/1.1\r\n"
                              "Host: x\r\nContent-Length: 2\r\n\r\n{}",
                              rid);
    CHECK_STATUS(prana_http_parse_request((const uint8_t *)req, req_len, &h, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_request_check(base, req + h.method.offset, h.method.len,
                                        req + h.target.offset, h.target.len,
                                        (size_t)h.content_length, PRANA_DEFAULT_MAX_PAYLOAD, &p, NULL),
                 PRANA_STATUS_OK);
    CHECK(p.accepted && p.route.kind == PRANA_ROUTE_RESUME);
    /* The route's spans are relative to the target passed in. */
    CHECK(p.route.id.len == rid_len);
    CHECK(memcmp(req + h.target.offset + p.route.id.offset, rid, rid_len) == 0);
    CHECK_STATUS(prana_resume_decide(req + h.target.offset + p.route.id.offset, p.route.id.len,
                                     reg, 300, &d, NULL),
                 PRANA_STATUS_OK);
    CHECK(d.resume && d.transition.to == PRANA_LIFECYCLE_CONSUMED);

    prana_registration_free(reg);
    prana_base_url_free(base);
    prana_id_generator_free(g);
}

int main(void) {
    test_parse();
    test_incremental();
    test_errors_and_connection();
    test_too_many_headers();
    test_gateway_flow();
    return test_summary("http");
}
