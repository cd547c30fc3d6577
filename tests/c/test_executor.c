/* Workflows and executions: start, run to a suspension, persist, resume,
 * expire, timers, failures, node handlers as C callbacks. */
#include <stdint.h>
#include <stdlib.h>

#include "test_util.h"

static const char APPROVAL[] =
    "{\"id\": \"approval\", \"nodes\": ["
    "{\"key\": \"trigger\", \"type\": \"trigger\"},"
    "{\"key\": \"notify\", \"type\": \"log\", \"params\": {\"text\": "
    "\"{{ $execution.wait_approval.resume_url }}\"}},"
    "{\"key\": \"wait_approval\", \"type\": \"wait\", \"params\": {\"mode\": \"webhook\", "
    "\"timeout_hours\": 1, \"webhook_config\": {\"channel\": \"email\"}}},"
    "{\"key\": \"done\", \"type\": \"log\", \"params\": {\"text\": \"resumed\"}}],"
    "\"connections\": [{\"from\": \"trigger\", \"to\": \"notify\"},"
    "{\"from\": \"notify\", \"to\": \"wait_approval\"},"
    "{\"from\": \"wait_approval\", \"port\": \"main\", \"to\": \"done\"}]}";

static const char TIMER[] =
    "{\"id\": \"timer\", \"nodes\": ["
    "{\"key\": \"t\", \"type\": \"trigger\"},"
    "{\"key\": \"pause\", \"type\": \"wait\", \"params\": {\"mode\": \"interval\", "
    "\"duration\": 5, \"unit\": \"seconds\"}},"
    "{\"key\": \"after\", \"type\": \"log\"}],"
    "\"connections\": [{\"from\": \"t\", \"to\": \"pause\"}, {\"from\": \"pause\", \"to\": \"after\"}]}";

static const char BAD_WAIT[] =
    "{\"id\": \"badwait\", \"nodes\": ["
    "{\"key\": \"t\", \"type\": \"trigger\"},"
    "{\"key\": \"w\", \"type\": \"wait\", \"params\": {\"mode\": \"{{ $execution.id }}\"}}],"
    "\"connections\": [{\"from\": \"t\", \"to\": \"w\"}]}";

struct recorder {
    int calls;
    int fail_mode; /* 0 ok, 1 fail, 2 bad port, 3 bad JSON, 4 overlong, 5 port "sent" */
    int strings_terminated;
    char last_node[PRANA_ID_PART_BUF_SIZE];
    char last_input[256];
    char last_params[1024];
};

static bool handler(void *user_data, const struct prana_node_call *call, char *output,
                    size_t output_cap, struct prana_node_result *result) {
    struct recorder *r = (struct recorder *)user_data;
    static const char out[] = "{\"ok\":true}";
    r->calls++;
    r->strings_terminated = call->node_id.ptr[call->node_id.len] == '\0' &&
                            call->params.ptr[call->params.len] == '\0' &&
                            call->input.ptr[call->input.len] == '\0' &&
                            call->node_type.ptr[call->node_type.len] == '\0';
    snprintf(r->last_node, sizeof r->last_node, "%s", call->node_id.ptr);
    snprintf(r->last_input, sizeof r->last_input, "%s", call->input.ptr);
    snprintf(r->last_params, sizeof r->last_params, "%s", call->params.ptr);
    switch (r->fail_mode) {
    case 1:
        strcpy(result->error_code, "boom");
        strcpy(result->error_message, "the node exploded");
        return false;
    case 2:
        strcpy(result->port, "Bad Port");
        break;
    case 3:
        memcpy(output, "{bad", 4);
        result->output_len = 4;
        return true;
    case 4:
        result->output_len = output_cap + 1;
        return true;
    case 5:
        strcpy(result->port, "sent");
        break;
    default:
        break;
    }
    memcpy(output, out, sizeof out - 1);
    result->output_len = sizeof out - 1;
    return true;
}

static prana_id_generator *gen;
static prana_base_url *base;

static prana_workflow *workflow(const char *json) {
    prana_workflow *w = NULL;
    CHECK_STATUS(prana_workflow_new(json, strlen(json), &w, NULL), PRANA_STATUS_OK);
    return w;
}

