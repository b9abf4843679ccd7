#!/usr/bin/python3
"""Texture classification as a user would do it, through Graft's HTTP API, run by bench/natural-transfer.sh.

Three texture classes cut from Debian python3-skimage's grass, gravel and brick photos (512x512
grayscale, CC0): the 64 non-overlapping 64x64 patches of each. For every seed, 10 random patches
per class are uploaded as an image_folder dataset (Graft holds 20% of them out for validation) and
20 other patches per class are the test set, predicted over HTTP. Each base is fine-tuned with the
job defaults (strategy auto, default hyperparameters); a scikit-learn logistic regression on the raw
pixels of the same 10 training patches per class is the baseline without deep learning.

With `--task photos` the classes are instead four colour photos of Debian's `darknet` package (dog,
eagle, giraffe, horses: COCO-like scenes): square crops of 40-60% of a photo's height, resized to
96x96, training crops from the photo's left half and test crops from its right half, so that no test
pixel was seen in training; 10 per class uploaded, 20 per class tested.

usage: coco_textures.py <graft-url> <out.json> [--task textures|photos] <seeds...>
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
PHOTOS = ["dog", "eagle", "giraffe", "horses"]
PHOTO_DATA = "/usr/share/darknet/data"
CROP = 96
BASES = ["coco-mobilenetv2", "arch-cnn-small", "mnist-cnn-small"]


def patches(name):
    image = np.asarray(Image.open(f"{DATA}/{name}.png").convert("L"))
    return [image[y:y + PATCH, x:x + PATCH] for y in range(0, 512, PATCH) for x in range(0, 512, PATCH)]


def texture_split(cut, seed):
    rng = random.Random(seed)
    train, test = [], []
    for t in TEXTURES:
        chosen = rng.sample(range(len(cut[t])), TRAIN + TEST)
        train += [(t, cut[t][i]) for i in chosen[:TRAIN]]
        test += [(t, cut[t][i]) for i in chosen[TRAIN:]]
    return train, test


def photo_crops(image, count, rng, left):
    """Square crops of 40-60% of the height from one half of the photo, resized to CROP x CROP."""
    width, height = image.size
    out = []
    for _ in range(count):
        side = int(height * rng.uniform(0.4, 0.6))
        side = min(side, width // 2)
        x0 = rng.randint(0, width // 2 - side) + (0 if left else width - width // 2)
        y0 = rng.randint(0, height - side)
        out.append(np.asarray(image.crop((x0, y0, x0 + side, y0 + side)).resize((CROP, CROP), Image.BILINEAR)))
    return out


def photo_split(photos, seed):
    rng = random.Random(seed)
    train, test = [], []
    for name, image in photos.items():
        train += [(name, c) for c in photo_crops(image, TRAIN, rng, True)]
        test += [(name, c) for c in photo_crops(image, TEST, random.Random(1000 + PHOTOS.index(name)), False)]
    return train, test


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


def main(api, out, task, seeds):
    if task == "photos":
        photos = {n: Image.open(f"{PHOTO_DATA}/{n}.jpg").convert("RGB") for n in PHOTOS}
        split = lambda seed: photo_split(photos, seed)
    else:
        cut = {t: patches(t) for t in TEXTURES}
        split = lambda seed: texture_split(cut, seed)
    runs = []
    for seed in seeds:
        train, test = split(seed)
        dataset = upload_patches(api, f"{task}-seed{seed}",
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
    if task == "photos":
        write_results(out, "4 darknet photos (dog, eagle, giraffe, horses), 96x96 crops, 10 per class uploaded from "
                           "the left halves, 20 per class tested over HTTP from the right halves", runs, photo_markdown)
    else:
        write_results(out, "3 textures (skimage grass, gravel, brick), 64x64 patches, 10 per class uploaded, "
                           "20 per class tested over HTTP", runs, markdown)


def photo_markdown(runs):
    return results_table(runs, ("# Photo-crop transfer through the API (coco-mobilenetv2)", "",
             "4 classes: the colour photos dog, eagle, giraffe and horses of Debian's `darknet` package; square crops "
             "of 40-60% of a photo's height resized to 96x96 RGB. Per seed 10 crops per class from the photo's left "
             "half uploaded as an image_folder dataset, and the same 20 crops per class from its right half "
             "predicted over HTTP (no test pixel seen in training). Jobs use the defaults (`strategy: auto`, "
             "default hyperparameters). Logistic regression (scikit-learn, raw pixels) trains on all 10 per class. "
             "Chance: 0.25. Made by `bench/natural-transfer.sh photos`."))


def markdown(runs):
    return results_table(runs, ("# Texture transfer through the API (coco-mobilenetv2)", "",
             "3 classes (Debian python3-skimage grass, gravel, brick; CC0), 64x64 grayscale patches; per seed 10 "
             "random patches per class uploaded as an image_folder dataset (Graft's split keeps 8 for training, 2 "
             "for validation) and 20 other patches per class predicted over HTTP. Jobs use the defaults "
             "(`strategy: auto`, default hyperparameters). Logistic regression (scikit-learn, raw pixels) trains on "
             "all 10 per class. Made by `bench/natural-transfer.sh images`."))


def results_table(runs, intro):
    names = BASES + ["logistic-regression-pixels"]
    lines = list(intro) + ["",
             "| seed | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines += table(names, runs, lambda run, n: f"{run['bases'][n]['accuracy']:.3f}" + (
        f" ({run['bases'][n]['strategy']}, {run['bases'][n]['job_seconds']:.0f} s)" if "strategy" in run["bases"][n] else ""))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    args = sys.argv[3:]
    chosen = "textures"
    if args[:1] == ["--task"]:
        chosen, args = args[1], args[2:]
    main(sys.argv[1], sys.argv[2], chosen, [int(s) for s in args])
