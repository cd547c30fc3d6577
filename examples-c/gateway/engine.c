#define _POSIX_C_SOURCE 200809L
#include "engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the node handler callback sees through `user_data`. Resume URLs
 * need no work here: executions start with the key set
 * (prana_execution_start), so the library renders every
 * {{ $execution.<node>.resume_url }} already signed, and the state keeps
 * the signatures across resumes. */
typedef struct {
    const app *a;
    engine_result *out;
} run_ctx;

void engine_result_init(engine_result *r) {
    memset(r, 0, sizeof *r);
    r->timer_at = -1;
    r->applied_expires_at = -1;
    sb_init(&r->logs);
}

void engine_result_free(engine_result *r) {
    int i;
    for (i = 0; i < r->nregs; i++) {
        free(r->regs[i].resume_id);
        free(r->regs[i].node_id);
        free(r->regs[i].json);
        free(r->regs[i].url);
        free(r->regs[i].cancel_url);
        free(r->regs[i].extend_url);
    }
    free(r->regs);
    free(r->applied_json);
    free(r->current_node);
    free(r->state);
    free(r->output);
    free(r->error);
    sb_free(&r->logs);
    engine_result_init(r);
}

/* "what: <detail>" for a failure, malloc'd. `e` holds the result of the
 * last library call made with it: its message when that call failed, else
 * (the failure was ours, not the library's) just "failed". */
static char *lib_error(const prana_error *e, const char *what) {
    sbuf b;
    sb_init(&b);
    sb_printf(&b, "%s: %s", what,
              e->code != PRANA_STATUS_OK && e->message[0] ? e->message : "failed");
    return b.p;
}

static int fail(int *http_status, char **err, int status, char *msg) {
    *http_status = status;
    *err = msg;
    return -1;
}

/* ---- node handlers ------------------------------------------------------- */

static bool node_error(prana_node_result *res, const char *code, const char *msg) {
    snprintf(res->error_code, sizeof res->error_code, "%s", code);
    snprintf(res->error_message, sizeof res->error_message, "%s", msg);
    return false;
}

static bool put_output(prana_node_result *res, char *output, size_t cap, const char *json,
                       size_t len) {
    if (len > cap) {
        char msg[128];
        snprintf(msg, sizeof msg, "the node output is %zu bytes; the payload capacity is %zu", len,
                 cap);
        return node_error(res, "output_too_large", msg);
    }
    memcpy(output, json, len);
    res->output_len = len;
    return true;
}

/* ---- reading params and input: the library's JSON helpers -------------- */

/* The raw JSON text of member `key` (`key_len` bytes) of the object `obj`:
 * 1 with its span of `obj` in *v (not NUL-terminated), or 0 when absent
 * (or `obj` is not an object). */
static int member_n(const prana_str *obj, const char *key, size_t key_len, prana_str *v) {
    bool found = false;
    size_t off = 0, len = 0;
    if (prana_json_find_member(obj->ptr, obj->len, key, key_len, &found, &off, &len, NULL) !=
            PRANA_STATUS_OK ||
        !found)
        return 0;
    v->ptr = obj->ptr + off;
    v->len = len;
    return 1;
}

static int member(const prana_str *obj, const char *key, prana_str *v) {
    return member_n(obj, key, strlen(key), v);
}

/* Appends the decoded contents of the JSON string `v` (a member the
 * library found, so valid JSON); -1 if it is not a string. */
static int decode_string(const prana_str *v, sbuf *out) {
    size_t n = 0;
    /* Without a backslash there is nothing to decode: a valid JSON string
     * holds no raw control characters, so its contents are the text. */
    if (v->len >= 2 && v->ptr[0] == '"' && !memchr(v->ptr, '\\', v->len)) {
        sb_append(out, v->ptr + 1, v->len - 2);
        return out->oom ? -1 : 0;
    }
    /* The decoded text is never longer than the raw one: v->len bytes hold
     * it and its NUL, which the library writes. */
    if (sb_reserve(out, v->len) != 0 ||
        prana_json_decode_string(v->ptr, v->len, out->p + out->len, v->len + 1, &n, NULL) !=
            PRANA_STATUS_OK)
        return -1;
    out->len += n;
    return 0;
}

