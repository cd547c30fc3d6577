#define _POSIX_C_SOURCE 200809L
#include "handlers.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "flow.h"
#include "keys.h"
#include "metrics.h"
#include "page.h"
#include "wffile.h"

/* Workflow definitions are small; a cap keeps a stray file from being read whole. */
#define MAX_WORKFLOW_FILE (256 * 1024)

/* The path of a target without the query, and without the base URL's
 * prefix when it carries it (a proxy may forward /hooks/healthz as is). */
static void own_path(const app *a, const http_request *req, const char **path, size_t *len) {
    const char *t = req->target_z;
    size_t n = strcspn(t, "?");
    size_t pl = strlen(a->prefix);
    if (pl > 0 && n > pl && strncmp(t, a->prefix, pl) == 0 && t[pl] == '/') {
        t += pl;
        n -= pl;
    }
    *path = t;
    *len = n;
}

static int path_is(const char *p, size_t n, const char *want) {
    return n == strlen(want) && memcmp(p, want, n) == 0;
}

static metric_route classify(const app *a, const http_request *req) {
    const char *p;
    size_t n;
    own_path(a, req, &p, &n);
    if (path_is(p, n, "/healthz")) return ROUTE_HEALTHZ;
    if (path_is(p, n, "/metrics")) return ROUTE_METRICS;
    if (n > 12 && memcmp(p, "/executions/", 12) == 0) return ROUTE_EXECUTION;
    if (strstr(req->target_z, "/webhook/workflow/trigger/")) return ROUTE_TRIGGER;
    /* Cancel and extend act on a wait like a resume: counted with it. */
    if (strstr(req->target_z, "/webhook/workflow/resume/") ||
        strstr(req->target_z, "/webhook/workflow/cancel/") ||
        strstr(req->target_z, "/webhook/workflow/extend/"))
        return ROUTE_RESUME;
    return ROUTE_OTHER;
}

static void answer_library(http_response *resp, const prana_http_answer *x,
                           metric_route kind) {
    http_error(resp, x->http_status, x->code, x->message);
    /* RFC 9110: a 405 lists what is allowed (resume: GET, POST; trigger: POST). */
    if (x->http_status == 405)
        sb_puts(&resp->extra_headers, kind == ROUTE_TRIGGER ? "Allow: POST\r\n"
                                                            : "Allow: GET, POST\r\n");
}

int handlers_precheck(void *ap, const http_request *req, http_response *resp) {
    const app *a = ap;
    prana_precheck pc;
    metric_route route;
    if (!req->has_body_length || req->content_length <= a->cfg.max_body) return 0;
    /* Too large to read. For webhook routes the library orders the checks
     * (404/400 path, 405 method, then 413); elsewhere it is 413 outright. */
    route = classify(a, req);
    if ((route == ROUTE_TRIGGER || route == ROUTE_RESUME) &&
        prana_request_check(a->base, req->method, strlen(req->method), req->target_z,
                            req->target_len, (size_t)req->content_length, a->cfg.max_body, &pc,
                            NULL) == PRANA_STATUS_OK &&
        !pc.accepted) {
        answer_library(resp, &pc.answer, route);
    } else {
        http_error(resp, 413, "payload_too_large",
                   "the request body is larger than the configured limit");
    }
    return 1;
}

static void handle_healthz(worker *w, http_response *resp) {
    if (store_ping(w->db) != 0) {
        http_error(resp, 503, "store_unavailable", store_errmsg(w->db));
        return;
    }
    resp->status = 200;
    sb_printf(&resp->body, "{\"status\":\"ok\",\"version\":\"%s\"}\n", prana_version());
}

static void handle_metrics(worker *w, http_response *resp) {
    resp->status = 200;
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics_render(&resp->body);
    if (store_render_execution_counts(w->db, &resp->body) != 0)
        http_error(resp, 503, "store_unavailable", store_errmsg(w->db));
}

