#!/usr/bin/env bash
# Runs compose.yaml for real with Docker Compose over podman's Docker-compatible API, on a machine
# that reaches no container registry, and checks what docs/deploy.md promises:
#   - `docker compose up -d`: one instance on SQLite, its admin key in the log, a round trip;
#   - `docker compose --profile postgres up -d proxy`: PostgreSQL, a password made at random, two
#     instances (not the SQLite one) behind Caddy on HTTPS; a request waited on in one instance
#     and decided in the other; traffic through the proxy while one instance is stopped.
#
#   scripts/container/compose-check.sh     # after check.sh (it builds the Greenlight image)
#
# What differs from a Docker host, and why:
#   - postgres:17 and caddy:2 cannot be pulled: stand-ins are built from the same Debian base with
#     Debian's postgresql-17 and caddy packages, and an entrypoint that does what the official
#     postgres image's does for the variables compose.yaml sets (POSTGRES_USER, POSTGRES_DB,
#     POSTGRES_PASSWORD_FILE). The run uses a copy of compose.yaml with those two image names and
#     the host ports changed (printed as a diff), from the repository as its project directory.
#   - podman runs health checks from systemd timers, which this machine does not have: a loop
#     here runs `podman healthcheck run` every 2 s, as Docker's daemon would.
# Needs root, podman, docker-compose (Debian's 1.29) and curl. Every step is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"

PODMAN="${PODMAN:-podman --runtime runc --cgroup-manager cgroupfs}"
RUN_LIMITS="${RUN_LIMITS:---ulimit nofile=4096:4096 --ulimit nproc=4096:4096}"
IMAGE="${IMAGE:-localhost/greenlight:check}"
BASE_TAG="${BASE_TAG:-localhost/greenlight-base:node26-trixie}"
PG_IMAGE=localhost/greenlight-standin-postgres:17
CADDY_IMAGE=localhost/greenlight-standin-caddy:2
PROJECT="glcheck$$"
work="$(mktemp -d)"
SOCK="$work/podman.sock"
export DOCKER_HOST="unix://$SOCK" COMPOSE_HTTP_TIMEOUT=120
service_pid=""
health_pid=""

