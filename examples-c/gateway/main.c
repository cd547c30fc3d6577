/* prana-gateway: the reference gateway for libprana_webhook.
 *
 * Starts workflow executions on POST /webhook/workflow/trigger/{id},
 * resumes them exactly once on POST|GET /webhook/workflow/resume/{id},
 * expires waits that time out, and keeps everything in SQLite so that a
 * crash never loses or duplicates a resume. See README.md, "The reference gateway". */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "engine.h"
#include "group_commit.h"
#include "handlers.h"
#include "http.h"
#include "keys.h"
#include "metrics.h"
#include "server.h"
#include "sweeper.h"
#include "wffile.h"

static const char *USAGE =
    "usage: prana-gateway [options]\n"
    "  --addr ADDR            listen address (default 127.0.0.1; loopback only)\n"
    "  --port N               listen port (default 8080; 0 = any free port)\n"
    "  --port-file PATH       write the bound port to PATH once listening\n"
    "  --base-url URL         public base URL used in resume URLs, e.g.\n"
    "                         https://gw.example.com/hooks behind a reverse proxy\n"
    "                         (default http://ADDR:PORT, https:// with --tls-cert)\n"
    "  --tls-cert PATH        serve HTTPS (only) with this PEM certificate chain\n"
    "  --tls-key PATH         and this PEM private key (both or neither)\n"
    "  --db PATH|URL          SQLite database file (default prana-gateway.db), or\n"
    "                         postgresql://user@host:port/dbname for PostgreSQL\n"
    "                         (several gateways on one database; env PRANA_GATEWAY_DB)\n"
    "  --workflows DIR        directory of workflow JSON files, {id}.json\n"
    "                         (default workflows; env PRANA_GATEWAY_WORKFLOWS)\n"
    "  --key-file PATH        resume-URL signing keys, one 'key_id:secret' per line,\n"
    "                         first = signing key (else env PRANA_GATEWAY_KEYS)\n"
    "  --allow-unsigned       accept resume URLs without a valid ?sig=\n"
    "  --get-resumes          a GET on a resume URL resumes, like a POST (API callers;\n"
    "                         link scanners then resume too). Default: GET only reads\n"
    "  --trigger-secret S     verify Standard Webhooks signatures on triggers\n"
    "                         (whsec_...; env PRANA_GATEWAY_TRIGGER_SECRET)\n"
    "  --threads N            worker threads (default 32 with SQLite, 8 with PostgreSQL)\n"
    "  --max-conns N          open connections (default 256); at the limit a new\n"
    "                         connection closes the one idle longest, or is refused\n"
    "                         when every connection has a request in progress\n"
    "  --max-header-bytes N   largest request head (default 8192)\n"
    "  --max-body-bytes N     largest request body and execution payload (default 1048576)\n"
    "  --idle-timeout-ms N    a connection silent this long is closed, in a request\n"
    "                         or between them (default 15000)\n"
    "  --busy-timeout-ms N    SQLite busy timeout, between processes (default 10000)\n"
    "  --sweep-ms N           sweeper period (default 1000)\n"
    "  --idempotency-ttl-s N  how long a trigger's Idempotency-Key (or webhook-id\n"
    "                         with --trigger-secret) is remembered (default 86400)\n"
    "  --sync full|normal     SQLite synchronous mode (default full)\n"
    "  --commit-delay-us N    SQLite group commit: how long a commit may wait for\n"
    "                         its group to be as large as recent ones (one sync)\n"
    "                         (default 500; 0: never)\n"
    "  --verbose              debug logging\n";

