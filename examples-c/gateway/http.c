#define _POSIX_C_SOURCE 200809L
#include "http.h"

#include <microhttpd.h>
#include <string.h>

void http_response_init(http_response *r) {
    r->status = 500;
    r->content_type = "application/json";
    sb_init(&r->body);
    sb_init(&r->extra_headers);
}

void http_response_free(http_response *r) {
    sb_free(&r->body);
    sb_free(&r->extra_headers);
}

void http_error(http_response *resp, int status, const char *code, const char *message) {
    resp->status = status;
    resp->content_type = "application/json";
    sb_reset(&resp->body);
    sb_puts(&resp->body, "{\"error\":");
    sb_json_cstr(&resp->body, code);
    sb_puts(&resp->body, ",\"message\":");
    sb_json_cstr(&resp->body, message);
    sb_puts(&resp->body, "}\n");
    if (status == 503) sb_puts(&resp->extra_headers, "Retry-After: 1\r\n");
}

const char *http_header_get(const http_request *r, const char *name, size_t *len) {
    const char *v = NULL;
    size_t n = 0;
    if (!r->conn) return NULL;
    if (MHD_lookup_connection_value_n(r->conn, MHD_HEADER_KIND, name, strlen(name), &v, &n) !=
        MHD_YES)
        return NULL;
    if (len) *len = n;
    return v;
}

size_t http_text_check(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t need, k;
        unsigned cp;
        if (c == 0) return i + 1;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return i + 1;
        }
        for (k = 1; k <= need; k++) {
            if (i + k >= n || (p[i + k] & 0xc0) != 0x80) return i + 1;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return i + 1;
        i += need + 1;
    }
    return 0;
}
