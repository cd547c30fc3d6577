/* Resume IDs: generators, stateless generation, validation, status strings. */
#include <stdint.h>
#include <stdlib.h>

#include "test_util.h"

static void test_version_and_status_strings(void) {
    CHECK(prana_version() != NULL);
    CHECK(strlen(prana_version()) > 0);
    CHECK_STR(prana_status_code(PRANA_STATUS_OK), "ok");
    CHECK_STR(prana_status_str(PRANA_STATUS_OK), "success");
    CHECK_STR(prana_status_code(PRANA_STATUS_ID_TOO_LONG), "id_too_long");
    CHECK_STR(prana_status_code(PRANA_STATUS_HTTP_INCOMPLETE), "http_incomplete");
    CHECK_STR(prana_status_code(99999), "unknown");
    CHECK_STR(prana_status_str(99999), "unknown status");
    /* Numbers are part of the ABI. */
    CHECK(PRANA_STATUS_NULL_ARGUMENT == 1);
    CHECK(PRANA_STATUS_BUFFER_TOO_SMALL == 3);
    CHECK(PRANA_STATUS_EMPTY_ID_PART == 100);
    CHECK(PRANA_STATUS_BASE_URL_SCHEME == 200);
    CHECK(PRANA_STATUS_NOT_WEBHOOK_PATH == 300);
    CHECK(PRANA_STATUS_INVALID_TRANSITION == 400);
    CHECK(PRANA_STATUS_CAPACITY_EXCEEDED == 500);
    CHECK(PRANA_STATUS_INVALID_SIGNATURE == 600);
    CHECK(PRANA_STATUS_HTTP_INCOMPLETE == 700);
}