static int parse_num(const char *s, long long min, long long max, long long *out) {
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, gw_config *c) {
    int i;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = NULL;
        char name[64];
        const char *eq = strchr(arg, '=');
        long long n = 0;
        size_t nl = eq ? (size_t)(eq - arg) : strlen(arg);
        if (nl >= sizeof name) goto bad;
        memcpy(name, arg, nl);
        name[nl] = '\0';
        if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
            fputs(USAGE, stdout);
            exit(0);
        }
        if (!strcmp(name, "--allow-unsigned")) {
            c->allow_unsigned = 1;
            continue;
        }
        if (!strcmp(name, "--get-resumes")) {
            c->get_resumes = 1;
            continue;
        }
        if (!strcmp(name, "--verbose")) {
            g_verbose = 1;
            continue;
        }
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            goto bad;
#define NUM(flag, field, lo, hi, type)                                                       \
    if (!strcmp(name, flag)) {                                                               \
        if (parse_num(val, lo, hi, &n) != 0) goto bad;                                       \
        c->field = (type)n;                                                                  \
        continue;                                                                            \
    }
        if (!strcmp(name, "--addr")) { c->addr = val; continue; }
        if (!strcmp(name, "--port-file")) { c->port_file = val; continue; }
        if (!strcmp(name, "--base-url")) { c->base_url = val; continue; }
        if (!strcmp(name, "--tls-cert")) { c->tls_cert = val; continue; }
        if (!strcmp(name, "--tls-key")) { c->tls_key = val; continue; }
        if (!strcmp(name, "--db")) { c->db_path = val; continue; }
        if (!strcmp(name, "--workflows")) { c->workflows_dir = val; continue; }
        if (!strcmp(name, "--key-file")) { c->key_file = val; continue; }
        if (!strcmp(name, "--trigger-secret")) { c->trigger_secret = val; continue; }
        if (!strcmp(name, "--request-timeout-ms")) {
            /* Older option: a request in progress is now bounded by the
             * inactivity timeout, so this value has no effect. */
            if (parse_num(val, 1, 3600000, &n) != 0) goto bad;
            fprintf(stderr, "prana-gateway: --request-timeout-ms is ignored; "
                            "--idle-timeout-ms bounds a silent request too\n");
            continue;
        }
        if (!strcmp(name, "--sync")) {
            if (!strcmp(val, "full")) c->sync = STORE_SYNC_FULL;
            else if (!strcmp(val, "normal")) c->sync = STORE_SYNC_NORMAL;
            else goto bad;
            continue;
        }
        NUM("--port", port, 0, 65535, int)
        NUM("--threads", threads, 1, 256, int)
        NUM("--max-conns", max_conns, 1, 65536, int)
        NUM("--max-header-bytes", max_head, 512, 1 << 20, size_t)
        NUM("--max-body-bytes", max_body, 1, 64 << 20, size_t)
        NUM("--idle-timeout-ms", idle_timeout_ms, 1, 3600000, int)
        NUM("--busy-timeout-ms", busy_timeout_ms, 0, 3600000, int)
        NUM("--commit-delay-us", commit_delay_us, 0, 100000, int)
        NUM("--sweep-ms", sweep_ms, 10, 3600000, int)
        NUM("--idempotency-ttl-s", idempotency_ms, 1, 8760LL * 3600, int64_t)
#undef NUM
    bad:
        fprintf(stderr, "prana-gateway: bad option or value: %s\n%s", arg, USAGE);
        return -1;
    }
    return 0;
}

static void on_signal(int sig) {
    (void)sig;
    server_stop();
}

/* The per-worker hooks the server calls. */
static app g_app;

static void *worker_init(void *ap, int index) {
    app *a = ap;
    char err[512];
    worker *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->app = a;
    w->index = index;
    /* One SQLite connection per thread: connections are not shared. */
    w->db = store_open(a->cfg.db_path, a->cfg.busy_timeout_ms, a->cfg.sync, err, sizeof err);
    if (!w->db) {
        LOG_ERR("worker %d: %s", index, err);
        free(w);
        return NULL;
    }
    return w;
}

static void on_shed(void *ap, int refused) {
    (void)ap;
    metrics_add(refused ? CTR_CONNS_REFUSED : CTR_CONNS_EVICTED, 1);
}

/* Reads the PEM files of --tls-cert/--tls-key; 0 when both are read or
 * neither is given. */
