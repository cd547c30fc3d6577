/* Signed resume URLs (key sets, rotation, policies) and Standard Webhooks. */
#include <stdint.h>

#include "test_util.h"

static const char RID[] = "webhook_exec-1_wait_0123456789abcdefghjkmnpqrs";
static const uint8_t SECRET1[] = "0123456789abcdef0123456789abcdef";
static const uint8_t SECRET2[] = "fedcba9876543210fedcba9876543210";

static void check_query(prana_key_set *keys, uint32_t policy, const char *query, bool accepted,
                        prana_verified_by by, prana_status cause) {
    struct prana_signature_check c;
    CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_RESUME, policy, RID, strlen(RID), query,
                                               query ? strlen(query) : 0, &c, NULL),
                 PRANA_STATUS_OK);
    if (c.accepted != accepted || c.verified_by != by || c.answer.cause != cause) {
        fprintf(stderr, "query %s: accepted %d by %u cause %s (%s)\n", query ? query : "(none)",
                (int)c.accepted, (unsigned)c.verified_by, prana_status_code(c.answer.cause),
                c.answer.message);
    }
    CHECK(c.accepted == accepted);
    CHECK(c.verified_by == by);
    CHECK(c.answer.cause == cause);
    CHECK(c.answer.http_status == (accepted ? 200 : 401));
    CHECK_STR(c.answer.code, accepted ? "" : "invalid_signature");
}

