#define _POSIX_C_SOURCE 200809L
#include "metrics.h"

#include <pthread.h>
#include <string.h>

/* Statuses 100..599 indexed directly: 6 routes x 500 counters is small and
 * needs no lookup table. A mutex (not C11 atomics: this is C99) guards them. */
static unsigned long long requests[ROUTE_COUNT_][500];
static unsigned long long counters[CTR_COUNT_];
/* Request durations, a Prometheus histogram per route (upper bounds in s). */
static const double BOUNDS[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1,    2.5, 10};
#define NBOUNDS (sizeof BOUNDS / sizeof BOUNDS[0])
static unsigned long long hist[ROUTE_COUNT_][NBOUNDS + 1];
static double hist_sum[ROUTE_COUNT_];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const char *route_names[ROUTE_COUNT_] = {"trigger", "resume", "execution",
                                                "healthz", "metrics", "other"};

void metrics_init(void) {
    pthread_mutex_lock(&lock);
    memset(requests, 0, sizeof requests);
    memset(counters, 0, sizeof counters);
    memset(hist, 0, sizeof hist);
    memset(hist_sum, 0, sizeof hist_sum);
    pthread_mutex_unlock(&lock);
}

void metrics_destroy(void) {}

const char *metrics_route_name(metric_route r) {
    return (r >= 0 && r < ROUTE_COUNT_) ? route_names[r] : "other";
}

void metrics_request(metric_route route, int status, double seconds) {
    size_t b = 0;
    if (route < 0 || route >= ROUTE_COUNT_ || status < 100 || status > 599) return;
    while (b < NBOUNDS && seconds > BOUNDS[b]) b++;
    pthread_mutex_lock(&lock);
    requests[route][status - 100]++;
    hist[route][b]++;
    hist_sum[route] += seconds;
    pthread_mutex_unlock(&lock);
}

void metrics_add(metric_counter c, unsigned long n) {
    if (c < 0 || c >= CTR_COUNT_) return;
    pthread_mutex_lock(&lock);
    counters[c] += n;
    pthread_mutex_unlock(&lock);
}

void metrics_render(sbuf *out) {
    static unsigned long long req_copy[ROUTE_COUNT_][500];
    unsigned long long ctr[CTR_COUNT_];
    int r, s;
    /* Copy under the lock (the static copy is guarded by it too), format
     * outside it. */
    pthread_mutex_lock(&lock);
    memcpy(ctr, counters, sizeof ctr);
    sb_puts(out, "# HELP prana_gateway_requests_total HTTP requests by route and status.\n"
                 "# TYPE prana_gateway_requests_total counter\n");
    memcpy(req_copy, requests, sizeof req_copy);
    for (r = 0; r < ROUTE_COUNT_; r++)
        for (s = 0; s < 500; s++)
            if (req_copy[r][s])
                sb_printf(out, "prana_gateway_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                          route_names[r], s + 100, req_copy[r][s]);
    sb_puts(out, "# HELP prana_gateway_request_duration_seconds Time from request line to "
                 "answer sent, by route.\n"
                 "# TYPE prana_gateway_request_duration_seconds histogram\n");
    for (r = 0; r < ROUTE_COUNT_; r++) {
        unsigned long long cum = 0;
        size_t b;
        for (b = 0; b <= NBOUNDS; b++) {
            cum += hist[r][b];
            if (b < NBOUNDS)
                sb_printf(out,
                          "prana_gateway_request_duration_seconds_bucket{route=\"%s\","
                          "le=\"%g\"} %llu\n",
                          route_names[r], BOUNDS[b], cum);
            else
                sb_printf(out,
                          "prana_gateway_request_duration_seconds_bucket{route=\"%s\","
                          "le=\"+Inf\"} %llu\n",
                          route_names[r], cum);
        }
        sb_printf(out, "prana_gateway_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                  route_names[r], hist_sum[r]);
        sb_printf(out, "prana_gateway_request_duration_seconds_count{route=\"%s\"} %llu\n",
                  route_names[r], cum);
    }
    pthread_mutex_unlock(&lock);

    sb_printf(out,
              "# HELP prana_gateway_resumes_total Executions resumed by a webhook call.\n"
              "# TYPE prana_gateway_resumes_total counter\n"
              "prana_gateway_resumes_total %llu\n"
              "# HELP prana_gateway_resume_conflicts_total Resume calls that lost the "
              "compare-and-set.\n"
              "# TYPE prana_gateway_resume_conflicts_total counter\n"
              "prana_gateway_resume_conflicts_total %llu\n"
              "# HELP prana_gateway_expiries_total Registrations expired by timeout.\n"
              "# TYPE prana_gateway_expiries_total counter\n"
              "prana_gateway_expiries_total %llu\n"
              "# HELP prana_gateway_cleanups_total Registrations expired because their "
              "execution ended.\n"
              "# TYPE prana_gateway_cleanups_total counter\n"
              "prana_gateway_cleanups_total %llu\n"
              "# HELP prana_gateway_executions_started_total Executions started by a trigger.\n"
              "# TYPE prana_gateway_executions_started_total counter\n"
              "prana_gateway_executions_started_total %llu\n"
              "# HELP prana_gateway_cancels_total Waits cancelled by a cancel call.\n"
              "# TYPE prana_gateway_cancels_total counter\n"
              "prana_gateway_cancels_total %llu\n"
              "# HELP prana_gateway_extends_total Waits whose expiry an extend call moved.\n"
              "# TYPE prana_gateway_extends_total counter\n"
              "prana_gateway_extends_total %llu\n",
              ctr[CTR_RESUMES], ctr[CTR_RESUME_CONFLICTS], ctr[CTR_EXPIRIES],
              ctr[CTR_CLEANUPS], ctr[CTR_EXECUTIONS_STARTED], ctr[CTR_CANCELS],
              ctr[CTR_EXTENDS]);
    sb_printf(out,
              "# HELP prana_gateway_connections_evicted_total Idle connections closed to "
              "make room for new ones at the connection limit.\n"
              "# TYPE prana_gateway_connections_evicted_total counter\n"
              "prana_gateway_connections_evicted_total %llu\n"
              "# HELP prana_gateway_connections_refused_total New connections refused at "
              "the connection limit because every connection had a request in progress.\n"
              "# TYPE prana_gateway_connections_refused_total counter\n"
              "prana_gateway_connections_refused_total %llu\n",
              ctr[CTR_CONNS_EVICTED], ctr[CTR_CONNS_REFUSED]);
}
