#!/bin/sh
# Builds the benchmarks module with its dependencies and runs the registry resolve benchmark.
# Usage: benchmarks/registry/run.sh [models] [versions] [iterations]   (defaults 1000 100 50000)
set -e
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl benchmarks -am package dependency:build-classpath -DskipTests -DnoEP \
  -Dspotless.check.skip=true -Djacoco.skip=true -Dmdep.outputFile=target/cp.txt
java -cp "benchmarks/target/classes:$(cat benchmarks/target/cp.txt)" \
  dev.mlops.benchmarks.registry.ResolveBenchmark "$@"
