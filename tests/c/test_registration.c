/* Registrations: lifecycle, getters, JSON round trip, the transition table. */
#include <stdint.h>

#include "test_util.h"

static prana_id_generator *gen(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    prana_id_generator *g = NULL;
    memset(seed, 1, sizeof seed);
    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &g, NULL), PRANA_STATUS_OK);
    return g;
}

static void test_lifecycle(void) {
    prana_id_generator *g = gen();
    prana_registration *reg = NULL;
    struct prana_transition t;
    prana_lifecycle_status st;
    uint64_t at = 0;
    bool has = true;
    char buf[PRANA_REGISTRATION_JSON_BUF_SIZE];
    size_t n = 0;

    CHECK_STATUS(prana_registration_create(g, NULL, 0, S("exec_1"), S("wait"), 1000, &reg, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_status(reg, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_LIFECYCLE_PENDING);
    CHECK_STATUS(prana_registration_created_at(reg, &at, NULL), PRANA_STATUS_OK);
    CHECK(at == 1000);
    CHECK_STATUS(prana_registration_expires_at(reg, &has, &at, NULL), PRANA_STATUS_OK);
    CHECK(!has && at == 0);
    CHECK_STATUS(prana_registration_execution_id(reg, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
    CHECK_STR(buf, "exec_1");
    CHECK_STATUS(prana_registration_node_id(reg, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
    CHECK_STR(buf, "wait");
    CHECK_STATUS(prana_registration_webhook_config(reg, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
    CHECK_STR(buf, "{}");

    /* Consuming a pending registration is not allowed. */
    CHECK_STATUS(prana_registration_consume(reg, 1500, &t, NULL), PRANA_STATUS_INVALID_TRANSITION);
    CHECK_STR(last_error(), "Invalid state transition from pending to consumed");

    /* Bad config leaves it unchanged. */
    CHECK_STATUS(prana_registration_activate(reg, 2000, 60000, S("[1]"), &t, NULL),
                 PRANA_STATUS_NOT_AN_OBJECT);
    CHECK_STATUS(prana_registration_activate(reg, 2000, 60000, S("{\"a\":"), &t, NULL),
                 PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(prana_registration_status(reg, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_LIFECYCLE_PENDING);

    CHECK_STATUS(prana_registration_activate(reg, 2000, 60000, S("{\"channel\":\"email\"}"), &t, NULL),
                 PRANA_STATUS_OK);
    CHECK(t.from == PRANA_LIFECYCLE_PENDING && t.to == PRANA_LIFECYCLE_ACTIVE);
    CHECK(t.resume_id_len == strlen(t.resume_id));
    CHECK(strncmp(t.resume_id, "webhook_exec_1_wait_", 20) == 0);
    CHECK_STATUS(prana_registration_expires_at(reg, &has, &at, NULL), PRANA_STATUS_OK);
    CHECK(has && at == 62000);
    CHECK_STATUS(prana_registration_webhook_config(reg, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
    CHECK_STR(buf, "{\"channel\":\"email\"}");

    /* Idempotent activate. */
    CHECK_STATUS(prana_registration_activate(reg, 3000, 1, NULL, 0, &t, NULL), PRANA_STATUS_OK);
    CHECK(t.from == PRANA_LIFECYCLE_ACTIVE && t.to == PRANA_LIFECYCLE_ACTIVE);

    /* status_at sees the clock. */
    CHECK_STATUS(prana_registration_status_at(reg, 61999, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_LIFECYCLE_ACTIVE);
    CHECK_STATUS(prana_registration_status_at(reg, 62000, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_LIFECYCLE_EXPIRED);
    CHECK_STATUS(prana_registration_consume(reg, 62000, &t, NULL), PRANA_STATUS_REGISTRATION_EXPIRED);

    /* JSON round trip through the host's store. */
    CHECK_STATUS(prana_registration_to_json(reg, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
    CHECK(n == strlen(buf));
    CHECK(strstr(buf, "\"status\":\"active\"") != NULL);
    CHECK(strstr(buf, "\"webhook_config\":{\"channel\":\"email\"}") != NULL);
    {
        prana_registration *back = NULL;
        char buf2[PRANA_REGISTRATION_JSON_BUF_SIZE];
        size_t n2 = 0;
        CHECK_STATUS(prana_registration_from_json(buf, n, &back, NULL), PRANA_STATUS_OK);
        CHECK_STATUS(prana_registration_to_json(back, buf2, sizeof buf2, &n2, NULL), PRANA_STATUS_OK);
        CHECK_STR(buf2, buf);

        CHECK_STATUS(prana_registration_consume(back, 5000, &t, NULL), PRANA_STATUS_OK);
        CHECK(t.from == PRANA_LIFECYCLE_ACTIVE && t.to == PRANA_LIFECYCLE_CONSUMED);
        CHECK_STATUS(prana_registration_consume(back, 5001, &t, NULL), PRANA_STATUS_ALREADY_CONSUMED);
        CHECK_STATUS(prana_registration_expire(back, &t, NULL), PRANA_STATUS_INVALID_TRANSITION);
        prana_registration_free(back);
    }

    /* Clone is independent. */
    {
        prana_registration *c = NULL;
        CHECK_STATUS(prana_registration_clone(reg, &c, NULL), PRANA_STATUS_OK);
        CHECK_STATUS(prana_registration_expire(c, &t, NULL), PRANA_STATUS_OK);
        CHECK(t.from == PRANA_LIFECYCLE_ACTIVE && t.to == PRANA_LIFECYCLE_EXPIRED);
        CHECK_STATUS(prana_registration_expire(c, &t, NULL), PRANA_STATUS_OK);
        CHECK(t.from == PRANA_LIFECYCLE_EXPIRED && t.to == PRANA_LIFECYCLE_EXPIRED);
        CHECK_STATUS(prana_registration_status(reg, &st, NULL), PRANA_STATUS_OK);
        CHECK(st == PRANA_LIFECYCLE_ACTIVE);
        prana_registration_free(c);
    }

    /* Output buffer sizing for JSON. */
    {
        size_t need = 0;
        char one[1];
        CHECK_STATUS(prana_registration_to_json(reg, one, sizeof one, &need, NULL),
                     PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(need == n + 1);
    }

    prana_registration_free(reg);
    prana_id_generator_free(g);
}

static void test_new_and_json_errors(void) {
    prana_registration *reg = NULL;
    const char *rid = "webhook_e1_n1_00000000000000000000000000";

    CHECK_STATUS(prana_registration_create(NULL, rid, strlen(rid), S("e1"), S("n1"), 5, &reg, NULL),
                 PRANA_STATUS_OK);
    prana_registration_free(reg);
    reg = NULL;
    CHECK_STATUS(prana_registration_create(NULL, rid, strlen(rid), S("e1"), S("n2"), 5, &reg, NULL),
                 PRANA_STATUS_RESUME_ID_MISMATCH);
    CHECK(reg == NULL);

    CHECK_STATUS(prana_registration_from_json(S("{}"), &reg, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(prana_registration_from_json(S("[]"), &reg, NULL), PRANA_STATUS_NOT_AN_OBJECT);
    CHECK_STATUS(prana_registration_from_json(S("{\"resume_id\":\"x\""), &reg, NULL),
                 PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(prana_registration_from_json(
                     S("{\"resume_id\":\"webhook_e1_n1_00000000000000000000000000\","
                       "\"execution_id\":\"e1\",\"node_id\":\"n1\",\"status\":\"paused\","
                       "\"created_at\":1,\"expires_at\":null,\"webhook_config\":{}}"),
                     &reg, NULL),
                 PRANA_STATUS_INVALID_JSON);
    CHECK(reg == NULL);
}

static void test_table(void) {
    static const char *names[] = {"pending", "active", "consumed", "expired"};
    uint32_t from, to;
    int allowed = 0;
    prana_lifecycle_status st;

    for (from = 0; from < 4; from++) {
        for (to = 0; to < 4; to++) {
            prana_status s = prana_lifecycle_check(from, to, NULL);
            CHECK(s == PRANA_STATUS_OK || s == PRANA_STATUS_INVALID_TRANSITION);
            allowed += s == PRANA_STATUS_OK;
        }
        CHECK_STR(prana_lifecycle_status_name(from), names[from]);
        CHECK_STATUS(prana_lifecycle_status_parse(names[from], strlen(names[from]), &st, NULL),
                     PRANA_STATUS_OK);
        CHECK(st == from);
    }
    CHECK(allowed == 8); /* 4 self + pending->active/expired + active->consumed/expired */
    CHECK_STATUS(prana_lifecycle_check(PRANA_LIFECYCLE_CONSUMED, PRANA_LIFECYCLE_ACTIVE, NULL),
                 PRANA_STATUS_INVALID_TRANSITION);
    CHECK_STR(last_error(), "Invalid state transition from consumed to active");
    CHECK_STATUS(prana_lifecycle_check(4, 0, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(prana_lifecycle_check(0, 0xffffffffu, NULL), PRANA_STATUS_INVALID_ARGUMENT);
    CHECK_STR(prana_lifecycle_status_name(7), "unknown");
    CHECK_STATUS(prana_lifecycle_status_parse(S("Active"), &st, NULL), PRANA_STATUS_UNKNOWN_STATUS);
}

int main(void) {
    test_lifecycle();
    test_new_and_json_errors();
    test_table();
    return test_summary("registration");
}
