/* The gateway's configuration and the objects every thread shares.
 * Everything here is set up once in main() and read-only afterwards, so
 * threads use it without locks (the library documents its handles used
 * here as safe for concurrent readers). */
#ifndef GW_APP_H
#define GW_APP_H

#include <stddef.h>
#include <stdint.h>

#include "prana_webhook.h"
#include "store.h"

typedef struct {
    const char *addr;
    int port;
    const char *port_file;  /* write the bound port here (for scripts using --port 0) */
    const char *base_url;   /* public base URL; default http(s)://ADDR:PORT */
    const char *tls_cert;   /* PEM certificate chain file: serve HTTPS */
    const char *tls_key;    /* PEM private key file, with tls_cert */
    const char *db_path;
    const char *workflows_dir;
    const char *key_file;   /* resume-URL signing keys, "key_id:secret" lines */
    int allow_unsigned;     /* accept resume URLs without ?sig= */
    int get_resumes;        /* a GET on a resume URL resumes (API callers); default: it reads */
    const char *trigger_secret; /* Standard Webhooks whsec_... for triggers (optional) */
    int threads;
    int max_conns;
    size_t max_head;
    size_t max_body;
    int idle_timeout_ms;
    int busy_timeout_ms;
    int commit_delay_us; /* SQLite group commit: wait for a full group */
    int sweep_ms;
    int64_t idempotency_ms; /* how long an idempotency key is remembered */
    store_sync sync;
} gw_config;

typedef struct {
    gw_config cfg;
    prana_base_url *base;
    char base_str[PRANA_MAX_BASE_URL_LEN + 1];
    const char *prefix; /* path prefix of the base URL ("" or "/hooks"), into base_str */
    prana_key_set *keys; /* NULL when no key is configured */
    prana_webhook_secret *trigger_secret; /* NULL: triggers are not signed */
} app;

/* One worker thread's state: its own database connection and scratch. */
typedef struct {
    app *app;
    store *db;
    int index;
} worker;

#endif
