/* The approval flow of a bare-metal C gateway on a Cortex-M3, with the
 * no_std build of the C ABI: every handle in static memory, no heap.
 *
 * The library's executor runs a workflow (trigger -> webhook wait ->
 * a host node): the execution starts in static memory with one pending
 * registration stored in a one-row "store", runs to the wait (the row is
 * activated with compare-and-set) and its state is persisted as JSON. The
 * device "reboots" (the execution memory is wiped) and restores the state.
 * A raw HTTP request for the signed resume URL is then parsed, routed, its
 * signature verified, the row read back from its JSON, the resume decided
 * and the transition applied with compare-and-set; the execution resumes
 * with the body, runs the host node and completes. The same request again
 * is refused (409), and so is one with a forged signature (401). Every
 * step is printed over semihosting; the exit status is 0 only when every
 * step behaved as expected and the memory stayed within its budget. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "firmware.h"
#include "prana_webhook.h"
#include "semihost.h"

/* Peak stack the flow may use (the linker reserves more, so that going
 * over is measured rather than a crash), and the RAM budget of static data
 * plus that peak. */
#ifndef STACK_BUDGET
#define STACK_BUDGET (11u * 1024u)
#endif
#ifndef RAM_BUDGET
#define RAM_BUDGET (60u * 1024u)
#endif

#define EXECUTION_ID "run-1"
#define NODE_ID "approve"
#define BASE_URL "http://device.local"
#define REQUEST_BUF_SIZE 1024u
/* The execution's payload capacity: trigger payload, node output, resume
 * payload (and, in caller memory, a node's rendered params). */
#define MAX_PAYLOAD 512u

/* Lives in flash; the workflow handle borrows it. */
static const char workflow_json[] =
    "{\"id\":\"approval\",\"nodes\":["
    "{\"key\":\"trigger\",\"type\":\"trigger\"},"
    "{\"key\":\"" NODE_ID "\",\"type\":\"wait\",\"params\":{\"mode\":\"webhook\","
    "\"timeout_hours\":1,\"webhook_config\":{\"approvers\":[\"ops\"]}}},"
    "{\"key\":\"record\",\"type\":\"record\",\"params\":{\"run\":\"{{ $execution.id }}\"}}],"
    "\"connections\":[{\"from\":\"trigger\",\"to\":\"" NODE_ID "\"},"
    "{\"from\":\"" NODE_ID "\",\"to\":\"record\"}]}";

static const uint8_t signing_secret[] = "firmware-resume-key-0123456789ab";
static const char body[] = "{\"approved\":true}";
static const char trigger_payload[] = "{\"amount\":10}";

/* Handles, in caller memory (the *_init functions). */
static uint64_t base_mem[(PRANA_BASE_URL_SIZE + 7) / 8];
static uint64_t gen_mem[(PRANA_ID_GENERATOR_SIZE + 7) / 8];
static uint64_t keys_mem[(PRANA_KEY_SET_SIZE + 7) / 8];
static uint64_t workflow_mem[(PRANA_WORKFLOW_SIZE + 7) / 8];
static uint64_t execution_mem[(PRANA_EXECUTION_SIZE + PRANA_EXECUTION_SCRATCH_LEN +
                               5 * MAX_PAYLOAD + 7) / 8];
static prana_base_url *base;
static prana_id_generator *gen;
static prana_key_set *keys;
static prana_workflow *workflow;
static prana_execution *execution;

/* The store: one row, as a gateway would keep it in flash or on a server:
 * the status column and the row's JSON (prana_execution_registration_json).
 * A lookup reads the JSON back into `reg` (prana_registration_restore). */
struct row {
    bool used;
    char resume_id[PRANA_RESUME_ID_BUF_SIZE];
    size_t resume_id_len;
    prana_lifecycle_status status;
    char json[PRANA_REGISTRATION_JSON_BUF_SIZE];
    size_t json_len;
    uint64_t reg_mem[(PRANA_REGISTRATION_SIZE + 7) / 8];
    prana_registration *reg;
};
static struct row store;

/* The persisted state JSON and a run call's result are never needed at
 * the same time (a result is applied before the state is saved, and the
 * state is restored before the next call): they share memory. The JSON
 * needs its exact size only (prana_execution_to_json reports it), far less
 * than the bound PRANA_EXECUTION_JSON_FIXED_LEN + MAX_PAYLOAD + 1 for
 * this one-wait workflow. */
