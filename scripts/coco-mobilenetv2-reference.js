// Reference features for the coco-mobilenetv2 base, computed by TensorFlow.js itself (pure-JS CPU
// backend) on the original graph, independently of Graft's DJL rebuild; run by
// scripts/convert-coco-mobilenetv2.sh. For each fixture image: the graph's Conv_1 activations
// (FeatureExtractor/MobilenetV2/Conv_1/Relu6), averaged over the spatial positions (1280 values).
//
//   node coco-mobilenetv2-reference.js <model-dir> <raw-dir> <out.json>
//
// <raw-dir>/index.json lists the images (written by CocoFixtureImages.java) with their raw RGB bytes.
// graphInput "image_tensor" runs the whole graph from uint8 pixels (its own bilinear resize to
// 300x300 and x*2/255-1 scaling); "pixels" feeds float pixels where the resize ends
// (Preprocessor/map/TensorArrayStack/TensorArrayGatherV3), so the graph's own scaling still applies
// at sizes other than 300.
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
const path = require('path');

const OUTPUT = 'FeatureExtractor/MobilenetV2/Conv_1/Relu6';
const RESIZED = 'Preprocessor/map/TensorArrayStack/TensorArrayGatherV3';

async function main([modelDir, rawDir, outFile]) {
  await tf.setBackend('cpu');
  const model = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json')));
  const manifest = model.weightsManifest[0];
  const shards = Buffer.concat(manifest.paths.map(p => fs.readFileSync(path.join(modelDir, p))));
  const weightData = shards.buffer.slice(shards.byteOffset, shards.byteOffset + shards.byteLength);
  const graph = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: model.modelTopology, weightSpecs: manifest.weights, weightData}));
  const index = JSON.parse(fs.readFileSync(path.join(rawDir, 'index.json')));
  const images = [];
  for (const image of index) {
    const bytes = fs.readFileSync(path.join(rawDir, image.raw));
    const shape = [1, image.size, image.size, 3];
    let activations;
    if (image.graphInput === 'image_tensor') {
      activations = await graph.executeAsync({image_tensor: tf.tensor(Int32Array.from(bytes), shape, 'int32')}, OUTPUT);
    } else {
      activations = graph.execute({[RESIZED]: tf.tensor(Float32Array.from(bytes), shape, 'float32')}, OUTPUT);
    }
    // 9 significant digits hold any float32 exactly.
    const features = Array.from(activations.mean([1, 2]).dataSync(), f => Number(f.toPrecision(9)));
    images.push({file: image.file, photo: image.photo, size: image.size, gray: image.gray,
      graphInput: image.graphInput, features});
    console.log(`${image.file}: ${activations.shape.join('x')} activations, mean feature ${
      (features.reduce((a, b) => a + b, 0) / features.length).toFixed(4)}`);
  }
  const tfjsVersion = require('@tensorflow/tfjs/package.json').version;
  fs.writeFileSync(outFile, JSON.stringify({
    computedBy: `@tensorflow/tfjs@${tfjsVersion} (cpu backend) on the original graph`,
    output: OUTPUT + ', mean over height and width',
    images}, null, 1) + '\n');
}

main(process.argv.slice(2)).catch(e => {
  console.error(e);
  process.exit(1);
});
