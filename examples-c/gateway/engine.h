/* The gateway's side of the library's graph executor: start, resume,
 * cancel, expire and extend executions, with the demo node handlers (log, set, if) as C
 * callbacks. Pure computation: nothing here touches the database or the
 * network, so callers run it inside their transaction and persist the
 * result together with the registration compare-and-set. */
#ifndef GW_ENGINE_H
#define GW_ENGINE_H

#include <stdint.h>

#include "app.h"
#include "util.h"

/* A registration row to write, always with the row JSON the library wrote
 * for it (prana_execution_registration_json). `from` NULL: a new row
 * (execution start), inserted with `status` and `json`. Otherwise one
 * transition of a call's result, applied with compare-and-set from `from`
 * to `status`, in the order the library returned them. */
typedef struct {
    char *resume_id;
    char *node_id;
    const char *from;
    const char *status;
    int64_t expires_at; /* -1: none / unknown */
    char *json;
    char *url;        /* start only: the resume URL, signed when a key is configured */
    char *cancel_url; /* start only: the cancel URL of the same wait */
    char *extend_url; /* start only: its extend URL */
} engine_reg;

typedef struct {
    const char *status; /* "suspended" | "completed" | "failed" | "cancelled" (static) */
    char *current_node; /* the wait node it is suspended at, the failed node, or NULL */
    char *state;        /* execution state JSON to persist */
    char *output;       /* the last output (JSON) */
    char *error;        /* "code: message" when the execution failed */
    int64_t timer_at;   /* suspended at an interval/schedule wait: when it is due; else -1 */
    engine_reg *regs;
    int nregs;
    /* Resume, cancel, expire and extend: the row of the registration the
     * caller's compare-and-set moved, as the execution holds it after the
     * call (stored over that row), and its expiry. NULL / -1 otherwise. */
    char *applied_json;
    int64_t applied_expires_at;
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
/* `applied` is the active -> consumed transition the caller decided
 * (prana_resume_decide / prana_cancel_decide) and applied with
 * compare-and-set; out->regs never repeat it. */
int engine_resume(const app *a, const char *workflow, const char *state,
                  const prana_transition *applied, const char *payload, uint64_t now,
                  engine_result *out, int *http_status, char **err);
int engine_cancel(const app *a, const char *workflow, const char *state,
                  const prana_transition *applied, uint64_t now, engine_result *out,
                  int *http_status, char **err);
/* `applied` is the active -> expired the caller decided
 * (prana_expire_decide) and applied with compare-and-set; out->regs never
 * repeat it. */
int engine_expire(const app *a, const char *workflow, const char *state,
                  const prana_transition *applied, uint64_t now, engine_result *out,
                  int *http_status, char **err);
/* Records an extension the caller decided (prana_registration_extend) in
 * the execution: out->state is the state to store and out->applied_json
 * the registration's row, both written in the transaction of the
 * compare-and-set on the old expiry. Fails with *http_status 409 when the
 * execution no longer holds the registration active at an earlier expiry
 * (it moved on, or another extension came first). */
int engine_extend(const app *a, const char *workflow, const char *state,
                  const prana_extension *applied, engine_result *out, int *http_status,
                  char **err);
/* A signed action URL ({base}/webhook/workflow/<action>/<id>?sig=...) for
 * `kind` PRANA_ROUTE_RESUME, _CANCEL or _EXTEND, malloc'd; NULL on failure. */
char *engine_action_url(const app *a, uint32_t kind, const char *resume_id);
/* Frees the parsed-workflow cache (at exit, for leak checkers). */
void engine_cache_clear(void);

/* Continues an interval or schedule wait that is due. */
int engine_resume_timer(const app *a, const char *workflow, const char *state, uint64_t now,
                        engine_result *out, int *http_status, char **err);

#endif
