#!/usr/bin/env python3
"""The models of `cfx bench images` in PyTorch eager, timed the same way: one training step
(forward, loss, backward, AdamW) of the Fashion-MNIST classifier (batch 64, 1 × 28 × 28) and of the
diffusion U-Net (batch 64, 3 × 32 × 32, base 32, levels ×1 ×2 ×2, attention at 8 × 8, 10-class
condition), best of repeated steps after a warm-up, on as many threads as cfx's BLAS uses.
Prints JSON. Usage: python bench-images-pytorch.py [--seconds S] [--threads N]
(run by scripts/bench-images-vs-pytorch.sh, which makes the Python environment)."""
import argparse, json, math, os, time
import torch
from torch import nn
import torch.nn.functional as F

class Classifier(nn.Module):
    # conv 3×3 → ReLU, two per stage, 2×2 max-pooling between stages, global average pooling, linear.
    def __init__(self, channels=1, base=32, stages=3, per_stage=2, classes=10):
        super().__init__()
        layers, c = [], channels
        for s in range(stages):
            for _ in range(per_stage):
                layers.append(nn.Conv2d(c, base << s, 3, padding=1)); c = base << s
        self.convs, self.per_stage, self.head = nn.ModuleList(layers), per_stage, nn.Linear(c, classes)
    def forward(self, x):
        for i, conv in enumerate(self.convs):
            x = F.relu(conv(x))
            if (i + 1) % self.per_stage == 0 and i + 1 < len(self.convs): x = F.max_pool2d(x, 2)
        return self.head(x.mean(dim=(2, 3)))

class Block(nn.Module):
    # GN → SiLU → conv; FiLM (scale, shift) from the embedding on the second GN; SiLU → conv; + skip.
    def __init__(self, i, o, e, groups):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(min(groups, i), i), nn.Conv2d(i, o, 3, padding=1)
        self.film, self.norm2, self.conv2 = nn.Linear(e, 2 * o), nn.GroupNorm(groups, o), nn.Conv2d(o, o, 3, padding=1)
        self.skip = nn.Conv2d(i, o, 1) if i != o else None
    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.film(F.silu(e)).chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale[:, :, None, None]) + shift[:, :, None, None]
        return self.conv2(F.silu(h)) + (self.skip(x) if self.skip is not None else x)

class Attention(nn.Module):
    # Single-head self-attention over positions, residual.
    def __init__(self, c, groups):
        super().__init__()
        self.norm, self.qkv, self.out = nn.GroupNorm(groups, c), nn.Conv2d(c, 3 * c, 1), nn.Conv2d(c, c, 1)
    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3 * c, h * w).split(c, dim=1)
        a = torch.softmax(q.transpose(1, 2) @ k / math.sqrt(c), dim=-1)
        return x + self.out((v @ a.transpose(1, 2)).reshape(n, c, h, w))

class UNet(nn.Module):
    def __init__(self, channels=3, base=32, mult=(1, 2, 2), groups=8, emb=64, cond=10):
        super().__init__()
        e = 4 * emb
        self.emb = emb
        self.time = nn.Sequential(nn.Linear(emb, e), nn.SiLU(), nn.Linear(e, e))
        self.cond = nn.Linear(cond, e)
        self.null_condition = nn.Parameter(torch.zeros(cond))   # classifier-free guidance's null condition (unused when conditioned)
        self.input = nn.Conv2d(channels, base, 3, padding=1)
        c, skips = base, []
        self.down, self.downsample = nn.ModuleList(), nn.ModuleList()
        for level, m in enumerate(mult):
            self.down.append(Block(c, base * m, e, groups)); c = base * m; skips.append(c)
            if level + 1 < len(mult): self.downsample.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
        self.middle = nn.ModuleList([Block(c, c, e, groups), Block(c, c, e, groups)])
        self.attention = Attention(c, groups)
        self.up, self.upsample = nn.ModuleList(), nn.ModuleList()
        for level, m in reversed(list(enumerate(mult))):
            self.up.append(Block(c + skips[level], base * m, e, groups)); c = base * m
            if level > 0: self.upsample.append(nn.Conv2d(c, c, 3, padding=1))
        self.out_norm, self.output = nn.GroupNorm(groups, c), nn.Conv2d(c, channels, 3, padding=1)
    def forward(self, x, t, cond):
        half = self.emb // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        angles = t[:, None].float() * freqs[None]
        e = self.time(torch.cat([angles.sin(), angles.cos()], dim=1)) + self.cond(cond)
        h, skips = self.input(x), []
        for level, block in enumerate(self.down):
            h = block(h, e); skips.append(h)
            if level < len(self.downsample): h = self.downsample[level](h)
        h = self.middle[1](self.attention(self.middle[0](h, e)), e)
        for i, block in enumerate(self.up):
            h = block(torch.cat([h, skips.pop()], dim=1), e)
            if i < len(self.upsample): h = self.upsample[i](F.interpolate(h, scale_factor=2, mode="nearest"))
        return self.output(F.silu(self.out_norm(h)))

def best_time(step, seconds):
    step(); step()   # warm-up
    best, start = float("inf"), time.perf_counter()
    while True:
        t = time.perf_counter(); step(); best = min(best, time.perf_counter() - t)
        if time.perf_counter() - start > seconds: return best

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    batch = 64
    classifier = Classifier()
    opt = torch.optim.AdamW(classifier.parameters(), lr=1e-3, weight_decay=1e-4)
    images, labels = torch.rand(batch, 1, 28, 28), torch.arange(batch) % 10
    def classifier_step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(classifier(images), labels).backward()
        opt.step()
    unet = UNet()
    opt2 = torch.optim.AdamW(unet.parameters(), lr=1e-3, weight_decay=0)
    x, noise = torch.randn(batch, 3, 32, 32), torch.randn(batch, 3, 32, 32)
    steps = torch.tensor([1 + i * 7 % 500 for i in range(batch)])
    cond = torch.tensor([[1.0 if (i * 10 + j) % 11 == 0 else 0.0 for j in range(10)] for i in range(batch)])
    def unet_step():
        opt2.zero_grad(set_to_none=True)
        F.mse_loss(unet(x, steps, cond), noise).backward()
        opt2.step()
    result = {
        "torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available(),
        "classifierStep": {"seconds": best_time(classifier_step, args.seconds), "parameters": sum(p.numel() for p in classifier.parameters())},
        "unetStep": {"seconds": best_time(unet_step, args.seconds), "parameters": sum(p.numel() for p in unet.parameters())},
    }
    print(json.dumps(result, indent=2))

if __name__ == "__main__":
    main()
