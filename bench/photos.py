"""Photo-sized datasets through the HTTP API (bench/photos.sh): generates N 1-megapixel JPEG photos
from photos shipped in Debian packages, uploads them as one image_folder dataset, runs feature
extraction and full fine-tuning jobs from coco-mobilenetv2 at 224 and 300 px one at a time, and
records the worker process's peak resident set (VmHWM) and images/s of each job."""
import argparse
import io
import json
import os
import random
import sys
import threading
import time
import urllib.request
import uuid
import zipfile

from PIL import Image, ImageEnhance

sys.path.insert(0, os.path.dirname(__file__))
import graft_api  # noqa: E402

# One class per source photo: crops of the same scene, as a user's photos of one subject would be.
SOURCES = {
    "dog": "/usr/share/darknet/data/dog.jpg",
    "horses": "/usr/share/darknet/data/horses.jpg",
    "kite": "/usr/share/darknet/data/kite.jpg",
    "eagle": "/usr/share/darknet/data/eagle.jpg",
    "astronaut": "/usr/lib/python3/dist-packages/skimage/data/astronaut.png",
    "coffee": "/usr/lib/python3/dist-packages/skimage/data/coffee.png",
    "building": "/usr/share/doc/opencv-doc/examples/data/building.jpg",
    "starry_night": "/usr/share/doc/opencv-doc/examples/data/starry_night.jpg",
}
# About one megapixel each, in the aspect ratios cameras use.
SIZES = [(1152, 864), (864, 1152), (1000, 1000), (1224, 816), (816, 1224)]
LIMIT_BYTES = 1.5e9  # 1.5 GB, in bytes (1431 MiB)


def photos_zip(n, seed):
    """A ZIP of n JPEGs: a random crop (40-100% of each side) of a source photo, rescaled to ~1 MP,
    brightness and colour jittered, sometimes mirrored; class folders by source."""
    rng = random.Random(seed)
    sources = {label: Image.open(path).convert("RGB") for label, path in SOURCES.items()}
    labels = list(sources)
    buffer = io.BytesIO()
    pixels = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            label = labels[i % len(labels)]
            src = sources[label]
            w, h = src.size
            cw, ch = int(w * rng.uniform(0.4, 1.0)), int(h * rng.uniform(0.4, 1.0))
            x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
            size = rng.choice(SIZES)
            img = src.crop((x, y, x + cw, y + ch)).resize(size, Image.BICUBIC)
            img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.7, 1.3))
            img = ImageEnhance.Color(img).enhance(rng.uniform(0.6, 1.4))
            if rng.random() < 0.5:
                img = img.transpose(Image.FLIP_LEFT_RIGHT)
            out = io.BytesIO()
            img.save(out, "JPEG", quality=rng.choice([80, 88, 95]))
            z.writestr(f"{label}/{i:05d}.jpg", out.getvalue())
            pixels += size[0] * size[1]
    return buffer.getvalue(), pixels / n