/* log: prints params.message (or the whole params) and passes its input on. */
static bool run_log(run_ctx *c, const prana_node_call *call, const prana_str *params,
                    char *output, size_t cap, prana_node_result *res) {
    prana_str m;
    sbuf msg;
    sb_init(&msg);
    if (!member(params, "message", &m) || decode_string(&m, &msg) != 0) {
        sb_reset(&msg);
        sb_append(&msg, params->ptr, params->len);
    }
    sb_printf(&c->out->logs, "[log] %s %s: %s\n", call->execution_id.ptr, call->node_id.ptr,
              sb_cstr(&msg));
    sb_free(&msg);
    return put_output(res, output, cap, call->input.ptr, call->input.len);
}

/* set: outputs params.value. */
static bool run_set(const prana_str *params, char *output, size_t cap, prana_node_result *res) {
    prana_str v;
    if (!member(params, "value", &v))
        return node_error(res, "missing_value", "set needs params.value");
    return put_output(res, output, cap, v.ptr, v.len);
}

/* if: port "true" when input[params.field] equals params.equals (default
 * true) as JSON values (prana_json_equal), else "false"; passes its input on. */
static bool run_if(const prana_node_call *call, const prana_str *params, char *output,
                   size_t cap, prana_node_result *res) {
    static const prana_str yes = {"true", 4};
    prana_str f, want, got;
    sbuf field;
    bool match = false;
    sb_init(&field);
    if (!member(params, "field", &f) || decode_string(&f, &field) != 0) {
        sb_free(&field);
        return node_error(res, "missing_field", "if needs params.field (a string)");
    }
    if (!member(params, "equals", &want)) want = yes;
    /* `match` is written only on success: an absent member or a failure is "false". */
    if (member_n(&call->input, sb_cstr(&field), field.len, &got))
        (void)prana_json_equal(got.ptr, got.len, want.ptr, want.len, &match, NULL);
    sb_free(&field);
    snprintf(res->port, sizeof res->port, "%s", match ? "true" : "false");
    return put_output(res, output, cap, call->input.ptr, call->input.len);
}

static bool node_handler(void *user_data, const prana_node_call *call, char *output,
                         size_t output_cap, prana_node_result *res) {
    run_ctx *c = user_data;
    const char *type = call->node_type.ptr;
    /* The params arrive rendered, resume URLs signed, by the library. */
    const prana_str *params = &call->params;
    if (!strcmp(type, "log")) return run_log(c, call, params, output, output_cap, res);
    if (!strcmp(type, "set")) return run_set(params, output, output_cap, res);
    if (!strcmp(type, "if")) return run_if(call, params, output, output_cap, res);
    return node_error(res, "unknown_node_type",
                      "this gateway runs node types log, set and if (and wait, trigger)");
}

/* ---- executions ---------------------------------------------------------- */

static char *reg_string(const prana_registration *r,
                        prana_status (*get)(const prana_registration *, char *, size_t, size_t *,
                                            prana_error *),
                        prana_error *e) {
    char buf[PRANA_REGISTRATION_JSON_BUF_SIZE];
    size_t n;
    if (get(r, buf, sizeof buf, &n, e) != PRANA_STATUS_OK) return NULL;
    return xstrndup(buf, n);
}

static engine_reg *add_reg(engine_result *out) {
    engine_reg *v = realloc(out->regs, (size_t)(out->nregs + 1) * sizeof *v);
    if (!v) return NULL;
    out->regs = v;
    memset(&v[out->nregs], 0, sizeof *v);
    v[out->nregs].expires_at = -1;
    return &v[out->nregs++];
}

char *engine_action_url(const app *a, uint32_t kind, const char *resume_id) {
    char url[PRANA_URL_BUF_SIZE];
    size_t n;
    if (prana_base_url_action_url(a->base, a->keys, kind, resume_id, PRANA_NUL_TERMINATED, url,
                                  sizeof url, &n, NULL) != PRANA_STATUS_OK)
        return NULL;
    return xstrndup(url, n);
}

/* The row JSON of registration `id` as the execution holds it now. */
static int row_json(const prana_workflow *wf, const prana_execution *x, const char *id,
                    size_t id_len, char **json, prana_error *e) {
    char buf[PRANA_REGISTRATION_JSON_BUF_SIZE];
    size_t n;
    if (prana_execution_registration_json(wf, x, id, id_len, buf, sizeof buf, &n, e) !=
        PRANA_STATUS_OK)
        return -1;
    return (*json = xstrndup(buf, n)) != NULL ? 0 : -1;
}

