#!/usr/bin/env bash
# PostgreSQL + Redis for the scale-out and storage-backend tests (and for trying a replicated
# deployment locally). Installs the Debian packages when they are missing (root only), then starts
# both on loopback, on fixed non-default ports, with their data in a temporary directory:
#
#   PostgreSQL  postgres://postgres@127.0.0.1:55432/postgres   (trust auth, loopback only)
#   Redis       redis://127.0.0.1:56379
#
# The tests find them by probing these ports (or SWITCHYARD_TEST_PG_URL / SWITCHYARD_TEST_REDIS_URL),
# so `scripts/services.sh && npm test` works for a developer too. Idempotent: running servers are
# left alone.
#
#   scripts/services.sh [start]   install if missing, start, print the URLs as `export` lines
#   scripts/services.sh stop      stop both and remove the data directory
#   scripts/services.sh status    exit 0 when both answer
#
# Ports and directory: SWITCHYARD_PG_PORT (55432), SWITCHYARD_REDIS_PORT (56379),
# SWITCHYARD_SERVICES_DIR (${TMPDIR:-/tmp}/switchyard-services).
set -euo pipefail

PG_PORT="${SWITCHYARD_PG_PORT:-55432}"
REDIS_PORT="${SWITCHYARD_REDIS_PORT:-56379}"
DIR="${SWITCHYARD_SERVICES_DIR:-${TMPDIR:-/tmp}/switchyard-services}"
PGDATA="$DIR/pg"
REDIS_DIR="$DIR/redis"

log() { printf 'services: %s\n' "$*" >&2; }

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then printf '%s' "$d"; return 0; fi
  d="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
  [ -x "$d/initdb" ] && printf '%s' "$d"
}

have_pg() { [ -n "$(pg_bin)" ]; }
have_redis() { command -v redis-server >/dev/null 2>&1; }

install_missing() {
  local pkgs=()
  have_pg || pkgs+=(postgresql)
  have_redis || pkgs+=(redis-server)
  [ "${#pkgs[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing ${pkgs[*]} and not root: install them with: sudo apt-get install -y ${pkgs[*]}"
    return 1
  fi
  log "installing ${pkgs[*]} from the Debian archive"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${pkgs[@]}" >/dev/null; }
}

# Runs a command as the postgres user when we are root (initdb and postgres refuse to run as root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_up() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; }
redis_up() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

start_pg() {
  if pg_up; then log "PostgreSQL already answering on 127.0.0.1:$PG_PORT"; return 0; fi
  local bin; bin="$(pg_bin)"
  mkdir -p "$DIR"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    rm -rf "$PGDATA"
    mkdir -p "$PGDATA"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA" && chmod 755 "$DIR"
    as_pg "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --no-instructions >/dev/null
  fi
  as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
    -o "-p $PG_PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  log "PostgreSQL on 127.0.0.1:$PG_PORT (data $PGDATA)"
}

start_redis() {
  if redis_up; then log "Redis already answering on 127.0.0.1:$REDIS_PORT"; return 0; fi
  mkdir -p "$REDIS_DIR"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --daemonize yes \
    --dir "$REDIS_DIR" --save '' --appendonly no \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
  redis_up || { log "Redis did not start; see $REDIS_DIR/redis.log"; return 1; }
  log "Redis on 127.0.0.1:$REDIS_PORT (data $REDIS_DIR)"
}

stop_all() {
  local bin; bin="$(pg_bin || true)"
  if [ -n "$bin" ] && [ -s "$PGDATA/postmaster.pid" ]; then as_pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true; fi
  if [ -s "$REDIS_DIR/redis.pid" ]; then kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$DIR"
  log "stopped"
}

case "${1:-start}" in
  start)
    install_missing
    start_pg
    start_redis
    echo "export SWITCHYARD_TEST_PG_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    echo "export SWITCHYARD_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
    ;;
  stop) stop_all ;;
  status) pg_up && redis_up ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
