#!/usr/bin/env bash
# Inference latency/throughput benchmark: see bench/README.md. Usage: bench/inference.sh [rounds] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-5}"
seconds="${2:-3}"

./mvnw -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt
exec java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    dev.graft.inference.InferenceBenchmark "$rounds" "$seconds" bench/results