static void test_generator(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    prana_id_generator *a = NULL, *b = NULL;
    char id1[PRANA_RESUME_ID_BUF_SIZE], id2[PRANA_RESUME_ID_BUF_SIZE];
    size_t n1 = 0, n2 = 0;

    memset(seed, 7, sizeof seed);
    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &a, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &b, NULL), PRANA_STATUS_OK);
    CHECK(a != NULL && b != NULL);

    CHECK_STATUS(prana_resume_url_create(a, NULL, NULL, S("exec-1"), S("wait_approval"), id1,
                                              sizeof id1, &n1, NULL, 0, NULL, NULL),
                 PRANA_STATUS_OK);
    CHECK(n1 == strlen(id1));
    CHECK(n1 == strlen("webhook_exec-1_wait_approval_") + 26);
    CHECK(strncmp(id1, "webhook_exec-1_wait_approval_", 29) == 0);
    CHECK_STATUS(prana_resume_id_validate(id1, n1, NULL), PRANA_STATUS_OK);

    /* Equal seeds give equal IDs; the next ID differs. */
    CHECK_STATUS(prana_resume_url_create(b, NULL, NULL, S("exec-1"), S("wait_approval"), id2,
                                              sizeof id2, &n2, NULL, 0, NULL, NULL),
                 PRANA_STATUS_OK);
    CHECK(strcmp(id1, id2) == 0);
    CHECK_STATUS(prana_resume_url_create(b, NULL, NULL, S("exec-1"), S("wait_approval"), id2,
                                              sizeof id2, &n2, NULL, 0, NULL, NULL),
                 PRANA_STATUS_OK);
    CHECK(strcmp(id1, id2) != 0);

    /* Reseed (after fork) with the same seed restarts the sequence. */
    CHECK_STATUS(prana_id_generator_reseed(b, seed, sizeof seed, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_resume_url_create(b, NULL, NULL, S("exec-1"), S("wait_approval"), id2,
                                              sizeof id2, &n2, NULL, 0, NULL, NULL),
                 PRANA_STATUS_OK);
    CHECK(strcmp(id1, id2) == 0);

    /* Size query, then a retry with the reported size; the generator is
     * not advanced by the failed call. */
    {
        size_t need = 0;
        char *buf;
        CHECK_STATUS(prana_resume_url_create(a, NULL, NULL, S("e"), S("n"), NULL, 0, &need, NULL, 0, NULL, NULL),
                     PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(need == strlen("webhook_e_n_") + 26 + 1);
        buf = malloc(need);
        CHECK(buf != NULL);
        if (buf != NULL) {
            size_t got = 0;
            CHECK_STATUS(prana_resume_url_create(a, NULL, NULL, S("e"), S("n"), buf, need, &got, NULL, 0, NULL, NULL),
                         PRANA_STATUS_OK);
            CHECK(got == need - 1);
            CHECK(buf[got] == '\0');
            free(buf);
        }
    }

    /* Bad parts name the part and the byte. */
    CHECK_STATUS(prana_resume_url_create(a, NULL, NULL, S("exe.c"), S("n"), id1, sizeof id1, &n1, NULL, 0, NULL, NULL),
                 PRANA_STATUS_ID_PART_BAD_CHARACTER);
    CHECK_STR(last_error(), "execution_id has a character outside [A-Za-z0-9_-] at byte 3");
    CHECK_STATUS(prana_resume_url_create(a, NULL, NULL, S("e"), S(""), id1, sizeof id1, &n1, NULL, 0, NULL, NULL),
                 PRANA_STATUS_EMPTY_ID_PART);
    CHECK_STR(last_error(), "node_id is empty");

    /* A wrong seed size is rejected. */
    {
        prana_id_generator *c = NULL;
        CHECK_STATUS(prana_id_generator_new(seed, 16, &c, NULL), PRANA_STATUS_INVALID_ARGUMENT);
        CHECK(c == NULL);
        CHECK_STATUS(prana_id_generator_reseed(a, seed, 31, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    }

    prana_id_generator_free(a);
    prana_id_generator_free(b);
    prana_id_generator_free(NULL);
}

/* ID and URL in one call: the same ID as prana_resume_url_create without a
 * base from an equally seeded generator, and the URL is base + path + ID. */
static void test_generator_resume_url(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    prana_id_generator *a = NULL, *b = NULL;
    prana_base_url *base = NULL;
    char id[PRANA_RESUME_ID_BUF_SIZE], url[PRANA_URL_BUF_SIZE];
    char id2[PRANA_RESUME_ID_BUF_SIZE], url2[PRANA_URL_BUF_SIZE];
    size_t id_n = 0, url_n = 0, n2 = 0;

    memset(seed, 9, sizeof seed);
    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &a, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &b, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_base_url_new(S("https://gw.example.com/hooks/"), &base, NULL), PRANA_STATUS_OK);

    CHECK_STATUS(prana_resume_url_create(a, base, NULL, S("exec-1"), S("wait_approval"), id,
                                               sizeof id, &id_n, url, sizeof url, &url_n, NULL),
                 PRANA_STATUS_OK);
    CHECK(id_n == strlen(id) && url_n == strlen(url));
    CHECK(strncmp(id, "webhook_exec-1_wait_approval_", 29) == 0);
    CHECK_STATUS(prana_resume_url_create(b, NULL, NULL, S("exec-1"), S("wait_approval"), id2,
                                              sizeof id2, &n2, NULL, 0, NULL, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(id, id2);
    snprintf(url2, sizeof url2, "https://gw.example.com/hooks/webhook/workflow/resume/%s", id);
    CHECK_STR(url, url2);
    CHECK(strncmp(url, "https://gw.example.com/hooks/webhook/workflow/resume/webhook_exec-1_", 68) ==
          0);

    /* Size query: both sizes, nothing advanced (a and b stay in step). */
    {
        size_t need_id = 0, need_url = 0;
        char *ib, *ub;
        CHECK_STATUS(prana_resume_url_create(a, base, NULL, S("e"), S("n"), NULL, 0, &need_id,
                                                   NULL, 0, &need_url, NULL),
                     PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(need_id == strlen("webhook_e_n_") + 26 + 1);
        CHECK(need_url == strlen("https://gw.example.com/hooks/webhook/workflow/resume/") +
                              need_id);
        ib = malloc(need_id);
        ub = malloc(need_url);
        CHECK(ib != NULL && ub != NULL);
        if (ib != NULL && ub != NULL) {
            CHECK_STATUS(prana_resume_url_create(a, base, NULL, S("e"), S("n"), ib, need_id,
                                                       &id_n, ub, need_url, &url_n, NULL),
                         PRANA_STATUS_OK);
            CHECK(id_n == need_id - 1 && url_n == need_url - 1);
            CHECK(ib[id_n] == '\0' && ub[url_n] == '\0');
            CHECK_STATUS(prana_resume_url_create(b, NULL, NULL, S("e"), S("n"), id2, sizeof id2, &n2, NULL, 0, NULL, NULL),
                         PRANA_STATUS_OK);
            CHECK_STR(ib, id2);
        }
        free(ib);
        free(ub);
    }

    /* One buffer too small: neither is written, both sizes are reported. */
    {
        char small[8];
        size_t need_id = 0, need_url = 0;
        memset(small, '#', sizeof small);
        memset(url, '#', sizeof url);
        CHECK_STATUS(prana_resume_url_create(a, base, NULL, S("e"), S("n"), small, sizeof small,
                                                   &need_id, url, sizeof url, &need_url, NULL),
                     PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(small[0] == '#' && url[0] == '#');
        CHECK(need_id == strlen("webhook_e_n_") + 26 + 1);
        CHECK(need_url == strlen("https://gw.example.com/hooks/webhook/workflow/resume/") +
                              need_id);
        memset(id, '#', sizeof id);
        CHECK_STATUS(prana_resume_url_create(a, base, NULL, S("e"), S("n"), id, sizeof id,
                                                   &need_id, small, sizeof small, &need_url, NULL),
                     PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(id[0] == '#' && small[0] == '#');
        CHECK(need_id == strlen("webhook_e_n_") + 26 + 1);
    }

    /* Bad parts fail before the generator moves: a and b still agree. */
    CHECK_STATUS(prana_resume_url_create(a, base, NULL, S("exe.c"), S("n"), id, sizeof id, &id_n,
                                               url, sizeof url, &url_n, NULL),
                 PRANA_STATUS_ID_PART_BAD_CHARACTER);
    CHECK_STR(last_error(), "execution_id has a character outside [A-Za-z0-9_-] at byte 3");
    CHECK_STATUS(prana_resume_url_create(a, base, NULL, S("e"), S(""), id, sizeof id, &id_n,
                                               url, sizeof url, &url_n, NULL),
                 PRANA_STATUS_EMPTY_ID_PART);
    CHECK_STATUS(prana_resume_url_create(a, base, NULL, S("e"), S("n"), id, sizeof id, &id_n,
                                               url, sizeof url, &url_n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_resume_url_create(b, NULL, NULL, S("e"), S("n"), id2, sizeof id2, &n2, NULL, 0, NULL, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(id, id2);

    prana_base_url_free(base);
    prana_id_generator_free(a);
    prana_id_generator_free(b);
}

static void test_validate(void) {
    CHECK_STATUS(prana_resume_id_validate(S("webhook_ex_1_n_2_00000000000000000000000000"), NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_resume_id_validate(S(""), NULL), PRANA_STATUS_EMPTY_ID);
    CHECK_STATUS(prana_resume_id_validate(S("hook_ex_1_n_2_00000000000000000000000000"), NULL),
                 PRANA_STATUS_MISSING_WEBHOOK_PREFIX);
    CHECK_STATUS(prana_resume_id_validate(S("webhook_ex_n_8zzzzzzzzzzzzzzzzzzzzzzzzz"), NULL),
                 PRANA_STATUS_BAD_RANDOM_TAIL);
    CHECK_STATUS(prana_resume_id_validate(S("webhook_exn_00000000000000000000000000"), NULL),
                 PRANA_STATUS_MALFORMED_RESUME_ID);
    CHECK_STATUS(prana_resume_id_validate(S("webhook_e/x_n_00000000000000000000000000"), NULL),
                 PRANA_STATUS_ID_BAD_CHARACTER);
    CHECK_STATUS(prana_id_part_validate(S("approvals"), NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_id_part_validate(S("appr ovals"), NULL), PRANA_STATUS_ID_PART_BAD_CHARACTER);
}

int main(void) {
    test_version_and_status_strings();
    test_generator();
    test_generator_resume_url();
    test_validate();
    return test_summary("ids");
}
