#!/usr/bin/env bash
# Runs the serving benchmarks of issue 6 (needs `wrk`: apt-get install -y wrk).
# Usage: benchmarks/serving/run.sh [http-seconds-per-cell=10] [batching-seconds=5] [in-process-calls=1000000]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl benchmarks -am -DskipTests -DnoEP compile dependency:build-classpath \
  -Dmdep.outputFile=target/serving-bench.cp >/dev/null
CP="benchmarks/target/classes:$(cat benchmarks/target/serving-bench.cp)"
JAVA="java -Xmx1g -cp $CP"
$JAVA dev.mlops.benchmarks.serving.InProcessBenchmark "${3:-1000000}"
$JAVA dev.mlops.benchmarks.serving.BatchingBenchmark "${2:-5}"
$JAVA dev.mlops.benchmarks.serving.HttpBenchmark "${1:-10}"
