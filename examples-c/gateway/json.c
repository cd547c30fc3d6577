#define _POSIX_C_SOURCE 200809L
#include "json.h"

#include <string.h>

static size_t skip_ws(const char *s, size_t i, size_t n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    return i;
}

/* Index just past the string starting at s[i] == '"', or n on error. */
static size_t skip_string(const char *s, size_t i, size_t n) {
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

/* Index just past the value starting at s[i]. */
static size_t skip_value(const char *s, size_t i, size_t n) {
    int depth = 0;
    if (i >= n) return n;
    if (s[i] == '"') return skip_string(s, i, n);
    if (s[i] != '{' && s[i] != '[') {
        while (i < n && !strchr(",}] \t\r\n", s[i])) i++;
        return i;
    }
    for (; i < n; i++) {
        if (s[i] == '"') {
            i = skip_string(s, i, n) - 1;
        } else if (s[i] == '{' || s[i] == '[') {
            depth++;
        } else if (s[i] == '}' || s[i] == ']') {
            if (--depth == 0) return i + 1;
        }
    }
    return n;
}

json_span json_member(const char *obj, size_t n, const char *key) {
    json_span none = {NULL, 0};
    size_t i = skip_ws(obj, 0, n), klen = strlen(key);
    if (i >= n || obj[i] != '{') return none;
    i++;
    for (;;) {
        size_t kstart, kend, vstart, vend;
        i = skip_ws(obj, i, n);
        if (i >= n || obj[i] != '"') return none;
        kstart = i + 1;
        i = skip_string(obj, i, n);
        kend = i - 1;
        i = skip_ws(obj, i, n);
        if (i >= n || obj[i] != ':') return none;
        vstart = skip_ws(obj, i + 1, n);
        vend = skip_value(obj, vstart, n);
        /* Keys are compared raw: the handlers' keys have no escapes. */
        if (kend - kstart == klen && memcmp(obj + kstart, key, klen) == 0) {
            json_span v;
            v.p = obj + vstart;
            v.len = vend - vstart;
            return v;
        }
        i = skip_ws(obj, vend, n);
        if (i >= n || obj[i] != ',') return none;
        i++;
    }
}

int json_is_string(json_span v) { return v.p && v.len >= 2 && v.p[0] == '"'; }

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_utf8(sbuf *out, unsigned long cp) {
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sb_append(out, b, n);
}

static long hex4(const char *p) {
    long v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

int json_string_decode(json_span v, sbuf *out) {
    size_t i, end;
    if (!json_is_string(v)) return -1;
    end = v.len - 1; /* the closing quote */
    for (i = 1; i < end; i++) {
        char c = v.p[i];
        if (c != '\\') {
            sb_append(out, &c, 1);
            continue;
        }
        if (++i >= end) return -1;
        switch (v.p[i]) {
        case 'n': sb_append(out, "\n", 1); break;
        case 't': sb_append(out, "\t", 1); break;
        case 'r': sb_append(out, "\r", 1); break;
        case 'b': sb_append(out, "\b", 1); break;
        case 'f': sb_append(out, "\f", 1); break;
        case 'u': {
            long cp = i + 4 < end ? hex4(v.p + i + 1) : -1;
            if (cp < 0) return -1;
            i += 4;
            /* A surrogate pair makes one code point. */
            if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < end && v.p[i + 1] == '\\' &&
                v.p[i + 2] == 'u') {
                long lo = hex4(v.p + i + 3);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            put_utf8(out, (unsigned long)cp);
            break;
        }
        default: sb_append(out, &v.p[i], 1); /* \" \\ \/ */
        }
    }
    return 0;
}

/* Appends v without whitespace outside strings. */
static void compact(json_span v, sbuf *out) {
    size_t i;
    for (i = 0; i < v.len; i++) {
        if (v.p[i] == '"') {
            size_t e = skip_string(v.p, i, v.len);
            sb_append(out, v.p + i, e - i);
            i = e - 1;
        } else if (!strchr(" \t\r\n", v.p[i])) {
            sb_append(out, &v.p[i], 1);
        }
    }
}

int json_equal(json_span a, json_span b) {
    sbuf x, y;
    int eq;
    if (!a.p || !b.p) return 0;
    sb_init(&x);
    sb_init(&y);
    if (json_is_string(a) && json_is_string(b)) {
        eq = json_string_decode(a, &x) == 0 && json_string_decode(b, &y) == 0;
    } else {
        compact(a, &x);
        compact(b, &y);
        eq = 1;
    }
    eq = eq && !x.oom && !y.oom && x.len == y.len && memcmp(sb_cstr(&x), sb_cstr(&y), x.len) == 0;
    sb_free(&x);
    sb_free(&y);
    return eq;
}
