#!/usr/bin/env bash
# Memory bombs against a real API process with a 512 MB heap: each must be refused with a 4xx
# problem, quickly, in bounded memory, and leave the API healthy.
#
# Starts target/graft.jar with -Xmx512m (open mode, one worker process, a fresh database of the
# local PostgreSQL) and a JFR recording, trains a tiny image model through the API, then sends:
#   1. a 6M-record central-directory bomb (~318 MB zip, every record pointing at one 5-byte entry)
#   2. a JSON Lines file whose first line is 350 MB
#   3. two 450 MB multipart parts to predict on a model that does not exist
#   4. the same to the existing model
#   5. the same to the existing model, chunked (no Content-Length: the per-file limit must hold)
# Before each bomb the heap is collected (jcmd GC.run) and its used size noted; the peak during
# the bomb is the largest "heap used" of the JFR GC heap summaries (taken before and after every
# GC) in its time window, or the heap used when it was answered if that is larger. After each bomb
# the health endpoint and a normal prediction must still answer. Writes bench/results/bombs.md.
#
# usage: bench/bombs.sh   (about 3 minutes plus the Maven build; needs ~1.2 GB in target/ and /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; export PGHOST PGUSER
work=$PWD/target/bench-bombs; rm -rf "$work"; mkdir -p "$work"
db="graft_bench_bombs_$(date +%s)"
port=18190
base="http://127.0.0.1:$port"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  dropdb --if-exists "$db" 2>/dev/null || true
}
trap cleanup EXIT

./mvnw -q -B -DskipTests package
echo "Writing the bombs to $work"
java -cp target/test-classes dev.graft.support.Bombs cd-bomb "$work/cd-bomb.zip" 6000000
java -cp target/test-classes dev.graft.support.Bombs jsonl-line "$work/line.jsonl" $((350 * 1024 * 1024))
truncate -s 450M "$work/part.bin"   # sparse: 450 MB of zeros that take no disk
python3 - "$work/images.zip" <<'PY'
# 10 red and 10 blue 8x8 PNGs in an image_folder zip, with the standard library alone.
import random, struct, sys, zipfile, zlib
def png(rgb, seed):
    rnd = random.Random(seed)
    rows = b"".join(b"\0" + bytes(max(0, min(255, c + rnd.randint(-20, 20))) for _ in range(8) for c in rgb) for _ in range(8))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for i in range(10):
        z.writestr(f"red/{i}.png", png((220, 30, 30), i))
        z.writestr(f"blue/{i}.png", png((30, 30, 220), 100 + i))
    open(sys.argv[1] + ".probe.png", "wb").write(png((220, 30, 30), 999))
PY

createdb "$db"
java -Xmx512m -XX:StartFlightRecording=name=bombs,settings=default,filename="$work/graft.jfr" \
  -jar target/graft.jar --server.port="$port" --graft.mode=all --graft.worker.processes=1 \
  --spring.datasource.url="jdbc:postgresql://$PGHOST:5432/$db?user=$PGUSER" \
  --graft.storage.root="$work/store" --graft.training.data-directory="$work/data" --graft.training.threads=1 \
  > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do curl -sf "$base/actuator/health" >/dev/null && break; sleep 1; done
curl -sf "$base/actuator/health" >/dev/null || { echo "the API did not start; see $work/server.log" >&2; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
dataset=$(curl -sf -F file=@"$work/images.zip" -F format=image_folder "$base/v1/datasets" | json '["id"]')
job=$(curl -sf "$base/v1/fine_tuning/jobs" -H 'Content-Type: application/json' \
  -d "{\"base_model\":\"arch-cnn-small\",\"dataset\":\"$dataset\",\"hyperparameters\":{\"n_epochs\":1}}" | json '["id"]')
for _ in $(seq 1 600); do
  status=$(curl -sf "$base/v1/fine_tuning/jobs/$job" | json '["status"]')
  case "$status" in succeeded) break;; failed|cancelled) echo "job $job $status" >&2; exit 1;; esac
  sleep 1
done
model=$(curl -sf "$base/v1/fine_tuning/jobs/$job" | json '["fine_tuned_model"]')
normal_predict() { curl -s -o /dev/null -w '%{http_code}' -F file=@"$work/images.zip.probe.png" "$base/v1/models/$model:predict"; }
echo "model $model; a normal prediction answers $(normal_predict)"

