#!/usr/bin/env bash
# What embedding_similarity costs per item (JMH): the output and the expected output embedded by the offline model
# (all-MiniLM-L6-v2, quantized, ONNX Runtime) and their cosine, at three text lengths, on the caller's thread as the
# evaluator runs it and on the library's own pool for comparison; then what loading the model costs a fresh process
# (5 forks, one shot each).
# Needs: a JDK 25 (JAVA_HOME). Builds evaluators-embedding and bench/embedding-similarity first (package, not install)
# unless BENCH_SKIP_BUILD=1.
# Usage: bench/embedding-similarity.sh [JMH arguments], e.g. bench/embedding-similarity.sh -p size=sentence -wi 1
# Bounded: the whole run gives up after 20 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
target=bench/embedding-similarity/target

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  ./mvnw -q -ntp package dependency:build-classpath -DskipTests -Dmaven.jar.forceCreation=true \
    -Dmdep.outputFile=target/classpath.txt -pl evaluators-embedding,bench/embedding-similarity -am
fi

timeout 20m "$JAVA_HOME/bin/java" -cp "$target/classes:$(cat $target/classpath.txt)" org.openjdk.jmh.Main \
  -rf json -rff "$target/jmh-result.json" "$@"