#define STATE_JSON_BUF_SIZE 4096u
static union {
    char state_json[STATE_JSON_BUF_SIZE];
    prana_run_result result;
} shared;
static size_t state_json_len;

static uint8_t request[REQUEST_BUF_SIZE];
static size_t request_len;

static void put_span(const char *buf, struct prana_span span) {
    sh_write(buf + span.offset, span.len);
}

/* Prints a failed call: the step, the stable status code and the detail. */
static void report_error(const char *step, prana_status status, const prana_error *err) {
    sh_puts("FAIL ");
    sh_puts(step);
    sh_puts(": ");
    sh_puts(prana_status_code(status));
    sh_puts(" (");
    sh_puts(err->message);
    sh_puts(")\n");
}

static struct row *store_find(const char *id, size_t id_len) {
    if (store.used && store.resume_id_len == id_len && memcmp(store.resume_id, id, id_len) == 0) {
        return &store;
    }
    return NULL;
}

/* UPDATE row SET status = to WHERE resume_id = ? AND status = from:
 * returns the number of rows changed (0 or 1). */
static int store_compare_and_set(const prana_transition *t) {
    struct row *row = store_find(t->resume_id, t->resume_id_len);
    if (row == NULL || row->status != t->from) {
        return 0;
    }
    row->status = t->to;
    return 1;
}

/* Rewrites the row's JSON from the execution (the library's row). */
static bool store_persist(struct row *row) {
    prana_error err;
    prana_status st = prana_execution_registration_json(
        workflow, execution, row->resume_id, row->resume_id_len, row->json, sizeof row->json,
        &row->json_len, &err);
    if (st != PRANA_STATUS_OK) {
        report_error("execution_registration_json", st, &err);
        return false;
    }
    sh_puts("  store: ");
    sh_puts(prana_lifecycle_status_name(row->status));
    sh_puts(" ");
    sh_puts(row->json);
    sh_puts("\n");
    return true;
}

/* Reads the row back from its JSON, as a lookup in a real store would. */
static bool store_load(struct row *row) {
    prana_error err;
    prana_status st = prana_registration_restore(row->reg, row->json, row->json_len, &err);
    if (st != PRANA_STATUS_OK) {
        report_error("registration_restore", st, &err);
        return false;
    }
    return true;
}

/* Applies every transition of a run result, in order: compare-and-set,
 * then the row from the library. */
static bool store_apply(const prana_run_result *r) {
    size_t i;
    for (i = 0; i < r->transition_count; i++) {
        if (store_compare_and_set(&r->transitions[i]) != 1) {
            sh_puts("FAIL: a transition of the result changed no row\n");
            return false;
        }
        if (!store_persist(&store)) {
            return false;
        }
    }
    return true;
}

/* Saves the execution's state JSON (as to flash). */
static bool state_save(void) {
    prana_error err;
    prana_status st = prana_execution_to_json(execution, shared.state_json,
                                              sizeof shared.state_json, &state_json_len, &err);
    if (st != PRANA_STATUS_OK) {
        report_error("execution_to_json", st, &err);
        return false;
    }
    sh_puts("  state saved: ");
    sh_putu((uint32_t)state_json_len);
    sh_puts(" bytes of JSON\n");
    return true;
}

/* The host's node handler: runs "record" nodes (the approval's outcome is
 * the node's input; it is passed on as the output). */
static bool node_handler(void *user_data, const prana_node_call *call, char *output,
                         size_t output_cap, prana_node_result *result) {
    (void)user_data;
    if (call->input.len > output_cap) {
        return false;
    }
    sh_puts("  node ");
    sh_write(call->node_id.ptr, call->node_id.len);
    sh_puts(" (");
    sh_write(call->node_type.ptr, call->node_type.len);
    sh_puts("): params ");
    sh_write(call->params.ptr, call->params.len);
    sh_puts(", input ");
    sh_write(call->input.ptr, call->input.len);
    sh_puts("\n");
    memcpy(output, call->input.ptr, call->input.len);
    result->output_len = call->input.len;
    return true;
}

