/* The execution flows, each one SQLite transaction: start an execution
 * (trigger), resume it (webhook call), expire a wait (sweeper), clean up
 * the registrations of a finished execution. This is where the
 * exactly-once protocol lives; http and the sweeper only call in. */
#ifndef GW_FLOW_H
#define GW_FLOW_H

#include <stdint.h>

#include "app.h"
#include "engine.h"

typedef struct {
    int http_status;           /* 200/201 on success, else the rejection */
    char code[48];             /* stable snake_case code ("" on success) */
    char message[256];
} flow_answer;

typedef struct {
    char execution_id[PRANA_MAX_ID_PART_LEN + 1];
    char node_id[PRANA_MAX_ID_PART_LEN + 1]; /* the wait node resumed/expired */
    engine_result res;
} flow_out;

void flow_out_init(flow_out *o);
void flow_out_free(flow_out *o);

/* A trigger's idempotency key: at most one execution per key and workflow
 * within the configured retention; a repeat gets the first answer. */
typedef struct {
    char *key;
    const char *request; /* the body as sent, compared on repeats */
    /* Renders the 201 body of a started execution: recorded with the key. */
    void (*render)(sbuf *body, const char *workflow_id, const flow_out *out);
    sbuf body;    /* out: the answer body, fresh or replayed */
    int replayed; /* out: 1 when the answer is the recorded first one */
} flow_idem;

/* Starts `workflow` (the definition's JSON text) as a new execution. With
 * `idem`, a repeat of a recorded key answers the recorded answer (0, with
 * idem->replayed) or 422 idempotency_key_reused for another body. */
int flow_trigger(worker *w, const char *workflow_id, const char *workflow, const char *payload,
                 flow_idem *idem, flow_out *out, flow_answer *ans);
typedef enum { FLOW_RESUME, FLOW_CANCEL } flow_action;

/* Resumes the execution waiting on `resume_id` with `payload` (JSON), or
 * cancels that wait (payload unused): decide, compare-and-set, continue,
 * store every row the library returns. One of a resume and a cancel of
 * one wait wins; the other gets 409. */
int flow_act(worker *w, flow_action action, const char *resume_id, const char *payload,
             flow_out *out, flow_answer *ans);
/* Moves an active registration's expiry later (`body`: "" or
 * {"timeout_hours": n}); the new expiry in *expires_at. */
int flow_extend(worker *w, const char *resume_id, const char *body, int64_t *expires_at,
                flow_answer *ans);
/* Sweeper: expires one overdue active registration and continues its
 * execution through the wait node's `timeout` port. 1 if this call did it,
 * 0 if there was nothing to do (another process won, or not overdue), -1 on
 * error. */
int flow_expire(worker *w, const char *resume_id, uint64_t now);
/* Sweeper: continues an execution suspended at a due interval/schedule
 * wait. 1 if this call did it, 0 if nothing to do, -1 on error. */
int flow_timer(worker *w, const char *execution_id, uint64_t now);
/* Sweeper: expires a pending/active registration of a finished execution. */
int flow_cleanup(worker *w, const char *resume_id);

/* Prints the log-node lines of a committed result on stdout. */
void flow_print_logs(const flow_out *o);

#endif
