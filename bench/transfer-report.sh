#!/usr/bin/env bash
# compare_baseline on the committed MNIST bases: the three transfer indicators and the cost of the
# baseline pass. See bench/README.md ("Transfer report"). Arguments: [threads] [seeds].
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-2}"
seeds="${2:-2}"

. scripts/mnist-classpath.sh
exec java -Xmx6g -cp "$classpath" dev.graft.basemodel.TransferReportBenchmark "$data" "$threads" "$seeds" \
    src/main/resources/catalog bench/results