/* The row of registration `id` as the execution holds it now, with its
 * expiry for the indexed column, read from the execution's registration
 * of that ID (its handle holds the row's times; the execution hands them
 * out by index, and holds a few at most). */
static int row_of(const prana_workflow *wf, const prana_execution *x, const char *id,
                  size_t id_len, char **json, int64_t *expires_at, prana_error *e) {
    size_t count = 0, i, n;
    char rid[PRANA_RESUME_ID_BUF_SIZE];
    if (row_json(wf, x, id, id_len, json, e) != 0 ||
        prana_execution_registration_count(x, &count, e) != PRANA_STATUS_OK)
        return -1;
    for (i = 0; i < count; i++) {
        prana_registration *r = NULL;
        bool has = false;
        uint64_t at = 0;
        int rc = 1;
        if (prana_execution_registration(x, i, &r, e) != PRANA_STATUS_OK) return -1;
        if (prana_registration_resume_id(r, rid, sizeof rid, &n, e) != PRANA_STATUS_OK)
            rc = -1;
        else if (n == id_len && memcmp(rid, id, n) == 0)
            rc = prana_registration_expires_at(r, &has, &at, e) == PRANA_STATUS_OK ? 0 : -1;
        prana_registration_free(r);
        if (rc == 0) *expires_at = has ? (int64_t)at : -1;
        if (rc <= 0) return rc;
    }
    return -1; /* row_json found it, so this cannot happen */
}

/* Resume ID, node, status and expiry of registration `i` from its handle
 * (which holds the status and times the row has; only its webhook_config
 * is left out). */
static int reg_from_handle(engine_reg *g, const prana_execution *x, size_t i, prana_error *e) {
    prana_registration *r = NULL;
    prana_lifecycle_status st;
    bool has = false;
    uint64_t at = 0;
    if (prana_execution_registration(x, i, &r, e) != PRANA_STATUS_OK) return -1;
    g->resume_id = reg_string(r, prana_registration_resume_id, e);
    g->node_id = reg_string(r, prana_registration_node_id, e);
    if (g->resume_id && g->node_id && prana_registration_status(r, &st, e) == PRANA_STATUS_OK &&
        prana_registration_expires_at(r, &has, &at, e) == PRANA_STATUS_OK) {
        g->status = prana_lifecycle_status_name(st);
        g->expires_at = has ? (int64_t)at : -1;
    }
    prana_registration_free(r);
    return g->status ? 0 : -1;
}

/* Execution start, after the run: one new row per registration, as the
 * library holds it now, with the URLs the trigger's answer hands out. The
 * registration the run suspended on (a webhook wait) comes with the run
 * result: its row (the same text as prana_execution_registration_json),
 * resume URL and expiry (resume_at) are taken from there instead of being
 * written again; it is active (suspending activated it). When it is the
 * only one, the run result describes it whole and no handle is needed. */
static int collect_new_regs(run_ctx *c, const prana_workflow *wf, const prana_execution *x,
                            const prana_run_result *rr, prana_error *e) {
    size_t count = 0, i, n;
    char url[PRANA_URL_BUF_SIZE];
    /* Node ids are at most 64 bytes of [A-Za-z0-9_-]. */
    char tmpl[PRANA_ID_PART_BUF_SIZE + sizeof "{{ $execution..resume_url }}"];
    int waits = rr->outcome == PRANA_OUTCOME_SUSPENDED && rr->wait_mode == PRANA_WAIT_WEBHOOK &&
                rr->resume_id[0];
    if (prana_execution_registration_count(x, &count, e) != PRANA_STATUS_OK) return -1;
    for (i = 0; i < count; i++) {
        engine_reg *g = add_reg(c->out);
        int waited;
        if (!g) return -1;
        if (count == 1 && waits) {
            if (!(g->resume_id = xstrndup(rr->resume_id, strlen(rr->resume_id))) ||
                !(g->node_id = xstrndup(rr->node_id, strlen(rr->node_id))))
                return -1;
            g->status = prana_lifecycle_status_name(PRANA_LIFECYCLE_ACTIVE);
            g->expires_at = (int64_t)rr->resume_at;
        } else if (reg_from_handle(g, x, i, e) != 0) {
            return -1;
        }
        waited = waits && strcmp(rr->resume_id, g->resume_id) == 0;
        if (waited) {
            g->expires_at = (int64_t)rr->resume_at;
            if (!(g->json = xstrndup(rr->registration_json, strlen(rr->registration_json))) ||
                !(g->url = xstrndup(rr->resume_url, strlen(rr->resume_url))))
                return -1;
        } else {
            if (row_json(wf, x, g->resume_id, strlen(g->resume_id), &g->json, e) != 0)
                return -1;
            snprintf(tmpl, sizeof tmpl, "{{ $execution.%s.resume_url }}", g->node_id);
            if (prana_execution_render(x, tmpl, PRANA_NUL_TERMINATED, url, sizeof url, &n, e) !=
                PRANA_STATUS_OK)
                return -1;
            if (!(g->url = xstrndup(url, n))) return -1;
        }
        snprintf(tmpl, sizeof tmpl, "{{ $execution.%s.cancel_url }}", g->node_id);
        if (prana_execution_render(x, tmpl, PRANA_NUL_TERMINATED, url, sizeof url, &n, e) !=
            PRANA_STATUS_OK)
            return -1;
        if (!(g->cancel_url = xstrndup(url, n))) return -1;
        if (!(g->extend_url = engine_action_url(c->a, PRANA_ROUTE_EXTEND, g->resume_id)))
            return -1;
    }
    return 0;
}

