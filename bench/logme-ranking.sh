#!/usr/bin/env bash
# Does the LogME ranking of POST /v1/models:rank agree with fine-tuned accuracy? Scores the
# default image candidates on the committed few-shot MNIST task (digits 5-9, 10 per class) and
# fine-tunes each; see bench/README.md ("LogME ranking against fine-tuning").
#
#   bench/logme-ranking.sh [threads] [seeds]     default: 2 threads, 5 seeds
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-2}"
seeds="${2:-5}"

./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/logme-ranking-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/logme-ranking-classpath.txt)"
exec java -Xmx4g -cp "$classpath" dev.graft.transfer.LogMeRankingBenchmark "$threads" "$seeds" bench/results
