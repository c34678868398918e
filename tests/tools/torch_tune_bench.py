#!/usr/bin/python3
"""torch_tune_bench.py - the yardstick for `promptlab bench`'s soft-prompt step.

One prompt-tuning step written plainly in eager PyTorch, on a random T5 of
the same shape as promptlab's figure: batch 8, source 20 tokens, target 12,
a prompt of 20 rows before the source, forward, backward to the prompt only
(the model is frozen), one optimiser step. Prints the median steps/s.

Not part of `make test`: it needs Debian's python3-torch (apt-get install
python3-torch), which the project does not depend on. The T5 here is our
own few lines (T5 v1.1 layout: RMS norm, no attention scaling, relative
position buckets, gated GELU); Hugging Face transformers is not in Debian.
PyTorch 1.13 has no Adafactor, so the step uses Adam: on a 20 x d prompt
the optimiser is a vanishing share of the step either way.

usage: /usr/bin/python3 tests/tools/torch_tune_bench.py [--shape NAME] [--runs N]
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = {
    "promptlab-tiny": dict(d=96, kv=24, heads=4, ff=384, layers=3, vocab=5000, tied=True),
    "promptlab-base": dict(d=192, kv=48, heads=4, ff=768, layers=3, vocab=5000, tied=True),
    "flan-t5-small": dict(d=512, kv=64, heads=6, ff=1024, layers=8, vocab=32128, tied=False),
}
BUCKETS, MAX_DISTANCE, EPS = 32, 128, 1e-6


def bucket(rel, bidirectional):
    """T5's relative position bucket for each entry of rel (key - query)."""
    n = BUCKETS
    out = torch.zeros_like(rel)
    if bidirectional:
        n //= 2
        out += (rel > 0).long() * n
        rel = rel.abs()
    else:
        rel = -torch.clamp(rel, max=0)
    exact = n // 2
    big = exact + (torch.log(rel.float().clamp(min=1) / exact) / math.log(MAX_DISTANCE / exact)
                   * (n - exact)).long()
    big = torch.clamp(big, max=n - 1)
    return out + torch.where(rel < exact, rel, big)


class Norm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.w = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.w * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS)


class Attention(nn.Module):
    def __init__(self, s, position_bias, bidirectional):
        super().__init__()
        inner = s["heads"] * s["kv"]
        self.h, self.kv = s["heads"], s["kv"]
        self.q, self.k, self.v = (nn.Linear(s["d"], inner, bias=False) for _ in range(3))
        self.o = nn.Linear(inner, s["d"], bias=False)
        self.bidirectional = bidirectional
        self.rel = nn.Embedding(BUCKETS, s["heads"]) if position_bias else None

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.kv).transpose(1, 2)

    def bias(self, tq, tk):
        rel = torch.arange(tk)[None, :] - torch.arange(tq)[:, None]
        return self.rel(bucket(rel, self.bidirectional)).permute(2, 0, 1)[None]

    def forward(self, x, kv, bias, causal):
        q, k, v = self.split(self.q(x)), self.split(self.k(kv)), self.split(self.v(kv))
        scores = q @ k.transpose(-1, -2)  # T5: no 1/sqrt(d) scaling
        if bias is not None:
            scores = scores + bias
        if causal:
            t = scores.shape[-1]
            scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
        out = torch.softmax(scores.float(), -1) @ v
        b, _, t, _ = out.shape
        return self.o(out.transpose(1, 2).reshape(b, t, -1))


class Block(nn.Module):
    def __init__(self, s, first, decoder):
        super().__init__()
        self.decoder = decoder
        self.n1, self.att = Norm(s["d"]), Attention(s, first, not decoder)
        if decoder:
            self.n2, self.cross = Norm(s["d"]), Attention(s, False, False)
        self.n3 = Norm(s["d"])
        self.wi0, self.wi1 = (nn.Linear(s["d"], s["ff"], bias=False) for _ in range(2))
        self.wo = nn.Linear(s["ff"], s["d"], bias=False)

    def forward(self, x, bias, enc=None):
        h = self.n1(x)
        x = x + self.att(h, h, bias, self.decoder)
        if self.decoder:
            x = x + self.cross(self.n2(x), enc, None, False)
        h = self.n3(x)
        return x + self.wo(F.gelu(self.wi0(h), approximate="tanh") * self.wi1(h))


class T5(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = s
        self.shared = nn.Embedding(s["vocab"], s["d"])
        self.enc = nn.ModuleList(Block(s, i == 0, False) for i in range(s["layers"]))
        self.dec = nn.ModuleList(Block(s, i == 0, True) for i in range(s["layers"]))
        self.enc_norm, self.dec_norm = Norm(s["d"]), Norm(s["d"])
        self.head = None if s["tied"] else nn.Linear(s["d"], s["vocab"], bias=False)

    def forward(self, emb, dec_ids):
        x = emb
        bias = self.enc[0].att.bias(x.shape[1], x.shape[1])
        for b in self.enc:
            x = b(x, bias)
        enc = self.enc_norm(x)
        y = self.shared(dec_ids)
        bias = self.dec[0].att.bias(y.shape[1], y.shape[1])
        for b in self.dec:
            y = b(y, bias, enc)
        y = self.dec_norm(y)
        if self.head is None:
            return (y * self.s["d"] ** -0.5) @ self.shared.weight.t()
        return self.head(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shape", default="promptlab-tiny", choices=sorted(SHAPES))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: its default)")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    s = SHAPES[a.shape]
    model = T5(s).eval().requires_grad_(False)
    B, S, U, N = 8, 20, 12, 20
    ids = torch.randint(2, s["vocab"], (B, S))
    tgt = torch.randint(2, s["vocab"], (B, U))
    dec_ids = torch.cat([torch.zeros(B, 1, dtype=torch.long), tgt[:, :-1]], 1)
    prompt = nn.Parameter(torch.rand(N, s["d"]) - 0.5)
    opt = torch.optim.Adam([prompt], lr=0.3)
    times = []
    for k in range(a.runs + 2):
        t0 = time.perf_counter()
        emb = torch.cat([prompt.expand(B, N, s["d"]), model.shared(ids)], 1)
        logits = model(emb, dec_ids)
        loss = F.cross_entropy(logits.reshape(-1, s["vocab"]), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if k >= 2:
            times.append(1.0 / (time.perf_counter() - t0))
    print(f"torch {torch.__version__} threads {torch.get_num_threads()} {a.shape}: "
          f"{statistics.median(times):.2f} steps/s (median of {a.runs})")


if __name__ == "__main__":
    main()