/* Appends `len` bytes to the request buffer; false when it is full. */
static bool request_append(const char *text, size_t len) {
    if (len > sizeof request - request_len) {
        sh_puts("FAIL request: larger than REQUEST_BUF_SIZE\n");
        return false;
    }
    memcpy(request + request_len, text, len);
    request_len += len;
    return true;
}

static bool request_append_str(const char *text) {
    return request_append(text, strlen(text));
}

/* The raw request a client sends to the resume URL (its path and query). */
static bool request_build(const char *url, size_t url_len) {
    char digits[11];
    size_t i = sizeof digits;
    size_t n = sizeof body - 1;
    const size_t prefix = sizeof BASE_URL - 1;

    if (url_len < prefix || memcmp(url, BASE_URL, prefix) != 0) {
        sh_puts("FAIL request: the resume URL is not under " BASE_URL "\n");
        return false;
    }
    do {
        digits[--i] = (char)('0' + n % 10u);
        n /= 10u;
    } while (n != 0u);
    request_len = 0;
    return request_append_str("POST ") && request_append(url + prefix, url_len - prefix) &&
           request_append_str(" HTTP/1.1\r\nHost: device.local\r\n"
                              "Content-Type: application/json\r\nContent-Length: ") &&
           request_append(digits + i, sizeof digits - i) && request_append_str("\r\n\r\n") &&
           request_append(body, sizeof body - 1);
}

/* What the gateway answered. */
struct answer {
    uint16_t http_status;
    const char *code;
};

static void answer_with(struct answer *out, const prana_http_answer *a) {
    out->http_status = a->http_status;
    out->code = a->code;
    sh_puts("  answer: ");
    sh_putu(a->http_status);
    sh_puts(" ");
    sh_puts(a->code);
    sh_puts(" (");
    sh_puts(a->message);
    sh_puts(")\n");
}

/* Handles one HTTP request at `now`. Returns false when a call failed (a
 * bug, not a refusal); refusals are answers in `*out`. */