/* Every transition of a run result, in order, each a compare-and-set entry
 * with the row the library wrote for it. Nothing is skipped or derived. */
static int collect_transitions(run_ctx *c, const prana_workflow *wf, const prana_execution *x,
                               const prana_run_result *rr, prana_error *e) {
    size_t i;
    for (i = 0; i < rr->transition_count; i++) {
        const prana_transition *t = &rr->transitions[i];
        engine_reg *g = add_reg(c->out);
        if (!g) return -1;
        g->resume_id = xstrndup(t->resume_id, t->resume_id_len);
        g->from = prana_lifecycle_status_name(t->from);
        g->status = prana_lifecycle_status_name(t->to);
        if (!g->resume_id ||
            row_of(wf, x, t->resume_id, t->resume_id_len, &g->json, &g->expires_at, e) != 0)
            return -1;
    }
    return 0;
}

/* Status, current node, state JSON, output and error of `x` into out. */
static int describe(run_ctx *c, const prana_execution *x, const prana_run_result *rr,
                    prana_error *e) {
    engine_result *out = c->out;
    prana_run_status st;
    prana_wait_mode mode;
    char node[PRANA_ID_PART_BUF_SIZE];
    size_t n, cap;
    bool has_at = false;
    uint64_t at = 0;
    if (prana_execution_status(x, &st, e) != PRANA_STATUS_OK ||
        prana_execution_wait_mode(x, &mode, e) != PRANA_STATUS_OK ||
        prana_execution_resume_at(x, &has_at, &at, e) != PRANA_STATUS_OK)
        return -1;
    /* prana_run_status_name does not name the cancelled status yet. */
    out->status = st == PRANA_EXECUTION_CANCELLED ? "cancelled" : prana_run_status_name(st);
    /* Timer waits are the sweeper's too: it resumes them once due. */
    out->timer_at = (st == PRANA_EXECUTION_SUSPENDED && has_at &&
                     (mode == PRANA_WAIT_INTERVAL || mode == PRANA_WAIT_SCHEDULE))
                        ? (int64_t)at
                        : -1;
    if (prana_execution_current_node(x, node, sizeof node, &n, e) != PRANA_STATUS_OK) return -1;
    out->current_node = n ? xstrndup(node, n) : NULL;
    /* Both sized by the execution's payload capacity (the request body
     * limit): the state holds at most that much payload, an output too. */
    cap = c->a->cfg.max_body;
    out->state = malloc(PRANA_EXECUTION_JSON_FIXED_LEN + cap + 1);
    out->output = malloc(cap + 1);
    if (!out->state || !out->output ||
        prana_execution_to_json(x, out->state, PRANA_EXECUTION_JSON_FIXED_LEN + cap + 1, &n, e) !=
            PRANA_STATUS_OK ||
        prana_execution_output(x, out->output, cap + 1, &n, e) != PRANA_STATUS_OK)
        return -1;
    if (rr->outcome == PRANA_OUTCOME_FAILED) {
        sbuf m;
        sb_init(&m);
        sb_printf(&m, "%s: %s", rr->error_code, rr->error_message);
        out->error = m.p;
    }
    return 0;
}

