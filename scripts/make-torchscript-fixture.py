#!/usr/bin/python3
"""Writes the tiny TorchScript fixtures that Graft's import tests load.

Run with Debian's python3-torch (1.13): /usr/bin/python3 scripts/make-torchscript-fixture.py
The files are committed; re-run only to change them. No BatchNorm on purpose: the module's
buffers are not parameters in DJL, and the fixture should exercise the plain path.
"""
import os
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "torchscript")


class TinyBackbone(nn.Module):
    """1x16x16 grey images -> 16-d embedding."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1, stride=2)
        self.fc = nn.Linear(8, 16)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(x))
        x = x.mean(dim=[2, 3])
        return torch.relu(self.fc(x))


class TinyClassifier(nn.Module):
    """The same backbone ending in 3 logits."""

    def __init__(self):
        super().__init__()
        self.backbone = TinyBackbone()
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        return self.out(self.backbone(x))


class PrintsProbeVerdict(nn.Module):
    """Prints the probe's old verdict marker, then answers 8 values where its descriptor will say 16.

    A thousand times: stdout into a pipe is block-buffered, and 15 KB fill the buffer, so the
    markers reach the parent before the probe's own verdict does.
    """

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(256, 8)

    def forward(self, x):
        for _ in range(1000):
            print("graft-probe-ok")
        return self.fc(x.flatten(1))


class Spins(nn.Module):
    """Never returns, whatever the input: a probe or a model process that must be stopped from outside."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(256, 16)

    def forward(self, x):
        n = 0
        while n >= 0:
            n += 1
        return self.fc(x.flatten(1))


class SpinsOnUniformBrightImages(nn.Module):
    """The tiny backbone, except that it never returns for an image of one bright colour.

    Imported with the normalisation mean 0.25, std 0.5 (as IsolatedInferenceTest does), a white
    image is 1.5 everywhere. Dataset images are never of one colour, the import probe sends zeros
    and DJL infers output shapes from ones, so the module imports and fine-tunes normally; a white
    image then hangs its model process.
    """

    def __init__(self):
        super().__init__()
        self.backbone = TinyBackbone()

    def forward(self, x):
        if bool(x.amax() == x.amin()) and bool(x.amax() > 1.25):
            n = 0
            while n >= 0:
                n += 1
        return self.backbone(x)


def main():
    torch.manual_seed(7)
    os.makedirs(OUT, exist_ok=True)
    for name, module in (("tiny-backbone.pt", TinyBackbone()), ("tiny-logits.pt", TinyClassifier()),
                         ("prints-probe-verdict.pt", PrintsProbeVerdict()), ("spins.pt", Spins()),
                         ("spins-on-white.pt", SpinsOnUniformBrightImages())):
        if name == "spins.pt":
            torch.jit.script(module.eval()).save(os.path.join(OUT, name))
            print(name)
            continue
        scripted = torch.jit.script(module.eval())
        scripted.save(os.path.join(OUT, name))
        print(name, tuple(scripted(torch.zeros(2, 1, 16, 16)).shape))
    with open(os.path.join(OUT, "corrupt.pt"), "wb") as f:
        f.write(bytes(torch.randint(0, 256, (512,), dtype=torch.uint8).tolist()))


if __name__ == "__main__":
    main()
