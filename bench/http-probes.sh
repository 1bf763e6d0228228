#!/usr/bin/env bash
# Load-tests the request path of the packaged api service with wrk, at 16 and 128 connections: the probes (/health,
# /ready) and a cached prompt read with a valid API key (GET /api/v1/prompts/{id}: authentication, rate limit, the
# in-memory cache tier, JSON out). Prints req/s, p50/p90/p99 and the service's CPU per request (from /proc).
# Needs: a built jar (./mvnw -q package -DskipTests -pl api -am), wrk (apt-get install wrk), curl, jq, a PostgreSQL
# server and Redis.
# Usage: bench/http-probes.sh [duration, default 20s] [jar ...]
#   Several jars (say a copy of the jar before a change, and after it) run one after the other in the same run, each
#   against the same database and Redis, BENCH_ROUNDS times (default 1), alternating, so both see the same machine.
# Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/promptline_bench, created if missing),
#              BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_WARMUP (default 30s per path),
#              BENCH_PATHS (default "/health /ready prompt"), BENCH_ROUNDS (default 1), JAVA_HOME (a JDK 25),
#              BENCH_JAVA_OPTS (extra JVM options, e.g. a JFR recording).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
shift || true
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=(api/target/promptline-api.jar)
database_url=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/promptline_bench}
redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
warmup=${BENCH_WARMUP:-30s}
paths=${BENCH_PATHS:-/health /ready prompt}
rounds=${BENCH_ROUNDS:-1}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
port=18180
operator_key=bench-operator-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
prompt_body='{"name":"probe-read","template":{"format":"chat","messages":[{"role":"system","content":"You triage tickets for {{product}}."},{"role":"user","content":"{{ticket}}"}]}}'
ticks=$(getconf CLK_TCK)

psql "${database_url%/*}/postgres" -qtc "SELECT 1 FROM pg_database WHERE datname = '${database_url##*/}'" | grep -q 1 \
  || psql "${database_url%/*}/postgres" -qc "CREATE DATABASE ${database_url##*/}"

service=
log=$(mktemp)
stop_service() {
  if [ -n "$service" ]; then kill -TERM "$service"; wait "$service" || true; service=; fi
}
trap 'stop_service; rm -f "$log"' EXIT

cpu_ticks() { # user + system ticks of the service process
  awk '{print $14 + $15}' "/proc/$service/stat"
}

start_service() { # $1: jar
  # Rate limits are raised: this measures the path, not the limiter's refusals (its Redis round trip is still made).
  # shellcheck disable=SC2086
  DATABASE_URL=$database_url REDIS_URL=$redis_url REDIS_KEY_PREFIX=bench:$RANDOM: PORT=$port \
    MANAGEMENT_PORT=$((port + 1)) OPERATOR_API_KEY=$operator_key \
    RATE_LIMIT_PER_MINUTE=100000000 RATE_LIMIT_BURST=100000000 \
    "$java" ${BENCH_JAVA_OPTS:-} -jar "$1" >"$log" 2>&1 &
  service=$!
  for _ in $(seq 1 120); do curl -sf "localhost:$port/ready" >/dev/null && break; sleep 1; done
}

# An organization of its own (through the operator API), its owner's key, and one prompt to read.
create_prompt() {
  local slug=bench-$RANDOM$RANDOM
  key=$(curl -sf -H "Authorization: Bearer $operator_key" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Bench\",\"slug\":\"$slug\",\"owner\":{\"email\":\"owner@$slug.example\"}}" \
    "localhost:$port/operator/v1/organizations" | jq -r .key)
  prompt_id=$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "$prompt_body" "localhost:$port/api/v1/prompts" | jq -r .id)
}

measure() { # $1: label, $2: url, $3...: wrk options
  local label=$1 url=$2
  shift 2
  wrk -t2 -c16 -d"$warmup" "$@" "$url" >/dev/null # warm-up: JIT, pools, caches
  for connections in 16 128; do
    local before after out requests
    before=$(cpu_ticks)
    out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@" "$url")
    after=$(cpu_ticks)
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "## $label, $connections connections, $duration"
    echo "$out" | grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
    echo "  service CPU: $(awk -v t=$((after - before)) -v n="$requests" -v hz="$ticks" \
      'BEGIN {printf "%.1f µs per request", t / hz * 1e6 / n}')"
  done
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, wrk and the service on the same machine"
for round in $(seq 1 "$rounds"); do
  for jar in "${jars[@]}"; do
    echo "# round $round: $jar"
    start_service "$jar"
    for path in $paths; do
      if [ "$path" = prompt ]; then
        create_prompt
        measure "GET /api/v1/prompts/{id} (cached, valid key)" "http://127.0.0.1:$port/api/v1/prompts/$prompt_id" \
          -H "Authorization: Bearer $key"
      else
        measure "GET $path" "http://127.0.0.1:$port$path"
      fi
    done
    stop_service
  done
done