/* The library's verdict on a refused call: a bad payload is the caller's
 * fault (400), everything else ours (500). A payload over the executor's
 * capacity: the message also names the payload's size. */
static int refused(const prana_error *e, const char *payload, int *http_status, char **err,
                   const char *what) {
    prana_status st = e->code;
    int status = (st == PRANA_STATUS_INVALID_JSON || st == PRANA_STATUS_CAPACITY_EXCEEDED ||
                  st == PRANA_STATUS_NOT_AN_OBJECT)
                     ? 400
                     : 500;
    char *msg = lib_error(e, what);
    if (st == PRANA_STATUS_CAPACITY_EXCEEDED && payload && msg) {
        sbuf b;
        sb_init(&b);
        sb_printf(&b, "%s (this payload is %zu bytes)", msg, strlen(payload));
        if (b.p) {
            free(msg);
            msg = b.p;
        }
    }
    return fail(http_status, err, status, msg);
}

/* Parsed workflow definitions, by content: each definition is parsed once
 * and shared (a parsed workflow is immutable and safe on many threads).
 * Keyed by the text itself (its length picks the candidates, a full
 * comparison confirms one: memcmp stops at the first difference, where a
 * digest would read every byte on every request), so an edited file is a
 * new entry. Entries
 * live until exit; past CACHE_MAX distinct definitions, new ones are parsed
 * per call instead. */
#define CACHE_MAX 256

typedef struct {
    size_t len;
    char *text;
    prana_workflow *wf;
    char id[PRANA_ID_PART_BUF_SIZE]; /* the definition's id, "" if unreadable */
} cached_wf;

static cached_wf cache[CACHE_MAX];
static int cache_n;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* The cached entry of `text`, or NULL; with its id copied into `id` when given. */
static prana_workflow *cache_find(const char *text, size_t len, char *id) {
    int i;
    for (i = 0; i < cache_n; i++)
        if (cache[i].len == len &&
            memcmp(cache[i].text, text, len) == 0) {
            if (id) memcpy(id, cache[i].id, sizeof cache[i].id);
            return cache[i].wf;
        }
    return NULL;
}

/* The parsed workflow for `workflow`; *owned says whether the caller frees
 * it. When `id` is given (PRANA_ID_PART_BUF_SIZE bytes) it receives the
 * definition's id, read once per definition ("" when unreadable). */
static prana_workflow *load_workflow(const char *workflow, int *owned, char *id,
                                     int *http_status, char **err) {
    size_t len = strlen(workflow), n;
    prana_workflow *wf = NULL, *found;
    prana_error e;
    char own_id[PRANA_ID_PART_BUF_SIZE];
    char *copy;
    *owned = 0;
    pthread_mutex_lock(&cache_lock);
    found = cache_find(workflow, len, id);
    pthread_mutex_unlock(&cache_lock);
    if (found) return found;
    if (prana_workflow_new(workflow, len, &wf, &e) != PRANA_STATUS_OK) {
        fail(http_status, err, 500, lib_error(&e, "workflow definition"));
        return NULL;
    }
    if (prana_workflow_id(wf, own_id, sizeof own_id, &n, &e) != PRANA_STATUS_OK) own_id[0] = '\0';
    if (id) memcpy(id, own_id, sizeof own_id);
    copy = xstrndup(workflow, len);
    pthread_mutex_lock(&cache_lock);
    /* Another thread may have parsed the same text meanwhile. */
    if ((found = cache_find(workflow, len, NULL)) != NULL) {
        pthread_mutex_unlock(&cache_lock);
        free(copy);
        prana_workflow_free(wf);
        return found;
    }
    if (copy && cache_n < CACHE_MAX) {
        cache[cache_n].len = len;
        cache[cache_n].text = copy;
        cache[cache_n].wf = wf;
        memcpy(cache[cache_n].id, own_id, sizeof own_id);
        cache_n++;
        copy = NULL;
    } else {
        *owned = 1;
    }
    pthread_mutex_unlock(&cache_lock);
    free(copy);
    return wf;
}

static void release_workflow(prana_workflow *wf, int owned) {
    if (owned) prana_workflow_free(wf);
}

void engine_cache_clear(void) {
    int i;
    pthread_mutex_lock(&cache_lock);
    for (i = 0; i < cache_n; i++) {
        prana_workflow_free(cache[i].wf);
        free(cache[i].text);
    }
    cache_n = 0;
    pthread_mutex_unlock(&cache_lock);
}

