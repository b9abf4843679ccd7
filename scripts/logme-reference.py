#!/usr/bin/env python3
"""Writes src/test/resources/logme/reference.json: LogME scores of small fixed examples, computed
by the published reference implementation, for dev.graft.transfer.LogMeTest.

    python3 scripts/logme-reference.py [--reference path/to/LogME.py]

Needs numpy (the pyenv python3; Debian's /usr/bin/python3 has none). The reference is
thuml/LogME's LogME.py (MIT licence, You et al., ICML 2021 / JMLR 2022) at the pinned commit
below; it is not committed here. Without --reference the script downloads that file into
target/logme-reference/ (the only step that needs the network) and checks its SHA-256 either way,
so every run scores with exactly the same code. LogME.py compiles two helpers with numba at import;
numba only speeds them up, so a stand-in whose njit returns the function unchanged is installed
when numba is missing.

The score is LogME(regression=False).fit(f, y), whose _fit is _fit_fixed_point: the SVD fast path
(F = U S V^T, alpha/beta fixed-point iteration per one-vs-rest class, evidence / n, mean over
classes) that dev.graft.transfer.LogMe implements.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import re
import sys
import types
import urllib.request

import numpy as np

VERSIONS = {
    # name: (commit, SHA-256 of its LogME.py)
    "main": ("56551ca94a3295bcc37e6a01b1291911af985f07",
             "ccedeb18e8703b685a7f2dd24a81740d12d06c69b24e84165e5b9a29eb3f3287"),
    "fixed": ("c15356cfb68655fbc4b8b452ada868126ab02ff5",
              "f136b0892c92c9da843dbc31f3ddee1adf75c1fad158d824919452475107ddab"),
}
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "src", "test", "resources", "logme", "reference.json")


def locate(version, path):
    commit, sha256 = VERSIONS[version]
    if path is None:
        path = os.path.join(ROOT, "target", "logme-reference", version, "LogME.py")
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            # GitHub serves a pull request's commits from the base repository too.
            urllib.request.urlretrieve(f"https://raw.githubusercontent.com/thuml/LogME/{commit}/LogME.py", path)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != sha256:
        sys.exit(f"{path}: SHA-256 {digest}, expected {sha256} (LogME.py at {commit})")
    return path


def load_reference(version, path):
    try:
        import numba  # noqa: F401
    except ImportError:
        stub = types.ModuleType("numba")
        stub.njit = lambda f=None, **_: f if f is not None else (lambda g: g)
        sys.modules["numba"] = stub
    spec = importlib.util.spec_from_file_location("logme_" + version, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LogME


def example(rng, n, d, classes, separation, nonnegative):
    """Gaussian classes around random means; every class present; float32 like embeddings."""
    labels = rng.permutation(np.arange(n) % classes)
    means = rng.normal(0.0, separation, size=(classes, d))
    f = means[labels] + rng.normal(0.0, 1.0, size=(n, d))
    if nonnegative:
        # ReLU-like, as a CNN's pooled embedding is, shifted so that no column is all zeros.
        f = np.maximum(f + 0.5, 0.0)
    return f.astype(np.float32), labels


def compact_rows(document):
    """Indented JSON with each feature row on one line, so the fixture stays readable in a diff."""
    text = json.dumps(document, indent=1)
    return re.sub(r"\[\s*([-0-9.e+,\s]+?)\s*\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)


def main():
    parser = argparse.ArgumentParser()
    for version, (commit, _) in VERSIONS.items():
        parser.add_argument("--" + version, help=f"a local copy of thuml/LogME's LogME.py at {commit}")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    main_logme = load_reference("main", locate("main", args.main))
    fixed_logme = load_reference("fixed", locate("fixed", args.fixed))

    rng = np.random.default_rng(20210701)
    specs = [
        ("n60_d8_c3", 60, 8, 3, 1.0, False),
        ("n20_d32_c4_fewer_examples_than_features", 20, 32, 4, 1.0, False),
        ("n120_d16_c5_nonnegative_weak_signal", 120, 16, 5, 0.4, True),
    ]
    cases = []
    for name, n, d, classes, separation, nonnegative in specs:
        f, y = example(rng, n, d, classes, separation, nonnegative)
        assert np.linalg.matrix_rank(f.astype(np.float64)) == min(n, d)
        score = float(fixed_logme(regression=False).fit(f, y))
        score_main = float(main_logme(regression=False).fit(f, y))
        # float(np.float32) is the exact double of the float32, so Java parses the same floats.
        cases.append({"name": name, "n": n, "d": d, "classes": classes,
                      "score": score, "score_main": score_main,
                      "labels": [int(v) for v in y],
                      "features": [[float(v) for v in row] for row in f]})
        print(f"{name}: LogME {score:.10f} (main branch {score_main:.10f})")
    document = {
        "reference": "thuml/LogME LogME.py, LogME(regression=False).fit (_fit_fixed_point): "
                     f"score at {VERSIONS['fixed'][0]} (pull request #24), "
                     f"score_main at {VERSIONS['main'][0]} (main)",
        "generator": "scripts/logme-reference.py, numpy default_rng(20210701)",
        "numpy": np.__version__,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as out:
        out.write(compact_rows(document) + "\n")


if __name__ == "__main__":
    main()
