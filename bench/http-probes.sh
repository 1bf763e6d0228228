#!/usr/bin/env bash
# Load-tests the probe endpoints of the packaged api service with wrk, at 16 and 128 connections.
# Needs: a built jar (./mvnw package -DskipTests), wrk (apt-get install wrk), a PostgreSQL server and Redis.
# Usage: bench/http-probes.sh [duration, default 20s]
# Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/promptline_bench, created if missing),
#              BENCH_REDIS_URL (default redis://127.0.0.1:6379), JAVA_HOME (a JDK 25).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
database_url=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/promptline_bench}
redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
port=18180

psql "${database_url%/*}/postgres" -qtc "SELECT 1 FROM pg_database WHERE datname = '${database_url##*/}'" | grep -q 1 \
  || psql "${database_url%/*}/postgres" -qc "CREATE DATABASE ${database_url##*/}"

log=$(mktemp)
DATABASE_URL=$database_url REDIS_URL=$redis_url PORT=$port MANAGEMENT_PORT=$((port + 1)) \
  "$java" -jar api/target/promptline-api.jar >"$log" 2>&1 &
service=$!
trap 'kill -TERM $service; wait $service || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do curl -sf "localhost:$port/ready" >/dev/null && break; sleep 1; done

echo "# $(date -u +%FT%TZ), $(nproc) cores, wrk and the service on the same machine"
for path in /health /ready; do
  wrk -t2 -c16 -d30s "http://127.0.0.1:$port$path" >/dev/null   # warm-up: JIT, pool
  for connections in 16 128; do
    echo "## GET $path, $connections connections, $duration"
    wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$path" \
      | grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
  done
done
