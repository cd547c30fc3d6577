# A throwaway PostgreSQL 15 cluster for the gateway tests (sourced after
# lib.sh): initdb into $T/pg, pg_ctl on a free loopback port, stopped on exit.
# Binaries from PATH, else /usr/lib/postgresql/15/bin. As root, the cluster
# runs as the `postgres` user (PostgreSQL refuses to run as root).

PG_BIN=
if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    PG_BIN=$(dirname "$(command -v pg_ctl)")
elif [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
    PG_BIN=/usr/lib/postgresql/15/bin
fi
PGDATA_DIR=$T/pg
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PG_URL="postgresql://prana@127.0.0.1:$PG_PORT/postgres"

pg_as() { # runs a command as the cluster's owner
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_ctl_() { pg_as "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -w -t 60 "$@"; }

pg_start_cluster() {
    [ -n "$PG_BIN" ] || { echo "PostgreSQL 15 binaries not found"; return 1; }
    mkdir -p "$PGDATA_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$PGDATA_DIR" && chmod 755 "$T"
    pg_as "$PG_BIN/initdb" -D "$PGDATA_DIR" -U prana --auth=trust -E UTF8 --no-sync \
        > "$T/initdb.log" 2>&1 || { cat "$T/initdb.log"; return 1; }
    # Loopback only, no Unix socket; a test cluster needs no fsync (a killed
    # server process loses nothing that reached the OS, which is the fault
    # these tests inject).
    cat >> "$PGDATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
fsync = off
max_connections = 200
CONF
    pg_ctl_ -l "$PGDATA_DIR/server.log" start > /dev/null || { cat "$PGDATA_DIR/server.log"; return 1; }
}

pg_stop_cluster() {
    [ -f "$PGDATA_DIR/postmaster.pid" ] && pg_ctl_ -m immediate stop > /dev/null 2>&1 || true
}

# psql_ QUERY: one value (rows joined by spaces).
psql_() {
    psql -h 127.0.0.1 -p "$PG_PORT" -U prana -d postgres -Atqc "$1" | tr '\n' ' ' | sed 's/ $//'
}

trap 'pg_stop_cluster; cleanup' EXIT
