/* Bad input through the ABI, as a table: NULL for every pointer argument,
 * zero lengths, non-UTF-8, embedded NUL, 10 KiB ids, output buffers of size
 * 0 and 1. Each row asserts the status documented in prana_webhook.h. */
#include <stdint.h>
#include <stdlib.h>

#include "test_util.h"

static void record(const char *what, prana_status got, prana_status want) {
    if (got == want) {
        t_pass++;
    } else {
        t_fail++;
        fprintf(stderr, "ROW FAILED: %s\n  got %s (%u), want %s (%u); last error: %s\n", what,
                prana_status_code(got), (unsigned)got, prana_status_code(want), (unsigned)want,
                last_error());
    }
}

#define ROW(call, want) record(#call, (call), (want))

/* The standard cases of a string output `fn(args..., buf, len, out_len)`:
 * NULL out_len, NULL buf with len > 0, size query, buffers of 0 and 1 byte
 * (untouched when too small), and a retry with the size reported. */
#define STR_OUT_CASES(fn, ...)                                                    \
    do {                                                                          \
        char b_[4] = {'#', '#', '#', '#'};                                        \
        size_t n_ = 0, need_ = 0;                                                 \
        prana_error e_;                                                 \
        char *big_;                                                               \
        ROW(fn(__VA_ARGS__, b_, sizeof b_, NULL, &e_), PRANA_STATUS_NULL_ARGUMENT);    \
        CHECK(e_.code == PRANA_STATUS_NULL_ARGUMENT && e_.message_len > 0);      \
        ROW(fn(__VA_ARGS__, NULL, 8, &n_, NULL), PRANA_STATUS_NULL_ARGUMENT);           \
        ROW(fn(__VA_ARGS__, NULL, 0, &need_, &e_), PRANA_STATUS_BUFFER_TOO_SMALL);     \
        CHECK(need_ > 1 && e_.code == PRANA_STATUS_BUFFER_TOO_SMALL);                                                         \
        ROW(fn(__VA_ARGS__, b_, 0, &n_, NULL), PRANA_STATUS_BUFFER_TOO_SMALL);          \
        CHECK(n_ == need_);                                                       \
        n_ = 0;                                                                   \
        ROW(fn(__VA_ARGS__, b_, 1, &n_, NULL), PRANA_STATUS_BUFFER_TOO_SMALL);          \
        CHECK(n_ == need_);                                                       \
        CHECK(b_[0] == '#');                                                      \
        big_ = malloc(need_);                                                     \
        CHECK(big_ != NULL);                                                      \
        if (big_ != NULL) {                                                       \
            ROW(fn(__VA_ARGS__, big_, need_, &n_, &e_), PRANA_STATUS_OK);              \
            CHECK(e_.code == PRANA_STATUS_OK && e_.message[0] == '\0');         \
            CHECK(n_ == need_ - 1 && big_[n_] == '\0' && strlen(big_) == n_);     \
            free(big_);                                                           \
        }                                                                         \
    } while (0)

#define BIG 10240

static char *big_id;       /* 10 KiB of 'a' */
static char *big_target;   /* a resume path with a 10 KiB id */
static char *big_trigger;  /* a trigger path with a 10 KiB id */
static char *big_base;     /* https:// + 10 KiB host */
static char *big_config;   /* {"a":"aaaa..."} of 10 KiB */

static const char BAD_UTF8[] = "ex\xff\xfe";
static const char WITH_NUL[] = "ex\0ec";
static const char RID[] = "webhook_e1_n1_00000000000000000000000000";

static prana_id_generator *gen;
static prana_base_url *base;
static prana_registration *reg;

static void make_fixtures(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    size_t n;
    big_id = malloc(BIG + 1);
    big_target = malloc(BIG + 64);
    big_trigger = malloc(BIG + 64);
    big_base = malloc(BIG + 16);
    big_config = malloc(BIG + 16);
    if (!big_id || !big_target || !big_trigger || !big_base || !big_config) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    memset(big_id, 'a', BIG);
    big_id[BIG] = '\0';
    n = (size_t)sprintf(big_target, "/webhook/workflow/resume/%s", big_id);
    (void)n;
    sprintf(big_trigger, "/webhook/workflow/trigger/%s", big_id);
    sprintf(big_base, "https://%s", big_id);
    sprintf(big_config, "{\"a\":\"%s\"}", big_id);

    memset(seed, 5, sizeof seed);
    if (prana_id_generator_new(seed, sizeof seed, &gen, NULL) != PRANA_STATUS_OK ||
        prana_base_url_new(S("https://gw.example.com"), &base, NULL) != PRANA_STATUS_OK ||
        prana_registration_create(NULL, S(RID), S("e1"), S("n1"), 1, &reg, NULL) != PRANA_STATUS_OK) {
        fprintf(stderr, "fixtures failed: %s\n", last_error());
        exit(2);
    }
}

static void free_fixtures(void) {
    prana_registration_free(reg);
    prana_base_url_free(base);
    prana_id_generator_free(gen);
    free(big_id);
    free(big_target);
    free(big_trigger);
    free(big_base);
    free(big_config);
}

/* prana_last_error_message in the shape STR_OUT_CASES calls: it has no
 * `err` of its own (it reports the thread's message), so the wrapper fills
 * `err` from the status it returned. */
static prana_status last_message(int unused, char *buf, size_t len, size_t *out_len,
                                 prana_error *err) {
    prana_status st = prana_last_error_message(buf, len, out_len);
    (void)unused;
    if (err != NULL) {
        const char *what = st == PRANA_STATUS_OK ? "" : prana_status_str(st);
        err->code = st;
        err->message_len = strlen(what);
        snprintf(err->message, sizeof err->message, "%s", what);
    }
    return st;
}

