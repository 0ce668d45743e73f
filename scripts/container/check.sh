#!/usr/bin/env bash
# Builds the container image from the Dockerfile with podman and proves it on a machine that
# reaches no container registry: the base is the stand-in from base-image.sh (Debian 13 from
# debootstrap, Node from the npm registry). Then it runs the container the way docs/deploy.md says
# and checks: /health and the image's HEALTHCHECK, the admin key in the log, a mounted read-only
# config, a full approval round trip over the published port, `exec greenlight keys ...` beside
# the server as uid 1000, /app not writable, the online SQLite backup from docs/deploy.md, a stop
# (SIGTERM) that answers the waiting agent and exits 0, and a restart on the same volume that
# keeps the data and prints no new key. It prints the image's size.
#
#   scripts/container/check.sh            # about 10 minutes the first time (debootstrap, compile)
#
# Not part of `npm test`: it needs root, podman and several minutes. test/deploy proves the same
# file tree and start-up without containers. Environment:
#   PODMAN         podman command with global options (default: runc and cgroupfs, which work in
#                  a VM with hybrid cgroups where crun does not)
#   RUN_LIMITS     ulimits for build and run (default: below this machine's hard limits; podman's
#                  own defaults need CAP_SYS_RESOURCE)
#   CA_FILE        a CA bundle to hand npm as a build secret, behind a TLS-inspecting proxy
#                  (default: $NODE_EXTRA_CA_CERTS when set)
#   KEEP=1         leave the container and its volume for a look afterwards
set -euo pipefail
cd "$(dirname "$0")/../.."

PODMAN="${PODMAN:-podman --runtime runc --cgroup-manager cgroupfs}"
RUN_LIMITS="${RUN_LIMITS:---ulimit nofile=4096:4096 --ulimit nproc=4096:4096}"
CA_FILE="${CA_FILE:-${NODE_EXTRA_CA_CERTS:-}}"
IMAGE="${IMAGE:-localhost/greenlight:check}"
BASE_TAG="${BASE_TAG:-localhost/greenlight-base:node26-trixie}"
NAME="greenlight-check-$$"
VOLUME="$NAME-data"
PORT="${PORT:-18787}"
URL="http://127.0.0.1:$PORT"
work="$(mktemp -d)"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; $PODMAN logs "$NAME" 2>&1 | tail -30 >&2 || true; exit 1; }
cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then
    timeout 60 $PODMAN rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
    timeout 60 $PODMAN volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# curl with a deadline; prints the body, fails on no answer.
http() { timeout 70 curl -sS --max-time 65 "$@"; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));process.stdout.write(typeof v==="object"?JSON.stringify(v):String(v))})' "$1"; }

step "base image $BASE_TAG"
BASE_TAG="$BASE_TAG" PODMAN="$PODMAN" scripts/container/base-image.sh

step "docker build (podman), NODE_IMAGE=$BASE_TAG"
secret=()
[ -n "$CA_FILE" ] && secret=(--secret "id=ca,src=$CA_FILE")
start=$(date +%s)
# Docker's image format: the OCI one has no HEALTHCHECK.
timeout 2400 $PODMAN build --format docker --pull=never $RUN_LIMITS "${secret[@]}" --build-arg "NODE_IMAGE=$BASE_TAG" -t "$IMAGE" . >"$work/build.log" 2>&1 || {
  tail -40 "$work/build.log" >&2
  fail "the build"
}
echo "built in $(($(date +%s) - start)) s"
base_size=$($PODMAN image inspect "$BASE_TAG" --format '{{.Size}}')
size=$($PODMAN image inspect "$IMAGE" --format '{{.Size}}')
echo "image size: $((size / 1000000)) MB (the base: $((base_size / 1000000)) MB; Greenlight adds $(((size - base_size) / 1000000)) MB)"
[ "$($PODMAN image inspect "$IMAGE" --format '{{.Config.User}}')" = "1000:1000" ] || fail "the image's user is not 1000:1000"

step "run: volume, published port, read-only config file"
printf 'policy:\n  allow: ["Bash(git *)"]\nserver:\n  shutdown_grace_sec: 5\n' >"$work/greenlight.yaml"
chmod 0444 "$work/greenlight.yaml"
timeout 120 $PODMAN run -d $RUN_LIMITS --name "$NAME" -p "127.0.0.1:$PORT:8787" -v "$VOLUME:/data" \
  -v "$work/greenlight.yaml:/etc/greenlight/greenlight.yaml:ro" -e GREENLIGHT_CONFIG=/etc/greenlight/greenlight.yaml \
  -e "GREENLIGHT_PUBLIC_URL=$URL" "$IMAGE" >/dev/null || fail "podman run"
for _ in $(seq 1 60); do
  http -o /dev/null "$URL/health" 2>/dev/null && break
  sleep 1
