#!/usr/bin/env bash
# Load-tests reading a prompt (GET /api/v1/prompts/{id}) with the Redis cache warm and with no Redis, and adding
# versions, against the packaged api service; plus a bare Redis GET for comparison.
# Needs: ./mvnw package -DskipTests, wrk and redis-benchmark, PostgreSQL and Redis on localhost, jq.
# Usage: bench/http-prompts.sh [duration, default 20s]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
port=18180
prompt_body='{"name":"NAME","template":{"format":"chat","messages":[{"role":"system","content":"You triage tickets for {{product}}."},{"role":"user","content":"{{ticket}}"}]}}'

run_service() { # $1: redis url or empty
  local database=promptline_bench_$RANDOM
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database"
  log=$(mktemp)
  # Rate limits are raised: this measures the read and write paths, not the limiter's refusals.
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/$database REDIS_URL=$1 REDIS_KEY_PREFIX=bench:$RANDOM: \
    RATE_LIMIT_PER_MINUTE=100000000 RATE_LIMIT_BURST=100000000 PORT=$port MANAGEMENT_PORT=$((port + 1)) \
    "$java" -jar api/target/promptline-api.jar >"$log" 2>&1 &
  service=$!
  for _ in $(seq 1 120); do curl -sf "localhost:$port/ready" >/dev/null && break; sleep 1; done
  BENCH_KEY=$(grep -o 'pl_[a-z0-9]\{12\}_[A-Za-z0-9_-]\{43\}' "$log" | head -1)
  export BENCH_KEY
}

stop_service() {
  kill -TERM "$service"; wait "$service" || true; rm -f "$log"
}

create_prompt() { # $1: name
  curl -s -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
    -d "${prompt_body/NAME/$1}" "localhost:$port/api/v1/prompts" | jq -r .id
}

read_prompt() { # $1: label of the run
  local id; id=$(create_prompt "read-$RANDOM")
  local url="http://127.0.0.1:$port/api/v1/prompts/$id"
  # Warm-up: on 2 cores the JIT needs about half a minute before the figures settle.
  wrk -t2 -c16 -d30s -H "Authorization: Bearer $BENCH_KEY" "$url" >/dev/null
  for connections in 16 128; do
    echo "## GET /api/v1/prompts/{id}, $1, $connections connections, $duration"
    wrk -t2 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $BENCH_KEY" "$url" \
      | grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
  done
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, wrk, redis-benchmark and the service on the same machine"
echo "## bare Redis GET (redis-benchmark, 16 clients)"
redis-benchmark -q -t get -c 16 -n 200000 | tr '\r' '\n' | grep -E '^GET' | tail -1

run_service redis://127.0.0.1:6379
read_prompt "Redis cache warm"
ids=()
for n in $(seq 1 16); do ids+=("$(create_prompt "write-$n-$RANDOM")"); done
echo "## POST /api/v1/prompts/{id}/versions, 16 writers on 16 prompts, $duration"
wrk -t16 -c16 -d"$duration" --latency -s bench/versions.lua "http://127.0.0.1:$port" -- "${ids[@]}" \
  | grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
stop_service

run_service ""
read_prompt "no Redis (PostgreSQL only)"
stop_service