/* Each thread's resume ID generator, seeded from the OS on the thread's
 * first start (generators are not thread-safe; one per thread needs no
 * lock) and freed when the thread ends. */
static pthread_key_t gen_key;
static pthread_once_t gen_once = PTHREAD_ONCE_INIT;
static int gen_key_ok;

static void gen_free(void *g) { prana_id_generator_free(g); }

static void gen_key_make(void) { gen_key_ok = pthread_key_create(&gen_key, gen_free) == 0; }

static prana_id_generator *thread_generator(prana_error *e) {
    unsigned char seed[PRANA_ID_SEED_LEN];
    prana_id_generator *gen;
    if (pthread_once(&gen_once, gen_key_make) != 0 || !gen_key_ok) return NULL;
    if ((gen = pthread_getspecific(gen_key)) != NULL) return gen;
    if (random_bytes(seed, sizeof seed) != 0 ||
        prana_id_generator_new(seed, sizeof seed, &gen, e) != PRANA_STATUS_OK)
        return NULL;
    if (pthread_setspecific(gen_key, gen) != 0) {
        prana_id_generator_free(gen);
        return NULL;
    }
    return gen;
}

int engine_start(const app *a, const char *workflow_id, const char *workflow,
                 const char *execution_id, const char *payload, uint64_t now,
                 engine_result *out, int *http_status, char **err) {
    run_ctx c;
    prana_workflow *wf;
    prana_id_generator *gen;
    prana_execution *x = NULL;
    prana_run_result rr;
    prana_error e;
    char id[PRANA_ID_PART_BUF_SIZE];
    int rc = -1, owned = 0;

    memset(&e, 0, sizeof e);
    memset(&c, 0, sizeof c);
    c.a = a;
    c.out = out;
    if (!(wf = load_workflow(workflow, &owned, id, http_status, err))) return -1;
    /* The file name is the trigger URL's id; the definition must agree. */
    if (strcmp(id, workflow_id)) {
        sbuf m;
        sb_init(&m);
        sb_printf(&m, "workflow file %s.json declares id '%s'", workflow_id, id);
        fail(http_status, err, 500, m.p);
        goto done;
    }
    if (!(gen = thread_generator(&e))) {
        fail(http_status, err, 500, lib_error(&e, "entropy"));
        goto done;
    }
    /* Signed with the current key when keys are configured (NULL keys:
     * unsigned, only with --allow-unsigned). */
    /* Its payload capacity is the request body limit: whatever a request
     * may bring, the execution can hold. */
    if (prana_execution_start(wf, execution_id, strlen(execution_id), a->base, a->keys, gen, now,
                              a->cfg.max_body, &x, &e) != PRANA_STATUS_OK) {
        fail(http_status, err, 500, lib_error(&e, "start"));
        goto done;
    }
    if (prana_execution_run(wf, x, node_handler, &c, payload, strlen(payload), now, &rr, &e) !=
        PRANA_STATUS_OK) {
        refused(&e, payload, http_status, err, "trigger payload");
        goto done;
    }
    /* The rows are new: each is written once, as the run left it (the
     * run's transitions are already in them). */
    if (collect_new_regs(&c, wf, x, &rr, &e) != 0 || describe(&c, x, &rr, &e) != 0) {
        fail(http_status, err, 500, lib_error(&e, "run result"));
        goto done;
    }
    rc = 0;
done:
    prana_execution_free(x);
    release_workflow(wf, owned);
    return rc;
}

typedef enum { CONT_RESUME, CONT_CANCEL, CONT_EXPIRE, CONT_TIMER } cont_kind;

static const char *const CONT_NAMES[] = {"resume", "cancel", "expire", "timer"};