heap_used() { # bytes of heap in use now, from jcmd GC.heap_info ("garbage-first heap   total 524288K, used 81234K")
  jcmd "$pid" GC.heap_info | python3 -c "import re,sys; print(int(re.search(r'heap\s+total \d+K, used (\d+)K', sys.stdin.read()).group(1)) * 1024)"
}
now() { python3 -c 'import time; print(f"{time.time():.3f}")'; }
: > "$work/runs.tsv"
bomb() { # name, upload size, then curl arguments
  local name=$1 size=$2; shift 2
  jcmd "$pid" GC.run >/dev/null
  local baseline; baseline=$(heap_used)
  local t0; t0=$(now)
  local answer; answer=$(curl -s -o "$work/answer.json" -w '%{http_code} %{content_type} %{time_total}' "$@" || true)
  local t1; t1=$(now)
  local at_answer; at_answer=$(heap_used)
  local alive; alive=$(kill -0 "$pid" 2>/dev/null && echo yes || echo no)
  local health; health=$(curl -s "$base/actuator/health" | json '["status"]' 2>/dev/null || echo DOWN)
  local normal; normal=$(normal_predict)
  local detail; detail=$(json '.get("detail", "")' < "$work/answer.json" 2>/dev/null || head -c 200 "$work/answer.json")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$size" "$answer" "$t0" "$t1" "$baseline" "$at_answer" \
    "$alive/$health" "$normal" "$detail" >> "$work/runs.tsv"
  echo "$name: $answer; health $health; normal prediction $normal; $detail"
}
missing="ft:arch-cnn-small:nothere:00000000"
bomb "central-directory bomb, 6M records" "$(stat -c %s "$work/cd-bomb.zip")" \
  -F file=@"$work/cd-bomb.zip" -F format=image_folder "$base/v1/datasets"
bomb "JSON Lines file of one 350 MiB line" "$(stat -c %s "$work/line.jsonl")" \
  -F file=@"$work/line.jsonl" -F format=text "$base/v1/datasets"
bomb "predict: two 450 MiB parts, missing model" $((2 * 450 * 1024 * 1024)) \
  -F file=@"$work/part.bin" -F file=@"$work/part.bin" "$base/v1/models/$missing:predict"
bomb "predict: two 450 MiB parts, existing model" $((2 * 450 * 1024 * 1024)) \
  -F file=@"$work/part.bin" -F file=@"$work/part.bin" "$base/v1/models/$model:predict"
bomb "predict: two 450 MiB parts, existing model, chunked" $((2 * 450 * 1024 * 1024)) \
  -H 'Transfer-Encoding: chunked' -F file=@"$work/part.bin" -F file=@"$work/part.bin" "$base/v1/models/$model:predict"

jcmd "$pid" JFR.dump name=bombs filename="$work/dump.jfr" >/dev/null
jfr print --json --events jdk.GCHeapSummary "$work/dump.jfr" > "$work/heap.json"
python3 - "$work" <<'PY'
import datetime, json, os, platform, sys
work = sys.argv[1]
def seconds(stamp):  # "2026-12-01T23:50:01.123456789Z" or with an offset
    stamp = stamp.replace("Z", "+00:00")
    head, _, rest = stamp.partition(".")
    frac, sign, tz = (rest.partition("+") if "+" in rest else rest.partition("-")) if rest else ("0", "+", "00:00")
    return datetime.datetime.fromisoformat(f"{head}.{frac[:6]:0<6}{sign}{tz}").timestamp()
events = [(seconds(e["values"]["startTime"]), e["values"]["heapUsed"], e["values"]["when"])
          for e in json.load(open(f"{work}/heap.json"))["recording"]["events"]]
mib = lambda b: f"{b / 1048576:.0f}"
rows = []
for line in open(f"{work}/runs.tsv"):
    name, size, answer, t0, t1, baseline, at_answer, health, normal, detail = line.rstrip("\n").split("\t")
    code, ctype, took = (answer.split(" ") + ["", "", ""])[:3]
    t0, t1 = float(t0), float(t1)
    inside = [used for t, used, _ in events if t0 <= t <= t1]
    peak = max(inside + [int(at_answer)])
    rows.append(f"| {name} | {int(size) / 1e6:.0f} MB ({mib(int(size))} MiB) | {code} {ctype.split(';')[0]} | {float(took or 0):.1f} s | "
                f"{mib(int(baseline))} | {mib(peak)} | {len(inside)} | {health} | {normal} | {detail} |")
load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
out = f"""# Memory bombs against an API process with -Xmx512m

{datetime.date.today()}, {platform.node()}, {os.cpu_count()} cores (load average {load} when the report was written),
`bench/bombs.sh`: `target/graft.jar` with `-Xmx512m`, open mode, one worker process, a fresh database on the
local PostgreSQL. A tiny `arch-cnn-small` model was trained through the API first.

Before each bomb the heap was collected (`jcmd GC.run`); *baseline* is the heap used then. *Peak* is the
largest heap used while the bomb was handled: the maximum over JFR's `jdk.GCHeapSummary` events in its
time window (recorded before and after every GC; *GC events* counts them) and `jcmd GC.heap_info` when the
answer came. With no GC in the window, heap use only grew during it, so the value at the answer is the
peak. After each bomb the process, `/actuator/health` and a normal one-image prediction were checked.
*Time* is curl's total, upload included (the machine was shared and loaded; the uploads are large).

| bomb | upload | answer | time | baseline heap (MiB) | peak heap (MiB) | GC events | alive / health after | normal predict after | problem detail |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
""" + "\n".join(rows) + "\n"
open("bench/results/bombs.md", "w").write(out)
print(out)
PY
