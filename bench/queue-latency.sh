#!/usr/bin/env bash
# How fast an idle worker pool starts a queued job: LISTEN/NOTIFY wake-up against polling only.
#
# Starts two Graft servers side by side (mode all, one worker each), on two fresh databases of
# the local PostgreSQL: A with graft.jobs.listen=true (the default), B with listen=false (the
# 5 s slow poll alone). Each round submits one tiny job to A and one to B, in alternating order,
# waits for both to finish (so the pools are idle again), and the latency is read from the
# database: started_at - created_at, i.e. from the committed INSERT to the worker's claim.
# Writes bench/results/queue-latency.md.
#
# usage: bench/queue-latency.sh [rounds]   (default 15; about 3 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-15}
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; export PGHOST PGUSER
work=target/bench-queue; rm -rf "$work"; mkdir -p "$work"
stamp=$(date +%s)
dbs=("graft_bench_listen_$stamp" "graft_bench_poll_$stamp")
ports=(18181 18182)
listen=(true false)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for db in "${dbs[@]}"; do dropdb --if-exists "$db" 2>/dev/null || true; done
}
trap cleanup EXIT

./mvnw -q -B -DskipTests package
for i in 0 1; do
  createdb "${dbs[$i]}"
  java -jar target/graft.jar --server.port="${ports[$i]}" --graft.mode=all --graft.worker.processes=1 \
    --spring.datasource.url="jdbc:postgresql://$PGHOST:5432/${dbs[$i]}?user=$PGUSER" \
    --graft.storage.root="$work/store-$i" --graft.training.data-directory="$work/data" \
    --graft.jobs.listen="${listen[$i]}" --graft.training.threads=1 > "$work/server-$i.log" 2>&1 &
  pids+=($!)
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 120); do curl -sf "localhost:$port/actuator/health" >/dev/null && break; sleep 1; done
done
python3 - "$work/points.csv" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("x1,x2,label\n")
    for i in range(60):
        c = i % 3
        f.write(f"{c + random.gauss(0, .3):.3f},{-c + random.gauss(0, .3):.3f},c{c}\n")
PY
datasets=()
for port in "${ports[@]}"; do
  datasets+=("$(curl -sf -F file=@"$work/points.csv" -F format=csv "localhost:$port/v1/datasets" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
done
submit() { # port dataset -> job id
  curl -sf "localhost:$1/v1/fine_tuning/jobs" -H 'Content-Type: application/json' \
    -d "{\"base_model\":\"arch-mlp\",\"dataset\":\"$2\",\"hyperparameters\":{\"n_epochs\":1}}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
await_end() { # port job
  for _ in $(seq 1 600); do
    s=$(curl -sf "localhost:$1/v1/fine_tuning/jobs/$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    case "$s" in succeeded|failed|cancelled) return 0;; esac
    sleep 0.2
  done
  echo "job $2 on port $1 did not finish" >&2; return 1
}
# One job each first, unmeasured: loads DJL in each worker.
for i in 0 1; do await_end "${ports[$i]}" "$(submit "${ports[$i]}" "${datasets[$i]}")"; done
psql -qAt -d "${dbs[0]}" -c "DELETE FROM fine_tuning_job_events; DELETE FROM fine_tuning_job_checkpoints; DELETE FROM fine_tuned_models; DELETE FROM fine_tuning_jobs"
psql -qAt -d "${dbs[1]}" -c "DELETE FROM fine_tuning_job_events; DELETE FROM fine_tuning_job_checkpoints; DELETE FROM fine_tuned_models; DELETE FROM fine_tuning_jobs"
for r in $(seq 1 "$rounds"); do
  # Alternate which pool gets its job first, and let both go idle (sleep past a poll phase at random).
  if (( r % 2 )); then order=(0 1); else order=(1 0); fi
  for i in "${order[@]}"; do
    sleep "0.$((RANDOM % 10))"
    await_end "${ports[$i]}" "$(submit "${ports[$i]}" "${datasets[$i]}")"
  done
done
query="SELECT round(extract(epoch FROM started_at - created_at) * 1000, 1) FROM fine_tuning_jobs ORDER BY seq"
listen_ms=$(psql -qAt -d "${dbs[0]}" -c "$query" | paste -sd, -)
poll_ms=$(psql -qAt -d "${dbs[1]}" -c "$query" | paste -sd, -)
python3 - "$listen_ms" "$poll_ms" "$rounds" <<'PY'
import statistics, sys, platform, datetime
def stats(xs):
    xs = sorted(xs)
    q = lambda p: xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
    return f"{statistics.median(xs):.1f} | {q(0.9):.1f} | {xs[0]:.1f} – {xs[-1]:.1f}"
listen = [float(x) for x in sys.argv[1].split(",")]
poll = [float(x) for x in sys.argv[2].split(",")]
out = f"""# Queue latency: idle pool, job created → claimed

{datetime.date.today()}, {platform.node()}, {sys.argv[3]} rounds, both pools idle before each job,
submission order alternating. `started_at - created_at` from the database (ms).

| pool wake-up | median | p90 | min – max |
| --- | --- | --- | --- |
| LISTEN/NOTIFY (default) | {stats(listen)} |
| poll only (graft.jobs.listen=false, 5 s poll) | {stats(poll)} |

Raw (ms): listen {listen}; poll {poll}
"""
open("bench/results/queue-latency.md", "w").write(out)
print(out)
PY
