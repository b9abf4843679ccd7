#!/usr/bin/env bash
# Pretrains the MNIST image bases through Graft's own engine and writes them into the catalog
# resources; see bench/README.md ("Few-shot transfer from the MNIST bases").
#
#   scripts/pretrain-bases.sh [threads]              pretrain mnist-cnn-small and mnist-resnet20 on
#                                                    MNIST digits 0-4, print their source-test accuracy
#   scripts/pretrain-bases.sh --few-shot [threads] [seeds]
#                                                    adapt the committed bases to digits 5-9 with 10
#                                                    examples per class, against training from scratch
set -euo pipefail
cd "$(dirname "$0")/.."

mode=pretrain
if [ "${1:-}" = "--few-shot" ]; then
    mode=few-shot
    shift
fi
threads="${1:-2}"
seeds="${2:-5}"

. scripts/mnist-classpath.sh

if [ "$mode" = pretrain ]; then
    exec java -Xmx6g -cp "$classpath" dev.graft.basemodel.MnistPretraining "$data" "$threads" \
        src/main/resources/catalog src/test/resources/mnist
else
    exec java -Xmx6g -cp "$classpath" dev.graft.basemodel.MnistFewShot "$data" "$threads" \
        "$seeds" src/main/resources/catalog bench/results
fi
