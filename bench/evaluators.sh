#!/usr/bin/env bash
# JMH benchmarks of the deterministic evaluator kinds (bench/evaluators): what scoring one item costs each kind, and
# what configuring an evaluator version once (ConfiguredScorers) saves per item.
# Usage: bench/evaluators.sh [JMH arguments], for example `bench/evaluators.sh levenshtein -f 1 -wi 2 -i 3`; with no
# pattern it runs every benchmark of the module.
# Needs a JDK 25 (JAVA_HOME); builds the api's classes jar and the benchmarks itself, tests skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:?point JAVA_HOME at a JDK 25}"
classpath_file="bench/evaluators/target/classpath.txt"
# One reactor run: package gives the api's plain "classes" jar, which the benchmarks' class path names.
./mvnw -B -q -pl bench/evaluators -am package dependency:build-classpath -DskipTests -Dspotless.check.skip=true \
    -Dmdep.outputFile="$PWD/$classpath_file" -Dmdep.includeScope=runtime
exec "$JAVA_HOME/bin/java" -cp "bench/evaluators/target/classes:$(cat "$classpath_file")" \
    org.openjdk.jmh.Main "$@"
