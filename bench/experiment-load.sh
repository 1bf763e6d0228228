#!/usr/bin/env bash
# Experiments at speed (issue 19): one experiment of 1,000 items at concurrency 16 against a fake OpenAI provider
# that answers every request after 300 ms (the goal: within 10% of 1,000 × 0.3 s ÷ 16 = 18.75 s), then the added
# latency of live executions alone and while two such experiments run at once (the goal: at most +20%).
# The packaged service runs with the in-process runtime on a fresh database of the local PostgreSQL (no Redis); the
# fake provider and the driver (bench/experiment-load/ExperimentLoad.java, a single-file program on the class path of
# bench/execute-load, which holds the runtime's FakeProvider) run in one JVM.
# Needs: a JDK 25 (JAVA_HOME), PostgreSQL on 127.0.0.1:5432 (postgres, trust) with psql, curl.
# Usage: bench/experiment-load.sh    Environment: ITEMS (1000), PROVIDER_DELAY_MS (300), LIVE_CLIENTS (4),
#        LIVE_SECONDS (15), SERVICE_ENV (extra service environment, e.g. EXPERIMENT_MAX_CONCURRENT_EXECUTIONS=32),
#        SERVICE_PORT (18380), BENCH_SKIP_BUILD=1 to reuse the last build.
# shellcheck disable=SC2086
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java=$JAVA_HOME/bin/java
target=bench/execute-load/target
port=${SERVICE_PORT:-18380}
if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  ./mvnw -q -ntp package dependency:build-classpath -DskipTests -Dmaven.jar.forceCreation=true \
    -Dmdep.outputFile=target/classpath.txt -pl api,bench/execute-load -am
fi
mkdir -p "$target"
cp api/target/promptline-api.jar "$target/promptline-api-experiments.jar"
database=promptline_bench_experiments_$$
service=
cleanup() {
  if [[ -n $service ]]; then kill -TERM "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; fi
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
}
trap cleanup EXIT
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database"
log=$target/experiment-service.log
env DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database" MODEL_ALLOWED_HOSTS=127.0.0.1 \
  PROMPTLINE_BENCH_PROVIDER_KEY=bench RATE_LIMIT_PER_MINUTE=1000000000 RATE_LIMIT_BURST=1000000000 PORT="$port" \
  MANAGEMENT_PORT=$((port + 1)) LOG_LEVEL=WARN ${SERVICE_ENV:-} \
  "$java" -Xmx512m -XX:+ExitOnOutOfMemoryError -jar "$target/promptline-api-experiments.jar" >"$log" 2>&1 &
service=$!
for _ in $(seq 1 180); do
  curl -sf "127.0.0.1:$port/ready" >/dev/null && break
  kill -0 "$service" 2>/dev/null || { tail -50 "$log"; exit 1; }
  sleep 1
done
key=$(grep -o 'pl_[a-z0-9]\{12\}_[A-Za-z0-9_-]\{43\}' "$log" | head -1)
timeout 20m "$java" -Xmx1g -cp "$target/classes:$(cat $target/classpath.txt)" \
  bench/experiment-load/ExperimentLoad.java "http://127.0.0.1:$port" "$key"
