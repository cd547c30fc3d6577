/* Just enough JSON reading for the node handlers: find a member of an
 * object, decode a string, compare two values. The library validates every
 * JSON text before a handler sees it (params, inputs), so these functions
 * assume well-formed input and stay small; on anything unexpected they
 * report "not found" rather than guess. */
#ifndef GW_JSON_H
#define GW_JSON_H

#include <stddef.h>

#include "util.h"

typedef struct {
    const char *p; /* the raw value text (NULL: absent) */
    size_t len;
} json_span;

/* The raw value of member `key` of the object `obj` (top level only). */
json_span json_member(const char *obj, size_t len, const char *key);
/* Whether a raw value is a JSON string. */
int json_is_string(json_span v);
/* Appends the decoded contents of a JSON string value; -1 if not a string. */
int json_string_decode(json_span v, sbuf *out);
/* Structural equality of two raw values (strings compared decoded, other
 * values by their text without insignificant whitespace). */
int json_equal(json_span a, json_span b);

#endif