step() { printf '\n== %s\n' "$*"; }
dc() { timeout 300 docker-compose --project-name "$PROJECT" --project-directory "$REPO" --file "$work/compose.yaml" "$@"; }
fail() {
  printf 'FAILED: %s\n' "$*" >&2
  dc --profile postgres logs --tail=30 >&2 2>&1 || true
  exit 1
}
cleanup() {
  dc --profile postgres down --volumes --timeout 5 >/dev/null 2>&1 || true
  [ -n "$health_pid" ] && kill "$health_pid" 2>/dev/null || true
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
http() { timeout 70 curl -sS --max-time 65 "$@"; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));process.stdout.write(typeof v==="object"?JSON.stringify(v):String(v))})' "$1"; }
until_ok() { # until_ok SECONDS WHAT COMMAND...
  local deadline=$(($(date +%s) + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what (waited ${deadline}s)"
    sleep 1
  done
}

$PODMAN image exists "$IMAGE" || fail "$IMAGE is missing: run scripts/container/check.sh first"
$PODMAN tag "$IMAGE" localhost/greenlight:local

step "stand-ins for postgres:17 and caddy:2 (Debian packages on $BASE_TAG)"
mkdir -p "$work/pg" "$work/caddy"
cat >"$work/pg/entrypoint.sh" <<'EOF'
#!/bin/sh
# What the official postgres image's entrypoint does for POSTGRES_USER, POSTGRES_DB and
# POSTGRES_PASSWORD_FILE: a new cluster with that superuser, password and database, then the server.
set -eu
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 0700 "$PGDATA"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  as_pg initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$POSTGRES_PASSWORD_FILE" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  as_pg pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  as_pg psql -q -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\""
  as_pg pg_ctl -D "$PGDATA" -w stop >/dev/null
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" -c listen_addresses='*'
EOF
chmod +x "$work/pg/entrypoint.sh"
cat >"$work/pg/Containerfile" <<EOF
FROM $BASE_TAG
RUN mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf \\
 && apt-get update && apt-get install -y --no-install-recommends postgresql-17 && rm -rf /var/lib/apt/lists/*
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PGDATA=/var/lib/postgresql/data
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
EOF
cat >"$work/caddy/Containerfile" <<EOF
FROM $BASE_TAG
RUN apt-get update && apt-get install -y --no-install-recommends caddy && rm -rf /var/lib/apt/lists/*
ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
EOF
timeout 900 $PODMAN build --format docker --pull=never $RUN_LIMITS -t "$PG_IMAGE" "$work/pg" >"$work/pg.log" 2>&1 || { tail -20 "$work/pg.log"; fail "the postgres stand-in"; }
timeout 900 $PODMAN build --format docker --pull=never $RUN_LIMITS -t "$CADDY_IMAGE" "$work/caddy" >"$work/caddy.log" 2>&1 || { tail -20 "$work/caddy.log"; fail "the caddy stand-in"; }
echo "built $PG_IMAGE and $CADDY_IMAGE"

step "podman's Docker API on $SOCK"
cat >"$work/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
CONTAINERS_CONF="$work/containers.conf" setsid podman system service --time=0 "unix://$SOCK" >"$work/service.log" 2>&1 &
service_pid=$!
until_ok 30 "podman's API socket" test -S "$SOCK"
( # Docker's daemon runs health checks; without systemd, podman needs someone to.
  while sleep 2; do
    for c in $($PODMAN ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}'); do
      $PODMAN healthcheck run "$c" >/dev/null 2>&1 || true
    done
  done
) &
health_pid=$!

sed -e "s|image: postgres:17|image: $PG_IMAGE|" -e "s|image: caddy:2|image: $CADDY_IMAGE|" \
  -e 's|"127.0.0.1:8787:8787"|"127.0.0.1:18787:8787"|' -e 's|"80:80"|"127.0.0.1:18080:80"|' -e 's|"443:443"|"127.0.0.1:18443:443"|' \
  compose.yaml >"$work/compose.yaml"
echo "compose.yaml as run here (diff against the repository's):"
diff compose.yaml "$work/compose.yaml" || true

step "docker compose up -d (SQLite)"
dc up -d --no-build 2>&1 | tail -3
until_ok 90 "/health of the SQLite instance" curl -sf --max-time 5 http://127.0.0.1:18787/health
running=$(dc ps --services --filter status=running | sort | tr '\n' ' ')
[ "$running" = "greenlight " ] || fail "running: $running"
ADMIN=$(dc logs --no-color greenlight 2>&1 | sed -n 's/.*|     \(glx_[^ ]*\)$/\1/p' | head -1)
[ -n "$ADMIN" ] || fail "no admin key in the log"
URL=http://127.0.0.1:18787
AGENT=$(http -X POST "$URL/v1/keys" -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' -d '{"role":"agent","name":"a"}' | json key)
APPROVER=$(dc exec -T greenlight greenlight keys create --role approver --name alice --quiet | tr -d '\r')
ID=$(http -X POST "$URL/v1/requests" -H "Authorization: Bearer $AGENT" -H 'content-type: application/json' -d '{"title":"compose sqlite","action_type":"deploy"}' | json id)
http "$URL/v1/requests/$ID/wait?timeout_sec=60" -H "Authorization: Bearer $AGENT" >"$work/wait.json" &
w=$!
http -o /dev/null -X POST "$URL/v1/requests/$ID/decision" -H "Authorization: Bearer $APPROVER" -H 'content-type: application/json' -d '{"outcome":"approved"}'
wait $w
[ "$(json status <"$work/wait.json")" = approved ] || fail "the waiter got $(cat "$work/wait.json")"
echo "only 'greenlight' runs; admin key in its log; round trip approved"
dc down --volumes --timeout 20 2>&1 | tail -1

step "docker compose --profile postgres up -d proxy"
dc --profile postgres up -d --no-build proxy 2>&1 | tail -6
until_ok 240 "Caddy's local CA" dc --profile postgres exec -T proxy test -s /data/caddy/pki/authorities/local/root.crt
dc --profile postgres exec -T proxy cat /data/caddy/pki/authorities/local/root.crt >"$work/root.crt"
HTTPS="https://localhost:18443"
hs() { http --cacert "$work/root.crt" "$@"; }
until_ok 120 "$HTTPS/health through Caddy" hs -f "$HTTPS/health"
running=$(dc --profile postgres ps --services --filter status=running | sort | tr '\n' ' ')
[ "$running" = "greenlight-1 greenlight-2 postgres proxy " ] || fail "running: $running"
pw=$(dc --profile postgres exec -T greenlight-1 cat /secrets/postgres-password)
[ "${#pw}" = 48 ] || fail "the generated password is ${#pw} characters"
echo "running: $running(no SQLite instance); a 48-character password made on first start"
ADMIN=$(dc --profile postgres logs --no-color greenlight-1 greenlight-2 2>&1 | sed -n 's/.*|     \(glx_[^ ]*\)$/\1/p')
[ "$(printf '%s\n' "$ADMIN" | grep -c .)" = 1 ] || fail "expected one admin key across both instances, got: $ADMIN"
echo "one admin key, printed by one of the two instances"
echo "/ready through the proxy: $(hs "$HTTPS/ready")"

# Waited on in greenlight-1, decided in greenlight-2: the decision crosses instances through PostgreSQL.
AGENT=$(hs -X POST "$HTTPS/v1/keys" -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' -d '{"role":"agent","name":"a"}' | json key)
APPROVER=$(hs -X POST "$HTTPS/v1/keys" -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' -d '{"role":"approver","name":"alice"}' | json key)
ID=$(hs -X POST "$HTTPS/v1/requests" -H "Authorization: Bearer $AGENT" -H 'content-type: application/json' -d '{"title":"compose postgres","action_type":"deploy"}' | json id)
in_container() { # in_container SERVICE METHOD PATH KEY [BODY]: an HTTP call made inside one instance
  dc --profile postgres exec -T "$1" node -e "fetch('http://127.0.0.1:8787' + process.argv[2], { method: process.argv[1], headers: { authorization: 'Bearer ' + process.argv[3], 'content-type': 'application/json' }, body: process.argv[4] || undefined }).then(async (r) => console.log(await r.text()))" "$2" "$3" "$4" "${5:-}"
}
in_container greenlight-1 GET "/v1/requests/$ID/wait?timeout_sec=60" "$AGENT" >"$work/wait.json" &
w=$!
until_ok 30 "the waiter on greenlight-1" sh -c "docker-compose --project-name $PROJECT --project-directory $REPO --file $work/compose.yaml --profile postgres exec -T greenlight-1 node -e \"fetch('http://127.0.0.1:8787/metrics').then(r=>r.text()).then(t=>process.exit(/^greenlight_waiters [1-9]/m.test(t)?0:1))\""
in_container greenlight-2 POST "/v1/requests/$ID/decision" "$APPROVER" '{"outcome":"approved","comment":"from the other instance"}' >/dev/null
wait $w
[ "$(json status <"$work/wait.json")" = approved ] || fail "the waiter on greenlight-1 got $(cat "$work/wait.json")"
echo "request $ID: waited on in greenlight-1, approved in greenlight-2, the waiter woke"

dc --profile postgres stop --timeout 20 greenlight-1 2>&1 | tail -1
for i in $(seq 1 10); do
  code=$(hs -o /dev/null -w '%{http_code}' "$HTTPS/v1/me" -H "Authorization: Bearer $ADMIN")
  [ "$code" = 200 ] || fail "request $i through the proxy with greenlight-1 stopped: $code"
done
echo "greenlight-1 stopped: 10 of 10 requests through the proxy answered by greenlight-2"

printf '\nALL COMPOSE CHECKS PASSED\n'