done
http "$URL/health" >/dev/null || fail "/health did not answer within 60 s"
echo "/health: $(http "$URL/health")"
timeout 60 $PODMAN healthcheck run "$NAME" || fail "the image's HEALTHCHECK"
echo "HEALTHCHECK: healthy"
ADMIN=$($PODMAN logs "$NAME" 2>&1 | sed -n 's/^    \(glx_[^ ]*\)$/\1/p' | head -1)
[ -n "$ADMIN" ] || fail "no admin key in the log"
echo "admin key printed in the log"
[ "$(timeout 30 $PODMAN exec "$NAME" id -u)" = 1000 ] || fail "the server does not run as uid 1000"
timeout 30 $PODMAN exec "$NAME" sh -c 'touch /app/x 2>/dev/null' && fail "/app is writable by the server"
echo "runs as uid 1000; /app is read-only to it"

step "policy from the mounted file"
trace=$(http -X POST "$URL/v1/policy/evaluate" -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"action":"Bash(git status && rm -rf /)"}' | json trace)
echo "dry run trace: $trace"
echo "$trace" | grep -q allow || fail "the allow rule from the mounted file did not apply"

step "approval round trip"
AGENT=$(http -X POST "$URL/v1/keys" -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' -d '{"role":"agent","name":"check-agent"}' | json key)
APPROVER=$(timeout 60 $PODMAN exec "$NAME" greenlight keys create --role approver --name check-approver --quiet) || fail "keys create in the container"
ID=$(http -X POST "$URL/v1/requests" -H "Authorization: Bearer $AGENT" -H 'content-type: application/json' \
  -d '{"title":"Deploy webapp","action_type":"deploy","preview":"kubectl apply -f prod.yaml"}' | json id)
http "$URL/v1/requests/$ID/wait?timeout_sec=60" -H "Authorization: Bearer $AGENT" >"$work/wait.json" &
waiter=$!
code=$(http -o /dev/null -w '%{http_code}' -X POST "$URL/v1/requests/$ID/decision" -H "Authorization: Bearer $APPROVER" \
  -H 'content-type: application/json' -d '{"outcome":"approved","comment":"go"}')
[ "$code" = 200 ] || fail "the decision answered $code"
wait "$waiter"
[ "$(json status <"$work/wait.json")" = approved ] || fail "the waiting agent got $(cat "$work/wait.json")"
echo "request $ID: filed, waited on, approved by an approver key made with 'exec greenlight keys create'"

step "online SQLite backup (docs/deploy.md)"
timeout 60 $PODMAN exec "$NAME" node -e "const Database = require('/app/node_modules/better-sqlite3'); new Database('/data/greenlight.db', { readonly: true }).backup('/data/backup.db').then(() => console.log('backup written'))" || fail "the backup"
rows=$(timeout 60 $PODMAN exec "$NAME" node -e "const Database = require('/app/node_modules/better-sqlite3'); console.log(new Database('/data/backup.db', { readonly: true }).prepare('select count(*) as n from requests where id = ?').get('$ID').n)")
[ "$rows" = 1 ] || fail "the backup lacks the request"
echo "the backup holds request $ID"

step "stop (SIGTERM) with an agent waiting"
ID2=$(http -X POST "$URL/v1/requests" -H "Authorization: Bearer $AGENT" -H 'content-type: application/json' -d '{"title":"Wait through a stop","action_type":"deploy"}' | json id)
http "$URL/v1/requests/$ID2/wait?timeout_sec=60" -H "Authorization: Bearer $AGENT" >"$work/wait2.json" &
waiter=$!
for _ in $(seq 1 50); do
  http "$URL/metrics" | grep -q '^greenlight_waiters [1-9]' && break
  sleep 0.1
done
start=$(date +%s)
timeout 60 $PODMAN stop -t 30 "$NAME" >/dev/null || fail "podman stop"
wait "$waiter" || true
echo "stopped in $(($(date +%s) - start)) s; exit code $($PODMAN inspect "$NAME" --format '{{.State.ExitCode}}')"
[ "$($PODMAN inspect "$NAME" --format '{{.State.ExitCode}}')" = 0 ] || fail "the container did not exit 0"
$PODMAN logs "$NAME" 2>&1 | grep -q 'Greenlight stopped.' || fail "no clean shutdown in the log"
[ "$(json error.code <"$work/wait2.json")" = SHUTTING_DOWN ] || fail "the waiting agent got $(cat "$work/wait2.json")"
echo "the waiting agent was answered SHUTTING_DOWN; the server logged a clean stop"

step "start again on the same volume"
timeout 60 $PODMAN start "$NAME" >/dev/null || fail "podman start"
for _ in $(seq 1 60); do
  http -o /dev/null "$URL/health" 2>/dev/null && break
  sleep 1
done
[ "$($PODMAN logs "$NAME" 2>&1 | grep -c 'First run')" = 1 ] || fail "a second admin key was printed"
[ "$(http "$URL/v1/requests/$ID" -H "Authorization: Bearer $ADMIN" | json status)" = approved ] || fail "the request is gone"
echo "same data, no new admin key"

printf '\nALL CHECKS PASSED (image %s)\n' "$IMAGE"