static void write_registration(sbuf *b, const store_registration *r) {
    sb_puts(b, "{\"resume_id\":");
    sb_json_cstr(b, r->resume_id);
    sb_puts(b, ",\"node_id\":");
    sb_json_cstr(b, r->node_id);
    sb_puts(b, ",\"status\":");
    sb_json_cstr(b, r->status);
    if (r->expires_at >= 0)
        sb_printf(b, ",\"expires_at\":%lld", (long long)r->expires_at);
    else
        sb_puts(b, ",\"expires_at\":null");
    sb_puts(b, "}");
}

static void handle_execution(worker *w, const char *id, size_t id_len, http_response *resp) {
    store_execution e;
    store_registration *regs = NULL;
    char *key;
    int found, n = 0, i;
    if (prana_id_part_validate(id, id_len, NULL) != PRANA_STATUS_OK) {
        http_error(resp, 400, "invalid_execution_id",
                   "an execution id is 1-64 bytes of [A-Za-z0-9_-]");
        return;
    }
    key = xstrndup(id, id_len);
    if (!key) {
        http_error(resp, 500, "internal_error", "out of memory");
        return;
    }
    found = store_get_execution(w->db, key, &e);
    if (found == 1) n = store_list_registrations(w->db, key, &regs);
    free(key);
    if (found < 0 || n < 0) {
        if (found == 1) store_execution_free(&e);
        http_error(resp, 503, "store_unavailable", store_errmsg(w->db));
        return;
    }
    if (found == 0) {
        http_error(resp, 404, "execution_not_found", "no execution has this id");
        return;
    }
    resp->status = 200;
    sb_puts(&resp->body, "{\"id\":");
    sb_json_cstr(&resp->body, e.id);
    sb_puts(&resp->body, ",\"workflow_id\":");
    sb_json_cstr(&resp->body, e.workflow_id);
    sb_puts(&resp->body, ",\"status\":");
    sb_json_cstr(&resp->body, e.status);
    sb_puts(&resp->body, ",\"current_node\":");
    sb_json_cstr(&resp->body, e.current_node);
    sb_printf(&resp->body, ",\"created_at\":%lld,\"updated_at\":%lld",
              (long long)e.created_at, (long long)e.updated_at);
    sb_puts(&resp->body, ",\"registrations\":[");
    for (i = 0; i < n; i++) {
        if (i) sb_puts(&resp->body, ",");
        write_registration(&resp->body, &regs[i]);
    }
    /* The executor's state as stored: node outputs so far, the context. */
    sb_puts(&resp->body, "],\"state\":");
    sb_puts(&resp->body, e.state);
    sb_puts(&resp->body, "}\n");
    store_registrations_free(regs, n);
    store_execution_free(&e);
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes one query component (with '+' as space) and appends it
 * as a JSON string. -1 on a bad escape. */
static int json_query_part(sbuf *b, const char *s, size_t n) {
    sbuf tmp;
    size_t i;
    int rc = 0;
    sb_init(&tmp);
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                rc = -1;
                break;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        sb_append(&tmp, &c, 1);
    }
    /* Decoded bytes become a JSON string: they must be UTF-8 text. */
    if (rc == 0 && http_text_check(sb_cstr(&tmp), tmp.len) != 0) rc = -1;
    if (rc == 0) sb_json_str(b, sb_cstr(&tmp), tmp.len);
    sb_free(&tmp);
    return rc;
}

/* A GET's payload: the query as a JSON object of strings, without `sig`
 * (it authenticates the URL, it is not data). */
static int query_to_json(const char *q, size_t n, sbuf *out) {
    size_t i = 0;
    int first = 1;
    sb_puts(out, "{");
    while (i < n) {
        size_t start = i, eq, end;
        while (i < n && q[i] != '&') i++;
        end = i++;
        if (end == start) continue;
        for (eq = start; eq < end && q[eq] != '='; eq++) {
        }
        if (eq - start == 3 && memcmp(q + start, "sig", 3) == 0) continue;
        if (!first) sb_puts(out, ",");
        first = 0;
        if (json_query_part(out, q + start, eq - start) != 0) return -1;
        sb_puts(out, ":");
        if (json_query_part(out, eq < end ? q + eq + 1 : q + end, eq < end ? end - eq - 1 : 0))
            return -1;
    }
    sb_puts(out, "}");
    return 0;
}