static bool handle_request(const uint8_t *req, size_t len, uint64_t now, struct answer *out) {
    const char *text = (const char *)req;
    prana_http_request http;
    prana_precheck pre;
    prana_signature_check sig;
    prana_resume_decision decision;
    prana_error err;
    prana_status st;
    const char *target, *id;
    size_t body_len;
    struct row *row;
    int attempts;

    st = prana_http_parse_request(req, len, &http, &err);
    if (st != PRANA_STATUS_OK) {
        report_error("http_parse_request", st, &err);
        return false;
    }
    body_len = len - http.head_len;
    sh_puts("  http: ");
    put_span(text, http.method);
    sh_puts(" ");
    put_span(text, http.target);
    sh_puts(" HTTP/1.");
    sh_putu(http.version_minor);
    sh_puts(", ");
    sh_putu((uint32_t)http.header_count);
    sh_puts(" headers, body ");
    sh_putu((uint32_t)body_len);
    sh_puts(" bytes\n");
    if (!http.has_content_length || http.content_length != body_len) {
        sh_puts("FAIL http: the body does not match Content-Length\n");
        return false;
    }

    target = text + http.target.offset;
    st = prana_request_check(base, text + http.method.offset, http.method.len, target,
                             http.target.len, body_len, PRANA_DEFAULT_MAX_PAYLOAD, &pre, &err);
    if (st != PRANA_STATUS_OK) {
        report_error("request_check", st, &err);
        return false;
    }
    if (!pre.accepted) {
        answer_with(out, &pre.answer);
        return true;
    }
    if (pre.route.kind != PRANA_ROUTE_RESUME) {
        sh_puts("FAIL request_check: not a resume route\n");
        return false;
    }
    id = target + pre.route.id.offset;
    sh_puts("  route: resume ");
    sh_write(id, pre.route.id.len);
    sh_puts("\n");

    st = prana_signature_verify(keys, pre.route.kind, PRANA_SIGNATURE_REQUIRED, id, pre.route.id.len,
                                pre.route.has_query ? target + pre.route.query.offset : NULL,
                                pre.route.query.len, &sig, &err);
    if (st != PRANA_STATUS_OK) {
        report_error("signature_verify", st, &err);
        return false;
    }
    if (!sig.accepted) {
        sh_puts("  signature: rejected, ");
        sh_puts(prana_status_code(sig.answer.cause));
        sh_puts(" (the store is not touched)\n");
        answer_with(out, &sig.answer);
        return true;
    }
    sh_puts("  signature: accepted, key ");
    sh_puts(sig.key_id);
    sh_puts("\n");

    /* Decide, compare-and-set; a lost race re-reads the row and decides again. */
    for (attempts = 0; attempts < 2; attempts++) {
        row = store_find(id, pre.route.id.len);
        sh_puts(row != NULL ? "  lookup: found, " : "  lookup: no row\n");
        if (row != NULL) {
            sh_puts(prana_lifecycle_status_name(row->status));
            sh_puts("\n");
            if (!store_load(row)) {
                return false;
            }
        }
        st = prana_resume_decide(id, pre.route.id.len, row != NULL ? row->reg : NULL, now,
                                 &decision, &err);
        if (st != PRANA_STATUS_OK) {
            report_error("resume_decide", st, &err);
            return false;
        }
        if (!decision.resume) {
            sh_puts("  decide: refuse\n");
            answer_with(out, &decision.answer);
            return true;
        }
        sh_puts("  decide: resume, ");
        sh_puts(prana_lifecycle_status_name(decision.transition.from));
        sh_puts(" -> ");
        sh_puts(prana_lifecycle_status_name(decision.transition.to));
        sh_puts("\n");
        if (store_compare_and_set(&decision.transition) == 1) {
            break;
        }
        sh_puts("  compare-and-set: 0 rows changed (lost a race), deciding again\n");
    }
    if (attempts == 2) {
        sh_puts("FAIL compare-and-set: lost twice\n");
        return false;
    }
    sh_puts("  compare-and-set: 1 row changed\n");

    /* The row changed: resume the execution with the applied transition
     * and the body, then store what the library hands out. */
    st = prana_execution_resume(workflow, execution, node_handler, NULL, &decision.transition,
                                text + http.head_len, body_len, now, &shared.result, &err);
    if (st != PRANA_STATUS_OK) {
        report_error("execution_resume", st, &err);
        return false;
    }
    if (shared.result.outcome != PRANA_OUTCOME_COMPLETED) {
        sh_puts("FAIL resume: the execution did not complete\n");
        return false;
    }
    if (!store_persist(row) || !store_apply(&shared.result)) {
        return false;
    }
    answer_with(out, &decision.answer);
    {
        char output[MAX_PAYLOAD + 1];
        size_t output_len;
        prana_run_status status;
        st = prana_execution_output(execution, output, sizeof output, &output_len, &err);
        if (st == PRANA_STATUS_OK) {
            st = prana_execution_status(execution, &status, &err);
        }
        if (st != PRANA_STATUS_OK) {
            report_error("execution_output", st, &err);
            return false;
        }
        sh_puts("  execution: ");
        sh_puts(prana_run_status_name(status));
        sh_puts(", output ");
        sh_puts(output);
        sh_puts("\n");
        if (status != PRANA_EXECUTION_COMPLETED || output_len != body_len ||
            memcmp(output, text + http.head_len, body_len) != 0) {
            sh_puts("FAIL resume: the output is not the approval\n");
            return false;
        }
    }
    return state_save();
}

/* Start: the workflow and the execution in static memory, the pending
 * row stored; run to the wait node (the row is activated); save the state.
 * Then "reboot": the execution memory is wiped and the state restored. */
