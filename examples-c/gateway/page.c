#define _POSIX_C_SOURCE 200809L
#include "page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Renders a library page or JSON text into an sbuf, growing it to the size
 * the library reports. */
typedef prana_status (*render_fn)(const void *ctx, char *buf, size_t len, size_t *out_len,
                                  prana_error *e);

static prana_status render(sbuf *out, render_fn fn, const void *ctx, prana_error *e) {
    size_t need = 16 * 1024, n = 0;
    prana_status st;
    for (;;) {
        if (sb_reserve(out, need) != 0) return PRANA_STATUS_CAPACITY_EXCEEDED;
        st = fn(ctx, out->p + out->len, need, &n, e);
        if (st != PRANA_STATUS_BUFFER_TOO_SMALL || n <= need) break;
        need = n;
    }
    if (st == PRANA_STATUS_OK) out->len += n;
    return st;
}

typedef struct {
    const char *config, *resume_url, *cancel_url, *submitted;
} wait_page;

static prana_status render_wait_fn(const void *ctx, char *buf, size_t len, size_t *n,
                                   prana_error *e) {
    const wait_page *p = ctx;
    return prana_page_render_wait(p->config, strlen(p->config), p->resume_url,
                                  strlen(p->resume_url), p->cancel_url,
                                  p->cancel_url ? strlen(p->cancel_url) : 0, p->submitted,
                                  p->submitted ? strlen(p->submitted) : 0, buf, len, n, e);
}

typedef struct {
    const prana_registration *r;
    uint64_t now;
} describe_ctx;

static prana_status describe_fn(const void *ctx, char *buf, size_t len, size_t *n,
                                prana_error *e) {
    const describe_ctx *d = ctx;
    return prana_registration_describe(d->r, d->now, buf, len, n, e);
}

/* Every page goes out with the library's security headers. */
static void page_headers(http_response *resp) {
    size_t count = 0, i;
    const prana_header_pair *h = prana_page_security_headers(&count);
    resp->content_type = "text/html; charset=utf-8";
    for (i = 0; i < count; i++) sb_printf(&resp->extra_headers, "%s: %s\r\n", h[i].name, h[i].value);
}

void page_result(http_response *resp, prana_result_page page) {
    char buf[8192];
    size_t n = 0;
    uint16_t status = 500;
    prana_error e;
    if (prana_page_render_result((uint32_t)page, buf, sizeof buf, &n, &status, &e) !=
        PRANA_STATUS_OK) {
        http_error(resp, 500, "internal_error", e.message);
        return;
    }
    resp->status = status;
    page_headers(resp);
    sb_append(&resp->body, buf, n);
}

/* The result page for a refusal's HTTP status. */
prana_result_page page_for_status(int status) {
    switch (status) {
    case 409: return PRANA_PAGE_ALREADY_USED;
    case 410: return PRANA_PAGE_EXPIRED;
    case 400: return PRANA_PAGE_NOT_YET_ACTIVE;
    case 401: return PRANA_PAGE_BAD_SIGNATURE;
    case 404: return PRANA_PAGE_NOT_FOUND;
    default: return PRANA_PAGE_NOT_FOUND;
    }
}

int page_wants_html(const http_request *req) {
    size_t n = 0;
    const char *v = http_header_get(req, "Accept", &n);
    return v && prana_page_accepts_html(v, n);
}

int page_is_form(const http_request *req) {
    static const char FORM[] = "application/x-www-form-urlencoded";
    size_t n = 0, k = sizeof FORM - 1, i;
    const char *v = http_header_get(req, "Content-Type", &n);
    if (!v || n < k) return 0;
    for (i = 0; i < k; i++)
        if ((v[i] | 0x20) != FORM[i] && v[i] != FORM[i]) return 0;
    return n == k || v[k] == ';' || v[k] == ' ';
}

/* The stored row of `id`, parsed: 1 found, 0 not, -1 store error. */
static int load_row(worker *w, const char *id, store_registration *row, prana_registration **r) {
    int found = store_get_registration(w->db, id, row);
    *r = NULL;
    if (found == 1 && prana_registration_from_json(row->json, strlen(row->json), r, NULL) !=
                          PRANA_STATUS_OK) {
        store_registration_free(row);
        return -1;
    }
    return found;
}

/* The wait page of `r` (resume and cancel URLs signed for `id`); `submitted`
 * a refused form body, else NULL. */