static void test_resume_signatures(void) {
    prana_key_set *keys = NULL;
    prana_base_url *base = NULL;
    char sig[PRANA_MAX_SIG_LEN + 1], url[PRANA_URL_BUF_SIZE], query[128];
    size_t n = 0, count = 0;
    struct prana_route route;
    struct prana_signature_check c;

    CHECK_STATUS(prana_key_set_new(&keys, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, S(RID), sig, sizeof sig, &n, NULL), PRANA_STATUS_NO_SIGNING_KEY);
    CHECK_STATUS(prana_key_set_add(keys, S("k1"), SECRET1, 32, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_len(keys, &count, NULL), PRANA_STATUS_OK);
    CHECK(count == 1);

    CHECK_STATUS(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, S(RID), sig, sizeof sig, &n, NULL), PRANA_STATUS_OK);
    CHECK(n == 2 + 1 + 22 && strncmp(sig, "k1.", 3) == 0);

    /* A signed URL parses back, and its query verifies. */
    CHECK_STATUS(prana_base_url_new(S("https://gw.example.com/hooks"), &base, NULL), PRANA_STATUS_OK);
    {
        uint8_t seed[PRANA_ID_SEED_LEN] = {7};
        prana_id_generator *g = NULL;
        char made[PRANA_RESUME_ID_BUF_SIZE];
        size_t made_len = 0;
        CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &g, NULL), PRANA_STATUS_OK);
        CHECK_STATUS(prana_resume_url_create(g, base, keys, S("exec-1"), S("wait"), made,
                                             sizeof made, &made_len, url, sizeof url, &n, NULL),
                     PRANA_STATUS_OK);
        CHECK(n == strlen(url) && made_len == strlen(made) && strstr(url, made) != NULL);
        prana_id_generator_free(g);
    }
    CHECK(strstr(url, "/hooks/webhook/workflow/resume/webhook_exec-1_wait_") != NULL);
    CHECK(strstr(url, "?sig=k1.") != NULL);
    CHECK_STATUS(prana_route_parse(base, url, n, &route, NULL), PRANA_STATUS_OK);
    CHECK(route.has_query);
    CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_RESUME, PRANA_SIGNATURE_REQUIRED, url + route.id.offset,
                                               route.id.len, url + route.query.offset,
                                               route.query.len, &c, NULL),
                 PRANA_STATUS_OK);
    CHECK(c.accepted && c.verified_by == PRANA_VERIFIED_KEY);
    CHECK_STR(c.key_id, "k1");

    sprintf(query, "sig=%s", sig);
    check_query(keys, PRANA_SIGNATURE_REQUIRED, query, true, PRANA_VERIFIED_KEY, PRANA_STATUS_OK);
    check_query(keys, PRANA_SIGNATURE_REQUIRED, NULL, false, PRANA_VERIFIED_NONE,
                PRANA_STATUS_SIGNATURE_MISSING);
    check_query(keys, PRANA_SIGNATURE_OPTIONAL, NULL, true, PRANA_VERIFIED_UNSIGNED,
                PRANA_STATUS_OK);
    check_query(keys, PRANA_SIGNATURE_OFF, "sig=garbage", true, PRANA_VERIFIED_NOT_CHECKED,
                PRANA_STATUS_OK);
    check_query(keys, PRANA_SIGNATURE_OPTIONAL, "sig=nodot", false, PRANA_VERIFIED_NONE,
                PRANA_STATUS_SIGNATURE_MALFORMED);
    check_query(keys, PRANA_SIGNATURE_REQUIRED, "sig=k1.abc", false, PRANA_VERIFIED_NONE,
                PRANA_STATUS_SIGNATURE_TRUNCATED);
    check_query(keys, PRANA_SIGNATURE_REQUIRED, "sig=k9.AAAAAAAAAAAAAAAAAAAAAA", false,
                PRANA_VERIFIED_NONE, PRANA_STATUS_SIGNATURE_UNKNOWN_KEY);
    check_query(keys, PRANA_SIGNATURE_REQUIRED, "sig=k1.AAAAAAAAAAAAAAAAAAAAAA", false,
                PRANA_VERIFIED_NONE, PRANA_STATUS_SIGNATURE_MISMATCH);
    {
        char dup[300];
        sprintf(dup, "%s&%s", query, query);
        check_query(keys, PRANA_SIGNATURE_REQUIRED, dup, false, PRANA_VERIFIED_NONE,
                    PRANA_STATUS_SIGNATURE_DUPLICATED);
    }

    /* Rotation: k2 signs, k1's URLs still verify until k1 is removed. */
    CHECK_STATUS(prana_key_set_add(keys, S("k2"), SECRET2, 32, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_set_current(keys, S("k2"), NULL), PRANA_STATUS_OK);
    {
        char sig2[PRANA_MAX_SIG_LEN + 1];
        CHECK_STATUS(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, S(RID), sig2, sizeof sig2, &n, NULL), PRANA_STATUS_OK);
        CHECK(strncmp(sig2, "k2.", 3) == 0);
    }
    check_query(keys, PRANA_SIGNATURE_REQUIRED, query, true, PRANA_VERIFIED_KEY, PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_remove(keys, S("k1"), NULL), PRANA_STATUS_OK);
    check_query(keys, PRANA_SIGNATURE_REQUIRED, query, false, PRANA_VERIFIED_NONE,
                PRANA_STATUS_SIGNATURE_UNKNOWN_KEY);

    /* Key management errors. */
    CHECK_STATUS(prana_key_set_remove(keys, S("k1"), NULL), PRANA_STATUS_KEY_NOT_FOUND);
    CHECK_STATUS(prana_key_set_set_current(keys, S("zz"), NULL), PRANA_STATUS_KEY_NOT_FOUND);
    CHECK_STATUS(prana_key_set_add(keys, S("K1"), SECRET1, 32, NULL), PRANA_STATUS_KEY_ID_INVALID);
    CHECK_STATUS(prana_key_set_add(keys, S("k123456789"), SECRET1, 32, NULL),
                 PRANA_STATUS_KEY_ID_INVALID);
    CHECK_STATUS(prana_key_set_add(keys, S("k3"), SECRET1, 15, NULL), PRANA_STATUS_KEY_SECRET_TOO_SHORT);
    CHECK_STATUS(prana_key_set_add(keys, S("k2"), SECRET1, 32, NULL), PRANA_STATUS_KEY_ID_DUPLICATED);
    {
        char id[16];
        int i;
        for (i = 3; i < 3 + PRANA_MAX_KEYS - 1; i++) {
            sprintf(id, "k%d", i);
            CHECK_STATUS(prana_key_set_add(keys, id, strlen(id), SECRET1, 32, NULL), PRANA_STATUS_OK);
        }
        CHECK_STATUS(prana_key_set_add(keys, S("kx"), SECRET1, 32, NULL), PRANA_STATUS_KEY_SET_FULL);
    }
    CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 3, S(RID), NULL, 0, &c, NULL),
                 PRANA_STATUS_INVALID_ARGUMENT);

    prana_base_url_free(base);
    prana_key_set_free(keys);
}

