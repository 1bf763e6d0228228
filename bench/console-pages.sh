#!/usr/bin/env bash
# Console pages under load with a large execution history (issue 21's speed targets): each page's latency with
# 100,000 executions, then the executions list paged at depths up to 1,000,000 rows. Against the packaged api service
# on a fresh database; the executions are written with SQL (spread over 30 days, 5% failed, over three prompts).
# Needs: ./mvnw package -DskipTests, wrk, PostgreSQL and Redis on localhost, jq, curl.
# Usage: bench/console-pages.sh [duration per page, default 15s] [connections, default 4]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15s}
connections=${2:-4}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
port=18280
base=http://127.0.0.1:$port
database=promptline_console_bench_$RANDOM
sql() { psql -h 127.0.0.1 -U postgres -d "$database" -qtAX -c "$1"; }

psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database"
log=$(mktemp)
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$database REDIS_URL=redis://127.0.0.1:6379 \
  REDIS_KEY_PREFIX=bench:$RANDOM: RATE_LIMIT_PER_MINUTE=100000000 RATE_LIMIT_BURST=100000000 \
  PORT=$port MANAGEMENT_PORT=$((port + 1)) "$java" -jar api/target/promptline-api.jar >"$log" 2>&1 &
service=$!
cleanup() {
  if kill -TERM "$service" 2>/dev/null; then wait "$service" || true; fi
  rm -f "$log" /tmp/console-bench-cookies.$$
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database" || true
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf "$base/ready" >/dev/null && break; sleep 1; done
key=$(grep -o 'pl_[a-z0-9]\{12\}_[A-Za-z0-9_-]\{43\}' "$log" | head -1)
api() { curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }

model=$(api -d '{"provider":"echo","name":"echo","providerModelId":"echo"}' "$base/api/v1/models" | jq -r .id)
prompts=()
for name in support-triage billing-summary release-notes; do
  prompts+=("$(api -d '{"name":"'$name'","modelId":"'"$model"'","template":{"format":"text","text":"Answer {{ticket}}"}}' \
    "$base/api/v1/prompts" | jq -r .id)")
done
organization=$(sql "SELECT organization_id FROM prompts LIMIT 1")

seed() { # $1: how many executions to add, spread over the last 30 days
  sql "INSERT INTO executions (id, organization_id, prompt_id, prompt_version_id, model_id, provider, provider_model_id,
         input, output, tokens_input, tokens_output, latency_ms, cost_usd, status, error_code, error_message,
         created_at, started_at, finished_at)
       SELECT gen_random_uuid(), '$organization', v.prompt_id, v.id, '$model', 'echo', 'echo',
              '{\"ticket\": \"My invoice is wrong\"}', 'Answer My invoice is wrong', 120, 8,
              (40 + random() * 2000)::int, 0.00012, CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'succeeded' END,
              CASE WHEN i % 20 = 0 THEN 'provider_error' END, CASE WHEN i % 20 = 0 THEN 'HTTP 503' END,
              at, at, at + interval '1 second'
       FROM (SELECT i, now() - random() * interval '30 days' AS at FROM generate_series(1, $1) AS i) AS t
       JOIN LATERAL (SELECT id, prompt_id FROM prompt_versions
                     WHERE prompt_id = (ARRAY['${prompts[0]}', '${prompts[1]}', '${prompts[2]}']::uuid[])[1 + i % 3]
                     LIMIT 1) AS v ON true"
  sql "ANALYZE executions"
}

# Sign in as a browser would: the CSRF cookie and token from the page, then the form.
jar=/tmp/console-bench-cookies.$$
token=$(curl -s -c "$jar" "$base/console/sign-in" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "apiKey=$key" --data-urlencode "_csrf=$token" "$base/console/sign-in"
session=$(awk '$6 == "promptline_console" {print $7}' "$jar")
cookie="Cookie: promptline_console=$session"

measure() { # $1: label, $2: path
  printf '| %s | ' "$1"
  wrk -t2 -c"$connections" -d"$duration" -s bench/console.lua -H "$cookie" "$base$2" | tail -1 | tr -d '\n'
  echo ' |'
}

seed 100000
execution=$(sql "SELECT id FROM executions ORDER BY created_at DESC LIMIT 1")
echo "# $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); wrk, PostgreSQL, Redis and the service on this machine"
echo "## 100,000 executions: each page, $connections connections, $duration (after a 20 s warm-up of every page)"
for path in /console/dashboard /console/executions /console/prompts "/console/prompts/${prompts[0]}" \
  "/console/executions/$execution" /console/models; do
  wrk -t2 -c"$connections" -d4s -H "$cookie" "$base$path" >/dev/null
done
wrk -t2 -c"$connections" -d"$duration" -H "$cookie" "$base/console/dashboard" >/dev/null
measure "dashboard" /console/dashboard
measure "dashboard, one prompt" "/console/dashboard?promptId=${prompts[0]}"
measure "executions, first page" /console/executions
measure "executions, failed only" "/console/executions?status=failed"
measure "executions, one prompt" "/console/executions?promptId=${prompts[1]}"
measure "executions, one model" "/console/executions?modelId=$model"
measure "an execution" "/console/executions/$execution"
measure "prompts" /console/prompts
measure "a prompt" "/console/prompts/${prompts[0]}"
measure "models" /console/models

seed 900000
echo "## 1,000,000 executions: the executions list at a depth of N rows (a page token for the row N, as the Older link gives)"
token_at() { # $1: offset, $2: extra SQL condition
  sql "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || '/' || id FROM executions
       WHERE organization_id = '$organization' $2 ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1" \
    | tr -d '\n' | base64 -w0 | tr '+/' '-_' | tr -d '='
}
for depth in 0 10000 100000 500000 999000; do
  measure "executions at row $depth" "/console/executions?pageToken=$(token_at $depth '')"
done
measure "failed only, at failed row 45,000" "/console/executions?status=failed&pageToken=$(token_at 45000 "AND status = 'failed'")"
measure "one model, at row 900,000" "/console/executions?modelId=$model&pageToken=$(token_at 900000 '')"
measure "dashboard" /console/dashboard
