#!/usr/bin/env bash
# Photo-sized datasets: 2,000 generated 1-megapixel JPEG photos through the HTTP API and one real
# worker; the worker's peak RSS and images/s of feature extraction and full fine-tuning from
# coco-mobilenetv2 at 224 and 300 px. See bench/README.md ("Photo-sized datasets").
# Usage: bench/photos.sh [photos, default 2000] [server options, e.g. --graft.worker.jvm-options=-Xmx2g]
set -euo pipefail
cd "$(dirname "$0")/.."
photos="${1:-2000}"
shift $(( $# < 1 ? $# : 1 ))
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; export PGHOST PGUSER
port=18193
work=target/bench-photos; rm -rf "$work"; mkdir -p "$work"
db="graft_bench_photos_$(date +%s)"

# Source photos from Debian packages (darknet's data, scikit-image's data, OpenCV's samples); PIL
# crops, rescales and encodes them. Only Debian's /usr/bin/python3 sees these modules.
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null || [ ! -f /usr/share/darknet/data/dog.jpg ] \
    || [ ! -f /usr/lib/python3/dist-packages/skimage/data/coffee.png ] \
    || [ ! -f /usr/share/doc/opencv-doc/examples/data/starry_night.jpg ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-pil python3-skimage darknet opencv-doc
  else
    echo "Needs: apt-get install -y python3-pil python3-skimage darknet opencv-doc" >&2; exit 1
  fi
fi

./mvnw -q -B -DskipTests package
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  dropdb --if-exists "$db" 2>/dev/null || true
}
trap cleanup EXIT
createdb "$db"
# Mode all with its defaults for the worker (one CPU worker, its default JVM options and malloc
# settings): what is measured is what a user gets. 2 PyTorch threads, the cores this bench was written for.
SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=4 java -jar target/graft.jar --server.port=$port --graft.mode=all \
  --spring.datasource.url="jdbc:postgresql://$PGHOST:5432/$db?user=$PGUSER" \
  --graft.storage.root="$work/store" --graft.training.data-directory="$work/data" --graft.training.threads=2 "$@" \
  > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do curl -sf "localhost:$port/actuator/health" >/dev/null && break; sleep 1; done
mkdir -p bench/results
/usr/bin/python3 bench/photos.py "http://localhost:$port" "$pid" "$work" bench/results/photos.json --photos "$photos"
