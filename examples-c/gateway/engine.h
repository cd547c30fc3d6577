/* The gateway's side of the library's graph executor: start, resume and
 * expire executions, with the demo node handlers (log, set, if) as C
 * callbacks. Pure computation: nothing here touches the database or the
 * network, so callers run it inside their transaction and persist the
 * result together with the registration compare-and-set. */
#ifndef GW_ENGINE_H
#define GW_ENGINE_H

#include <stdint.h>

#include "app.h"
#include "util.h"

/* A registration row to write. `from` NULL: a new row (execution start),
 * inserted with `status` and `json`. Otherwise a transition to apply with
 * compare-and-set from `from` to `status`; `json` is the new row JSON when
 * the executor supplied it (an activation), else NULL and the caller derives
 * it from the stored row. */
typedef struct {
    char *resume_id;
    char *node_id;
    const char *from;
    const char *status;
    int64_t expires_at; /* -1: none / unknown */
    char *json;
    char *url; /* start only: the resume URL, signed when a key is configured */
} engine_reg;

typedef struct {
    const char *status; /* "suspended" | "completed" | "failed" (static) */
    char *current_node; /* the wait node it is suspended at, the failed node, or NULL */
    char *state;        /* execution state JSON to persist */
    char *output;       /* the last output (JSON) */
    char *error;        /* "code: message" when the execution failed */
    int64_t timer_at;   /* suspended at an interval/schedule wait: when it is due; else -1 */
    engine_reg *regs;
    int nregs;
    sbuf logs; /* lines from `log` nodes: printed only after the commit */
} engine_result;

void engine_result_init(engine_result *r);
void engine_result_free(engine_result *r);

/* Each returns 0 on success, or -1 with a malloc'd message in *err and the
 * HTTP status to answer in *http_status (400 for a bad payload, 500 for a
 * bad workflow or state). A node that fails is a success with status
 * "failed": the failure is part of the execution's history. */
int engine_start(const app *a, const char *workflow_id, const char *workflow,
                 const char *execution_id, const char *payload, uint64_t now,
                 engine_result *out, int *http_status, char **err);
/* The resumed registration's active -> consumed is left out of out->regs:
 * the caller has applied it already (that is the exactly-once step). */
int engine_resume(const app *a, const char *workflow, const char *state, const char *resume_id,
                  const char *payload, uint64_t now, engine_result *out, int *http_status,
                  char **err);
/* Likewise the expired registration's active -> expired. */
int engine_expire(const app *a, const char *workflow, const char *state, const char *resume_id,
                  uint64_t now, engine_result *out, int *http_status, char **err);
/* Frees the parsed-workflow cache (at exit, for leak checkers). */
void engine_cache_clear(void);

/* Continues an interval or schedule wait that is due. */
int engine_resume_timer(const app *a, const char *workflow, const char *state, uint64_t now,
                        engine_result *out, int *http_status, char **err);

#endif