static bool start_and_suspend(uint64_t now, char *url, size_t url_size, size_t *url_len) {
    static const char id_template[] = "{{ $execution." NODE_ID ".resume_id }}";
    prana_error err;
    prana_status st;
    size_t n;

    st = prana_workflow_init(workflow_mem, sizeof workflow_mem, workflow_json,
                             PRANA_NUL_TERMINATED, &workflow, &err);
    if (st == PRANA_STATUS_OK) {
        st = prana_execution_init(execution_mem, sizeof execution_mem, MAX_PAYLOAD, workflow,
                                  EXECUTION_ID, PRANA_NUL_TERMINATED, base, keys, gen, now,
                                  &execution, &err);
    }
    if (st == PRANA_STATUS_OK) {
        st = prana_execution_render(execution, id_template, PRANA_NUL_TERMINATED,
                                    store.resume_id, sizeof store.resume_id,
                                    &store.resume_id_len, &err);
    }
    if (st == PRANA_STATUS_OK) {
        /* The row's lookup handle, once; lookups read the JSON into it. */
        st = prana_registration_init(store.reg_mem, sizeof store.reg_mem, NULL, store.resume_id,
                                     store.resume_id_len, EXECUTION_ID, PRANA_NUL_TERMINATED,
                                     NODE_ID, PRANA_NUL_TERMINATED, now, &store.reg, &err);
    }
    if (st != PRANA_STATUS_OK) {
        report_error("start", st, &err);
        return false;
    }
    sh_puts("start: " EXECUTION_ID " of workflow approval, resume ID ");
    sh_puts(store.resume_id);
    sh_puts("\n");
    store.status = PRANA_LIFECYCLE_PENDING;
    store.used = true;
    if (!store_persist(&store)) {
        return false;
    }

    sh_puts("run: trigger payload ");
    sh_puts(trigger_payload);
    sh_puts("\n");
    st = prana_execution_run(workflow, execution, node_handler, NULL, trigger_payload,
                             PRANA_NUL_TERMINATED, now, &shared.result, &err);
    if (st != PRANA_STATUS_OK) {
        report_error("execution_run", st, &err);
        return false;
    }
    if (shared.result.outcome != PRANA_OUTCOME_SUSPENDED ||
        strcmp(shared.result.node_id, NODE_ID) != 0 ||
        strcmp(shared.result.resume_id, store.resume_id) != 0) {
        sh_puts("FAIL run: not suspended at " NODE_ID "\n");
        return false;
    }
    n = strlen(shared.result.resume_url);
    if (n + 1 > url_size) {
        sh_puts("FAIL run: the resume URL does not fit\n");
        return false;
    }
    memcpy(url, shared.result.resume_url, n + 1);
    *url_len = n;
    sh_puts("  suspended at " NODE_ID ", resume URL: ");
    sh_puts(url);
    sh_puts("\n");
    if (!store_apply(&shared.result) || store.status != PRANA_LIFECYCLE_ACTIVE || !state_save()) {
        return false;
    }

    sh_puts("reboot: the execution memory is wiped, the state restored from its JSON\n");
    memset(execution_mem, 0, sizeof execution_mem);
    /* A handle to restore into: any execution (it draws IDs it never uses). */
    st = prana_execution_init(execution_mem, sizeof execution_mem, MAX_PAYLOAD, workflow,
                              "restore-slot", PRANA_NUL_TERMINATED, base, keys, gen, now,
                              &execution, &err);
    if (st == PRANA_STATUS_OK) {
        st = prana_execution_restore(execution, shared.state_json, state_json_len, &err);
    }
    if (st != PRANA_STATUS_OK) {
        report_error("execution_restore", st, &err);
        return false;
    }
    {
        char waiting[PRANA_RESUME_ID_BUF_SIZE];
        size_t waiting_len;
        st = prana_execution_waiting_resume_id(execution, waiting, sizeof waiting, &waiting_len,
                                               &err);
        if (st != PRANA_STATUS_OK || strcmp(waiting, store.resume_id) != 0) {
            sh_puts("FAIL restore: the execution does not wait for the stored resume ID\n");
            return false;
        }
    }
    sh_puts("  restored: waiting for ");
    sh_puts(store.resume_id);
    sh_puts("\n");
    return true;
}

/* Runs a request and checks the answer it must get. */
static bool expect(const char *what, uint64_t now, uint16_t http_status, const char *code) {
    struct answer a = {0, ""};
    bool ok = handle_request(request, request_len, now, &a) && a.http_status == http_status &&
              strcmp(a.code, code) == 0;
    sh_puts(ok ? "ok: " : "FAIL: ");
    sh_puts(what);
    sh_puts("\n");
    return ok;
}

