#!/usr/bin/env bash
# The Go binding against a real PostgreSQL 15, for .ci/run and test-all.sh:
#   1. build libprana_webhook and the in-tree pkg-config file (make go-dev-pc)
#   2. gofmt check, go vet + go test -race in go/ (binding, webhookhttp,
#      Example functions)
#   3. a throwaway PostgreSQL cluster (initdb into a temp dir, pg_ctl on a
#      Unix socket in it), stopped and removed on exit
#   4. go vet + go test -race of go/pgtest (SQLStore over lib/pq) and
#      go vet + build of go/examples/approval
# Go comes from Debian (golang-go) and lib/pq from golang-github-lib-pq-dev:
# no module is downloaded. The lib/pq replace is added to a temporary copy
# of each go.mod (go -modfile), never to the committed files.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export DEBIAN_FRONTEND=noninteractive
PQ_DIR=/usr/share/gocode/src/github.com/lib/pq
steps=0

step() {
    steps=$((steps + 1))
    printf '\n=== [go %d] %s\n' "$steps" "$*"
}

missing=()
command -v go >/dev/null || missing+=(golang-go)
test -f "$PQ_DIR/go.mod" || missing+=(golang-github-lib-pq-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v cc >/dev/null || missing+=(gcc)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi

pg_bin() {
    if command -v "$1" >/dev/null; then
        command -v "$1"
    elif [ -x "/usr/lib/postgresql/15/bin/$1" ]; then
        echo "/usr/lib/postgresql/15/bin/$1"
    else
        echo "no $1 on PATH or in /usr/lib/postgresql/15/bin (install postgresql-15)" >&2
        exit 1
    fi
}
INITDB=$(pg_bin initdb)
PG_CTL=$(pg_bin pg_ctl)

export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1
export GOCACHE="${GOCACHE:-$CARGO_TARGET_DIR/go-cache}"
export GOPATH="${GOPATH:-$CARGO_TARGET_DIR/go-path}"
export PKG_CONFIG_PATH="$CARGO_TARGET_DIR/pkgconfig"

step "libprana_webhook and the in-tree prana_webhook.pc"
make go-dev-pc
go version
pkg-config --cflags --libs prana_webhook

step "gofmt, go vet and go test -race in go/"
unformatted=$(gofmt -l go)
if [ -n "$unformatted" ]; then
    echo "not gofmt-formatted:" >&2
    echo "$unformatted" >&2
    exit 1
fi
(cd go && go vet ./... && go test -race -count=1 ./...)

tmp=$(mktemp -d)
pgdata="$tmp/pgdata"
cleanup() {
    if [ -f "$pgdata/postmaster.pid" ]; then
        as_pg "$PG_CTL" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# initdb refuses to run as root: run the cluster as the postgres user then.
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$tmp"
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

step "throwaway PostgreSQL cluster in $tmp"
as_pg "$INITDB" -D "$pgdata" -U postgres --auth=trust --no-sync -E UTF8 >/dev/null
as_pg "$PG_CTL" -D "$pgdata" -w -l "$tmp/postgres.log" \
    -o "-c listen_addresses='' -k $tmp -p 54329 -c fsync=off -c max_connections=200" start >/dev/null
export PRANA_TEST_POSTGRES_DSN="host=$tmp port=54329 user=postgres dbname=postgres sslmode=disable"
echo "PostgreSQL $(as_pg "$PG_CTL" --version | awk '{print $3}') on $tmp/.s.PGSQL.54329"

# A copy of a module's go.mod with the Debian lib/pq replace added.
modfile_with_pq() {
    local dir=$1 out
    out="$tmp/mod-$(basename "$dir")"
    mkdir -p "$out"
    cp "$dir/go.mod" "$out/go.mod"
    # The copy lives elsewhere: make the relative replace absolute.
    sed -i "s#=> \.\./\.\./\?\$#=> $ROOT/go#; s#=> \.\./\?\$#=> $ROOT/go#" "$out/go.mod"
    printf '\nreplace github.com/lib/pq => %s\n' "$PQ_DIR" >>"$out/go.mod"
    echo "$out/go.mod"
}

step "go vet and go test -race of go/pgtest against PostgreSQL"
mf=$(modfile_with_pq go/pgtest)
(cd go/pgtest && go vet -modfile="$mf" ./... && go test -modfile="$mf" -race -count=1 -v ./...)

step "go vet and build of go/examples/approval"
mf=$(modfile_with_pq go/examples/approval)
(cd go/examples/approval && go vet -modfile="$mf" ./... && go build -modfile="$mf" -o "$tmp/approval" .)
test -x "$tmp/approval"

echo
echo "test-go: $steps passed, 0 failed"
