#!/usr/bin/env bash
# What the agent runtime adds to a streamed completion, against a fake OpenAI provider: the same streams straight to
# the fake provider, through the sidecar (its own JVM, -Xmx256m, gRPC on loopback) and through the in-process runtime,
# at 1, 16 and 256 concurrent streams with a provider that answers at once (CPU per execution, throughput), then at 16
# and 256 with one paced as a real provider (300 ms to the first token, 20 ms between tokens); then the sidecar's heap
# with 1,000 slow streams open.
# Needs: a JDK 25 (JAVA_HOME). Builds runtime-api, runtime and bench/runtime-load first (package, not install) unless
# BENCH_SKIP_BUILD=1.
# Usage: bench/runtime-load.sh [measured duration per row, default 20s] [warm-up per row, default 15s] [driver args]
#        e.g. bench/runtime-load.sh 20s 15s --concurrency=16 --open-streams=0 --initial-warmup=30s
#        (driver args: see bench/runtime-load/src/main/java/dev/promptline/bench/runtime/Options.java)
# Environment: SIDECAR_JAR, the sidecar to measure (default runtime/target/promptline-runtime-exec.jar);
#              SIDECAR_JAVA_OPTS and DRIVER_JAVA_OPTS, extra JVM options (e.g. a JFR recording:
#              -XX:StartFlightRecording=filename=/tmp/sidecar.jfr,settings=profile).
# Only 127.0.0.1 is loaded; every run is bounded in time, and the whole script gives up after 30 minutes.
# shellcheck disable=SC2086 # the *_JAVA_OPTS and SERVICE_ENV variables hold several words on purpose
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20s}
warmup=${2:-15s}
shift $(($# < 2 ? $# : 2))
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java=$JAVA_HOME/bin/java
target=bench/runtime-load/target

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  # Package, not install: the class path is resolved in the same reactor (the runtime's jar and test jar from its
  # target), so the local repository other builds share is left alone. forceCreation: otherwise a jar whose own
  # classes did not change is kept, and Boot's repackaging keeps what an earlier build nested in the exec jar.
  ./mvnw -q -ntp package dependency:build-classpath -DskipTests -Dmaven.jar.forceCreation=true \
    -Dmdep.outputFile=target/classpath.txt -pl runtime-api,runtime,bench/runtime-load -am
elif [[ ! -s $target/classpath.txt ]]; then
  # Otherwise the class path the last build wrote (resolved in its reactor) is used as it is.
  ./mvnw -q -ntp dependency:build-classpath -pl bench/runtime-load -Dmdep.outputFile=target/classpath.txt
fi

sidecar_log=$target/sidecar.log
: >"$sidecar_log" # now, not in the background job below: the port is read from it
# Port 0: the sidecar picks a free port and logs it.
RUNTIME_PORT=0 MODEL_ALLOWED_HOSTS=127.0.0.1 RUNTIME_SHUTDOWN_GRACE=5s \
  "$java" -Xmx256m ${SIDECAR_JAVA_OPTS:-} -jar "${SIDECAR_JAR:-runtime/target/promptline-runtime-exec.jar}" >"$sidecar_log" 2>&1 &
sidecar=$!
trap 'kill -TERM $sidecar 2>/dev/null; wait $sidecar 2>/dev/null || true' EXIT
port=
for _ in $(seq 1 60); do
  port=$(sed -n 's/.*Promptline runtime listening on port \([0-9]*\).*/\1/p' "$sidecar_log")
  [[ -n $port ]] && break
  kill -0 $sidecar 2>/dev/null || { cat "$sidecar_log"; exit 1; }
  sleep 0.5
done
[[ -n $port ]] || { echo "The sidecar did not start:"; cat "$sidecar_log"; exit 1; }

# The driver hosts the fake provider and the load, and the in-process runtime in its own rows.
timeout 30m "$java" -Xmx2g ${DRIVER_JAVA_OPTS:-} -Dbench.log=$target/driver.log \
  -cp "$target/classes:$(cat $target/classpath.txt)" dev.promptline.bench.runtime.RuntimeLoad \
  --sidecar-port="$port" --sidecar-pid="$sidecar" --warmup="$warmup" --duration="$duration" "$@"
