#!/usr/bin/env bash
# Load-tests reading a leaderboard (GET /api/v1/benchmarks/{id}/leaderboard) against the packaged api service: served
# from its Redis copy, and with no Redis (PostgreSQL only); beside the cached prompt read and /health in the same run,
# so the figures compare as ratios. The board has 8 rows: 8 prompt versions of an echo-model prompt, each run as an
# experiment over a 3-item dataset and scored by exact match.
# Needs: ./mvnw package -DskipTests, wrk, PostgreSQL and Redis on localhost, curl and jq.
# Usage: bench/http-leaderboard.sh [duration, default 20s] [jar ...]
#   Several jars (a copy of the jar before a change, and after it) run one after the other, BENCH_ROUNDS times
#   (default 1), alternating, so that each sees the same machine. BENCH_NO_REDIS=0 skips the runs without Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
shift || true
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=(api/target/promptline-api.jar)
rounds=${BENCH_ROUNDS:-1}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
port=18190

run_service() { # $1: redis url or empty, $2: jar
  local database=promptline_bench_$RANDOM
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database"
  log=$(mktemp)
  # Rate limits are raised: this measures the read path, not the limiter's refusals.
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/$database REDIS_URL=$1 REDIS_KEY_PREFIX=bench:$RANDOM: \
    RATE_LIMIT_PER_MINUTE=100000000 RATE_LIMIT_BURST=100000000 PORT=$port MANAGEMENT_PORT=$((port + 1)) \
    "$java" -jar "$2" >"$log" 2>&1 &
  service=$!
  for _ in $(seq 1 120); do curl -sf "localhost:$port/ready" >/dev/null && break; sleep 1; done
  key=$(grep -o 'pl_[a-z0-9]\{12\}_[A-Za-z0-9_-]\{43\}' "$log" | head -1)
}

stop_service() {
  kill -TERM "$service"; wait "$service" || true; rm -f "$log"
}

api() { # method path [body]
  curl -sf -X "$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' ${3:+-d "$3"} "localhost:$port$2"
}

make_board() {
  local echo prompt dataset exact experiment
  echo=$(api POST /api/v1/models '{"provider":"echo","name":"echo","providerModelId":"echo"}' | jq -r .id)
  prompt=$(api POST /api/v1/prompts \
    '{"name":"bench","modelId":"'"$echo"'","template":{"format":"text","text":"{{answer}} 1"}}' | jq -r .id)
  for version in 2 3 4 5 6 7 8; do
    api POST "/api/v1/prompts/$prompt/versions" '{"baseVersion":'$((version - 1))',"modelId":"'"$echo"'",
      "template":{"format":"text","text":"{{answer}} '"$version"'"}}' >/dev/null
  done
  dataset=$(api POST /api/v1/datasets '{"name":"bench","items":[
    {"input":{"answer":"a"},"expectedOutput":"a 1"},{"input":{"answer":"b"},"expectedOutput":"b 2"},
    {"input":{"answer":"c"},"expectedOutput":"c 3"}]}' | jq -r .id)
  exact=$(api POST /api/v1/evaluators '{"name":"exact","type":"exact_match","config":{}}' | jq -r .id)
  board=$(api POST /api/v1/benchmarks '{"name":"bench","datasetId":"'"$dataset"'","datasetVersion":1,
    "metrics":[{"evaluatorId":"'"$exact"'","direction":"higher"}]}' | jq -r .id)
  for version in 1 2 3 4 5 6 7 8; do
    experiment=$(api POST /api/v1/experiments '{"promptId":"'"$prompt"'","promptVersion":'$version',
      "datasetId":"'"$dataset"'","evaluators":[{"evaluatorId":"'"$exact"'"}]}' | jq -r .id)
    until api GET "/api/v1/experiments/$experiment" | jq -e '.status == "completed"' >/dev/null; do sleep 0.5; done
  done
  rows=$(api GET "/api/v1/benchmarks/$board/leaderboard" | jq '.rows | length')
  [[ $rows == 8 ]] || { echo "expected 8 rows on the board, got $rows" >&2; exit 1; }
  prompt_url="http://127.0.0.1:$port/api/v1/prompts/$prompt"
  board_url="http://127.0.0.1:$port/api/v1/benchmarks/$board/leaderboard"
}

measure() { # $1: label of the run
  # Warm-up: on 2 cores the JIT needs about half a minute before the figures settle.
  wrk -t2 -c16 -d30s -H "Authorization: Bearer $key" "$board_url" >/dev/null
  wrk -t2 -c16 -d10s -H "Authorization: Bearer $key" "$prompt_url" >/dev/null
  for path in "$board_url" "$prompt_url" "http://127.0.0.1:$port/health"; do
    echo "## GET ${path#http://127.0.0.1:"$port"}, $1, 16 connections, $duration"
    wrk -t2 -c16 -d"$duration" --latency -H "Authorization: Bearer $key" "$path" \
      | grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
  done
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, wrk and the service on the same machine"
for round in $(seq 1 "$rounds"); do
  for jar in "${jars[@]}"; do
    echo "# round $round: $jar"
    run_service redis://127.0.0.1:6379 "$jar"
    make_board
    measure "Redis copy"
    stop_service
    if [[ ${BENCH_NO_REDIS:-1} != 0 ]]; then
      run_service "" "$jar"
      make_board
      measure "no Redis (PostgreSQL only)"
      stop_service
    fi
  done
done