/* ,"name":{"node":"url",...} from the engine_reg member at `member`. */
static void write_urls(sbuf *b, const flow_out *o, const char *name, size_t member) {
    int i, first = 1;
    for (i = 0; i < o->res.nregs; i++) {
        const char *url = *(char *const *)((const char *)&o->res.regs[i] + member);
        if (!url) continue;
        sb_printf(b, first ? ",\"%s\":{" : ",", name);
        first = 0;
        sb_json_cstr(b, o->res.regs[i].node_id);
        sb_puts(b, ":");
        sb_json_cstr(b, url);
    }
    if (!first) sb_puts(b, "}");
}

static void write_result(sbuf *b, const flow_out *o) {
    int i, first = 1;
    sb_puts(b, "\"execution_id\":");
    sb_json_cstr(b, o->execution_id);
    sb_puts(b, ",\"status\":");
    sb_json_cstr(b, o->res.status);
    sb_puts(b, ",\"current_node\":");
    sb_json_cstr(b, o->res.current_node);
    /* Only a trigger hands out URLs: one per webhook wait node. */
    for (i = 0; i < o->res.nregs; i++) {
        if (!o->res.regs[i].url) continue;
        sb_puts(b, first ? ",\"resume_urls\":{" : ",");
        first = 0;
        sb_json_cstr(b, o->res.regs[i].node_id);
        sb_puts(b, ":");
        sb_json_cstr(b, o->res.regs[i].url);
    }
    if (!first) sb_puts(b, "}");
    write_urls(b, o, "cancel_urls", offsetof(engine_reg, cancel_url));
    write_urls(b, o, "extend_urls", offsetof(engine_reg, extend_url));
    if (o->res.error) {
        sb_puts(b, ",\"error\":");
        sb_json_cstr(b, o->res.error);
    }
    sb_puts(b, ",\"output\":");
    sb_puts(b, o->res.output ? o->res.output : "null");
}

/* Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature over
 * the raw body), when a trigger secret is configured. 0 when accepted. */
static int verify_trigger(const app *a, const http_request *req, char *msg, size_t msglen) {
    size_t il = 0, tl = 0, sl = 0;
    const char *id = http_header_get(req, "webhook-id", &il);
    const char *ts = http_header_get(req, "webhook-timestamp", &tl);
    const char *sig = http_header_get(req, "webhook-signature", &sl);
    int64_t at;
    prana_error pe;
    if (!a->trigger_secret) return 0;
    if (!id || !ts || !sig) {
        snprintf(msg, msglen, "webhook-id, webhook-timestamp and webhook-signature are required");
        return -1;
    }
    if (prana_webhook_secret_verify(a->trigger_secret, id, il, ts, tl, (const uint8_t *)req->body,
                                    req->body_len, sig, sl, now_ms(),
                                    PRANA_STANDARD_WEBHOOKS_TOLERANCE_SECS, &at,
                                    &pe) != PRANA_STATUS_OK) {
        snprintf(msg, msglen, "%s", pe.message);
        return -1;
    }
    return 0;
}

/* The 201 body of a started execution. */
static void render_trigger(sbuf *b, const char *workflow_id, const flow_out *out) {
    sb_puts(b, "{\"workflow_id\":");
    sb_json_cstr(b, workflow_id);
    sb_puts(b, ",");
    write_result(b, out);
    sb_puts(b, "}\n");
}

/* The trigger's idempotency key, malloc'd: Idempotency-Key, else the
 * Standard Webhooks message id when those signatures are verified (a
 * sender's retry repeats it). NULL when there is none; *bad when the
 * header is there but unusable. */
static char *idempotency_key(const app *a, const http_request *req, int *bad) {
    size_t n = 0, i;
    const char *v = http_header_get(req, "Idempotency-Key", &n);
    if (!v && a->trigger_secret) v = http_header_get(req, "webhook-id", &n);
    if (!v) return NULL;
    if (n == 0 || n > 255) {
        *bad = 1;
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (v[i] < 0x21 || v[i] > 0x7e) {
            *bad = 1;
            return NULL;
        }
    }
    return xstrndup(v, n);
}

