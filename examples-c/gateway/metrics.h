/* Prometheus counters kept in process memory. Execution counts by status
 * are read from the database at scrape time instead, so they are right
 * even when several gateway processes share one database. */
#ifndef GW_METRICS_H
#define GW_METRICS_H

#include "util.h"

typedef enum {
    ROUTE_TRIGGER,
    ROUTE_RESUME,
    ROUTE_EXECUTION,
    ROUTE_HEALTHZ,
    ROUTE_METRICS,
    ROUTE_OTHER,
    ROUTE_COUNT_
} metric_route;

typedef enum {
    CTR_RESUMES,            /* resume requests that won the compare-and-set */
    CTR_RESUME_CONFLICTS,   /* lost the compare-and-set (409 after a race) */
    CTR_EXPIRIES,           /* registrations expired by the sweeper (timeout) */
    CTR_CLEANUPS,           /* registrations expired because the execution ended */
    CTR_EXECUTIONS_STARTED, /* executions created by a trigger */
    CTR_CANCELS,            /* cancel requests that won the compare-and-set */
    CTR_EXTENDS,            /* extend requests that moved an expiry */
    CTR_CONNS_EVICTED,      /* idle connections closed to make room at --max-conns */
    CTR_CONNS_REFUSED,      /* new connections refused: every one was busy */
    CTR_COUNT_
} metric_counter;

void metrics_init(void);
void metrics_destroy(void);
/* One answer sent, with the time from its request line to its last byte. */
void metrics_request(metric_route route, int status, double seconds);
void metrics_add(metric_counter c, unsigned long n);
const char *metrics_route_name(metric_route r);
/* Appends every in-memory counter in Prometheus text format. */
void metrics_render(sbuf *out);

#endif