static bool approval_flow(void) {
    static const uint64_t now = 1700000000000u;
    uint8_t seed[PRANA_ID_SEED_LEN];
    char url[PRANA_URL_BUF_SIZE];
    size_t url_len, sig_end;
    const char *query;
    prana_transition stale;
    prana_error err;
    prana_status st;

    /* Firmware reads a hardware RNG here; a fixed seed keeps the run repeatable. */
    memset(seed, 7, sizeof seed);
    sh_puts("setup: base URL, ID generator, key set (static memory)\n");
    st = prana_base_url_init(base_mem, sizeof base_mem, BASE_URL, PRANA_NUL_TERMINATED, &base, &err);
    if (st == PRANA_STATUS_OK) {
        st = prana_id_generator_init(gen_mem, sizeof gen_mem, seed, sizeof seed, &gen, &err);
    }
    if (st == PRANA_STATUS_OK) {
        st = prana_key_set_init(keys_mem, sizeof keys_mem, &keys, &err);
    }
    if (st == PRANA_STATUS_OK) {
        st = prana_key_set_add(keys, "fw1", PRANA_NUL_TERMINATED, signing_secret,
                               sizeof signing_secret - 1, &err);
    }
    if (st != PRANA_STATUS_OK) {
        report_error("setup", st, &err);
        return false;
    }

    if (!start_and_suspend(now, url, sizeof url, &url_len) || !request_build(url, url_len)) {
        return false;
    }

    sh_puts("request 1: the approval\n");
    if (!expect("approval resumed and completed (200)", now + 1000u, 200, "") ||
        store.status != PRANA_LIFECYCLE_CONSUMED) {
        return false;
    }

    sh_puts("request 2: the same request again\n");
    if (!expect("replay refused (409 webhook_already_used)", now + 2000u, 409,
                "webhook_already_used")) {
        return false;
    }
    memset(&stale, 0, sizeof stale);
    memcpy(stale.resume_id, store.resume_id, store.resume_id_len + 1);
    stale.resume_id_len = store.resume_id_len;
    stale.from = PRANA_LIFECYCLE_ACTIVE;
    stale.to = PRANA_LIFECYCLE_CONSUMED;
    if (store_compare_and_set(&stale) != 0) {
        sh_puts("FAIL: a stale active -> consumed changed the row\n");
        return false;
    }
    sh_puts("ok: a stale active -> consumed compare-and-set changes 0 rows\n");

    sh_puts("request 3: the URL with a forged signature\n");
    query = memchr(url, '?', url_len);
    if (query == NULL) {
        sh_puts("FAIL: the resume URL is not signed\n");
        return false;
    }
    /* Change the last character of the MAC, the end of the request target
     * ("POST " and the URL's path and query). */
    sig_end = (sizeof "POST " - 1) + (url_len - (sizeof BASE_URL - 1)) - 1;
    request[sig_end] = request[sig_end] == 'A' ? 'B' : 'A';
    return expect("forged signature refused (401 invalid_signature)", now + 3000u, 401,
                  "invalid_signature") &&
           store.status == PRANA_LIFECYCLE_CONSUMED;
}

int main(void) {
    bool flow_ok, stack_ok, ram_ok;
    size_t peak;

    sh_puts("prana webhook ");
    sh_puts(prana_version());
    sh_puts(" (no_std C ABI) on a Cortex-M3\n");
    flow_ok = approval_flow();
    sh_puts(flow_ok ? "flow: ok\n" : "flow: FAILED\n");

    peak = stack_peak_bytes();
    stack_ok = peak <= STACK_BUDGET && peak < stack_size_bytes();
    ram_ok = static_ram_bytes() + peak <= RAM_BUDGET;
    sh_puts("flash: ");
    sh_putu((uint32_t)flash_bytes());
    sh_puts(" bytes\nstatic RAM (.data + .bss): ");
    sh_putu((uint32_t)static_ram_bytes());
    sh_puts(" bytes\npeak stack: ");
    sh_putu((uint32_t)peak);
    sh_puts(" bytes (budget ");
    sh_putu(STACK_BUDGET);
    sh_puts(", reserved ");
    sh_putu((uint32_t)stack_size_bytes());
    sh_puts(stack_ok ? "): ok\n" : "): OVER\n");
    sh_puts("RAM (static + peak stack): ");
    sh_putu((uint32_t)(static_ram_bytes() + peak));
    sh_puts(" bytes (budget ");
    sh_putu(RAM_BUDGET);
    sh_puts(ram_ok ? "): ok\n" : "): OVER\n");
    if (!flow_ok) {
        return 1;
    }
    return stack_ok && ram_ok ? 0 : 2;
}