/* A body is handed on as a C string: it must be UTF-8 text without NUL
 * (a NUL would cut it short silently). 0 when it is. */
static int check_body(const http_request *req, http_response *resp) {
    size_t bad = http_text_check(req->body ? req->body : "", req->body_len);
    char msg[160];
    if (bad == 0) return 0;
    snprintf(msg, sizeof msg,
             "the body is not UTF-8 JSON text: byte %zu is %s", bad - 1,
             req->body[bad - 1] == '\0' ? "a NUL" : "not valid UTF-8");
    http_error(resp, 400, "invalid_payload", msg);
    return -1;
}

static void handle_trigger(worker *w, const http_request *req, const char *wf_id,
                           size_t wf_len, const char *query, size_t query_len,
                           http_response *resp) {
    const app *a = w->app;
    char path[4096], id[PRANA_MAX_ID_PART_LEN + 1], msg[256];
    char *workflow;
    sbuf payload;
    flow_out out;
    flow_answer ans;
    flow_idem idem;
    int idem_bad = 0;

    if (verify_trigger(a, req, msg, sizeof msg) != 0) {
        http_error(resp, 401, "invalid_signature", msg);
        return;
    }
    if (check_body(req, resp) != 0) return;
    memcpy(id, wf_id, wf_len);
    id[wf_len] = '\0';
    snprintf(path, sizeof path, "%s/%s.json", a->cfg.workflows_dir, id);
    /* The id passed the library's [A-Za-z0-9_-] check: no path tricks. */
    workflow = wffile_read(path, MAX_WORKFLOW_FILE);
    if (!workflow) {
        http_error(resp, 404, "workflow_not_found", "no workflow definition has this id");
        return;
    }
    sb_init(&payload);
    if (req->body_len > 0)
        sb_append(&payload, req->body, req->body_len);
    else if (query && query_to_json(query, query_len, &payload) != 0) {
        http_error(resp, 400, "invalid_query", "the query is not percent-encoded UTF-8 text without NUL");
        goto done_payload;
    } else if (!query)
        sb_puts(&payload, "{}");

    flow_out_init(&out);
    idem.key = idempotency_key(a, req, &idem_bad);
    if (idem_bad) {
        http_error(resp, 400, "invalid_idempotency_key",
                   "an idempotency key is 1-255 printable ASCII characters");
    } else if (idem.key) {
        idem.request = req->body ? req->body : "";
        idem.render = render_trigger;
        sb_init(&idem.body);
        idem.replayed = 0;
        if (flow_trigger(w, id, workflow, sb_cstr(&payload), &idem, &out, &ans) != 0) {
            http_error(resp, ans.http_status, ans.code, ans.message);
        } else {
            if (!idem.replayed) {
                flow_print_logs(&out);
                LOG_INFO("started %s of %s: %s", out.execution_id, id, out.res.status);
            } else {
                sb_puts(&resp->extra_headers, "Idempotent-Replayed: true\r\n");
            }
            resp->status = ans.http_status;
            sb_append(&resp->body, idem.body.p ? idem.body.p : "", idem.body.len);
        }
        sb_free(&idem.body);
        free(idem.key);
    } else if (flow_trigger(w, id, workflow, sb_cstr(&payload), NULL, &out, &ans) != 0) {
        http_error(resp, ans.http_status, ans.code, ans.message);
    } else {
        flow_print_logs(&out);
        LOG_INFO("started %s of %s: %s", out.execution_id, id, out.res.status);
        resp->status = 201;
        render_trigger(&resp->body, id, &out);
    }
    flow_out_free(&out);
done_payload:
    sb_free(&payload);
    free(workflow);
}

/* ---- resume, cancel, extend ---------------------------------------------- */

static void handle_extend(worker *w, const http_request *req, const char *id,
                          http_response *resp) {
    flow_answer ans;
    int64_t at = -1;
    if (check_body(req, resp) != 0) return;
    if (flow_extend(w, id, req->body_len ? req->body : NULL, &at, &ans) != 0) {
        http_error(resp, ans.http_status, ans.code, ans.message);
        return;
    }
    LOG_INFO("extended %s to %lld", id, (long long)at);
    resp->status = 200;
    sb_puts(&resp->body, "{\"extended\":true,\"resume_id\":");
    sb_json_cstr(&resp->body, id);
    sb_printf(&resp->body, ",\"expires_at\":%lld}\n", (long long)at);
}