static int load_tls(const gw_config *c, char **cert, char **key, char *err, size_t errlen) {
    size_t n;
    if (!c->tls_cert && !c->tls_key) return 0;
    if (!c->tls_cert || !c->tls_key) {
        snprintf(err, errlen, "--tls-cert and --tls-key go together");
        return -1;
    }
    if (!server_tls_supported()) {
        snprintf(err, errlen, "this libmicrohttpd was built without HTTPS support");
        return -1;
    }
    *cert = read_file(c->tls_cert, 1 << 20, &n);
    if (!*cert) {
        snprintf(err, errlen, "cannot read %s (missing, unreadable or over 1 MiB)",
                 c->tls_cert);
        return -1;
    }
    *key = read_file(c->tls_key, 1 << 20, &n);
    if (!*key) {
        snprintf(err, errlen, "cannot read %s (missing, unreadable or over 1 MiB)",
                 c->tls_key);
        return -1;
    }
    return 0;
}

static void worker_fini(void *wp) {
    worker *w = wp;
    store_close(w->db);
    free(w);
}

int main(int argc, char **argv) {
    gw_config *c = &g_app.cfg;
    server_config sc;
    server *srv = NULL;
    sweeper *sw = NULL;
    store *db;
    struct sigaction sa;
    char err[512], url[PRANA_MAX_BASE_URL_LEN + 1], db_shown[256];
    char *tls_cert = NULL, *tls_key = NULL;
    const char *env;
    int port = 0, rc = 1;
    size_t n;
    prana_error pe;

    memset(&g_app, 0, sizeof g_app);
    c->addr = "127.0.0.1";
    c->port = 8080;
    c->db_path = (env = getenv("PRANA_GATEWAY_DB")) ? env : "prana-gateway.db";
    c->workflows_dir = (env = getenv("PRANA_GATEWAY_WORKFLOWS")) ? env : "workflows";
    c->trigger_secret = getenv("PRANA_GATEWAY_TRIGGER_SECRET");
    c->threads = 0; /* by store, below */
    c->max_conns = 256;
    c->max_head = 8192;
    /* The request body limit is also every execution's payload capacity
     * (prana_execution_start's max_payload): a body the gateway accepts,
     * the execution can hold. */
    c->max_body = 1 << 20;
    c->idle_timeout_ms = 15000;
    c->busy_timeout_ms = 10000;
    c->sweep_ms = 1000;
    c->idempotency_ms = 24LL * 3600;
    c->sync = STORE_SYNC_FULL;
    c->commit_delay_us = GROUP_COMMIT_DEFAULT_DELAY_US;
    if (parse_args(argc, argv, c) != 0) return 2;
    c->idempotency_ms *= 1000; /* given in seconds */
    /* SQLite: a worker waiting for a group commit costs no CPU, and more of
     * them in flight make the next group larger (fewer syncs per request).
     * PostgreSQL: each worker holds a server connection. */
    if (c->threads == 0) c->threads = store_is_postgres(c->db_path) ? 8 : 32;

    /* stdout carries log-node output for operators; line-buffer it so it
     * appears as it happens even when redirected. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (entropy_open() != 0) {
        LOG_ERR("cannot open /dev/urandom");
        return 1;
    }
    metrics_init();

    store_sqlite_commit_delay(c->commit_delay_us);
    /* Create the database and schema once before any thread starts. */
    db = store_open(c->db_path, c->busy_timeout_ms, c->sync, err, sizeof err);
    if (!db) {
        LOG_ERR("database: %s", err);
        goto out;
    }
    store_close(db);

    if (load_tls(c, &tls_cert, &tls_key, err, sizeof err) != 0) {
        LOG_ERR("TLS: %s", err);
        goto out;
    }
    sc.addr = c->addr;
    sc.tls_cert = tls_cert;
    sc.tls_key = tls_key;
    sc.port = c->port;
    sc.threads = c->threads;
    sc.max_conns = c->max_conns;
    sc.idle_timeout_ms = c->idle_timeout_ms;
    sc.max_head = c->max_head;
    sc.max_body = c->max_body;
    sc.worker_init = worker_init;
    sc.worker_fini = worker_fini;
    sc.precheck = handlers_precheck;
    sc.handle = handlers_handle;
    sc.observe = handlers_observe;
    sc.shed = on_shed;
    sc.app = &g_app;
    srv = server_new(&sc, &port);
    if (!srv) {
        if (tls_cert)
            LOG_ERR("cannot listen on %s:%d with TLS (are %s and %s a PEM certificate "
                    "and its private key? the reason is logged above)",
                    c->addr, c->port, c->tls_cert, c->tls_key);
        else
            LOG_ERR("cannot listen on %s:%d: %s", c->addr, c->port, strerror(errno));
        goto out;
    }

    if (c->base_url)
        snprintf(url, sizeof url, "%s", c->base_url);
    else
        snprintf(url, sizeof url, strchr(c->addr, ':') ? "%s://[%s]:%d" : "%s://%s:%d",
                 tls_cert ? "https" : "http", c->addr, port);
    if (tls_cert && strncmp(url, "https://", 8) != 0)
        LOG_WARN("--base-url %s is not https:// but this gateway serves only HTTPS", url);
    if (prana_base_url_new(url, strlen(url), &g_app.base, &pe) != PRANA_STATUS_OK ||
        prana_base_url_str(g_app.base, g_app.base_str, sizeof g_app.base_str, &n, &pe) !=
            PRANA_STATUS_OK) {
        LOG_ERR("base URL %s: %s", url, pe.message);
        goto out;
    }
    /* The path prefix: what follows scheme://authority in the normalized URL. */
    {
        const char *p = strstr(g_app.base_str, "://");
        p = p ? strchr(p + 3, '/') : NULL;
        g_app.prefix = p ? p : "";
    }
    if (keys_load(&g_app, c->key_file, err, sizeof err) != 0) {
        LOG_ERR("keys: %s", err);
        goto out;
    }
    if (c->trigger_secret && *c->trigger_secret &&
        prana_webhook_secret_new(c->trigger_secret, strlen(c->trigger_secret),
                                 &g_app.trigger_secret, &pe) != PRANA_STATUS_OK) {
        LOG_ERR("trigger secret: %s", pe.message);
        goto out;
    }
    if (!g_app.keys && !c->allow_unsigned) {
        LOG_ERR("no resume-URL signing key: pass --key-file or set PRANA_GATEWAY_KEYS "
                "(or --allow-unsigned to accept unsigned URLs)");
        goto out;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    sw = sweeper_start(&g_app, err, sizeof err);
    if (!sw) {
        LOG_ERR("sweeper: %s", err);
        goto out;
    }
    if (c->port_file) {
        FILE *f = fopen(c->port_file, "w");
        if (!f || fprintf(f, "%d\n", port) < 0 || fclose(f) != 0) {
            LOG_ERR("cannot write %s", c->port_file);
            goto out;
        }
    }
    /* A PostgreSQL URL may carry a password: name only what follows '@'. */
    if (store_is_postgres(c->db_path)) {
        const char *at = strrchr(c->db_path, '@');
        snprintf(db_shown, sizeof db_shown, "postgresql://%s", at ? at + 1 : "...");
    } else {
        snprintf(db_shown, sizeof db_shown, "%s", c->db_path);
    }
    LOG_INFO("prana-gateway %s listening on %s://%s:%d, base URL %s, database %s, workflows %s, "
             "resume signatures %s, trigger signatures %s",
             prana_version(), tls_cert ? "https" : "http", c->addr, port, g_app.base_str, db_shown, c->workflows_dir,
             c->allow_unsigned ? "optional" : "required",
             g_app.trigger_secret ? "required" : "off");
    rc = server_run(srv) == 0 ? 0 : 1;
    LOG_INFO("shutting down");
out:
    sweeper_stop(sw);
    server_free(srv);
    keys_free(&g_app);
    prana_webhook_secret_free(g_app.trigger_secret);
    prana_base_url_free(g_app.base);
    engine_cache_clear();
    wffile_clear();
    free(tls_cert);
    if (tls_key) {
        /* The private key does not outlive its use in memory. */
        volatile char *k = tls_key;
        while (*k) *k++ = 0;
        free(tls_key);
    }
    metrics_destroy();
    entropy_close();
    return rc;
}
