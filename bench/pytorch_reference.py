#!/usr/bin/python3
"""PyTorch eager reference for bench/training.sh: the same networks, loss, optimiser, batch size,
thread count and data as Graft's DJL engine under the `full` strategy, timed the same way.

Graft's TrainingBenchmark starts this once and sends it one JSON request per line on stdin,
interleaving its own rounds with ours; each answer is one JSON line on stdout. By hand:

    echo '{"arch": "arch-cnn-small", "data": "images", "warmup": 1, "epochs": 2}' |
        /usr/bin/python3 bench/pytorch_reference.py --data target/bench-data --threads 2

The data directory holds what the Java side wrote: <name>.json (n, shape, classes) and
<name>.x.f32 / <name>.y.i64 (little-endian), already normalised by Graft's Preprocessor.

The networks mirror dev.graft.basemodel.Architectures: convolutions without bias, BatchNorm
with PyTorch's defaults (DJL's momentum 0.9 is PyTorch's 0.1 written the other way round),
global average pooling as reshape + mean, a linear head. Weight initialisation differs (it does
not change the cost of a step).
"""
import argparse
import json
import sys
import time

import numpy as np
import torch
from torch import nn

BATCH_NORM_EPS = 1e-5


def conv(cin, cout, kernel, stride=1):
    return nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)


class GlobalAveragePool(nn.Module):
    def forward(self, x):
        return x.reshape(x.shape[0], x.shape[1], -1).mean(2)


class Residual(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        self.main = nn.Sequential(conv(cin, width, 3, stride), nn.BatchNorm2d(width, BATCH_NORM_EPS),
                                  nn.ReLU(), conv(width, width, 3), nn.BatchNorm2d(width, BATCH_NORM_EPS))
        project = cin != width or stride != 1
        self.shortcut = (nn.Sequential(conv(cin, width, 1, stride), nn.BatchNorm2d(width, BATCH_NORM_EPS))
                         if project else nn.Identity())

    def forward(self, x):
        return torch.relu(self.main(x) + self.shortcut(x))


def backbone(arch, shape):
    if arch == "arch-mlp":
        layers, cin = [], shape[0]
        for width in (64, 64):
            layers += [nn.Linear(cin, width), nn.ReLU()]
            cin = width
        return nn.Sequential(*layers)
    if arch == "arch-cnn-small":
        layers, cin = [], shape[0]
        for width in (16, 32, 64):
            layers += [conv(cin, width, 3), nn.BatchNorm2d(width, BATCH_NORM_EPS), nn.ReLU(),
                       nn.MaxPool2d(2, 2)]
            cin = width
        return nn.Sequential(*layers, GlobalAveragePool())
    if arch == "arch-resnet20":
        units = [nn.Sequential(conv(shape[0], 16, 3), nn.BatchNorm2d(16, BATCH_NORM_EPS), nn.ReLU())]
        cin = 16
        for stage, width in enumerate((16, 32, 64)):
            for block in range(3):
                units.append(Residual(cin, width, 2 if stage > 0 and block == 0 else 1))
                cin = width
        return nn.Sequential(*units, GlobalAveragePool())
    raise ValueError("No reference for " + arch)


def load(directory, name):
    meta = json.load(open(f"{directory}/{name}.json"))
    x = np.fromfile(f"{directory}/{name}.x.f32", dtype="<f4").reshape([meta["n"]] + meta["shape"])
    y = np.fromfile(f"{directory}/{name}.y.i64", dtype="<i8")
    return torch.from_numpy(x.copy()), torch.from_numpy(y.copy()), meta


def cross_entropy(logits, labels):
    # The engine's formula (TrainingLoop.crossEntropy), not F.cross_entropy, so both sides do
    # the same work.
    k = logits.shape[1]
    one_hot = nn.functional.one_hot(labels, k).to(logits.dtype)
    return -(torch.log_softmax(logits, 1) * one_hot).sum(1).mean()


def train(request, datasets, batch):
    x, y, meta = datasets[request["data"]]
    seed = request.get("seed", 42)
    torch.manual_seed(seed)
    body = backbone(request["arch"], meta["shape"])
    head = nn.Linear(64, meta["classes"])
    model = nn.Sequential(body, head).train()
    lr = request.get("lr", 1e-3)
    # `full`: the backbone trains at lr x backbone_learning_rate_multiplier (default 0.1).
    optimizer = torch.optim.Adam([
        {"params": body.parameters(), "lr": lr * request.get("backbone_multiplier", 0.1)},
        {"params": head.parameters(), "lr": lr}], betas=(0.9, 0.999), eps=1e-8, foreach=False)
    n = x.shape[0]
    seconds = []
    for epoch in range(1, request["warmup"] + request["epochs"] + 1):
        start = time.perf_counter()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed + epoch))
        for first in range(0, n, batch):
            index = order[first:first + batch]
            xb, yb = x[index], y[index]
            logits = model(xb)
            loss = cross_entropy(logits, yb)
            optimizer.zero_grad(set_to_none=False)
            loss.backward()
            optimizer.step()
            # The engine reads the loss and the batch accuracy back after every step.
            loss.item()
            (logits.argmax(1) == yb).sum().item()
        seconds.append(time.perf_counter() - start)
    steady = seconds[request["warmup"]:]
    return {"arch": request["arch"], "data": request["data"], "examples": n,
            "parameters": sum(p.numel() for p in model.parameters()), "epoch_seconds": seconds, "warmup_epochs": request["warmup"],
            "samples_per_second": n * len(steady) / sum(steady)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    datasets = {}
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "mkldnn": torch.backends.mkldnn.is_available()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request["data"] not in datasets:
            datasets[request["data"]] = load(args.data, request["data"])
        with torch.autograd.set_grad_enabled(True):
            print(json.dumps(train(request, datasets, args.batch)), flush=True)


if __name__ == "__main__":
    main()
