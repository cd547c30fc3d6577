/* Resume-URL signing keys: loaded from a
 * file or an environment variable, used by the library to sign the URLs it
 * hands out and to verify ?sig= before any database lookup. */
#ifndef GW_KEYS_H
#define GW_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"

/* Loads "key_id:secret" entries, one per line or comma-separated (first =
 * the signing key; the others still verify, for rotation). From `path`
 * when given, else from the PRANA_GATEWAY_KEYS environment variable.
 * 0 on success (also when none are configured: a->keys stays NULL). */
int keys_load(app *a, const char *path, char *err, size_t errlen);
void keys_free(app *a);

/* Checks the ?sig= of a resume, cancel or extend request (query without
 * '?', may be NULL) in the signature domain of `action` (the route's kind:
 * a resume URL's signature does not open its cancel URL).
 * 0: accepted (valid, or signatures not required). -1: reject with 401;
 * a message in msg. */
int keys_verify(const app *a, uint32_t action, const char *resume_id, const char *query,
                size_t query_len, char *msg, size_t msglen);

#endif
