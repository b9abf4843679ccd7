#!/usr/bin/python3
"""Texture classification as a user would do it, through Graft's HTTP API, run by bench/natural-transfer.sh.

Three texture classes cut from Debian python3-skimage's grass, gravel and brick photos (512x512
grayscale, CC0): the 64 non-overlapping 64x64 patches of each. For every seed, 10 random patches
per class are uploaded as an image_folder dataset (Graft holds 20% of them out for validation) and
20 other patches per class are the test set, predicted over HTTP. Each base is fine-tuned with the
job defaults (strategy auto, default hyperparameters); a scikit-learn logistic regression on the raw
pixels of the same 10 training patches per class is the baseline without deep learning.

usage: coco_textures.py <graft-url> <out.json> <seeds...>
"""
import base64
import io
import random
import sys
import zipfile

import numpy as np
from PIL import Image
from sklearn.linear_model import LogisticRegression

from graft_api import fine_tune, predict, table, upload, write_results

TEXTURES = ["grass", "gravel", "brick"]
DATA = "/usr/lib/python3/dist-packages/skimage/data"
PATCH, TRAIN, TEST = 64, 10, 20
BASES = ["coco-mobilenetv2", "arch-cnn-small", "mnist-cnn-small"]


def patches(name):
    image = np.asarray(Image.open(f"{DATA}/{name}.png").convert("L"))
    return [image[y:y + PATCH, x:x + PATCH] for y in range(0, 512, PATCH) for x in range(0, 512, PATCH)]


def png(pixels):
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def upload_patches(api, name, files, seed):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for path, data in files:
            z.writestr(path, data)
    return upload(api, {"format": "image_folder", "name": name, "seed": seed}, f"{name}.zip", "application/zip",
                  archive.getvalue())


def main(api, out, seeds):
    cut = {t: patches(t) for t in TEXTURES}
    runs = []
    for seed in seeds:
        rng = random.Random(seed)
        train, test = [], []
        for t in TEXTURES:
            chosen = rng.sample(range(len(cut[t])), TRAIN + TEST)
            train += [(t, cut[t][i]) for i in chosen[:TRAIN]]
            test += [(t, cut[t][i]) for i in chosen[TRAIN:]]
        dataset = upload_patches(api, f"textures-seed{seed}",
                         [(f"{t}/{i}.png", png(p)) for i, (t, p) in enumerate(train)], seed)
        run = {"seed": seed, "dataset": dataset["id"], "split": dataset["split"], "test_examples": len(test), "bases": {}}
        for base in BASES:
            job, seconds = fine_tune(api, base, dataset["id"], seed)
            predicted = predict(api, job["fine_tuned_model"], [{"b64": base64.b64encode(png(p)).decode()} for _, p in test])
            accuracy = sum(a == t for a, (t, _) in zip(predicted, test)) / len(test)
            run["bases"][base] = {"accuracy": accuracy, "strategy": job.get("strategy"), "job_seconds": round(seconds, 1),
                                  "hyperparameters": job.get("hyperparameters"), "job": job["id"]}
            print(f"seed {seed} {base}: test accuracy {accuracy:.3f} ({job.get('strategy')}, {seconds:.0f} s)", flush=True)
        x = np.stack([p.reshape(-1) / 255.0 for _, p in train])
        y = [t for t, _ in train]
        model = LogisticRegression(max_iter=5000).fit(x, y)
        accuracy = float(np.mean(model.predict(np.stack([p.reshape(-1) / 255.0 for _, p in test])) == [t for t, _ in test]))
        run["bases"]["logistic-regression-pixels"] = {"accuracy": accuracy, "train_examples": len(train)}
        print(f"seed {seed} logistic regression on pixels: test accuracy {accuracy:.3f}", flush=True)
        runs.append(run)
    write_results(out, "3 textures (skimage grass, gravel, brick), 64x64 patches, 10 per class uploaded, "
                       "20 per class tested over HTTP", runs, markdown)


def markdown(runs):
    names = BASES + ["logistic-regression-pixels"]
    lines = ["# Texture transfer through the API (coco-mobilenetv2)", "",
             "3 classes (Debian python3-skimage grass, gravel, brick; CC0), 64x64 grayscale patches; per seed 10 "
             "random patches per class uploaded as an image_folder dataset (Graft's split keeps 8 for training, 2 "
             "for validation) and 20 other patches per class predicted over HTTP. Jobs use the defaults "
             "(`strategy: auto`, default hyperparameters). Logistic regression (scikit-learn, raw pixels) trains on "
             "all 10 per class. Made by `bench/natural-transfer.sh images`.", "",
             "| seed | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines += table(names, runs, lambda run, n: f"{run['bases'][n]['accuracy']:.3f}" + (
        f" ({run['bases'][n]['strategy']}, {run['bases'][n]['job_seconds']:.0f} s)" if "strategy" in run["bases"][n] else ""))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]])
