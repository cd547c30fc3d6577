/*
 * resume_example: make a resume URL, parse it back, and run a webhook
 * registration through its lifecycle, the way a host program would.
 *
 *   make -C examples-c && ./examples-c/resume_example
 *
 * The host owns randomness (the seed), the clock (`now`) and persistence
 * (here: a string standing in for a database row).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prana_webhook.h"

/* The detail of the last failed call: every fallible function fills it
 * when passed as its last argument (no thread-local state involved). */
static prana_error err;

/* Print the failure and its detail, then exit. */
static void check(prana_status st, const char *what) {
    if (st == PRANA_STATUS_OK) {
        return;
    }
    fprintf(stderr, "%s failed: %s (%s): %s\n", what, prana_status_code(st),
            prana_status_str(st), err.message);
    exit(1);
}

/* Read the seed from the OS; fall back to a fixed one only for this demo. */
static void os_seed(uint8_t seed[PRANA_ID_SEED_LEN]) {
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = 0;
    if (f != NULL) {
        got = fread(seed, 1, PRANA_ID_SEED_LEN, f);
        fclose(f);
    }
    if (got != PRANA_ID_SEED_LEN) {
        fprintf(stderr, "no /dev/urandom\n");
        exit(1);
    }
}

int main(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    prana_id_generator *ids = NULL;
    prana_base_url *base = NULL;
    prana_registration *reg = NULL, *loaded = NULL;
    char resume_id[PRANA_RESUME_ID_BUF_SIZE];
    char url[PRANA_URL_BUF_SIZE];
    char row[PRANA_REGISTRATION_JSON_BUF_SIZE]; /* the host's "database row" */
    size_t resume_id_len, url_len, row_len;
    struct prana_route route;
    struct prana_transition t;
    struct prana_resume_decision d;
    const char *target;
    uint64_t now = 1700000000000u; /* the host clock, unix ms */

    printf("libprana_webhook %s\n", prana_version());

    /* 1. At execution start: a pending registration with a fresh resume ID. */
    os_seed(seed);
    check(prana_id_generator_new(seed, sizeof seed, &ids, &err), "id generator");
    check(prana_base_url_new("https://gw.example.com/hooks", PRANA_NUL_TERMINATED, &base, &err), "base URL");
    /* One call makes the ID and its URL (pass a key set instead of NULL to
     * sign the URL); PRANA_NUL_TERMINATED reads a C string up to its NUL. */
    check(prana_resume_url_create(ids, base, NULL, "exec-42", PRANA_NUL_TERMINATED, "wait_approval",
                                  PRANA_NUL_TERMINATED, resume_id, sizeof resume_id,
                                  &resume_id_len, url, sizeof url, &url_len, &err),
          "resume URL");
    check(prana_registration_create(NULL, resume_id, resume_id_len, "exec-42",
                                    PRANA_NUL_TERMINATED, "wait_approval", PRANA_NUL_TERMINATED,
                                    now, &reg, &err),
          "create registration");
    printf("resume URL: %s\n", url);

    /* 2. A request arrives: parse the URL back into a route. */
    check(prana_route_parse(base, url, url_len, &route, &err), "parse");
    printf("route: %s, id %.*s\n", route.kind == PRANA_ROUTE_RESUME ? "resume" : "trigger",
           (int)route.id.len, url + route.id.offset);

    /* 3. The wait node is reached: pending -> active, expires in one hour. */
    now += 5000;
    check(prana_registration_activate(reg, now, 3600000u, "{\"channel\":\"email\"}", 19, &t, &err),
          "activate");
    printf("transition: %s -> %s\n", prana_lifecycle_status_name(t.from),
           prana_lifecycle_status_name(t.to));

    /* Persist it: the host stores JSON, not the handle. */
    check(prana_registration_to_json(reg, row, sizeof row, &row_len, &err), "to JSON");
    printf("stored row: %s\n", row);

    /* 4. The resume call: load the row, decide, apply with compare-and-set. */
    now += 60000;
    check(prana_registration_from_json(row, row_len, &loaded, &err), "from JSON");
    target = url + route.id.offset;
    check(prana_resume_decide(target, route.id.len, loaded, now, &d, &err), "decide");
    if (d.resume) {
        printf("resume: UPDATE ... SET status='%s' WHERE resume_id='%s' AND status='%s'\n",
               prana_lifecycle_status_name(d.transition.to), d.transition.resume_id,
               prana_lifecycle_status_name(d.transition.from));
        check(prana_registration_consume(loaded, now, &t, &err), "consume");
    }

    /* 5. A second call on the same URL is refused. */
    check(prana_resume_decide(target, route.id.len, loaded, now + 1, &d, &err), "decide again");
    printf("second call: HTTP %u %s\n", (unsigned)d.answer.http_status, d.answer.code);

    prana_registration_free(loaded);
    prana_registration_free(reg);
    prana_base_url_free(base);
    prana_id_generator_free(ids);
    return d.answer.http_status == 409 ? 0 : 1;
}