static void rows_common(void) {
    /* prana_last_error_message: set a message first. */
    ROW(prana_resume_id_validate(S("nope"), NULL), PRANA_STATUS_MISSING_WEBHOOK_PREFIX);
    STR_OUT_CASES(last_message, 0);
    {
        size_t n = 99;
        char b[4];
        ROW(prana_resume_id_validate(S(RID), NULL), PRANA_STATUS_OK);
        /* After a success the message is empty: 1 byte (the NUL) suffices. */
        ROW(prana_last_error_message(b, 1, &n), PRANA_STATUS_OK);
        CHECK(n == 0 && b[0] == '\0');
        ROW(prana_last_error_message(NULL, 0, &n), PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(n == 1);
    }
    CHECK(prana_status_str(0xffffffffu) != NULL);
    CHECK(prana_status_code(0xffffffffu) != NULL);
    CHECK(prana_lifecycle_status_name(0xffffffffu) != NULL);
    /* _free(NULL) is a no-op. */
    prana_id_generator_free(NULL);
    prana_base_url_free(NULL);
    prana_registration_free(NULL);
}

/* prana_resume_url_create without a base (the ID only), in the shape
 * STR_OUT_CASES calls. */
static prana_status id_only(prana_id_generator *g, char *buf, size_t len, size_t *out_len,
                            prana_error *err) {
    return prana_resume_url_create(g, NULL, NULL, S("e"), S("n"), buf, len, out_len, NULL, 0,
                                   NULL, err);
}

static void rows_ids(void) {
    uint8_t seed[PRANA_ID_SEED_LEN] = {0};
    prana_id_generator *g = (prana_id_generator *)&seed; /* sentinel, never used */
    char b[PRANA_RESUME_ID_BUF_SIZE];
    size_t n = 0;

    /* prana_id_generator_new */
    ROW(prana_id_generator_new(NULL, 32, &g, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_id_generator_new(seed, 32, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_id_generator_new(NULL, 0, &g, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_id_generator_new(seed, 0, &g, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_id_generator_new(seed, 1, &g, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    CHECK(g == (prana_id_generator *)&seed); /* not written on failure */

    /* prana_id_generator_reseed */
    ROW(prana_id_generator_reseed(NULL, seed, 32, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_id_generator_reseed(gen, NULL, 32, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_id_generator_reseed(gen, seed, 0, NULL), PRANA_STATUS_INVALID_ARGUMENT);

    /* prana_resume_url_create without a base: the ID only */
    ROW(prana_resume_url_create(NULL, NULL, NULL, S("e"), S("n"), b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_resume_url_create(gen, NULL, NULL, NULL, 1, S("n"), b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_resume_url_create(gen, NULL, NULL, S("e"), NULL, 1, b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_resume_url_create(gen, NULL, NULL, NULL, 0, S("n"), b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_EMPTY_ID_PART);
    ROW(prana_resume_url_create(gen, NULL, NULL, S("e"), NULL, 0, b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_EMPTY_ID_PART);
    ROW(prana_resume_url_create(gen, NULL, NULL, S(BAD_UTF8), S("n"), b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_resume_url_create(gen, NULL, NULL, S("e"), S(BAD_UTF8), b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_resume_url_create(gen, NULL, NULL, S(WITH_NUL), S("n"), b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_resume_url_create(gen, NULL, NULL, S("e"), S(WITH_NUL), b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_resume_url_create(gen, NULL, NULL, big_id, BIG, S("n"), b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_ID_PART_TOO_LONG);
    ROW(prana_resume_url_create(gen, NULL, NULL, S("e"), big_id, BIG, b, sizeof b, &n, NULL, 0, NULL, NULL),
        PRANA_STATUS_ID_PART_TOO_LONG);
    STR_OUT_CASES(id_only, gen);

    /* prana_resume_url_create: both outputs, each checked like a
     * string output; a failing row writes neither buffer. */
    {
        char id[PRANA_RESUME_ID_BUF_SIZE], url[PRANA_URL_BUF_SIZE];
        size_t idn = 0, urln = 0, need_id = 0, need_url = 0;
        memset(id, '#', sizeof id);
        memset(url, '#', sizeof url);
        ROW(prana_resume_url_create(NULL, base, NULL, S("e"), S("n"), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        /* Without a base only the ID is made: the URL buffer stays untouched. */
        ROW(prana_resume_url_create(gen, NULL, NULL, S("e"), S("n"), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_OK);
        CHECK(url[0] == '#' && idn == strlen(id));
        id[0] = '#';
        ROW(prana_resume_url_create(gen, base, NULL, NULL, 1, S("n"), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), NULL, 1, id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_resume_url_create(gen, base, NULL, NULL, 0, S("n"), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_EMPTY_ID_PART);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), NULL, 0, id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_EMPTY_ID_PART);
        ROW(prana_resume_url_create(gen, base, NULL, S(BAD_UTF8), S("n"), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_INVALID_UTF8);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S(BAD_UTF8), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_INVALID_UTF8);
        ROW(prana_resume_url_create(gen, base, NULL, S(WITH_NUL), S("n"), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_EMBEDDED_NUL);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S(WITH_NUL), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_EMBEDDED_NUL);
        ROW(prana_resume_url_create(gen, base, NULL, big_id, BIG, S("n"), id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_ID_PART_TOO_LONG);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), big_id, BIG, id, sizeof id, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_ID_PART_TOO_LONG);
        /* NULL out-lengths and NULL buffers with a length. */
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), id, sizeof id, NULL, url, sizeof url, &urln, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), id, sizeof id, &idn, url, sizeof url, NULL, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), NULL, 8, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), id, sizeof id, &idn, NULL, 8, &urln, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        CHECK(id[0] == '#' && url[0] == '#');
        /* Size query, buffers of 0 and 1 byte, then a retry with the sizes. */
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), NULL, 0, &need_id, NULL, 0, &need_url, NULL),
            PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(need_id > 1 && need_url > need_id);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), id, 0, &idn, url, sizeof url, &urln, NULL),
            PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(idn == need_id && urln == need_url);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), id, sizeof id, &idn, url, 1, &urln, NULL),
            PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(idn == need_id && urln == need_url);
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), id, need_id - 1, &idn, url, need_url, &urln, NULL),
            PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(id[0] == '#' && url[0] == '#');
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), id, need_id, &idn, url, need_url, &urln, NULL),
            PRANA_STATUS_OK);
        CHECK(idn == need_id - 1 && id[idn] == '\0' && strlen(id) == idn);
        CHECK(urln == need_url - 1 && url[urln] == '\0' && strlen(url) == urln);
        /* No ID buffer: the ID is left in the URL, as its last idn bytes. */
        idn = urln = 0;
        ROW(prana_resume_url_create(gen, base, NULL, S("e"), S("n"), NULL, 0, &idn, url, need_url, &urln, NULL),
            PRANA_STATUS_OK);
        CHECK(idn == need_id - 1 && urln == need_url - 1 && strlen(url) == urln);
        CHECK(strncmp(url + urln - idn - 1, "/webhook_e_n_", 13) == 0);
    }


    /* prana_resume_id_validate / prana_id_part_validate */
    ROW(prana_resume_id_validate(NULL, 1, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_resume_id_validate(NULL, 0, NULL), PRANA_STATUS_EMPTY_ID);
    ROW(prana_resume_id_validate(S(BAD_UTF8), NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_resume_id_validate(S(WITH_NUL), NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_resume_id_validate(big_id, BIG, NULL), PRANA_STATUS_ID_TOO_LONG);
    ROW(prana_id_part_validate(NULL, 1, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_id_part_validate(NULL, 0, NULL), PRANA_STATUS_EMPTY_ID_PART);
    ROW(prana_id_part_validate(S(BAD_UTF8), NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_id_part_validate(S(WITH_NUL), NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_id_part_validate(big_id, BIG, NULL), PRANA_STATUS_ID_PART_TOO_LONG);
}

static void rows_urls(void) {
    prana_base_url *out = (prana_base_url *)&gen; /* sentinel */
    char b[PRANA_URL_BUF_SIZE];
    size_t n = 0;
    struct prana_route r;
    struct prana_precheck p;

    /* prana_base_url_new */
    ROW(prana_base_url_new(NULL, 5, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_new(S("http://a"), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_new(NULL, 0, &out, NULL), PRANA_STATUS_BASE_URL_SCHEME);
    ROW(prana_base_url_new(S("http://a\xff"), &out, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_base_url_new(S("http://a\0b"), &out, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_base_url_new(big_base, strlen(big_base), &out, NULL), PRANA_STATUS_CAPACITY_EXCEEDED);
    CHECK(out == (prana_base_url *)&gen);

    /* prana_base_url_str */
    ROW(prana_base_url_str(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    STR_OUT_CASES(prana_base_url_str, base);

    /* prana_base_url_trigger_url */
    ROW(prana_base_url_trigger_url(NULL, S("wf"), b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_trigger_url(base, NULL, 2, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_trigger_url(base, NULL, 0, b, sizeof b, &n, NULL), PRANA_STATUS_EMPTY_ID_PART);
    ROW(prana_base_url_trigger_url(base, S(BAD_UTF8), b, sizeof b, &n, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_base_url_trigger_url(base, S(WITH_NUL), b, sizeof b, &n, NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_base_url_trigger_url(base, big_id, BIG, b, sizeof b, &n, NULL),
        PRANA_STATUS_ID_PART_TOO_LONG);
    STR_OUT_CASES(prana_base_url_trigger_url, base, S("wf"));

    /* prana_base_url_action_url (keys NULL: unsigned) */
#define RID "webhook_e1_w_00000000000000000000000000"
    ROW(prana_base_url_action_url(NULL, NULL, PRANA_ROUTE_RESUME, S(RID), b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_action_url(base, NULL, PRANA_ROUTE_RESUME, NULL, 2, b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_action_url(base, NULL, PRANA_ROUTE_TRIGGER, S(RID), b, sizeof b, &n, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_base_url_action_url(base, NULL, 99, S(RID), b, sizeof b, &n, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_base_url_action_url(base, NULL, PRANA_ROUTE_CANCEL, S("nope"), b, sizeof b, &n, NULL),
        PRANA_STATUS_MISSING_WEBHOOK_PREFIX);
    ROW(prana_base_url_action_url(base, NULL, PRANA_ROUTE_CANCEL, S(BAD_UTF8), b, sizeof b, &n,
                                  NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_base_url_action_url(base, NULL, PRANA_ROUTE_CANCEL, S(WITH_NUL), b, sizeof b, &n,
                                  NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_base_url_action_url(base, NULL, PRANA_ROUTE_EXTEND, big_id, BIG, b, sizeof b, &n,
                                  NULL),
        PRANA_STATUS_ID_TOO_LONG);
    STR_OUT_CASES(prana_base_url_action_url, base, NULL, PRANA_ROUTE_EXTEND, S(RID));
#undef RID


    /* prana_route_parse */
    ROW(prana_route_parse(NULL, S("/x"), &r, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_route_parse(base, NULL, 2, &r, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_route_parse(base, S("/webhook/workflow/trigger/wf"), NULL, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_route_parse(base, NULL, 0, &r, NULL), PRANA_STATUS_MALFORMED_TARGET);
    ROW(prana_route_parse(base, S("/webhook/workflow/trigger/\xff"), &r, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_route_parse(base, S("/webhook/workflow/trigger/a\0b"), &r, NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_route_parse(base, big_target, strlen(big_target), &r, NULL), PRANA_STATUS_ID_TOO_LONG);
    ROW(prana_route_parse(base, big_trigger, strlen(big_trigger), &r, NULL), PRANA_STATUS_ID_TOO_LONG);

    /* prana_request_check */
    ROW(prana_request_check(NULL, S("POST"), S("/x"), 0, 10, &p, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_request_check(base, NULL, 4, S("/x"), 0, 10, &p, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_request_check(base, S("POST"), NULL, 2, 0, 10, &p, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_request_check(base, S("POST"), S("/x"), 0, 10, NULL, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_request_check(base, S("PO\xffST"), S("/x"), 0, 10, &p, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_request_check(base, S("POST"), S("/x\0"), 0, 10, &p, NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    /* Empty method and target are answers, not call failures. */
    ROW(prana_request_check(base, NULL, 0, NULL, 0, 0, 10, &p, NULL), PRANA_STATUS_OK);
    CHECK(!p.accepted && p.answer.http_status == 404);
    ROW(prana_request_check(base, S("POST"), big_target, strlen(big_target), 0, 10, &p, NULL),
        PRANA_STATUS_OK);
    CHECK(!p.accepted && p.answer.http_status == 400 && p.answer.cause == PRANA_STATUS_ID_TOO_LONG);
    CHECK(strlen(p.answer.message) <= PRANA_MAX_MESSAGE_LEN);
}

static void rows_decide(void) {
    struct prana_resume_decision d;
    ROW(prana_resume_decide(NULL, 4, reg, 0, &d, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_resume_decide(S(RID), reg, 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_resume_decide(S(BAD_UTF8), reg, 0, &d, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_resume_decide(S(WITH_NUL), reg, 0, &d, NULL), PRANA_STATUS_EMBEDDED_NUL);
    /* NULL registration is documented as "not found". */
    ROW(prana_resume_decide(S(RID), NULL, 0, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 404);
    ROW(prana_resume_decide(NULL, 0, reg, 0, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 404);
    ROW(prana_resume_decide(big_id, BIG, reg, 0, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 404);

    ROW(prana_cancel_decide(NULL, 4, reg, 0, &d, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_cancel_decide(S(RID), reg, 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_cancel_decide(S(BAD_UTF8), reg, 0, &d, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_cancel_decide(S(WITH_NUL), reg, 0, &d, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_cancel_decide(S(RID), NULL, 0, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 404);
    ROW(prana_cancel_decide(big_id, BIG, reg, 0, &d, NULL), PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 404);
    {
        struct prana_transition t;
        bool due = true;
        ROW(prana_expire_decide(NULL, 4, reg, 0, &due, &t, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_expire_decide(S(RID), reg, 0, NULL, &t, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_expire_decide(S(RID), reg, 0, &due, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_expire_decide(S(BAD_UTF8), reg, 0, &due, &t, NULL), PRANA_STATUS_INVALID_UTF8);
        ROW(prana_expire_decide(S(WITH_NUL), reg, 0, &due, &t, NULL), PRANA_STATUS_EMBEDDED_NUL);
        ROW(prana_expire_decide(S(RID), NULL, 0, &due, &t, NULL), PRANA_STATUS_OK);
        CHECK(!due && t.resume_id_len == 0);
        due = true;
        ROW(prana_expire_decide(big_id, BIG, reg, UINT64_MAX, &due, &t, NULL), PRANA_STATUS_OK);
        CHECK(!due);
    }

    {
        struct prana_extension e;
        ROW(prana_registration_extend(reg, NULL, 4, NULL, 0, 0, &e, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_registration_extend(reg, S(RID), NULL, 4, 0, &e, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_registration_extend(reg, S(RID), NULL, 0, 0, NULL, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_registration_extend(reg, S(BAD_UTF8), NULL, 0, 0, &e, NULL),
            PRANA_STATUS_INVALID_UTF8);
        ROW(prana_registration_extend(reg, S(WITH_NUL), NULL, 0, 0, &e, NULL),
            PRANA_STATUS_EMBEDDED_NUL);
        /* NULL registration: not found. A bad body is an answer, not a failure. */
        ROW(prana_registration_extend(NULL, S(RID), NULL, 0, 0, &e, NULL), PRANA_STATUS_OK);
        CHECK(!e.extended && e.answer.http_status == 404);
        ROW(prana_registration_extend(reg, S(RID), S("\xff"), 0, &e, NULL), PRANA_STATUS_OK);
        CHECK(!e.extended && e.answer.http_status == 400);
        CHECK_STR(e.answer.code, "invalid_extend_request");
        ROW(prana_registration_extend(reg, S(RID), S("{\"timeout_hours\": 0}"), 0, &e, NULL),
            PRANA_STATUS_OK);
        CHECK(!e.extended && e.answer.http_status == 400);
        ROW(prana_registration_extend(reg, S(RID), big_config, strlen(big_config), 0, &e, NULL),
            PRANA_STATUS_OK);
        CHECK(!e.extended && e.answer.http_status == 400);
        ROW(prana_registration_extend(reg, big_id, BIG, NULL, 0, 0, &e, NULL), PRANA_STATUS_OK);
        CHECK(!e.extended && e.answer.http_status == 404);
    }

    {
        char b[8];
        size_t n;
        ROW(prana_registration_describe(NULL, 0, b, sizeof b, &n, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        STR_OUT_CASES(prana_registration_describe, reg, 0);
    }
}

/* The page and form functions. */
static void rows_page(void) {
    const char *url = "https://gw.example.com/webhook/workflow/resume/x";
    const char *form = "{\"form\":[{\"name\":\"n\",\"type\":\"number\",\"required\":true}]}";
    char b[8];
    size_t n = 0;
    uint16_t http = 0;
    const struct prana_header_pair *h = prana_page_security_headers(NULL);
    CHECK(h != NULL && h[0].name != NULL);
    h = prana_page_security_headers(&n);
    CHECK(n == 5 && strcmp(h[0].name, "Content-Security-Policy") == 0);

    CHECK(!prana_page_accepts_html(NULL, 0));
    CHECK(!prana_page_accepts_html(NULL, 9));
    CHECK(!prana_page_accepts_html(S("text/html\xff")));
    CHECK(!prana_page_accepts_html(S("text/html\0")));
    CHECK(!prana_page_accepts_html(big_id, BIG));
    CHECK(prana_page_accepts_html("text/html", PRANA_NUL_TERMINATED));

    ROW(prana_page_render_wait(NULL, 4, url, strlen(url), NULL, 0, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_page_render_wait(S("{}"), NULL, 4, NULL, 0, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_page_render_wait(S("{}"), url, strlen(url), NULL, 3, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_page_render_wait(S("{\"title\":\"\xff\"}"), url, strlen(url), NULL, 0, NULL, 0, b,
                               sizeof b, &n, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_page_render_wait(S("{}"), S("u\0"), NULL, 0, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_page_render_wait(S("[1]"), url, strlen(url), NULL, 0, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_NOT_AN_OBJECT);
    ROW(prana_page_render_wait(S("{\"form\":7}"), url, strlen(url), NULL, 0, NULL, 0, b, sizeof b,
                               &n, NULL),
        PRANA_STATUS_FORM_CONFIG_INVALID);
    ROW(prana_page_render_wait(big_config, strlen(big_config), url, strlen(url), NULL, 0, NULL, 0,
                               b, sizeof b, &n, NULL),
        PRANA_STATUS_BUFFER_TOO_SMALL);
    STR_OUT_CASES(prana_page_render_wait, S("{\"title\":\"<b>\"}"), url, strlen(url), NULL, 0,
                  NULL, 0);
    /* A refused submission: the page shows it (bytes, not text). */
    STR_OUT_CASES(prana_page_render_wait, form, strlen(form), url, strlen(url), NULL, 0,
                  S("n=%ff"));

    ROW(prana_page_render_result(7, b, sizeof b, &n, &http, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_page_render_result(PRANA_PAGE_DONE, b, sizeof b, &n, NULL, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_page_render_result(PRANA_PAGE_EXPIRED, NULL, 0, &n, &http, NULL),
        PRANA_STATUS_BUFFER_TOO_SMALL);
    {
        char page[4096];
        ROW(prana_page_render_result(PRANA_PAGE_EXPIRED, page, sizeof page, &n, &http, NULL),
            PRANA_STATUS_OK);
        CHECK(http == 410 && strstr(page, "expired") != NULL && strlen(page) == n);
    }

    ROW(prana_form_decode(NULL, 4, S("decision=approve"), b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_form_decode(S("{}"), NULL, 4, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_form_decode(S("\xff"), S("decision=approve"), b, sizeof b, &n, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_form_decode(form, strlen(form), S("n=%ff"), b, sizeof b, &n, NULL),
        PRANA_STATUS_FORM_BAD_ENCODING);
    ROW(prana_form_decode(S("{}"), S("decision=maybe"), b, sizeof b, &n, NULL),
        PRANA_STATUS_FORM_BAD_DECISION);
    ROW(prana_form_decode(S("{}"), big_id, BIG, b, sizeof b, &n, NULL),
        PRANA_STATUS_FORM_BAD_DECISION);
    ROW(prana_form_decode(form, strlen(form), S("n=abc"), b, sizeof b, &n, NULL),
        PRANA_STATUS_FORM_FIELD_NOT_A_NUMBER);
    ROW(prana_form_decode(form, strlen(form), S(""), b, sizeof b, &n, NULL),
        PRANA_STATUS_FORM_FIELD_REQUIRED);
    ROW(prana_form_decode(form, strlen(form), NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_FORM_FIELD_REQUIRED);
    STR_OUT_CASES(prana_form_decode, S("{}"), S("decision=reject"));
    STR_OUT_CASES(prana_form_decode, form, strlen(form), S("n=12.5"));
}

static void rows_registration(void) {
    prana_registration *out = (prana_registration *)&gen; /* sentinel */
    struct prana_transition t;
    prana_lifecycle_status st;
    uint64_t u = 0;
    bool has = false;

    /* prana_registration_create */
    ROW(prana_registration_create(NULL, NULL, 0, S("e"), S("n"), 0, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(gen, NULL, 0, NULL, 1, S("n"), 0, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(gen, NULL, 0, S("e"), NULL, 1, 0, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(gen, NULL, 0, S("e"), S("n"), 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(gen, NULL, 0, NULL, 0, S("n"), 0, &out, NULL), PRANA_STATUS_EMPTY_ID_PART);
    ROW(prana_registration_create(gen, NULL, 0, S(BAD_UTF8), S("n"), 0, &out, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_registration_create(gen, NULL, 0, S("e"), S(WITH_NUL), 0, &out, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_registration_create(gen, NULL, 0, big_id, BIG, S("n"), 0, &out, NULL),
        PRANA_STATUS_ID_PART_TOO_LONG);
    CHECK(out == (prana_registration *)&gen);

    /* prana_registration_create with a given resume ID (no generator) */
    ROW(prana_registration_create(NULL, NULL, 4, S("e1"), S("n1"), 0, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(NULL, S(RID), NULL, 2, S("n1"), 0, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(NULL, S(RID), S("e1"), NULL, 2, 0, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(NULL, S(RID), S("e1"), S("n1"), 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(NULL, NULL, 0, S("e1"), S("n1"), 0, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_create(NULL, S(RID), NULL, 0, S("n1"), 0, &out, NULL), PRANA_STATUS_EMPTY_ID_PART);
    ROW(prana_registration_create(NULL, S(BAD_UTF8), S("e1"), S("n1"), 0, &out, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_registration_create(NULL, S(RID), S(WITH_NUL), S("n1"), 0, &out, NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_registration_create(NULL, big_id, BIG, S("e1"), S("n1"), 0, &out, NULL), PRANA_STATUS_ID_TOO_LONG);
    ROW(prana_registration_create(NULL, S(RID), S("e1"), big_id, BIG, 0, &out, NULL),
        PRANA_STATUS_ID_PART_TOO_LONG);

    /* prana_registration_from_json */
    ROW(prana_registration_from_json(NULL, 2, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_from_json(S("{}"), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_from_json(NULL, 0, &out, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_registration_from_json(S("{\"a\":\"\xff\"}"), &out, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_registration_from_json(S("{}\0"), &out, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_registration_from_json(big_id, BIG, &out, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK(out == (prana_registration *)&gen);

    /* prana_registration_to_json and the string getters */
    STR_OUT_CASES(prana_registration_to_json, reg);
    STR_OUT_CASES(prana_registration_resume_id, reg);
    STR_OUT_CASES(prana_registration_execution_id, reg);
    STR_OUT_CASES(prana_registration_node_id, reg);
    STR_OUT_CASES(prana_registration_webhook_config, reg);
    {
        char b[8];
        size_t n;
        ROW(prana_registration_to_json(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_registration_resume_id(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_registration_execution_id(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_registration_node_id(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_registration_webhook_config(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    }

    /* prana_registration_clone */
    ROW(prana_registration_clone(NULL, &out, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_clone(reg, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);

    /* Transitions: a NULL out must not change the registration. */
    ROW(prana_registration_activate(NULL, 0, 1, S("{}"), &t, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_activate(reg, 0, 1, NULL, 2, &t, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_activate(reg, 0, 1, S("{}"), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_activate(reg, 0, 1, S("{\"a\":\"\xff\"}"), &t, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_registration_activate(reg, 0, 1, S("{}\0"), &t, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_registration_activate(reg, 0, 1, big_config, strlen(big_config), &t, NULL),
        PRANA_STATUS_CAPACITY_EXCEEDED);
    /* A non-NULL empty config is not JSON. */
    ROW(prana_registration_activate(reg, 0, 1, "", 0, &t, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_registration_status(reg, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_LIFECYCLE_PENDING);

    ROW(prana_registration_consume(NULL, 0, &t, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_consume(reg, 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_expire(NULL, &t, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_expire(reg, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_status(reg, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_LIFECYCLE_PENDING);

    /* Scalar getters */
    ROW(prana_registration_status(NULL, &st, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_status(reg, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_status_at(NULL, 0, &st, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_status_at(reg, 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_created_at(NULL, &u, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_created_at(reg, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_expires_at(NULL, &has, &u, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_expires_at(reg, NULL, &u, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_expires_at(reg, &has, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);

    /* Lifecycle helpers */
    ROW(prana_lifecycle_check(0, 4, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_lifecycle_status_parse(NULL, 3, &st, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_lifecycle_status_parse(S("active"), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_lifecycle_status_parse(NULL, 0, &st, NULL), PRANA_STATUS_UNKNOWN_STATUS);
    ROW(prana_lifecycle_status_parse(S("activ\xff"), &st, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_lifecycle_status_parse(S("active\0"), &st, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_lifecycle_status_parse(big_id, BIG, &st, NULL), PRANA_STATUS_UNKNOWN_STATUS);
}

static void rows_http(void) {
    static const char raw[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    const uint8_t *buf = (const uint8_t *)raw;
    size_t len = sizeof raw - 1;
    struct prana_http_request r;
    struct prana_span v;

    ROW(prana_http_parse_request(NULL, len, &r, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_http_parse_request(buf, len, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_http_parse_request(NULL, 0, &r, NULL), PRANA_STATUS_HTTP_INCOMPLETE);
    ROW(prana_http_parse_request(buf, 0, &r, NULL), PRANA_STATUS_HTTP_INCOMPLETE);
    ROW(prana_http_parse_request(buf, 1, &r, NULL), PRANA_STATUS_HTTP_INCOMPLETE);
    ROW(prana_http_parse_request((const uint8_t *)S("GET /\xff HTTP/1.1\r\n\r\n"), &r, NULL),
        PRANA_STATUS_HTTP_MALFORMED);
    ROW(prana_http_parse_request((const uint8_t *)S("GET /\0 HTTP/1.1\r\n\r\n"), &r, NULL),
        PRANA_STATUS_HTTP_MALFORMED);
    /* 10 KiB without a line end is still incomplete: the host caps its buffer. */
    ROW(prana_http_parse_request((const uint8_t *)big_id, BIG, &r, NULL), PRANA_STATUS_HTTP_INCOMPLETE);

    ROW(prana_http_parse_request(buf, len, &r, NULL), PRANA_STATUS_OK);
    ROW(prana_http_request_header(NULL, buf, len, S("host"), &v, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_http_request_header(&r, NULL, len, S("host"), &v, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_http_request_header(&r, buf, len, NULL, 4, &v, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_http_request_header(&r, buf, len, S("host"), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_http_request_header(&r, buf, len, NULL, 0, &v, NULL), PRANA_STATUS_HTTP_HEADER_NOT_FOUND);
    ROW(prana_http_request_header(&r, NULL, 0, S("host"), &v, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_http_request_header(&r, buf, len, S("ho\xff"), &v, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_http_request_header(&r, buf, len, S("ho\0st"), &v, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_http_request_header(&r, buf, len, big_id, BIG, &v, NULL),
        PRANA_STATUS_HTTP_HEADER_NOT_FOUND);
}

static bool ok_handler(void *user_data, const struct prana_node_call *call, char *output,
                       size_t output_cap, struct prana_node_result *result) {
    (void)user_data;
    (void)call;
    (void)output_cap;
    output[0] = '1';
    result->output_len = 1;
    return true;
}

/* prana_webhook_secret_verify at a fixed clock and tolerance. */
static prana_status swv(const prana_webhook_secret *sec, const char *id, size_t idl, const char *t,
                        size_t tl, const uint8_t *body, size_t bl, const char *sg, size_t sgl,
                        int64_t *out) {
    return prana_webhook_secret_verify(sec, id, idl, t, tl, body, bl, sg, sgl, 1614265400000u,
                                          300, out, NULL);
}

static void rows_signatures(void) {
    static const uint8_t secret[32] = {1};
    static const char WHSEC[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    prana_key_set *keys = NULL, *out = (prana_key_set *)&gen;
    prana_webhook_secret *ws = NULL, *wout = (prana_webhook_secret *)&gen;
    struct prana_signature_check c;
    size_t n = 0;
    int64_t ts = 0;
    char b[PRANA_URL_BUF_SIZE];

    ROW(prana_key_set_new(NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_new(&keys, NULL), PRANA_STATUS_OK);

    /* prana_key_set_add */
    ROW(prana_key_set_add(NULL, S("k1"), secret, 32, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_add(keys, NULL, 2, secret, 32, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_add(keys, S("k1"), NULL, 32, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_add(keys, NULL, 0, secret, 32, NULL), PRANA_STATUS_KEY_ID_INVALID);
    ROW(prana_key_set_add(keys, S("k1"), NULL, 0, NULL), PRANA_STATUS_KEY_SECRET_TOO_SHORT);
    ROW(prana_key_set_add(keys, S("k\xff"), secret, 32, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_key_set_add(keys, S("k\0"), secret, 32, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_key_set_add(keys, big_id, BIG, secret, 32, NULL), PRANA_STATUS_KEY_ID_INVALID);
    ROW(prana_key_set_add(keys, S("k1"), secret, 32, NULL), PRANA_STATUS_OK);

    /* set_current / remove / len */
    ROW(prana_key_set_set_current(NULL, S("k1"), NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_set_current(keys, NULL, 2, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_set_current(keys, NULL, 0, NULL), PRANA_STATUS_KEY_NOT_FOUND);
    ROW(prana_key_set_set_current(keys, S("k\xff"), NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_key_set_set_current(keys, S("k1\0"), NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_key_set_remove(NULL, S("k1"), NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_remove(keys, NULL, 2, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_remove(keys, big_id, BIG, NULL), PRANA_STATUS_KEY_NOT_FOUND);
    ROW(prana_key_set_len(NULL, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_len(keys, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);

    /* sign / signed URL */
    ROW(prana_key_set_sign(NULL, PRANA_ROUTE_RESUME, S(RID), b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, NULL, 4, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, NULL, 0, b, sizeof b, &n, NULL), PRANA_STATUS_EMPTY_ID);
    ROW(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, S(BAD_UTF8), b, sizeof b, &n, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, S(WITH_NUL), b, sizeof b, &n, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, big_id, BIG, b, sizeof b, &n, NULL), PRANA_STATUS_ID_TOO_LONG);
    STR_OUT_CASES(prana_key_set_sign, keys, PRANA_ROUTE_RESUME, S(RID));
    STR_OUT_CASES(prana_key_set_sign, keys, PRANA_ROUTE_CANCEL, S(RID));
    ROW(prana_key_set_sign(keys, PRANA_ROUTE_TRIGGER, S(RID), b, sizeof b, &n, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_key_set_sign(keys, 99, S(RID), b, sizeof b, &n, NULL), PRANA_STATUS_INVALID_ARGUMENT);

    /* verify */
    ROW(prana_signature_verify(NULL, PRANA_ROUTE_RESUME, 0, S(RID), S("sig=x"), &c, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 0, NULL, 4, S("sig=x"), &c, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 0, S(RID), NULL, 5, &c, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 0, S(RID), S("sig=x"), NULL, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 0, S(RID), S("sig=\xff"), &c, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 0, S(RID), S("sig=\0"), &c, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 7, S(RID), NULL, 0, &c, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_signature_verify(keys, PRANA_ROUTE_NONE, 0, S(RID), NULL, 0, &c, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_signature_verify(keys, 5, 0, S(RID), NULL, 0, &c, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    /* Empty id and query, 10 KiB query: answers, not call failures. */
    ROW(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 0, NULL, 0, NULL, 0, &c, NULL), PRANA_STATUS_OK);
    CHECK(!c.accepted && c.answer.cause == PRANA_STATUS_SIGNATURE_MISSING);
    ROW(prana_signature_verify(keys, PRANA_ROUTE_RESUME, 0, S(RID), big_id, BIG, &c, NULL), PRANA_STATUS_OK);
    CHECK(!c.accepted && c.answer.http_status == 401);

    /* webhook secrets */
    ROW(prana_webhook_secret_new(NULL, 5, &wout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_webhook_secret_new(S(WHSEC), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_webhook_secret_new(NULL, 0, &wout, NULL), PRANA_STATUS_WEBHOOK_SECRET_PREFIX);
    ROW(prana_webhook_secret_new(S("whsec_\xff"), &wout, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_webhook_secret_new(S("whsec_\0"), &wout, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_webhook_secret_new(big_id, BIG, &wout, NULL), PRANA_STATUS_WEBHOOK_SECRET_PREFIX);
    ROW(prana_webhook_secret_from_bytes(NULL, 4, &wout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_webhook_secret_from_bytes(secret, 32, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_webhook_secret_from_bytes((const uint8_t *)big_id, BIG, &wout, NULL),
        PRANA_STATUS_WEBHOOK_SECRET_TOO_LONG);
    CHECK(wout == (prana_webhook_secret *)&gen);
    ROW(prana_webhook_secret_new(S(WHSEC), &ws, NULL), PRANA_STATUS_OK);

    /* verify: NULL for each pointer, bad text, 10 KiB values. */
    ROW(swv(NULL, S("m"), S("1614265330"), (const uint8_t *)"{}", 2, S("v1,x"), &ts),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(swv(ws, NULL, 1, S("1614265330"), (const uint8_t *)"{}", 2, S("v1,x"), &ts),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(swv(ws, S("m"), NULL, 3, (const uint8_t *)"{}", 2, S("v1,x"), &ts),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(swv(ws, S("m"), S("1614265330"), NULL, 2, S("v1,x"), &ts), PRANA_STATUS_NULL_ARGUMENT);
    ROW(swv(ws, S("m"), S("1614265330"), (const uint8_t *)"{}", 2, NULL, 4, &ts),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(swv(ws, S("m"), S("1614265330"), (const uint8_t *)"{}", 2, S("v1,x"), NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(swv(ws, S("m"), NULL, 0, (const uint8_t *)"{}", 2, S("v1,x"), &ts),
        PRANA_STATUS_WEBHOOK_TIMESTAMP_INVALID);
    ROW(swv(ws, S("m"), S("1614265330"), NULL, 0, NULL, 0, &ts),
        PRANA_STATUS_WEBHOOK_SIGNATURE_NO_V1);
    ROW(swv(ws, S("m\xff"), S("1614265330"), NULL, 0, S("v1,x"), &ts), PRANA_STATUS_INVALID_UTF8);
    ROW(swv(ws, S("m"), S("1614265330\0"), NULL, 0, S("v1,x"), &ts), PRANA_STATUS_EMBEDDED_NUL);
    ROW(swv(ws, S("m"), S("1614265330"), NULL, 0, S("v1,\xff"), &ts), PRANA_STATUS_INVALID_UTF8);
    ROW(swv(ws, S("m"), big_id, BIG, NULL, 0, S("v1,x"), &ts),
        PRANA_STATUS_WEBHOOK_TIMESTAMP_INVALID);
    ROW(swv(ws, big_id, BIG, S("1614265330"), (const uint8_t *)big_id, BIG, big_id, BIG, &ts),
        PRANA_STATUS_WEBHOOK_SIGNATURE_NO_V1);

    /* sign */
    ROW(prana_webhook_secret_sign(NULL, S("m"), 1, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_webhook_secret_sign(ws, NULL, 1, 1, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_webhook_secret_sign(ws, S("m"), 1, NULL, 3, b, sizeof b, &n, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_webhook_secret_sign(ws, S("m\xff"), 1, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_webhook_secret_sign(ws, S("m\0"), 1, NULL, 0, b, sizeof b, &n, NULL),
        PRANA_STATUS_EMBEDDED_NUL);
    STR_OUT_CASES(prana_webhook_secret_sign, ws, S("m"), 1, NULL, 0);

    prana_webhook_secret_free(ws);
    prana_key_set_free(keys);
    prana_key_set_free(NULL);
    prana_webhook_secret_free(NULL);
    CHECK(out == (prana_key_set *)&gen);
}

static void rows_executor(void) {
    static const char WF[] =
        "{\"id\": \"wf\", \"nodes\": [{\"key\": \"t\", \"type\": \"trigger\"},"
        "{\"key\": \"w\", \"type\": \"wait\", \"params\": {\"mode\": \"webhook\"}},"
        "{\"key\": \"n\", \"type\": \"log\"}],"
        "\"connections\": [{\"from\": \"t\", \"to\": \"w\"}, {\"from\": \"w\", \"to\": \"n\"}]}";
    prana_workflow *wf = NULL, *wout = (prana_workflow *)&gen;
    prana_execution *x = NULL, *xout = (prana_execution *)&gen;
    prana_registration *rout = NULL;
    struct prana_run_result r;
    prana_run_status st;
    prana_wait_mode mode;
    size_t n = 0;
    bool has = false;
    uint64_t at = 0;
    char b[PRANA_URL_BUF_SIZE];
    static char rid[PRANA_RESUME_ID_BUF_SIZE];

    /* prana_workflow_new */
    ROW(prana_workflow_new(NULL, 5, &wout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_workflow_new(S(WF), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_workflow_new(NULL, 0, &wout, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_workflow_new(S("{\"id\": \"\xff\"}"), &wout, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_workflow_new(S("{\"id\": \"x\"}\0"), &wout, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_workflow_new(big_config, strlen(big_config), &wout, NULL),
        PRANA_STATUS_WORKFLOW_MISSING_FIELD);
    CHECK(wout == (prana_workflow *)&gen);
    ROW(prana_workflow_new(S(WF), &wf, NULL), PRANA_STATUS_OK);

    ROW(prana_workflow_id(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    STR_OUT_CASES(prana_workflow_id, wf);

    /* prana_execution_start */
    ROW(prana_execution_start(NULL, S("x1"), base, NULL, gen, 0, 0, &xout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_start(wf, NULL, 2, base, NULL, gen, 0, 0, &xout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_start(wf, S("x1"), NULL, NULL, gen, 0, 0, &xout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_start(wf, S("x1"), base, NULL, NULL, 0, 0, &xout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_start(wf, S("x1"), base, NULL, gen, 0, 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_start(wf, NULL, 0, base, NULL, gen, 0, 0, &xout, NULL), PRANA_STATUS_EMPTY_ID_PART);
    ROW(prana_execution_start(wf, S("x\xff"), base, NULL, gen, 0, 0, &xout, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_execution_start(wf, S("x\0"), base, NULL, gen, 0, 0, &xout, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_execution_start(wf, big_id, BIG, base, NULL, gen, 0, 0, &xout, NULL), PRANA_STATUS_ID_PART_TOO_LONG);
    CHECK(xout == (prana_execution *)&gen);
    ROW(prana_execution_start(wf, S("x1"), base, NULL, gen, 0, (size_t)PRANA_MAX_PAYLOAD_CAPACITY + 1,
                              &xout, NULL),
        PRANA_STATUS_CAPACITY_EXCEEDED);
    ROW(prana_execution_start(wf, S("x1"), base, NULL, gen, 0, SIZE_MAX, &xout, NULL),
        PRANA_STATUS_CAPACITY_EXCEEDED);
    CHECK(xout == (prana_execution *)&gen); /* untouched on failure */
    /* A small payload capacity: the 10 KiB payload below does not fit. */
    ROW(prana_execution_start(wf, S("x1"), base, NULL, gen, 0, 1024, &x, NULL), PRANA_STATUS_OK);

    /* prana_execution_start with keys: NULL keys is unsigned; an empty
     * set has no signing key. */
    {
        static const uint8_t secret[32] = {7};
        prana_key_set *keys = NULL, *empty = NULL;
        prana_execution *sx = NULL;
        ROW(prana_key_set_new(&keys, NULL), PRANA_STATUS_OK);
        ROW(prana_key_set_new(&empty, NULL), PRANA_STATUS_OK);
        ROW(prana_key_set_add(keys, S("k1"), secret, 32, NULL), PRANA_STATUS_OK);
        ROW(prana_execution_start(NULL, S("x2"), base, keys, gen, 0, 0, &xout, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_start(wf, NULL, 2, base, keys, gen, 0, 0, &xout, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_start(wf, S("x2"), NULL, keys, gen, 0, 0, &xout, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_start(wf, S("x2"), base, keys, NULL, 0, 0, &xout, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_start(wf, S("x2"), base, keys, gen, 0, 0, NULL, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_start(wf, NULL, 0, base, keys, gen, 0, 0, &xout, NULL),
            PRANA_STATUS_EMPTY_ID_PART);
        ROW(prana_execution_start(wf, S("x\xff"), base, keys, gen, 0, 0, &xout, NULL),
            PRANA_STATUS_INVALID_UTF8);
        ROW(prana_execution_start(wf, S("x\0"), base, keys, gen, 0, 0, &xout, NULL),
            PRANA_STATUS_EMBEDDED_NUL);
        ROW(prana_execution_start(wf, big_id, BIG, base, keys, gen, 0, 0, &xout, NULL),
            PRANA_STATUS_ID_PART_TOO_LONG);
        ROW(prana_execution_start(wf, S("x2"), base, empty, gen, 0, 0, &xout, NULL),
            PRANA_STATUS_NO_SIGNING_KEY);
        CHECK(xout == (prana_execution *)&gen);
        ROW(prana_execution_start(wf, S("x2"), base, NULL, gen, 0, 0, &sx, NULL), PRANA_STATUS_OK);
        prana_execution_free(sx);
        sx = NULL;
        ROW(prana_execution_start(wf, S("x2"), base, keys, gen, 0, 0, &sx, NULL), PRANA_STATUS_OK);
        prana_execution_free(sx);
        prana_key_set_free(empty);
        prana_key_set_free(keys);
    }

    /* JSON */
    ROW(prana_execution_from_json(NULL, 2, 0, &xout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_from_json(S("{}"), 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_from_json(NULL, 0, 0, &xout, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_execution_from_json(S("{\"a\": \"\xff\"}"), 0, &xout, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_execution_from_json(S("{}\0"), 0, &xout, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_execution_from_json(big_id, BIG, 0, &xout, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_execution_from_json(S("{}"), SIZE_MAX, &xout, NULL), PRANA_STATUS_CAPACITY_EXCEEDED);
    CHECK(xout == (prana_execution *)&gen);
    {
        /* prana_execution_restore, on a handle of its own (a failed load
         * empties it). */
        prana_execution *lx = NULL;
        ROW(prana_execution_start(wf, S("x3"), base, NULL, gen, 0, 0, &lx, NULL), PRANA_STATUS_OK);
        ROW(prana_execution_restore(NULL, S("{}"), NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_restore(lx, NULL, 2, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_restore(lx, NULL, 0, NULL), PRANA_STATUS_INVALID_JSON);
        ROW(prana_execution_restore(lx, S("{\"a\": \"\xff\"}"), NULL), PRANA_STATUS_INVALID_UTF8);
        ROW(prana_execution_restore(lx, S("{}\0"), NULL), PRANA_STATUS_EMBEDDED_NUL);
        ROW(prana_execution_restore(lx, big_id, BIG, NULL), PRANA_STATUS_INVALID_JSON);
        prana_execution_free(lx);
    }
    ROW(prana_execution_to_json(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    STR_OUT_CASES(prana_execution_to_json, x);

    /* run: NULL for each pointer, bad input (a NULL handler is allowed until a
     * host node runs). */
    ROW(prana_execution_run(NULL, x, ok_handler, NULL, S("{}"), 1, &r, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_run(wf, NULL, ok_handler, NULL, S("{}"), 1, &r, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_run(wf, x, ok_handler, NULL, NULL, 2, 1, &r, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_run(wf, x, ok_handler, NULL, S("{}"), 1, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_run(wf, x, ok_handler, NULL, NULL, 0, 1, &r, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_execution_run(wf, x, ok_handler, NULL, S("\"\xff\""), 1, &r, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_execution_run(wf, x, ok_handler, NULL, S("{}\0"), 1, &r, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_execution_run(wf, x, ok_handler, NULL, big_config, strlen(big_config), 1, &r, NULL),
        PRANA_STATUS_CAPACITY_EXCEEDED);
    /* None of that changed the execution: it still runs. */
    ROW(prana_execution_run(wf, x, ok_handler, NULL, S("{}"), 1, &r, NULL), PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_SUSPENDED);
    strcpy(rid, r.resume_id);

    /* resume / cancel: the applied transition, read field by field */
    {
        struct prana_transition t = *applied(rid);
        struct prana_transition bad = t;
        ROW(prana_execution_resume(NULL, x, ok_handler, NULL, &t, S("{}"), 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_resume(wf, NULL, ok_handler, NULL, &t, S("{}"), 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, NULL, S("{}"), 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &t, NULL, 2, 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &t, S("{}"), 2, NULL, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &t, S("\"\xff\""), 2, &r, NULL),
            PRANA_STATUS_INVALID_UTF8);
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &t, S("{}\0"), 2, &r, NULL),
            PRANA_STATUS_EMBEDDED_NUL);
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &t, NULL, 0, 2, &r, NULL),
            PRANA_STATUS_INVALID_JSON);
        bad.from = 9; /* no lifecycle status */
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &bad, S("{}"), 2, &r, NULL),
            PRANA_STATUS_INVALID_ARGUMENT);
        bad = t;
        bad.to = PRANA_LIFECYCLE_EXPIRED; /* not active -> consumed */
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &bad, S("{}"), 2, &r, NULL),
            PRANA_STATUS_EXECUTION_NOT_APPLIED);
        bad = t;
        bad.resume_id_len = sizeof bad.resume_id; /* overlong: past the array */
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &bad, S("{}"), 2, &r, NULL),
            PRANA_STATUS_INVALID_ARGUMENT);
        bad = t;
        bad.resume_id[3] = (char)0xff;
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &bad, S("{}"), 2, &r, NULL),
            PRANA_STATUS_INVALID_UTF8);
        bad = t;
        bad.resume_id_len = 0;
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &bad, S("{}"), 2, &r, NULL),
            PRANA_STATUS_EMPTY_ID);
        bad = *applied(RID); /* a valid ID of another execution */
        ROW(prana_execution_resume(wf, x, ok_handler, NULL, &bad, S("{}"), 2, &r, NULL),
            PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID);

        ROW(prana_execution_cancel(NULL, x, ok_handler, NULL, &t, 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_cancel(wf, NULL, ok_handler, NULL, &t, 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_cancel(wf, x, ok_handler, NULL, NULL, 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_cancel(wf, x, ok_handler, NULL, &t, 2, NULL, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        bad = t;
        bad.from = PRANA_LIFECYCLE_PENDING;
        ROW(prana_execution_cancel(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_EXECUTION_NOT_APPLIED);
        bad = t;
        bad.to = 77;
        ROW(prana_execution_cancel(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_INVALID_ARGUMENT);
        bad = t;
        bad.resume_id[0] = '\0';
        ROW(prana_execution_cancel(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_EMBEDDED_NUL);
        bad = *applied(RID);
        ROW(prana_execution_cancel(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID);

        /* The row JSON of a registration */
        ROW(prana_execution_registration_json(NULL, x, rid, strlen(rid), b, sizeof b, &n, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_registration_json(wf, NULL, rid, strlen(rid), b, sizeof b, &n, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_registration_json(wf, x, NULL, 4, b, sizeof b, &n, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_registration_json(wf, x, S(BAD_UTF8), b, sizeof b, &n, NULL),
            PRANA_STATUS_INVALID_UTF8);
        ROW(prana_execution_registration_json(wf, x, S(WITH_NUL), b, sizeof b, &n, NULL),
            PRANA_STATUS_EMBEDDED_NUL);
        ROW(prana_execution_registration_json(wf, x, big_id, BIG, b, sizeof b, &n, NULL),
            PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID);
        ROW(prana_execution_registration_json(wf, x, S(RID), b, sizeof b, &n, NULL),
            PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID);
        STR_OUT_CASES(prana_execution_registration_json, wf, x, rid, strlen(rid));
    }
    /* expire: the applied active -> expired, read like resume's */
    {
        struct prana_transition t = *applied(rid);
        struct prana_transition bad;
        t.to = PRANA_LIFECYCLE_EXPIRED;
        ROW(prana_execution_expire(NULL, x, ok_handler, NULL, &t, 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_expire(wf, NULL, ok_handler, NULL, &t, 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_expire(wf, x, ok_handler, NULL, NULL, 2, &r, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_expire(wf, x, ok_handler, NULL, &t, 2, NULL, NULL),
            PRANA_STATUS_NULL_ARGUMENT);
        bad = *applied(rid); /* active -> consumed is no expiry */
        ROW(prana_execution_expire(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_EXECUTION_NOT_APPLIED);
        bad = t;
        bad.to = 77;
        ROW(prana_execution_expire(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_INVALID_ARGUMENT);
        bad = t;
        bad.resume_id_len = sizeof bad.resume_id;
        ROW(prana_execution_expire(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_INVALID_ARGUMENT);
        bad = t;
        bad.resume_id[0] = '\0';
        ROW(prana_execution_expire(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_EMBEDDED_NUL);
        bad = *applied(RID);
        bad.to = PRANA_LIFECYCLE_EXPIRED;
        ROW(prana_execution_expire(wf, x, ok_handler, NULL, &bad, 2, &r, NULL),
            PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID);
    }
    /* extend: the applied extension, read field by field */
    {
        struct prana_extension e;
        memset(&e, 0, sizeof e);
        snprintf(e.resume_id, sizeof e.resume_id, "%s", rid);
        e.resume_id_len = strlen(rid);
        e.from_expires_at = 1;
        e.to_expires_at = 2;
        ROW(prana_execution_extend(NULL, &e, NULL), PRANA_STATUS_NULL_ARGUMENT);
        ROW(prana_execution_extend(x, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
        /* Not extended, or not the expiry the execution holds. */
        ROW(prana_execution_extend(x, &e, NULL), PRANA_STATUS_EXECUTION_NOT_APPLIED);
        *(unsigned char *)&e.extended = 7; /* a byte C may put in a bool */
        ROW(prana_execution_extend(x, &e, NULL), PRANA_STATUS_EXECUTION_NOT_APPLIED);
        e.resume_id_len = sizeof e.resume_id;
        ROW(prana_execution_extend(x, &e, NULL), PRANA_STATUS_INVALID_ARGUMENT);
        e.resume_id_len = strlen(rid);
        e.resume_id[3] = (char)0xff;
        ROW(prana_execution_extend(x, &e, NULL), PRANA_STATUS_INVALID_UTF8);
        snprintf(e.resume_id, sizeof e.resume_id, "%s", RID);
        e.resume_id_len = strlen(RID);
        ROW(prana_execution_extend(x, &e, NULL), PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID);
    }
    ROW(prana_execution_resume_timer(NULL, x, ok_handler, NULL, 2, &r, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_resume_timer(wf, NULL, ok_handler, NULL, 2, &r, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_resume_timer(wf, x, ok_handler, NULL, 2, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_resume_timer(wf, x, ok_handler, NULL, 2, &r, NULL),
        PRANA_STATUS_EXECUTION_NOT_TIMER);

    /* Getters */
    ROW(prana_execution_status(NULL, &st, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_status(x, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_status(x, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_EXECUTION_SUSPENDED); /* still suspended after every refusal */
    ROW(prana_execution_wait_mode(NULL, &mode, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_wait_mode(x, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_resume_at(NULL, &has, &at, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_resume_at(x, NULL, &at, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_resume_at(x, &has, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_registration_count(NULL, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_registration_count(x, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_registration(NULL, 0, &rout, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_registration(x, 0, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_registration(x, (size_t)-1, &rout, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    CHECK(rout == NULL);
    ROW(prana_execution_current_node(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    STR_OUT_CASES(prana_execution_current_node, x);
    ROW(prana_execution_waiting_resume_id(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    STR_OUT_CASES(prana_execution_waiting_resume_id, x);
    ROW(prana_execution_output(NULL, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    STR_OUT_CASES(prana_execution_output, x);

    /* resume_url / render */
    ROW(prana_execution_render(NULL, S("x"), b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_render(x, NULL, 1, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_render(x, S("\xff"), b, sizeof b, &n, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_execution_render(x, S("a\0"), b, sizeof b, &n, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_execution_render(x, big_id, BIG, b, sizeof b, &n, NULL), PRANA_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == BIG + 1);
    STR_OUT_CASES(prana_execution_render, x, S("{{ $execution.w.resume_url }}"));
    {
        /* An empty template renders to "": one byte (the NUL) suffices. */
        char one[1];
        ROW(prana_execution_render(x, NULL, 0, one, 1, &n, NULL), PRANA_STATUS_OK);
        CHECK(n == 0 && one[0] == '\0');
    }
    CHECK_STR(prana_run_status_name(99), "unknown");

    prana_execution_free(x);
    prana_workflow_free(wf);
    prana_execution_free(NULL);
    prana_workflow_free(NULL);
}

/* prana_json_decode_string of a fixed string, for STR_OUT_CASES. */
static prana_status decode_fixed(int unused, char *buf, size_t len, size_t *out_len,
                                 prana_error *err) {
    (void)unused;
    return prana_json_decode_string(S("\"caf\\u00e9 \\ud83d\\ude00\""), buf, len, out_len, err);
}

static void rows_json(void) {
    bool found = true, eq = true;
    size_t off = 99, len = 99, n = 0;
    char b[16];

    /* prana_json_validate */
    ROW(prana_json_validate(NULL, 2, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_validate(NULL, 0, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_json_validate(S("\"\xff\""), NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_json_validate(S("{}\0"), NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_json_validate(big_config, strlen(big_config), NULL), PRANA_STATUS_OK);
    ROW(prana_json_validate(big_id, BIG, NULL), PRANA_STATUS_INVALID_JSON);

    /* prana_json_find_member: NULL for every pointer, then bad text. */
    ROW(prana_json_find_member(NULL, 2, S("a"), &found, &off, &len, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_find_member(S("{}"), NULL, 1, &found, &off, &len, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_find_member(S("{}"), S("a"), NULL, &off, &len, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_find_member(S("{}"), S("a"), &found, NULL, &len, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_find_member(S("{}"), S("a"), &found, &off, NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_find_member(NULL, 0, S("a"), &found, &off, &len, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_json_find_member(S("{\"a\": \"\xff\"}"), S("a"), &found, &off, &len, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_json_find_member(S("{}"), S("a\xff"), &found, &off, &len, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_json_find_member(S("{}\0"), S("a"), &found, &off, &len, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_json_find_member(S("{}"), S("a\0"), &found, &off, &len, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_json_find_member(big_id, BIG, S("a"), &found, &off, &len, NULL),
        PRANA_STATUS_INVALID_JSON);
    ROW(prana_json_find_member(S("[]"), S("a"), &found, &off, &len, NULL), PRANA_STATUS_NOT_AN_OBJECT);
    CHECK(found && off == 99 && len == 99); /* not written on failure */
    ROW(prana_json_find_member(big_config, strlen(big_config), big_id, BIG, &found, &off, &len, NULL),
        PRANA_STATUS_OK);
    CHECK(!found && off == 0 && len == 0);
    ROW(prana_json_find_member(big_config, strlen(big_config), S("a"), &found, &off, &len, NULL),
        PRANA_STATUS_OK);
    CHECK(found && off == 5 && len == BIG + 2);

    /* prana_json_decode_string */
    ROW(prana_json_decode_string(NULL, 3, b, sizeof b, &n, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_decode_string(NULL, 0, b, sizeof b, &n, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_json_decode_string(S("\"\xff\""), b, sizeof b, &n, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_json_decode_string(S("\"a\0\""), b, sizeof b, &n, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_json_decode_string(big_id, BIG, b, sizeof b, &n, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_json_decode_string(big_config, strlen(big_config), b, sizeof b, &n, NULL),
        PRANA_STATUS_NOT_A_STRING);
    ROW(prana_json_decode_string(big_config + 5, BIG + 2, b, sizeof b, &n, NULL),
        PRANA_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == BIG + 1);
    ROW(prana_json_decode_string(S("\"\\ud800\""), b, sizeof b, &n, NULL),
        PRANA_STATUS_JSON_LONE_SURROGATE);
    STR_OUT_CASES(decode_fixed, 0);
    {
        /* The empty string: one byte (the NUL) suffices, zero does not. */
        char one[1] = {'#'};
        ROW(prana_json_decode_string(S("\"\""), NULL, 0, &n, NULL), PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(n == 1);
        ROW(prana_json_decode_string(S("\"\""), one, 0, &n, NULL), PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(one[0] == '#');
        ROW(prana_json_decode_string(S("\"\""), one, 1, &n, NULL), PRANA_STATUS_OK);
        CHECK(n == 0 && one[0] == '\0');
    }

    /* prana_json_equal */
    ROW(prana_json_equal(NULL, 1, S("1"), &eq, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_equal(S("1"), NULL, 1, &eq, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_equal(S("1"), S("1"), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_json_equal(NULL, 0, S("1"), &eq, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_json_equal(S("1"), NULL, 0, &eq, NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_json_equal(S("\"\xff\""), S("1"), &eq, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_json_equal(S("1"), S("\"\xfe\""), &eq, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_json_equal(S("1\0"), S("1"), &eq, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_json_equal(S("1"), S("1\0"), &eq, NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_json_equal(big_id, BIG, S("1"), &eq, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK(eq); /* not written on failure */
    ROW(prana_json_equal(big_config, strlen(big_config), big_config, strlen(big_config), &eq, NULL),
        PRANA_STATUS_OK);
    CHECK(eq);
    ROW(prana_json_equal(big_config, strlen(big_config), S("{\"a\": \"\"}"), &eq, NULL),
        PRANA_STATUS_OK);
    CHECK(!eq);
}

/* The *_init constructors (handles in caller memory): NULL memory, NULL
 * out, memory too small or misaligned, bad text, 10 KiB inputs; a failed
 * init writes no handle. */
static void rows_init(void) {
    static uint64_t mem[(PRANA_KEY_SET_SIZE + PRANA_REGISTRATION_SIZE + 7) / 8];
    uint8_t seed[PRANA_ID_SEED_LEN] = {0};
    void *h = NULL;
    char *odd = (char *)mem + 1;

    ROW(prana_base_url_init(NULL, sizeof mem, S("http://h"), (prana_base_url **)&h, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_init(mem, sizeof mem, S("http://h"), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_init(mem, 0, S("http://h"), (prana_base_url **)&h, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_base_url_init(odd, PRANA_BASE_URL_SIZE, S("http://h"), (prana_base_url **)&h, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_base_url_init(mem, sizeof mem, NULL, 3, (prana_base_url **)&h, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_base_url_init(mem, sizeof mem, S(BAD_UTF8), (prana_base_url **)&h, NULL),
        PRANA_STATUS_INVALID_UTF8);
    ROW(prana_base_url_init(mem, sizeof mem, big_base, strlen(big_base), (prana_base_url **)&h,
                            NULL),
        PRANA_STATUS_CAPACITY_EXCEEDED);
    CHECK(h == NULL);

    ROW(prana_id_generator_init(mem, sizeof mem, seed, 31, (prana_id_generator **)&h, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_id_generator_init(mem, sizeof mem, NULL, 32, (prana_id_generator **)&h, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_id_generator_init(mem, PRANA_ID_GENERATOR_SIZE - 64, seed, sizeof seed,
                                (prana_id_generator **)&h, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_key_set_init(NULL, PRANA_KEY_SET_SIZE, (prana_key_set **)&h, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_key_set_init(odd, PRANA_KEY_SET_SIZE, (prana_key_set **)&h, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_webhook_secret_init(mem, sizeof mem, S("nope"), (prana_webhook_secret **)&h, NULL),
        PRANA_STATUS_WEBHOOK_SECRET_PREFIX);
    ROW(prana_webhook_secret_init(mem, 8, S("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                                  (prana_webhook_secret **)&h, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_registration_init(mem, sizeof mem, NULL, NULL, 0, S("e1"), S("n1"), 0,
                                (prana_registration **)&h, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_init(mem, sizeof mem, NULL, S(RID), S("e1"), S("other"), 0,
                                (prana_registration **)&h, NULL),
        PRANA_STATUS_RESUME_ID_MISMATCH);
    ROW(prana_registration_init(mem, sizeof mem, gen, NULL, 0, big_id, BIG, S("n1"), 0,
                                (prana_registration **)&h, NULL),
        PRANA_STATUS_ID_PART_TOO_LONG);
    ROW(prana_registration_init(mem, 16, NULL, S(RID), S("e1"), S("n1"), 0,
                                (prana_registration **)&h, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    CHECK(h == NULL);
}

/* Workflows and executions in caller memory, and the in-place row load:
 * NULL memory, out and handles, memory too small or misaligned, bad text,
 * a capacity over the limit; a failed init writes no handle. */
static void rows_init_executor(void) {
    enum { CAP = 64 };
    static const char WF[] =
        "{\"id\": \"wf\", \"nodes\": [{\"key\": \"t\", \"type\": \"trigger\"},"
        "{\"key\": \"w\", \"type\": \"wait\", \"params\": {\"mode\": \"webhook\"}}],"
        "\"connections\": [{\"from\": \"t\", \"to\": \"w\"}]}";
    static uint64_t wmem[(PRANA_WORKFLOW_SIZE + 7) / 8 + 1];
    static uint64_t xmem[(PRANA_EXECUTION_SIZE + PRANA_EXECUTION_SCRATCH_LEN + 5 * CAP + 7) / 8 + 1];
    const size_t xlen = PRANA_EXECUTION_SIZE + PRANA_EXECUTION_SCRATCH_LEN + 5 * CAP;
    prana_workflow *w = NULL;
    prana_execution *x = NULL;

    ROW(prana_workflow_init(NULL, PRANA_WORKFLOW_SIZE, S(WF), &w, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_workflow_init(wmem, sizeof wmem, S(WF), NULL, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_workflow_init(wmem, 16, S(WF), &w, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_workflow_init((char *)wmem + 1, PRANA_WORKFLOW_SIZE, S(WF), &w, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_workflow_init(wmem, sizeof wmem, NULL, 3, &w, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_workflow_init(wmem, sizeof wmem, S(BAD_UTF8), &w, NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_workflow_init(wmem, sizeof wmem, big_config, strlen(big_config), &w, NULL),
        PRANA_STATUS_WORKFLOW_MISSING_FIELD);
    CHECK(w == NULL);
    ROW(prana_workflow_init(wmem, sizeof wmem, S(WF), &w, NULL), PRANA_STATUS_OK);

    ROW(prana_execution_init(NULL, xlen, CAP, w, S("e1"), base, NULL, gen, 0, &x, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_init(xmem, xlen, CAP, NULL, S("e1"), base, NULL, gen, 0, &x, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_init(xmem, xlen, CAP, w, S("e1"), base, NULL, gen, 0, NULL, NULL),
        PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_execution_init(xmem, xlen - 1, CAP, w, S("e1"), base, NULL, gen, 0, &x, NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_execution_init((char *)xmem + 4, xlen, CAP, w, S("e1"), base, NULL, gen, 0, &x,
                             NULL),
        PRANA_STATUS_INVALID_ARGUMENT);
    ROW(prana_execution_init(xmem, xlen, (size_t)PRANA_MAX_PAYLOAD_CAPACITY + 1, w, S("e1"), base,
                             NULL, gen, 0, &x, NULL),
        PRANA_STATUS_CAPACITY_EXCEEDED);
    ROW(prana_execution_init(xmem, xlen, CAP, w, big_id, BIG, base, NULL, gen, 0, &x, NULL),
        PRANA_STATUS_ID_PART_TOO_LONG);
    ROW(prana_execution_init(xmem, xlen, CAP, w, S("e\xff"), base, NULL, gen, 0, &x, NULL),
        PRANA_STATUS_INVALID_UTF8);
    CHECK(x == NULL);
    ROW(prana_execution_init(xmem, xlen, CAP, w, S("e1"), base, NULL, gen, 0, &x, NULL),
        PRANA_STATUS_OK);
    CHECK(x != NULL);

    /* prana_registration_restore: failures leave the handle as it was. */
    ROW(prana_registration_restore(NULL, S("{}"), NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_restore(reg, NULL, 3, NULL), PRANA_STATUS_NULL_ARGUMENT);
    ROW(prana_registration_restore(reg, S("nope"), NULL), PRANA_STATUS_INVALID_JSON);
    ROW(prana_registration_restore(reg, S(BAD_UTF8), NULL), PRANA_STATUS_INVALID_UTF8);
    ROW(prana_registration_restore(reg, S("{}\0"), NULL), PRANA_STATUS_EMBEDDED_NUL);
    ROW(prana_registration_restore(reg, big_config, strlen(big_config), NULL),
        PRANA_STATUS_INVALID_JSON);
}

int main(void) {
    make_fixtures();
    rows_common();
    rows_ids();
    rows_urls();
    rows_decide();
    rows_page();
    rows_registration();
    rows_http();
    rows_signatures();
    rows_executor();
    rows_json();
    rows_init();
    rows_init_executor();
    free_fixtures();
    return test_summary("bad_input");
}
