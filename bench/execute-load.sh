#!/usr/bin/env bash
# What the service adds to an execution: POST /api/v1/prompts/{id}/execute of the packaged service (-Xmx512m, the
# in-process runtime, a fresh database on the local PostgreSQL, the local Redis under its own key prefix), plain and
# streamed, against the same streamed completion sent straight to a fake OpenAI provider that answers at once, at 1,
# 16 and 128 concurrent clients; the same at 16 and 128 clients against a paced fake provider (first token after
# 300 ms, then 50 tokens/s), which leaves the cores unsaturated; then 1,000 slow streamed executions held open at
# once, their records and the service's memory. The fake provider and the load run in the driver's JVM.
# The peer in the same run: Portkey's open-source gateway (bench/portkey: @portkey-ai/gateway pinned with its lock file,
# installed with npm ci, started with --headless), sent the direct path's streamed request with the headers that route
# it to the same fake provider, so every table has a Portkey row beside direct and Promptline.
# Needs: a JDK 25 (JAVA_HOME), PostgreSQL on 127.0.0.1:5432 (postgres, trust) with psql, Redis on 127.0.0.1:6379,
# curl; Node 20 and npm (the gateway, installed from the npm registry, nothing else downloaded). Builds api and
# bench/execute-load (and what they need, with package, not install) first unless BENCH_SKIP_BUILD=1.
# Usage: bench/execute-load.sh [measured duration per row, default 30s] [warm-up per row, default 10s] [driver args]
#        e.g. bench/execute-load.sh 30s 10s --concurrency=16 --open-streams=0 --initial-warmup=30s
#        the issue's rows with the peer: bench/execute-load.sh 15s 10s --concurrency=16,64 --paced-concurrency=16,64
#        --paced-first-token-after=100ms --paced-tokens-per-second=200 --paced-tokens=64 --open-streams=0
#        (driver args: see bench/execute-load/src/main/java/dev/promptline/bench/runtime/ExecuteLoadOptions.java;
#        --first-token-after=200ms --tokens-per-second=50 makes the closed loops' fake provider a slow one;
#        --paced-concurrency=16,128 --paced-first-token-after=300ms --paced-tokens-per-second=50 are the paced rows'
#        defaults, --paced-concurrency= skips them)
# Environment: SERVICE_JAVA_OPTS and DRIVER_JAVA_OPTS, extra JVM options (e.g. a JFR recording of the service:
#              -XX:StartFlightRecording=filename=/tmp/service.jfr,settings=profile, or -D settings such as
#              -Dserver.jetty.connection-idle-timeout=120s); SERVICE_ENV, extra environment of the service
#              (e.g. "DATABASE_POOL_MAX_SIZE=20 LOG_LEVEL=WARN"); SERVICE_PORT (default 18280, and the next one for
#              its metrics); SERVICE_JAR, the service to measure (default api/target/promptline-api.jar);
#              SERVICE_LAYOUT=extracted runs it from Boot's extracted layout (java -Djarmode=tools -jar ... extract)
#              instead of the fat jar; BENCH_PORTKEY=0 leaves the gateway out (and its modes with it);
#              PORTKEY_PORT (default the service's port + 10); BENCH_WRK=1 adds the wrk phase: after the closed
#              loops, the plain paths (direct, through Portkey, Promptline) under wrk at each --concurrency (or
#              --wrk-connections=16,64), with bench/execute.lua, beside the closed loop's figures (needs wrk);
#              with --concurrency= (no closed loops) each path is first warmed up under wrk for --initial-warmup.
# Only 127.0.0.1 is loaded; every run is bounded in time, and the driver gives up after 45 minutes.
# shellcheck disable=SC2086 # the *_JAVA_OPTS and SERVICE_ENV variables hold several words on purpose
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-30s}
warmup=${2:-10s}
shift $(($# < 2 ? $# : 2))
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java=$JAVA_HOME/bin/java
target=bench/execute-load/target
port=${SERVICE_PORT:-18280}
portkey_port=${PORTKEY_PORT:-$((port + 10))}

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  # forceCreation: otherwise a jar whose own classes did not change is kept, and Boot's repackaging keeps the
  # runtime jar nested in it from an earlier build. Package, not install: the class path is resolved in the same
  # reactor (the runtime's test jar from its target), so the local repository other builds share is left alone.
  ./mvnw -q -ntp package dependency:build-classpath -DskipTests -Dmaven.jar.forceCreation=true \
    -Dmdep.outputFile=target/classpath.txt -pl api,bench/execute-load -am
elif [[ ! -s $target/classpath.txt ]]; then
  # Otherwise the class path the last build wrote (resolved in its reactor) is used as it is.
  ./mvnw -q -ntp dependency:build-classpath -pl bench/execute-load -Dmdep.outputFile=target/classpath.txt
fi
# A copy: a build running beside the benchmark must not replace the jar under the running service.
cp "${SERVICE_JAR:-api/target/promptline-api.jar}" "$target/promptline-api.jar"
service_jar=$target/promptline-api.jar
if [[ "${SERVICE_LAYOUT:-}" == extracted ]]; then
  # Boot's extracted layout: the application jar and its dependencies as plain jars on a class path, not nested.
  rm -rf "$target/extracted"
  "$java" -Djarmode=tools -jar "$service_jar" extract --destination "$target/extracted" >/dev/null
  service_jar=$target/extracted/promptline-api.jar
fi

database=promptline_bench_execute_$$
prefix="bench-execute:$$:"
service=
portkey=
cleanup() {
  if [[ -n $service ]]; then kill -TERM "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; fi
  if [[ -n $portkey ]]; then kill -TERM "$portkey" 2>/dev/null || true; wait "$portkey" 2>/dev/null || true; fi
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
  redis-cli -h 127.0.0.1 --scan --pattern "$prefix*" | xargs -r redis-cli -h 127.0.0.1 unlink >/dev/null || true
}
trap cleanup EXIT
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database"

# Another service on the port (another worktree's benchmark, say) would answer the readiness check below for this one.
# A connect, not a request: a hung process that no longer answers still holds its port.
for taken in "$port" $((port + 1)) "$portkey_port"; do
  if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$taken" 2>/dev/null; then
    echo "Port $taken is in use: set SERVICE_PORT to a free one (and PORTKEY_PORT if needed)" >&2
    exit 1
  fi
done

service_log=$target/service.log
# Rate limits are raised: this measures the execute path, not the limiter's refusals (its Redis round trip is still
# made). The fake provider's key reaches the service as an environment variable the model's credential names.
env DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database" REDIS_URL=redis://127.0.0.1:6379 \
  REDIS_KEY_PREFIX="$prefix" MODEL_ALLOWED_HOSTS=127.0.0.1 PROMPTLINE_BENCH_PROVIDER_KEY=bench \
  RATE_LIMIT_PER_MINUTE=1000000000 RATE_LIMIT_BURST=1000000000 PORT="$port" MANAGEMENT_PORT=$((port + 1)) \
  ${SERVICE_ENV:-} \
  "$java" -Xmx512m -XX:+ExitOnOutOfMemoryError ${SERVICE_JAVA_OPTS:-} -jar "$service_jar" >"$service_log" 2>&1 &
service=$!
for _ in $(seq 1 180); do
  curl -sf "127.0.0.1:$port/ready" >/dev/null && break
  kill -0 "$service" 2>/dev/null || { tail -50 "$service_log"; exit 1; }
  sleep 1
done
curl -sf "127.0.0.1:$port/ready" >/dev/null || { echo "The service did not get ready:"; tail -50 "$service_log"; exit 1; }
key=$(grep -o 'pl_[a-z0-9]\{12\}_[A-Za-z0-9_-]\{43\}' "$service_log" | head -1)

peer_args=()
if [[ "${BENCH_PORTKEY:-1}" != 0 ]]; then
  # The versions are pinned in bench/portkey/package-lock.json (@hono/node-server 1.14.1 through overrides: later
  # ones break every streamed request, Portkey issue 1389). No install scripts: the gateway needs none.
  (cd bench/portkey && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  portkey_log=$target/portkey.log
  # node itself, not npx: its process is the one whose CPU time the driver reads.
  node bench/portkey/node_modules/@portkey-ai/gateway/build/start-server.js --headless --port="$portkey_port" \
    >"$portkey_log" 2>&1 &
  portkey=$!
  for _ in $(seq 1 60); do
    curl -sf "127.0.0.1:$portkey_port/" >/dev/null && break
    kill -0 "$portkey" 2>/dev/null || { tail -50 "$portkey_log"; exit 1; }
    sleep 1
  done
  curl -sf "127.0.0.1:$portkey_port/" >/dev/null || { echo "Portkey did not start:"; tail -50 "$portkey_log"; exit 1; }
  peer_args=(--portkey="http://127.0.0.1:$portkey_port" --portkey-pid="$portkey")
fi

wrk_args=()
if [[ "${BENCH_WRK:-}" == 1 ]]; then
  wrk_args=(--wrk="$(command -v wrk)" --wrk-script=bench/execute.lua)
fi

timeout 45m "$java" -Xmx2g ${DRIVER_JAVA_OPTS:-} -Dbench.log=$target/driver.log \
  -cp "$target/classes:$(cat $target/classpath.txt)" dev.promptline.bench.runtime.ExecuteLoad \
  --service="http://127.0.0.1:$port" --management="http://127.0.0.1:$((port + 1))" --service-pid="$service" \
  --api-key="$key" --database="$database" --warmup="$warmup" --duration="$duration" "${peer_args[@]}" "${wrk_args[@]}" "$@"