static void wait_page_answer(worker *w, const char *id, const prana_registration *r,
                             const char *submitted, http_response *resp) {
    char config[PRANA_MAX_CONFIG_LEN + 1];
    size_t n = 0;
    wait_page p;
    prana_error e;
    char *resume_url = engine_action_url(w->app, PRANA_ROUTE_RESUME, id);
    char *cancel_url = engine_action_url(w->app, PRANA_ROUTE_CANCEL, id);
    memset(&p, 0, sizeof p);
    if (!resume_url || !cancel_url ||
        prana_registration_webhook_config(r, config, sizeof config, &n, &e) != PRANA_STATUS_OK) {
        http_error(resp, 500, "internal_error", "the wait page could not be prepared");
    } else {
        p.config = config;
        p.resume_url = resume_url;
        p.cancel_url = cancel_url;
        p.submitted = submitted;
        sb_reset(&resp->body);
        if (render(&resp->body, render_wait_fn, &p, &e) != PRANA_STATUS_OK) {
            http_error(resp, 500, "page_error", e.message);
        } else {
            resp->status = submitted ? 422 : 200;
            page_headers(resp);
        }
    }
    free(resume_url);
    free(cancel_url);
}

/* GET on a resume or cancel URL: describes the wait, changes nothing. A
 * browser gets the page (or the result page of a wait no longer open),
 * anything else the JSON description. */
void page_read_wait(worker *w, const http_request *req, const char *id, http_response *resp) {
    store_registration row;
    prana_registration *r = NULL;
    prana_resume_decision d;
    int html = page_wants_html(req), found = load_row(w, id, &row, &r);
    if (found < 0) {
        http_error(resp, 503, "store_unavailable", "the database is unavailable or busy; retry");
        return;
    }
    if (prana_resume_decide(id, strlen(id), r, now_ms(), &d, NULL) != PRANA_STATUS_OK) {
        http_error(resp, 500, "internal_error", "the wait could not be read");
    } else if (html) {
        if (d.resume)
            wait_page_answer(w, id, r, NULL, resp);
        else
            page_result(resp, page_for_status(d.answer.http_status));
    } else if (!found) {
        http_error(resp, d.answer.http_status, d.answer.code, d.answer.message);
    } else {
        describe_ctx dc;
        prana_error e;
        dc.r = r;
        dc.now = now_ms();
        if (render(&resp->body, describe_fn, &dc, &e) != PRANA_STATUS_OK) {
            http_error(resp, 500, "internal_error", e.message);
        } else {
            resp->status = 200;
            sb_puts(&resp->body, "\n");
        }
    }
    prana_registration_free(r);
    if (found == 1) store_registration_free(&row);
}

/* A browser's form submission: decoded by the library against the wait's
 * form into the typed resume payload. 0 with it in *payload; -1 with the
 * answer written (the page again with what is wrong: 422, wait unchanged). */
int page_decode_form(worker *w, const http_request *req, const char *id, sbuf *payload,
                       http_response *resp) {
    store_registration row;
    prana_registration *r = NULL;
    char config[PRANA_MAX_CONFIG_LEN + 1];
    size_t n = 0, need;
    prana_error e;
    prana_status st;
    int found = load_row(w, id, &row, &r), rc = -1;
    const char *body = req->body ? req->body : "";
    if (found <= 0) {
        /* Nothing to decode against: the action itself says why (404, 503). */
        if (found < 0) {
            http_error(resp, 503, "store_unavailable", "the database is unavailable or busy; retry");
            return -1;
        }
        sb_puts(payload, "{}");
        return 0;
    }
    if (prana_registration_webhook_config(r, config, sizeof config, &n, &e) != PRANA_STATUS_OK) {
        http_error(resp, 500, "internal_error", e.message);
        goto out;
    }
    need = req->body_len * 2 + 64;
    for (;;) {
        if (sb_reserve(payload, need) != 0) {
            http_error(resp, 500, "internal_error", "out of memory");
            goto out;
        }
        st = prana_form_decode(config, n, body, req->body_len, payload->p, need, &n, &e);
        if (st != PRANA_STATUS_BUFFER_TOO_SMALL || n <= need) break;
        need = n;
        n = strlen(config);
    }
    if (st == PRANA_STATUS_OK) {
        payload->len = n;
        rc = 0;
    } else {
        /* Only an open wait is shown again; otherwise the action answers. */
        prana_resume_decision d;
        if (prana_resume_decide(id, strlen(id), r, now_ms(), &d, NULL) == PRANA_STATUS_OK &&
            d.resume) {
            LOG_DEBUG("form for %s refused: %s", id, e.message);
            wait_page_answer(w, id, r, body, resp);
        } else {
            page_result(resp, page_for_status(d.answer.http_status));
        }
    }
out:
    prana_registration_free(r);
    store_registration_free(&row);
    return rc;
}