static void handle_action(worker *w, const http_request *req, uint32_t kind, const char *rid,
                          size_t rid_len, const char *query, size_t query_len,
                          http_response *resp) {
    char id[PRANA_RESUME_ID_BUF_SIZE], msg[256];
    sbuf payload;
    flow_out out;
    flow_answer ans;
    int html = page_wants_html(req);
    int reads = strcmp(req->method, "POST") != 0;

    memcpy(id, rid, rid_len);
    id[rid_len] = '\0';
    /* The signature first, in the action's own domain: a forged or guessed
     * URL costs no database read. */
    if (keys_verify(w->app, kind, id, query, query_len, msg, sizeof msg) != 0) {
        if (html)
            page_result(resp, PRANA_PAGE_BAD_SIGNATURE);
        else
            http_error(resp, 401, "invalid_signature", msg);
        return;
    }
    if (kind == PRANA_ROUTE_EXTEND) {
        handle_extend(w, req, id, resp);
        return;
    }
    /* GET reads, POST acts (unless --get-resumes for a resume). */
    if (reads && !(kind == PRANA_ROUTE_RESUME && w->app->cfg.get_resumes)) {
        page_read_wait(w, req, id, resp);
        return;
    }
    if (check_body(req, resp) != 0) return;
    sb_init(&payload);
    if (kind == PRANA_ROUTE_CANCEL) {
        sb_puts(&payload, "{}"); /* a cancel carries no payload */
    } else if (!reads && page_is_form(req) && !(req->body_len > 0 && req->body[0] == '{')) {
        /* A form's field names never start with '{': such a body is JSON
         * that an API client sent with curl -d's default content type. */
        if (page_decode_form(w, req, id, &payload, resp) != 0) {
            sb_free(&payload);
            return;
        }
    } else if (req->body_len > 0) {
        sb_append(&payload, req->body, req->body_len);
    } else if (query_to_json(query ? query : "", query ? query_len : 0, &payload) != 0) {
        http_error(resp, 400, "invalid_query", "the query is not percent-encoded UTF-8 text without NUL");
        sb_free(&payload);
        return;
    }
    flow_out_init(&out);
    if (flow_act(w, kind == PRANA_ROUTE_CANCEL ? FLOW_CANCEL : FLOW_RESUME, id, sb_cstr(&payload),
                 &out, &ans) != 0) {
        /* A browser gets the result page for the wait's own refusals (the
         * library's decision, or a lost race); any other failure as JSON. */
        if (html && (!strcmp(ans.code, "webhook_not_found") ||
                     !strcmp(ans.code, "wait_node_not_active") ||
                     !strcmp(ans.code, "webhook_already_used") ||
                     !strcmp(ans.code, "webhook_expired")))
            page_result(resp, page_for_status(ans.http_status));
        else
            http_error(resp, ans.http_status, ans.code, ans.message);
    } else {
        flow_print_logs(&out);
        LOG_INFO("%s %s at %s: %s", kind == PRANA_ROUTE_CANCEL ? "cancelled" : "resumed",
                 out.execution_id, out.node_id, out.res.status);
        if (html) {
            page_result(resp, kind == PRANA_ROUTE_CANCEL ? PRANA_PAGE_REJECTED : PRANA_PAGE_DONE);
        } else {
            resp->status = 200;
            sb_puts(&resp->body, kind == PRANA_ROUTE_CANCEL ? "{\"cancelled\":true,\"cancelled_node\":"
                                                            : "{\"resumed\":true,\"resumed_node\":");
            sb_json_cstr(&resp->body, out.node_id);
            sb_puts(&resp->body, ",");
            write_result(&resp->body, &out);
            sb_puts(&resp->body, "}\n");
        }
    }
    flow_out_free(&out);
    sb_free(&payload);
}

/* One handler per route; a route's handler gets the path without the base
 * URL's prefix. Reads are GET (and HEAD: the HTTP library drops the body). */
