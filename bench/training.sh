#!/usr/bin/env bash
# Training throughput benchmark: see bench/README.md. Usage: bench/training.sh [threads] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."

threads="${1:-2}"
rounds="${2:-7}"

# The PyTorch reference needs Debian's python3-torch, which only Debian's /usr/bin/python3 can
# import (a pyenv python3 earlier on the PATH cannot). libopenblas0 is what Debian recommends
# beside it; without it torch falls back to the slow reference BLAS.
if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null \
        || ! ls /usr/lib/x86_64-linux-gnu/libopenblas*.so.0 >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing python3-torch and libopenblas0 (Debian packages)..." >&2
        apt-get update -qq && apt-get install -y -qq python3-torch libopenblas0 >/dev/null
    else
        echo "Needs Debian's python3-torch: sudo apt-get install -y python3-torch libopenblas0" >&2
        exit 1
    fi
fi

./mvnw -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt
exec java -Xmx4g -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    dev.graft.training.TrainingBenchmark "$threads" "$rounds" bench/results
