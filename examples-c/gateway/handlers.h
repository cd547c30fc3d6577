/* The HTTP routes: webhook trigger/resume (checked by the library before
 * anything else), GET /executions/{id}, /healthz and /metrics. */
#ifndef GW_HANDLERS_H
#define GW_HANDLERS_H

#include "app.h"
#include "http.h"

/* `a` is the app: this runs on the HTTP event thread, before the body. */
int handlers_precheck(void *a, const http_request *req, http_response *resp);
void handlers_handle(void *worker, const http_request *req, http_response *resp);
/* Counts one answer sent (of any origin) in the metrics; `a` is the app. */
void handlers_observe(void *a, const char *target, int status, double seconds);

#endif