def base_at(api, model, size):
    """A model trained by feature extraction from coco-mobilenetv2 (its backbone frozen: the COCO
    weights unchanged), re-described with its input shape and preprocessing at size px, zipped for
    POST /v1/models: no job option changes a base's image size, and an import needs a classifier."""
    with urllib.request.urlopen(f"{api}/v1/models/{model}/artifact", timeout=600) as response:
        original = zipfile.ZipFile(io.BytesIO(response.read()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in original.namelist():
            content = original.read(name)
            if name == "graft-model.json":
                descriptor = json.loads(content)
                descriptor["architecture"]["inputShape"] = [3, size, size]
                descriptor["preprocessing"]["image"]["height"] = size
                descriptor["preprocessing"]["image"]["width"] = size
                content = json.dumps(descriptor).encode()
            z.writestr(os.path.basename(name), content)  # an import takes flat archives
    return buffer.getvalue()


def import_model(api, model_id, data):
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="descriptor"\r\n'
            f'Content-Type: application/json\r\n\r\n{json.dumps({"format": "graft", "id": model_id})}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="model.zip"\r\n'
            f'Content-Type: application/zip\r\n\r\n').encode() + data + f'\r\n--{boundary}--\r\n'.encode()
    return graft_api.call(f"{api}/v1/models", "POST", body, f"multipart/form-data; boundary={boundary}")


def worker_pid(parent):
    """The child JVM the server in mode all started: the process whose parent is the server."""
    for _ in range(120):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    if int(fields[1]) == parent:
                        return int(entry)
                except OSError:
                    pass
        time.sleep(1)
    raise RuntimeError("no worker process under the server")


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class RssPoller:
    """Samples the worker's VmRSS every 0.2 s; VmHWM (the kernel's own peak) is read at the end."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0, True
        self.reset_hwm = False
        try:  # "5" resets VmHWM to the current RSS, so that each job gets its own peak.
            with open(f"/proc/{pid}/clear_refs", "w") as f:
                f.write("5")
            self.reset_hwm = True
        except OSError:
            pass
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def poll(self):
        while self.running:
            self.peak = max(self.peak, status_kb(self.pid, "VmRSS"))
            time.sleep(0.2)

    def stop(self):
        self.running = False
        self.thread.join()
        hwm = status_kb(self.pid, "VmHWM")
        return max(self.peak, hwm if self.reset_hwm else 0) * 1024, hwm * 1024


def run_job(api, wpid, name, base, dataset, strategy, hyperparameters, seed):
    poller = RssPoller(wpid)
    started = time.time()
    job = graft_api.post_json(api, "/v1/fine_tuning/jobs", {"base_model": base, "dataset": dataset, "strategy": strategy,
                                                           "hyperparameters": hyperparameters, "seed": seed})
    while job["status"] not in ("succeeded", "failed", "cancelled"):
        time.sleep(2)
        job = graft_api.call(f"{api}/v1/fine_tuning/jobs/{job['id']}")
    wall = time.time() - started
    peak, hwm = poller.stop()
    events, page = [], graft_api.call(f"{api}/v1/fine_tuning/jobs/{job['id']}/events?limit=100")["data"]
    while page:  # oldest first, 100 at a time
        events += page
        page = graft_api.call(f"{api}/v1/fine_tuning/jobs/{job['id']}/events?limit=100&after={page[-1]['id']}")["data"]
    epochs = [e["data"] for e in events if e["type"] == "epoch"]
    run = {"name": name, "base": base, "strategy": strategy, "job": job["id"], "status": job["status"],
           "model": job.get("fine_tuned_model"),
           "error": job.get("error"), "hyperparameters": job["hyperparameters"], "wall_seconds": round(wall, 1),
           "job_seconds": (job["finished_at"] or 0) - (job["started_at"] or 0),
           "epoch_seconds": [round(e["seconds"], 1) for e in epochs],
           "valid_accuracy": epochs[-1].get("valid_accuracy") if epochs else None,
           "peak_rss_bytes": peak, "vm_hwm_bytes": hwm, "loadavg": os.getloadavg()}
    print(json.dumps(run), flush=True)
    return run


def markdown(result):
    r = result
    lines = [
        "# Photo-sized datasets (bench/photos.sh)", "",
        f"{r['photos']} generated JPEG photos of ~{r['mean_pixels'] / 1e6:.2f} MP ({r['zip_bytes'] / 2**20:.0f} MiB "
        f"zipped), {len(SOURCES)} classes (crops of one Debian-shipped photo each), stored split "
        f"{r['train']} train / {r['validation']} validation. Server `java -jar target/graft.jar` in mode `all` "
        "with its default worker (one CPU child JVM: `-Xmx512m -XX:MaxDirectMemorySize=128m`, `MALLOC_ARENA_MAX=2`, `MALLOC_MMAP_THRESHOLD_=131072`), "
        "`graft.training.threads=2`; jobs one at a "
        "time through the HTTP API; base `coco-mobilenetv2` at 224 px (catalog) and at 300 px (`coco-mobilenetv2-300`: the "
        "first feature-extraction model, whose backbone is the frozen COCO one, downloaded and re-imported with its "
        "preprocessing at 300 px, since no job option changes a base's image size).", "",
        f"Machine: {r['cpus']} CPUs, shared with other work; load average (1 min) at each job's end in the table. "
        f"Started {r['started']}.", "",
        "Peak RSS is the worker process's `VmHWM` (reset before each job through `/proc/<pid>/clear_refs`) or the "
        "highest `VmRSS` sampled every 0.2 s, whichever is larger. Images/s: feature extraction = all photos "
        "(train + validation: decoded, resized, embedded, head trained) over the job's time from start to end; "
        "full fine-tuning = training photos over the epoch's seconds (the epoch includes one validation pass), "
        "job time also shown. Full fine-tuning runs 1 epoch at batch 4: a step holds every activation of the batch, "
        "and at batch 8 and 224 px a worker (then with `-Xmx768m`) peaked at 1.76 GB; the default batch, "
        "up to 64, would need several GB.", "",
        "| job | px | strategy | hyperparameters | job s | epoch s | images/s | peak RSS | ≤ 1.5 GB | valid acc | load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in r["runs"]:
        hp = run["hyperparameters"]
        lines.append(f"| {run['name']} | {run['px']} | {run['strategy']} | epochs {hp.get('n_epochs')}, batch "
                     f"{hp.get('batch_size')} | {run['job_seconds']} | {sum(run['epoch_seconds']):.1f} | "
                     f"{run['images_per_second']:.1f} | {run['peak_rss_bytes'] / 2**20:.0f} MiB | "
                     f"{'yes' if run['peak_rss_bytes'] <= LIMIT_BYTES else '**no**'} | "
                     f"{run['valid_accuracy'] if run['valid_accuracy'] is None else round(run['valid_accuracy'], 3)} | "
                     f"{run['loadavg'][0]:.1f} |")
    lines += ["", f"Worker peak RSS over the whole bench: {r['overall_peak_rss_bytes'] / 2**20:.0f} MiB "
              f"({'within' if r['overall_peak_rss_bytes'] <= LIMIT_BYTES else '**over**'} 1.5 GB).", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("api")
    parser.add_argument("server_pid", type=int)
    parser.add_argument("work")
    parser.add_argument("out")
    parser.add_argument("--photos", type=int, default=2000)
    args = parser.parse_args()
    api = args.api
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    t = time.time()
    data, mean_pixels = photos_zip(args.photos, 1)
    print(f"generated {args.photos} photos, {len(data) / 2**20:.0f} MiB, in {time.time() - t:.0f} s", flush=True)
    t = time.time()
    dataset = graft_api.upload(api, {"format": "image_folder", "name": "photos"}, "photos.zip", "application/zip", data)
    print(f"uploaded {dataset['id']} in {time.time() - t:.0f} s", flush=True)
    del data
    wpid = worker_pid(args.server_pid)
    split = dataset["split"]
    n_train, n_val = split["train_examples"], split["validation_examples"]
    plan = [
        ("feature_extraction-224", "coco-mobilenetv2", 224, "feature_extraction", {}),
        ("feature_extraction-224 again (cached embeddings)", "coco-mobilenetv2", 224, "feature_extraction", {}),
        ("full-224", "coco-mobilenetv2", 224, "full", {"n_epochs": 1, "batch_size": 4}),
        ("import", None, 300, None, None),
        ("feature_extraction-300", "coco-mobilenetv2-300", 300, "feature_extraction", {}),
        ("full-300", "coco-mobilenetv2-300", 300, "full", {"n_epochs": 1, "batch_size": 4}),
    ]
    runs = []
    for i, (name, base, px, strategy, hp) in enumerate(plan):
        if name == "import":
            import_model(api, "coco-mobilenetv2-300", base_at(api, runs[0]["model"], px))
            continue
        run = run_job(api, wpid, name, base, dataset["id"], strategy, hp, i + 1)
        run["px"] = px
        if strategy == "feature_extraction":
            run["images_per_second"] = (n_train + n_val) / max(1, run["job_seconds"])
        else:
            run["images_per_second"] = n_train / max(1e-9, sum(run["epoch_seconds"]) or 1)
        runs.append(run)
    result = {"photos": args.photos, "mean_pixels": mean_pixels, "zip_bytes": dataset["bytes"], "train": n_train,
              "validation": n_val, "cpus": os.cpu_count(), "started": started, "runs": runs,
              "overall_peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs)}
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    with open(args.out[:-len(".json")] + ".md", "w") as f:
        f.write(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