/* The Standard Webhooks reference vector. */
static const char WHSEC[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
static const char MSG_ID[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
static const char TS[] = "1614265330";
static const char BODY[] = "{\"test\": 2432232314}";
static const char SIG[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
#define NOW_MS (1614265330ull * 1000u + 70000u)

static prana_status verify(prana_webhook_secret *s, const char *body, const char *sig,
                           uint64_t now, int64_t *ts) {
    return prana_webhook_secret_verify(s, S(MSG_ID), S(TS), (const uint8_t *)body, strlen(body),
                                          sig, strlen(sig), now,
                                          PRANA_STANDARD_WEBHOOKS_TOLERANCE_SECS, ts, NULL);
}

static void test_standard_webhooks(void) {
    prana_webhook_secret *s = NULL, *raw = NULL;
    int64_t ts = 0;
    char sig[PRANA_STANDARD_WEBHOOKS_SIGNATURE_LEN + 1];
    size_t n = 0;

    CHECK_STATUS(prana_webhook_secret_new(S(WHSEC), &s, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(verify(s, BODY, SIG, NOW_MS, &ts), PRANA_STATUS_OK);
    CHECK(ts == 1614265330);
    CHECK_STATUS(verify(s, BODY, "v1,bad= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", NOW_MS,
                        &ts),
                 PRANA_STATUS_OK);
    CHECK_STATUS(verify(s, "{\"test\": 2432232315}", SIG, NOW_MS, &ts),
                 PRANA_STATUS_WEBHOOK_SIGNATURE_MISMATCH);
    CHECK_STATUS(verify(s, BODY, "v2,abc", NOW_MS, &ts), PRANA_STATUS_WEBHOOK_SIGNATURE_NO_V1);
    CHECK_STATUS(verify(s, BODY, SIG, NOW_MS + 10u * 60u * 1000u, &ts),
                 PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_OLD);
    CHECK_STATUS(verify(s, BODY, SIG, 1614265330ull * 1000u - 10u * 60u * 1000u, &ts),
                 PRANA_STATUS_WEBHOOK_TIMESTAMP_TOO_NEW);
    CHECK_STATUS(prana_webhook_secret_verify(s, S(MSG_ID), S("16142x"), (const uint8_t *)BODY,
                                                strlen(BODY), S(SIG), NOW_MS, 300, &ts, NULL),
                 PRANA_STATUS_WEBHOOK_TIMESTAMP_INVALID);

    CHECK_STATUS(prana_webhook_secret_sign(s, S(MSG_ID), 1614265330, (const uint8_t *)BODY,
                                              strlen(BODY), sig, sizeof sig, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(sig, SIG);
    CHECK(n == PRANA_STANDARD_WEBHOOKS_SIGNATURE_LEN);

    /* The same key as raw bytes signs the same. */
    {
        static const uint8_t key[] = {0x31, 0xf2, 0x90, 0xf6, 0xbf, 0x06, 0x29, 0x8a,
                                      0xab, 0x4f, 0x08, 0xd4, 0x3c, 0x3f, 0x08, 0x2c,
                                      0xf6, 0x48, 0xa3, 0x62, 0xda, 0x2d, 0xa4, 0xb0};
        char sig2[PRANA_STANDARD_WEBHOOKS_SIGNATURE_LEN + 1];
        CHECK_STATUS(prana_webhook_secret_from_bytes(key, sizeof key, &raw, NULL), PRANA_STATUS_OK);
        CHECK_STATUS(prana_webhook_secret_sign(raw, S(MSG_ID), 1614265330,
                                                  (const uint8_t *)BODY, strlen(BODY), sig2,
                                                  sizeof sig2, &n, NULL),
                     PRANA_STATUS_OK);
        CHECK_STR(sig2, SIG);
    }

    {
        prana_webhook_secret *x = NULL;
        CHECK_STATUS(prana_webhook_secret_new(S("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), &x, NULL),
                     PRANA_STATUS_WEBHOOK_SECRET_PREFIX);
        CHECK_STATUS(prana_webhook_secret_new(S("whsec_!!!"), &x, NULL), PRANA_STATUS_WEBHOOK_SECRET_BASE64);
        CHECK_STATUS(prana_webhook_secret_new(S("whsec_"), &x, NULL), PRANA_STATUS_WEBHOOK_SECRET_EMPTY);
        CHECK_STATUS(prana_webhook_secret_from_bytes(NULL, 0, &x, NULL), PRANA_STATUS_WEBHOOK_SECRET_EMPTY);
        CHECK(x == NULL);
    }
    prana_webhook_secret_free(raw);
    prana_webhook_secret_free(s);
}

/* A trigger request: parse the head, look the headers up, verify. */
static void test_trigger_request(void) {
    char req[512];
    size_t len;
    struct prana_http_request h;
    struct prana_span id, ts, sig;
    prana_webhook_secret *s = NULL;
    int64_t t = 0;

    len = (size_t)sprintf(req,
                          "POST /webhook/workflow/trigger/orders HTTP/1.1\r\n"
                          "webhook-id: %s\r\nwebhook-timestamp: %s\r\n"
                          "webhook-signature: %s\r\nContent-Length: %u\r\n\r\n%s",
                          MSG_ID, TS, SIG, (unsigned)strlen(BODY), BODY);
    CHECK_STATUS(prana_http_parse_request((const uint8_t *)req, len, &h, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_http_request_header(&h, (const uint8_t *)req, len, S("webhook-id"), &id, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_http_request_header(&h, (const uint8_t *)req, len, S("webhook-timestamp"),
                                           &ts, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_http_request_header(&h, (const uint8_t *)req, len, S("webhook-signature"),
                                           &sig, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_webhook_secret_new(S(WHSEC), &s, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_webhook_secret_verify(
                     s, req + id.offset, id.len, req + ts.offset, ts.len,
                     (const uint8_t *)req + h.head_len, (size_t)h.content_length,
                     req + sig.offset, sig.len, NOW_MS, PRANA_STANDARD_WEBHOOKS_TOLERANCE_SECS, &t, NULL),
                 PRANA_STATUS_OK);
    prana_webhook_secret_free(s);
}

int main(void) {
    test_resume_signatures();
    test_standard_webhooks();
    test_trigger_request();
    return test_summary("signatures");
}