/* Shared body of resume, cancel, expire and timers. */
static int continue_execution(const app *a, cont_kind kind, const char *workflow,
                              const char *state, const prana_transition *applied,
                              const char *payload, uint64_t now, engine_result *out,
                              int *http_status, char **err) {
    run_ctx c;
    prana_workflow *wf;
    prana_execution *x = NULL;
    prana_run_result rr;
    prana_error e;
    prana_status st;
    int rc = -1, owned = 0;

    memset(&e, 0, sizeof e);
    memset(&c, 0, sizeof c);
    c.a = a;
    c.out = out;
    if (!(wf = load_workflow(workflow, &owned, NULL, http_status, err))) return -1;
    if (prana_execution_from_json(state, strlen(state), a->cfg.max_body, &x, &e) !=
        PRANA_STATUS_OK) {
        fail(http_status, err, 500, lib_error(&e, "stored execution state"));
        goto done;
    }
    if (kind == CONT_RESUME)
        st = prana_execution_resume(wf, x, node_handler, &c, applied, payload, strlen(payload),
                                    now, &rr, &e);
    else if (kind == CONT_CANCEL)
        st = prana_execution_cancel(wf, x, node_handler, &c, applied, now, &rr, &e);
    else if (kind == CONT_EXPIRE)
        st = prana_execution_expire(wf, x, node_handler, &c, applied, now, &rr, &e);
    else
        st = prana_execution_resume_timer(wf, x, node_handler, &c, now, &rr, &e);
    if (st != PRANA_STATUS_OK) {
        refused(&e, payload, http_status, err, CONT_NAMES[kind]);
        goto done;
    }
    /* Every transition the call returned, in order; after a resume, a
     * cancel or an expiry also the row of the registration the caller's
     * compare-and-set moved. */
    if (collect_transitions(&c, wf, x, &rr, &e) != 0 ||
        (applied && row_of(wf, x, applied->resume_id, applied->resume_id_len, &out->applied_json,
                           &out->applied_expires_at, &e) != 0) ||
        describe(&c, x, &rr, &e) != 0) {
        fail(http_status, err, 500, lib_error(&e, "run result"));
        goto done;
    }
    rc = 0;
done:
    prana_execution_free(x);
    release_workflow(wf, owned);
    return rc;
}

int engine_resume(const app *a, const char *workflow, const char *state,
                  const prana_transition *applied, const char *payload, uint64_t now,
                  engine_result *out, int *http_status, char **err) {
    return continue_execution(a, CONT_RESUME, workflow, state, applied, payload, now, out,
                              http_status, err);
}

int engine_cancel(const app *a, const char *workflow, const char *state,
                  const prana_transition *applied, uint64_t now, engine_result *out,
                  int *http_status, char **err) {
    return continue_execution(a, CONT_CANCEL, workflow, state, applied, NULL, now, out,
                              http_status, err);
}

int engine_expire(const app *a, const char *workflow, const char *state,
                  const prana_transition *applied, uint64_t now, engine_result *out,
                  int *http_status, char **err) {
    return continue_execution(a, CONT_EXPIRE, workflow, state, applied, NULL, now, out,
                              http_status, err);
}

int engine_extend(const app *a, const char *workflow, const char *state,
                  const prana_extension *applied, engine_result *out, int *http_status,
                  char **err) {
    prana_workflow *wf;
    prana_execution *x = NULL;
    prana_error e;
    size_t n, cap = a->cfg.max_body;
    int rc = -1, owned = 0;

    memset(&e, 0, sizeof e);
    if (!(wf = load_workflow(workflow, &owned, NULL, http_status, err))) return -1;
    if (prana_execution_from_json(state, strlen(state), cap, &x, &e) != PRANA_STATUS_OK) {
        fail(http_status, err, 500, lib_error(&e, "stored execution state"));
        goto done;
    }
    if (prana_execution_extend(x, applied, &e) != PRANA_STATUS_OK) {
        fail(http_status, err, e.code == PRANA_STATUS_EXECUTION_NOT_APPLIED ? 409 : 500,
             lib_error(&e, "extend"));
        goto done;
    }
    out->state = malloc(PRANA_EXECUTION_JSON_FIXED_LEN + cap + 1);
    if (!out->state ||
        prana_execution_to_json(x, out->state, PRANA_EXECUTION_JSON_FIXED_LEN + cap + 1, &n, &e) !=
            PRANA_STATUS_OK ||
        row_of(wf, x, applied->resume_id, applied->resume_id_len, &out->applied_json,
               &out->applied_expires_at, &e) != 0) {
        fail(http_status, err, 500, lib_error(&e, "extended execution"));
        goto done;
    }
    rc = 0;
done:
    prana_execution_free(x);
    release_workflow(wf, owned);
    return rc;
}

int engine_resume_timer(const app *a, const char *workflow, const char *state, uint64_t now,
                        engine_result *out, int *http_status, char **err) {
    return continue_execution(a, CONT_TIMER, workflow, state, NULL, NULL, now, out,
                              http_status, err);
}
