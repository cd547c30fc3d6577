/* The sweeper thread: expires overdue active registrations (continuing
 * their executions through the wait node's `timeout` port), continues
 * executions whose interval/schedule wait is due, and expires the leftover
 * registrations of finished executions. Safe to run in every
 * gateway process sharing a database: each expiry is a compare-and-set, so
 * exactly one process applies it. */
#ifndef GW_SWEEPER_H
#define GW_SWEEPER_H

#include "app.h"

typedef struct sweeper sweeper;

sweeper *sweeper_start(app *a, char *err, size_t errlen);
/* Stops the thread (waking it at once) and frees it. */
void sweeper_stop(sweeper *s);

#endif