static prana_execution *start(prana_workflow *w, const char *id, uint64_t now) {
    prana_execution *x = NULL;
    CHECK_STATUS(prana_execution_start(w, id, strlen(id), base, NULL, gen, now, 0, &x, NULL), PRANA_STATUS_OK);
    return x;
}

static void test_workflow_parse(void) {
    prana_workflow *w = workflow(APPROVAL), *bad = NULL;
    char buf[PRANA_ID_PART_BUF_SIZE];
    size_t n = 0;
    CHECK_STATUS(prana_workflow_id(w, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
    CHECK_STR(buf, "approval");
    prana_workflow_free(w);

    CHECK_STATUS(prana_workflow_new(S("{\"id\": \"x\", \"nodes\": []}"), &bad, NULL),
                 PRANA_STATUS_WORKFLOW_NO_NODES);
    CHECK_STATUS(prana_workflow_new(S("{\"nodes\": []}"), &bad, NULL), PRANA_STATUS_WORKFLOW_MISSING_FIELD);
    CHECK_STATUS(prana_workflow_new(S("{\"id\": \"x\", \"nodes\": [{\"key\": \"a\", \"type\": \"t\"},"
                                      "{\"key\": \"b\", \"type\": \"t\"}], \"connections\": ["
                                      "{\"from\": \"a\", \"to\": \"b\"}, {\"from\": \"b\", \"to\": \"a\"}],"
                                      "\"start\": \"a\"}"),
                                    &bad, NULL),
                 PRANA_STATUS_WORKFLOW_CYCLE);
    CHECK_STATUS(prana_workflow_new(S("{\"id\": "), &bad, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK(bad == NULL);
}

static void test_webhook_flow(void) {
    prana_workflow *w = workflow(APPROVAL);
    prana_execution *x = start(w, "exec-1", 1000), *restored = NULL;
    struct recorder rec;
    struct prana_run_result r;
    char url[PRANA_URL_BUF_SIZE], buf[PRANA_EXECUTION_JSON_BUF_SIZE];
    size_t n = 0, count = 0;
    prana_registration *reg = NULL;
    prana_lifecycle_status ls;
    prana_run_status st;
    prana_wait_mode mode;
    char *json;

    memset(&rec, 0, sizeof rec);
    CHECK_STATUS(prana_execution_registration_count(x, &count, NULL), PRANA_STATUS_OK);
    CHECK(count == 1);
    CHECK_STATUS(prana_execution_registration(x, 0, &reg, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_status(reg, &ls, NULL), PRANA_STATUS_OK);
    CHECK(ls == PRANA_LIFECYCLE_PENDING);
    prana_registration_free(reg);
    reg = NULL;
    CHECK_STATUS(prana_execution_registration(x, 1, &reg, NULL), PRANA_STATUS_INVALID_ARGUMENT);

    CHECK_STATUS(prana_execution_render(x, S("{{ $execution.wait_approval.resume_url }}"), url, sizeof url, &n, NULL),
                 PRANA_STATUS_OK);
    {
        static const char prefix[] =
            "https://gw.example.com/webhook/workflow/resume/webhook_exec-1_wait_approval_";
        CHECK(strncmp(url, prefix, sizeof prefix - 1) == 0);
    }
    CHECK_STATUS(prana_execution_render(x, S("{{ $execution.notify.resume_url }}"), url, sizeof url, &n, NULL),
                 PRANA_STATUS_EXPRESSION_UNKNOWN_NODE);
    {
        char out[PRANA_URL_BUF_SIZE + 16];
        size_t need = 0;
        CHECK_STATUS(prana_execution_render(x, S("id={{ $execution.id }}"), NULL, 0, &need, NULL),
                     PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(need == strlen("id=exec-1") + 1);
        CHECK_STATUS(prana_execution_render(x, S("id={{ $execution.id }}"), out, sizeof out, &n, NULL),
                     PRANA_STATUS_OK);
        CHECK_STR(out, "id=exec-1");
        CHECK_STATUS(prana_execution_render(x, S("{{ $execution.nope.resume_url }}"), out,
                                            sizeof out, &n, NULL),
                     PRANA_STATUS_EXPRESSION_UNKNOWN_NODE);
        CHECK_STATUS(prana_execution_render(x, S("{{ $execution.wait_approval.color }}"), out,
                                            sizeof out, &n, NULL),
                     PRANA_STATUS_EXPRESSION_UNKNOWN_FIELD);
        CHECK_STATUS(prana_execution_render(x, S("{{ $execution.id"), out, sizeof out, &n, NULL),
                     PRANA_STATUS_EXPRESSION_UNTERMINATED);
    }
    CHECK_STATUS(prana_execution_render(x, S("{{ $execution.wait_approval.resume_url }}"), url, sizeof url, &n, NULL),
                 PRANA_STATUS_OK);

    /* Run: trigger -> notify (handler) -> wait_approval suspends. */
    CHECK_STATUS(prana_execution_run(w, x, handler, &rec, S("{\"amount\": 10}"), 2000, &r, NULL),
                 PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_SUSPENDED);
    CHECK_STR(r.node_id, "wait_approval");
    CHECK(r.wait_mode == PRANA_WAIT_WEBHOOK);
    CHECK(r.resume_at == 2000 + 3600000);
    CHECK(r.timeout_ms == 3600000);
    CHECK_STR(r.resume_url, url);
    CHECK(strstr(url, r.resume_id) != NULL);
    CHECK(r.transition_count == 1);
    CHECK(r.transitions[0].from == PRANA_LIFECYCLE_PENDING &&
          r.transitions[0].to == PRANA_LIFECYCLE_ACTIVE);
    CHECK_STR(r.transitions[0].resume_id, r.resume_id);
    CHECK(rec.calls == 1);
    CHECK(rec.strings_terminated);
    CHECK_STR(rec.last_node, "notify");
    CHECK_STR(rec.last_input, "{\"amount\": 10}");
    CHECK(strstr(rec.last_params, url) != NULL); /* the expression was rendered */

    /* The activated registration, with its config, for the host's store. */
    CHECK_STATUS(prana_registration_from_json(r.registration_json, strlen(r.registration_json),
                                              &reg, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_status(reg, &ls, NULL), PRANA_STATUS_OK);
    CHECK(ls == PRANA_LIFECYCLE_ACTIVE);
    {
        char cfg[PRANA_MAX_CONFIG_LEN + 1];
        CHECK_STATUS(prana_registration_webhook_config(reg, cfg, sizeof cfg, &n, NULL), PRANA_STATUS_OK);
        CHECK_STR(cfg, "{\"channel\":\"email\"}");
    }

    CHECK_STATUS(prana_execution_status(x, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_EXECUTION_SUSPENDED);
    CHECK_STR(prana_run_status_name(st), "suspended");
    CHECK_STATUS(prana_execution_wait_mode(x, &mode, NULL), PRANA_STATUS_OK);
    CHECK(mode == PRANA_WAIT_WEBHOOK);
    {
        char rid[PRANA_RESUME_ID_BUF_SIZE], node[PRANA_ID_PART_BUF_SIZE];
        bool has = false;
        uint64_t at = 0;
        CHECK_STATUS(prana_execution_waiting_resume_id(x, rid, sizeof rid, &n, NULL), PRANA_STATUS_OK);
        CHECK_STR(rid, r.resume_id);
        CHECK_STATUS(prana_execution_current_node(x, node, sizeof node, &n, NULL), PRANA_STATUS_OK);
        CHECK_STR(node, "wait_approval");
        CHECK_STATUS(prana_execution_resume_at(x, &has, &at, NULL), PRANA_STATUS_OK);
        CHECK(has && at == 2000 + 3600000);
    }

    /* Persist and restore, as another process would. */
    {
        size_t need = 0;
        CHECK_STATUS(prana_execution_to_json(x, NULL, 0, &need, NULL), PRANA_STATUS_BUFFER_TOO_SMALL);
        CHECK(need > 1 && need <= PRANA_EXECUTION_JSON_BUF_SIZE);
        json = malloc(need);
        CHECK(json != NULL);
        if (json == NULL) {
            exit(2);
        }
        CHECK_STATUS(prana_execution_to_json(x, json, need, &n, NULL), PRANA_STATUS_OK);
        CHECK(n == need - 1);
        CHECK_STATUS(prana_execution_to_json(x, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
        CHECK_STR(buf, json);
        CHECK_STATUS(prana_execution_from_json(json, n, 0, &restored, NULL), PRANA_STATUS_OK);
        {
            /* In place, into the handle of another execution; a bad state
             * leaves it empty, refused by every executor call. */
            prana_execution *reused = start(w, "other", 1000);
            static char again[PRANA_EXECUTION_JSON_BUF_SIZE];
            size_t m = 0;
            CHECK_STATUS(prana_execution_restore(reused, json, n, NULL), PRANA_STATUS_OK);
            CHECK_STATUS(prana_execution_to_json(reused, again, sizeof again, &m, NULL), PRANA_STATUS_OK);
            CHECK(m == n);
            CHECK_STR(again, json);
            CHECK_STATUS(prana_execution_restore(reused, S("{\"version\": 1}"), NULL),
                         PRANA_STATUS_EXECUTION_BAD_STATE);
            CHECK_STATUS(prana_execution_run(w, reused, handler, &rec, S("{}"), 2500, &r, NULL),
                         PRANA_STATUS_EXECUTION_WORKFLOW_MISMATCH);
            CHECK_STATUS(prana_execution_restore(reused, json, n, NULL), PRANA_STATUS_OK);
            prana_execution_free(reused);
        }
        free(json);
    }
    CHECK_STATUS(prana_execution_run(w, restored, handler, &rec, S("{}"), 2500, &r, NULL),
                 PRANA_STATUS_EXECUTION_ALREADY_STARTED);

    /* Resume: refusals change nothing. */
    CHECK_STATUS(prana_execution_resume(
                     w, restored, handler, &rec,
                     applied("webhook_exec-1_wait_approval_00000000000000000000000000"), S("{}"),
                     3000, &r, NULL),
                 PRANA_STATUS_EXECUTION_UNKNOWN_RESUME_ID);
    CHECK_STATUS(prana_execution_resume(w, restored, handler, &rec, applied(r.resume_id),
                                        S("{not json"), 3000, &r, NULL),
                 PRANA_STATUS_INVALID_JSON);

    /* Resume with the payload: active -> consumed, then "done" runs. */
    {
        char rid[PRANA_RESUME_ID_BUF_SIZE];
        strcpy(rid, r.resume_id);
        rec.calls = 0;
        CHECK_STATUS(prana_execution_resume(w, restored, handler, &rec, applied(rid),
                                            S("{\"approved\": true}"), 3000, &r, NULL),
                     PRANA_STATUS_OK);
        CHECK(r.outcome == PRANA_OUTCOME_COMPLETED);
        CHECK_STR(r.node_id, "");
        /* The consumption the host applied is not reported again. */
        CHECK(r.transition_count == 0);
        CHECK(rec.calls == 1);
        CHECK_STR(rec.last_node, "done");
        CHECK_STR(rec.last_input, "{\"approved\": true}");
        CHECK_STATUS(prana_execution_output(restored, buf, sizeof buf, &n, NULL), PRANA_STATUS_OK);
        CHECK_STR(buf, "{\"ok\":true}");
        CHECK_STATUS(prana_execution_status(restored, &st, NULL), PRANA_STATUS_OK);
        CHECK(st == PRANA_EXECUTION_COMPLETED);

        /* A second resume is refused with Prana's message. */
        CHECK_STATUS(prana_execution_resume(w, restored, handler, &rec, applied(rid), S("{}"),
                                            3001, &r, NULL),
                     PRANA_STATUS_EXECUTION_NOT_SUSPENDED);
        CHECK_STR(last_error(), "Can only resume suspended executions");
    }
    prana_registration_free(reg);
    prana_execution_free(restored);
    prana_execution_free(x);
    prana_workflow_free(w);
}

static void test_expire(void) {
    prana_workflow *w = workflow(APPROVAL);
    prana_execution *x = start(w, "exec-2", 0);
    struct recorder rec;
    struct prana_run_result r;
    struct prana_transition applied;
    char rid[PRANA_RESUME_ID_BUF_SIZE];

    memset(&rec, 0, sizeof rec);
    CHECK_STATUS(prana_execution_run(w, x, handler, &rec, NULL, 0, 0, &r, NULL), PRANA_STATUS_INVALID_JSON);
    CHECK_STATUS(prana_execution_run(w, x, handler, &rec, S("null"), 0, &r, NULL), PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_SUSPENDED);
    strcpy(rid, r.resume_id);
    CHECK_STATUS(prana_execution_resume_timer(w, x, handler, &rec, 99999999, &r, NULL),
                 PRANA_STATUS_EXECUTION_NOT_TIMER);
    /* No connection leaves "timeout": expiring completes the execution.
     * The host applied active -> expired; it does not come back. */
    memset(&applied, 0, sizeof applied);
    snprintf(applied.resume_id, sizeof applied.resume_id, "%s", rid);
    applied.resume_id_len = strlen(rid);
    applied.from = PRANA_LIFECYCLE_ACTIVE;
    applied.to = PRANA_LIFECYCLE_EXPIRED;
    CHECK_STATUS(prana_execution_expire(w, x, handler, &rec, &applied, 3600001, &r, NULL),
                 PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_COMPLETED);
    CHECK(r.transition_count == 0);
    prana_execution_free(x);
    prana_workflow_free(w);
}

static void test_handler_failures(void) {
    prana_workflow *w = workflow(APPROVAL);
    struct recorder rec;
    struct prana_run_result r;
    static const struct {
        int mode;
        const char *code;
    } rows[] = {{1, "boom"}, {2, "invalid_port"}, {3, "invalid_node_output"},
                {4, "invalid_node_output"}};
    size_t i;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char id[16];
        prana_execution *x;
        sprintf(id, "fail-%u", (unsigned)i);
        x = start(w, id, 0);
        memset(&rec, 0, sizeof rec);
        rec.fail_mode = rows[i].mode;
        CHECK_STATUS(prana_execution_run(w, x, handler, &rec, S("{}"), 5, &r, NULL), PRANA_STATUS_OK);
        CHECK(r.outcome == PRANA_OUTCOME_FAILED);
        CHECK_STR(r.node_id, "notify");
        CHECK_STR(r.error_code, rows[i].code);
        /* Cleanup: the never-reached wait's registration is expired. */
        CHECK(r.transition_count == 1);
        CHECK(r.transitions[0].from == PRANA_LIFECYCLE_PENDING &&
              r.transitions[0].to == PRANA_LIFECYCLE_EXPIRED);
        if (rows[i].mode == 1) {
            CHECK_STR(r.error_message, "the node exploded");
        }
        prana_execution_free(x);
    }

    /* A port without a connection ends the execution. */
    {
        prana_execution *x = start(w, "port-sent", 0);
        memset(&rec, 0, sizeof rec);
        rec.fail_mode = 5;
        CHECK_STATUS(prana_execution_run(w, x, handler, &rec, S("{}"), 5, &r, NULL), PRANA_STATUS_OK);
        CHECK(r.outcome == PRANA_OUTCOME_COMPLETED);
        prana_execution_free(x);
    }
    prana_workflow_free(w);
}

static void test_timer_and_bad_wait(void) {
    prana_workflow *w = workflow(TIMER), *bw = workflow(BAD_WAIT);
    prana_execution *x = start(w, "timer-1", 0), *y = start(bw, "bad-1", 0);
    struct recorder rec;
    struct prana_run_result r;

    memset(&rec, 0, sizeof rec);
    CHECK_STATUS(prana_execution_run(w, x, handler, &rec, S("{}"), 10000, &r, NULL), PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_SUSPENDED);
    CHECK(r.wait_mode == PRANA_WAIT_INTERVAL);
    CHECK(r.resume_at == 15000);
    CHECK_STR(r.resume_id, "");
    CHECK(r.transition_count == 0);
    CHECK_STATUS(prana_execution_resume_timer(w, x, handler, &rec, 14999, &r, NULL),
                 PRANA_STATUS_EXECUTION_NOT_DUE);
    CHECK_STATUS(prana_execution_resume_timer(w, x, handler, &rec, 15000, &r, NULL), PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_COMPLETED);
    CHECK_STR(rec.last_node, "after");

    /* A state given with the wrong workflow is refused. */
    CHECK_STATUS(prana_execution_run(bw, x, handler, &rec, S("{}"), 1, &r, NULL),
                 PRANA_STATUS_EXECUTION_WORKFLOW_MISMATCH);

    /* Static bad wait params are refused by prana_workflow_new; params that
     * are bad once rendered fail the execution with Prana's message. */
    {
        static const char STATIC_BAD[] =
            "{\"id\": \"badwait\", \"nodes\": ["
            "{\"key\": \"w\", \"type\": \"wait\", \"params\": {\"mode\": \"sometimes\"}}]}";
        prana_workflow *sb = NULL;
        CHECK_STATUS(prana_workflow_new(STATIC_BAD, strlen(STATIC_BAD), &sb, NULL),
                     PRANA_STATUS_WAIT_MODE_INVALID);
        CHECK(sb == NULL);
    }
    CHECK_STATUS(prana_execution_run(bw, y, handler, &rec, S("{}"), 1, &r, NULL), PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_FAILED);
    CHECK_STR(r.error_code, "wait_mode_invalid");
    CHECK_STR(r.error_message, "mode must be 'interval', 'schedule', or 'webhook'");

    prana_execution_free(x);
    prana_execution_free(y);
    prana_workflow_free(w);
    prana_workflow_free(bw);
}

/* Signed start: every resume URL of the execution carries ?sig=, in the
 * getter, in rendered params, in the run result and after a JSON round
 * trip, and verifies with the key set. NULL keys start unsigned. */
static void check_verifies(const prana_key_set *keys, const char *url, const char *rid,
                           const char *want_key) {
    struct prana_signature_check c;
    const char *q = strchr(url, '?');
    CHECK(q != NULL);
    if (q == NULL) return;
    q++;
    CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_RESUME, PRANA_SIGNATURE_REQUIRED, rid, strlen(rid),
                                               q, strlen(q), &c, NULL),
                 PRANA_STATUS_OK);
    CHECK(c.accepted);
    CHECK(c.verified_by == PRANA_VERIFIED_KEY);
    CHECK_STR(c.key_id, want_key);
}

static void test_signed_urls(void) {
    static const uint8_t secret[32] = {42, 1, 2, 3};
    prana_workflow *w = workflow(APPROVAL);
    prana_key_set *keys = NULL, *empty = NULL;
    prana_execution *x = NULL, *restored = NULL, *plain = NULL;
    prana_registration *reg = NULL;
    struct recorder rec;
    struct prana_run_result r;
    struct prana_signature_check c;
    char url[PRANA_URL_BUF_SIZE], url2[PRANA_URL_BUF_SIZE], rid[PRANA_RESUME_ID_BUF_SIZE];
    char sig[PRANA_MAX_SIG_LEN + 1], want[PRANA_URL_BUF_SIZE + 64];
    static char json[PRANA_EXECUTION_JSON_BUF_SIZE];
    size_t n = 0, sl = 0;

    memset(&rec, 0, sizeof rec);
    CHECK_STATUS(prana_key_set_new(&keys, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_add(keys, S("k1"), secret, sizeof secret, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_new(&empty, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_execution_start(w, S("exec-s"), base, empty, gen, 1000, 0, &x, NULL),
                 PRANA_STATUS_NO_SIGNING_KEY);
    CHECK(x == NULL);
    CHECK_STATUS(prana_execution_start(w, S("exec-s"), base, keys, gen, 1000, 0, &x, NULL),
                 PRANA_STATUS_OK);

    /* The URL is the plain one plus ?sig= of the key set's signature. */
    CHECK_STATUS(prana_execution_registration(x, 0, &reg, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_resume_id(reg, rid, sizeof rid, &n, NULL), PRANA_STATUS_OK);
    prana_registration_free(reg);
    CHECK_STATUS(prana_key_set_sign(keys, PRANA_ROUTE_RESUME, rid, strlen(rid), sig, sizeof sig, &sl, NULL), PRANA_STATUS_OK);
    snprintf(want, sizeof want, "https://gw.example.com/webhook/workflow/resume/%s?sig=%s", rid,
             sig);
    CHECK_STATUS(prana_execution_render(x, S("{{ $execution.wait_approval.resume_url }}"), url, sizeof url, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(url, want);
    CHECK(strncmp(sig, "k1.", 3) == 0);
    check_verifies(keys, url, rid, "k1");
    CHECK_STATUS(prana_execution_render(x, S("{{ $execution.wait_approval.resume_url }}"), url2,
                                        sizeof url2, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(url2, url);

    /* Rendered params and the run result carry it. */
    CHECK_STATUS(prana_execution_run(w, x, handler, &rec, S("{}"), 2000, &r, NULL), PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_SUSPENDED);
    CHECK_STR(r.resume_url, url);
    CHECK_STR(r.resume_id, rid);
    check_verifies(keys, r.resume_url, r.resume_id, "k1");
    snprintf(want, sizeof want, "{\"text\": \"%s\"}", url);
    CHECK_STR(rec.last_params, want);

    /* Persist and restore: the signature stays. */
    CHECK_STATUS(prana_execution_to_json(x, json, sizeof json, &n, NULL), PRANA_STATUS_OK);
    snprintf(want, sizeof want, "\"sig\":\"%s\"", sig);
    CHECK(strstr(json, want) != NULL);
    CHECK_STATUS(prana_execution_from_json(json, n, 0, &restored, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_execution_render(restored, S("{{ $execution.wait_approval.resume_url }}"), url2, sizeof url2, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(url2, url);
    CHECK_STATUS(prana_execution_resume(w, restored, handler, &rec, applied(rid), S("{}"),
                                        3000, &r, NULL),
                 PRANA_STATUS_OK);
    CHECK(r.outcome == PRANA_OUTCOME_COMPLETED);

    /* NULL keys: unsigned, as prana_execution_start; required policy refuses it. */
    CHECK_STATUS(prana_execution_start(w, S("exec-u"), base, NULL, gen, 1000, 0, &plain, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_execution_render(plain, S("{{ $execution.wait_approval.resume_url }}"), url, sizeof url, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK(strchr(url, '?') == NULL);
    CHECK_STATUS(prana_execution_to_json(plain, json, sizeof json, &n, NULL), PRANA_STATUS_OK);
    CHECK(strstr(json, "\"sig\"") == NULL);
    CHECK_STATUS(prana_execution_registration(plain, 0, &reg, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_registration_resume_id(reg, rid, sizeof rid, &n, NULL), PRANA_STATUS_OK);
    prana_registration_free(reg);
    CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_RESUME, PRANA_SIGNATURE_REQUIRED, rid, strlen(rid),
                                               NULL, 0, &c, NULL),
                 PRANA_STATUS_OK);
    CHECK(!c.accepted && c.answer.cause == PRANA_STATUS_SIGNATURE_MISSING);

    prana_execution_free(plain);
    prana_execution_free(restored);
    prana_execution_free(x);
    prana_key_set_free(empty);
    prana_key_set_free(keys);
    prana_workflow_free(w);
}

int main(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    memset(seed, 11, sizeof seed);
    if (prana_id_generator_new(seed, sizeof seed, &gen, NULL) != PRANA_STATUS_OK ||
        prana_base_url_new(S("https://gw.example.com"), &base, NULL) != PRANA_STATUS_OK) {
        return 2;
    }
    test_workflow_parse();
    test_webhook_flow();
    test_expire();
    test_handler_failures();
    test_timer_and_bad_wait();
    test_signed_urls();
    prana_base_url_free(base);
    prana_id_generator_free(gen);
    return test_summary("executor");
}
