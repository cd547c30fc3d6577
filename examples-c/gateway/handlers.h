/* The HTTP routes: webhook trigger/resume (checked by the library before
 * anything else), GET /executions/{id}, /healthz and /metrics. */
#ifndef GW_HANDLERS_H
#define GW_HANDLERS_H

#include "app.h"
#include "http.h"

int handlers_precheck(void *worker, const http_request *req, http_response *resp);
void handlers_handle(void *worker, const http_request *req, http_response *resp);

#endif
