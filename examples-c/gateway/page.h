/* The human side of a wait, all rendered and decoded by the library: the
 * wait page and the result pages (with the library's security headers),
 * the JSON description a non-browser GET gets, and the decoding of a
 * submitted form into the typed resume payload. Nothing here escapes HTML
 * or parses a form itself. */
#ifndef GW_PAGE_H
#define GW_PAGE_H

#include "app.h"
#include "http.h"

/* The request's Accept header asks for HTML (prana_page_accepts_html). */
int page_wants_html(const http_request *req);
/* Content-Type: application/x-www-form-urlencoded. */
int page_is_form(const http_request *req);
/* A result page (prana_page_render_result) with its status and headers. */
void page_result(http_response *resp, prana_result_page page);
/* The result page for a refusal's HTTP status (409, 410, 400, 401, 404). */
prana_result_page page_for_status(int status);
/* A GET of a resume or cancel URL: the wait page (or the result page of a
 * wait no longer open) for a browser, else the JSON description. Changes
 * nothing. */
void page_read_wait(worker *w, const http_request *req, const char *id, http_response *resp);
/* Decodes a submitted form against the wait's webhook_config into
 * *payload: 0; or -1 with the answer written (the page again with what is
 * wrong, 422, the wait unchanged; or the result page of a closed wait). */
int page_decode_form(worker *w, const http_request *req, const char *id, sbuf *payload,
                     http_response *resp);

#endif