typedef void (*route_fn)(worker *w, const http_request *req, const char *path, size_t n,
                         http_response *resp);

static void route_healthz(worker *w, const http_request *req, const char *p, size_t n,
                          http_response *resp) {
    (void)req, (void)p, (void)n;
    handle_healthz(w, resp);
}

static void route_metrics(worker *w, const http_request *req, const char *p, size_t n,
                          http_response *resp) {
    (void)req, (void)p, (void)n;
    handle_metrics(w, resp);
}

static void route_execution(worker *w, const http_request *req, const char *p, size_t n,
                            http_response *resp) {
    (void)req;
    handle_execution(w, p + 12, n - 12, resp);
}

/* Webhook routes: the library parses the target under the base URL's
 * prefix and checks method and size (404/400/405/413). */
static void route_webhook(worker *w, const http_request *req, const char *p, size_t n,
                          http_response *resp) {
    const app *a = w->app;
    prana_precheck pc;
    prana_route rt;
    (void)p, (void)n;
    if (prana_request_check(a->base, req->method, strlen(req->method), req->target_z,
                            req->target_len, req->body_len, a->cfg.max_body, &pc,
                            NULL) != PRANA_STATUS_OK) {
        http_error(resp, 400, "bad_request", "the request target is not valid UTF-8 text");
        return;
    }
    /* The library takes only POST on a cancel URL (and GET or POST on a
     * resume URL); here a GET or HEAD of either reads the wait. */
    if (!pc.accepted && pc.answer.http_status == 405 &&
        (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")) &&
        prana_route_parse(a->base, req->target_z, req->target_len, &rt, NULL) ==
            PRANA_STATUS_OK &&
        (rt.kind == PRANA_ROUTE_CANCEL || rt.kind == PRANA_ROUTE_RESUME)) {
        pc.accepted = true;
        pc.route = rt;
    }
    if (!pc.accepted) {
        answer_library(resp, &pc.answer,
                       pc.route.kind == PRANA_ROUTE_TRIGGER ? ROUTE_TRIGGER : ROUTE_RESUME);
        return;
    }
    {
        const char *id = req->target_z + pc.route.id.offset;
        const char *q = pc.route.has_query ? req->target_z + pc.route.query.offset : NULL;
        size_t qlen = pc.route.has_query ? pc.route.query.len : 0;
        if (pc.route.kind == PRANA_ROUTE_TRIGGER)
            handle_trigger(w, req, id, pc.route.id.len, q, qlen, resp);
        else
            handle_action(w, req, (uint32_t)pc.route.kind, id, pc.route.id.len, q, qlen, resp);
    }
}

static const struct {
    metric_route route;
    int read_only; /* GET/HEAD only */
    route_fn fn;
} ROUTES[] = {
    {ROUTE_HEALTHZ, 1, route_healthz},     {ROUTE_METRICS, 1, route_metrics},
    {ROUTE_EXECUTION, 1, route_execution}, {ROUTE_TRIGGER, 0, route_webhook},
    {ROUTE_RESUME, 0, route_webhook},      {ROUTE_OTHER, 0, route_webhook},
};

void handlers_handle(void *wp, const http_request *req, http_response *resp) {
    worker *w = wp;
    metric_route route = classify(w->app, req);
    const char *p;
    size_t n, i;
    own_path(w->app, req, &p, &n);
    for (i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
        if (ROUTES[i].route != route) continue;
        if (ROUTES[i].read_only && strcmp(req->method, "GET") != 0 &&
            strcmp(req->method, "HEAD") != 0) {
            http_error(resp, 405, "method_not_allowed", "this endpoint takes GET or HEAD");
            sb_puts(&resp->extra_headers, "Allow: GET, HEAD\r\n");
            return;
        }
        ROUTES[i].fn(w, req, p, n, resp);
        return;
    }
}

void handlers_observe(void *ap, const char *target, int status, double seconds) {
    metric_route route = ROUTE_OTHER;
    if (target) {
        http_request req;
        memset(&req, 0, sizeof req);
        req.target_z = target;
        req.target_len = strlen(target);
        route = classify(ap, &req);
    }
    metrics_request(route, status, seconds);
}
