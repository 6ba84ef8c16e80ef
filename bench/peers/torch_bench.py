#!/usr/bin/env python3
"""PyTorch peer of `kit-bench`: the same training workloads, timed the same way.

Workloads (see Sources/Bench/KitBench.swift and Sources/Bench/BenchUNet.swift for the originals):
  mlp   MLP 64→512→1024→1024→512→64, ReLU between layers, batch 4096, MSE vs normal targets, Adam lr 1e-3
  unet  small UNet 32×32, batch 32, channels 64/128, GroupNorm(32)+SiLU, attention at 8×8, MSE vs noise,
        Adam lr 1e-4
  gru   3-layer nn.GRU (batch-first, input 6, hidden 24), sequence 24, batch 128, Linear 24→6 + sigmoid,
        MSE vs uniform targets, Adam lr 1e-3
  gpvae, ddpm, ddpm-features   chapters 1 and 2's steps (classes below)
  tabddpm  chapter 3's TabDDPM step at adult's shapes (TabDDPMStep below), AdamW lr 2.01e-3 and an EMA

Eager mode, float32, NCHW (PyTorch's default layout), torch.optim.Adam with its defaults. One step is
forward, MSE, backward, optimizer.step(), zero_grad(), as in the kit. Timing: 3 warm-up steps, then --steps
timed steps; the median step time is reported as steps/s.

Threads: --threads N pins the process to the first N CPUs it may run on and calls torch.set_num_threads(N)
(inter-op threads 1). torch is not a requirement of the kit: without it this script says so and exits 2.

Usage: python bench/peers/torch_bench.py --threads 1 --steps 10 --workloads mlp,unet,gru [--json FILE]
"""

import datetime
import json
import math
import os
import sys
import time

from common import SUMMARIES, parse_arguments, pin_threads

ARGS = parse_arguments("PyTorch", "CPUs to pin to and torch.set_num_threads.")
CPUS = pin_threads(ARGS.threads, "torch_bench")

try:
    import torch  # noqa: E402  (after pinning, so OpenMP sees the thread count)
    from torch import nn  # noqa: E402
    import torch.nn.functional as F  # noqa: E402
except ImportError:
    print(f"torch_bench: PyTorch is not installed in this Python ({sys.executable}); "
          "install torch to run the PyTorch peer (it is optional).", file=sys.stderr)
    sys.exit(2)

torch.set_num_threads(ARGS.threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass  # already set, or parallel work has started: harmless for this benchmark


# MARK: UNet (BenchUNet)

class ResidualBlock(nn.Module):
    """GroupNorm → SiLU → 3×3 conv, twice, with a 1×1 projection on the skip path when channels change."""

    def __init__(self, channels, output_channels):
        super().__init__()
        self.norm1 = nn.GroupNorm(32, channels)
        self.conv1 = nn.Conv2d(channels, output_channels, 3, padding=1)
        self.norm2 = nn.GroupNorm(32, output_channels)
        self.conv2 = nn.Conv2d(output_channels, output_channels, 3, padding=1)
        self.skip = nn.Conv2d(channels, output_channels, 1) if channels != output_channels else None

    def forward(self, x):
        h = self.conv2(F.silu(self.norm2(self.conv1(F.silu(self.norm1(x))))))
        return h + (self.skip(x) if self.skip is not None else x)


class SelfAttention2d(nn.Module):
    """Single-head spatial self-attention: GroupNorm → q, k, v Linear over channels → softmax(q·kᵀ/√C) over
    the H·W positions → output Linear → residual add."""

    def __init__(self, channels, groups=32):
        super().__init__()
        self.norm = nn.GroupNorm(groups, channels)
        self.query = nn.Linear(channels, channels)
        self.key = nn.Linear(channels, channels)
        self.value = nn.Linear(channels, channels)
        self.output = nn.Linear(channels, channels)

    def forward(self, x):
        n, c, height, width = x.shape
        h = self.norm(x).reshape(n, c, height * width).transpose(1, 2)  # [N, HW, C]
        q, k, v = self.query(h), self.key(h), self.value(h)
        weights = torch.softmax(torch.bmm(q, k.transpose(1, 2)) * (1 / c ** 0.5), dim=-1)  # [N, HW, HW]
        attended = self.output(torch.bmm(weights, v))  # [N, HW, C]
        return x + attended.transpose(1, 2).reshape(n, c, height, width)


class BenchUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.input = nn.Conv2d(3, 64, 3, padding=1)
        self.down1 = ResidualBlock(64, 64)
        self.downsample1 = nn.Conv2d(64, 64, 3, stride=2, padding=1)
        self.down2 = ResidualBlock(64, 128)
        self.downsample2 = nn.Conv2d(128, 128, 3, stride=2, padding=1)
        self.middle = ResidualBlock(128, 128)
        self.attention = SelfAttention2d(128)
        self.upConv2 = nn.Conv2d(128, 128, 3, padding=1)
        self.up2 = ResidualBlock(256, 64)
        self.upConv1 = nn.Conv2d(64, 64, 3, padding=1)
        self.up1 = ResidualBlock(128, 64)
        self.outNorm = nn.GroupNorm(32, 64)
        self.output = nn.Conv2d(64, 3, 3, padding=1)

    def forward(self, x):
        h0 = self.down1(self.input(x))                                         # 64 × 32 × 32
        h1 = self.down2(self.downsample1(h0))                                  # 128 × 16 × 16
        m = self.attention(self.middle(self.downsample2(h1)))                  # 128 × 8 × 8
        up = F.interpolate(m, scale_factor=2, mode="nearest")
        u2 = self.up2(torch.cat([self.upConv2(up), h1], dim=1))                # 64 × 16 × 16
        up = F.interpolate(u2, scale_factor=2, mode="nearest")
        u1 = self.up1(torch.cat([self.upConv1(up), h0], dim=1))                # 64 × 32 × 32
        return self.output(F.silu(self.outNorm(u1)))


# MARK: GRU

class GRUHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(input_size=6, hidden_size=24, num_layers=3, batch_first=True)
        self.head = nn.Linear(24, 6)

    def forward(self, x):
        output, _ = self.gru(x)
        return torch.sigmoid(self.head(output))


# MARK: GP-VAE (GPVAEWorkloads.trainingStep)

class GPVAEStep(nn.Module):
    """GP-VAE on Healing MNIST shapes, written as PyTorch users write it (PyPOTS's GP-VAE does the same): a
    Conv1d-over-time encoder (window 3, no activation) + ReLU MLP giving per channel a mean path and the bands of an
    upper-bidiagonal precision factor, the posterior's scale from a dense triangular solve, torch.distributions'
    MultivariateNormal KL against a Cauchy-kernel GP prior per latent channel, Bernoulli decoder, ELBO over
    observed pixels, β = 0.8, gradient norm clipped at 10000 as the reference."""

    def __init__(self, generator, batch=64, length=10, features=784, latent=64):
        super().__init__()
        self.latent, self.length = latent, length
        self.conv = nn.Conv1d(features, 128, 3, padding=1)
        self.encoder = nn.Sequential(nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 3 * latent))
        self.decoder = nn.Sequential(nn.Linear(latent, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                                     nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, features))
        t = torch.arange(length, dtype=torch.float32)
        kernel = 1.0 / (1 + (t[:, None] - t[None, :]) ** 2 / 2 ** 2) + 1e-3 * torch.eye(length)
        self.prior = torch.distributions.MultivariateNormal(torch.zeros(length), covariance_matrix=kernel)
        self.x = (torch.rand(batch, length, features, generator=generator) > 0.5).float()
        self.observed = (torch.rand(batch, length, features, generator=generator) > 0.6).float()

    def loss(self):
        x = self.x * self.observed
        b, t, latent = x.shape[0], self.length, self.latent
        h = self.conv(x.transpose(1, 2)).transpose(1, 2)
        mapped = self.encoder(h).transpose(1, 2)                               # [B, 3L, T]
        mean = mapped[:, :latent]
        bands = F.softplus(mapped[:, latent:]).reshape(b, latent, 2 * t)
        diagonal, superdiagonal = bands[..., :t] + 1, bands[..., t:2 * t - 1]
        factor = torch.diag_embed(diagonal) + torch.diag_embed(superdiagonal, offset=1)  # upper bidiagonal
        eye = torch.eye(t).expand(b, latent, t, t)
        scale = torch.linalg.solve_triangular(factor, eye, upper=True).transpose(-1, -2)  # B⁻ᵀ: lower
        posterior = torch.distributions.MultivariateNormal(mean, scale_tril=scale)
        z = posterior.rsample()                                                # [B, L, T]
        logits = self.decoder(z.transpose(1, 2))
        nll = F.binary_cross_entropy_with_logits(logits, self.x, reduction="none") * self.observed
        kl = torch.distributions.kl_divergence(posterior, self.prior).sum(-1)
        return (nll.sum((1, 2)) + 0.8 * kl).mean()


# MARK: DDPM (chapter 2's DenoisingUNet with UNetConfiguration.small)

class TimestepBlock(nn.Module):
    """GroupNorm → SiLU → 3×3 conv plus a per-channel shift from the timestep embedding, then the same again."""

    def __init__(self, channels, output_channels, time_width, groups=8):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, channels)
        self.conv1 = nn.Conv2d(channels, output_channels, 3, padding=1)
        self.time = nn.Linear(time_width, output_channels)
        self.norm2 = nn.GroupNorm(groups, output_channels)
        self.conv2 = nn.Conv2d(output_channels, output_channels, 3, padding=1)
        self.skip = nn.Conv2d(channels, output_channels, 1) if channels != output_channels else None

    def forward(self, x, embedding):
        h = self.conv1(F.silu(self.norm1(x))) + self.time(F.silu(embedding))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class DDPMStep(nn.Module):
    """Channels 32/64/128 at 32/16/8 px, one block per level, attention at 8×8 and in the middle, linear β
    schedule over 1,000 steps, ε-prediction MSE on a batch of 64 random images at random steps."""

    def __init__(self, generator, batch=64):
        super().__init__()
        widths, time_width = [32, 64, 128], 128
        self.time_in, self.time_out = nn.Linear(32, time_width), nn.Linear(time_width, time_width)
        self.input = nn.Conv2d(3, 32, 3, padding=1)
        self.encoder = nn.ModuleList([TimestepBlock(32, 32, time_width), TimestepBlock(32, 64, time_width),
                                      TimestepBlock(64, 128, time_width)])
        self.encoder_attention = SelfAttention2d(128, groups=8)
        self.down = nn.ModuleList([nn.Conv2d(32, 32, 3, stride=2, padding=1), nn.Conv2d(64, 64, 3, stride=2, padding=1)])
        self.middle1, self.middle2 = TimestepBlock(128, 128, time_width), TimestepBlock(128, 128, time_width)
        self.middle_attention = SelfAttention2d(128, groups=8)
        self.decoder = nn.ModuleList([TimestepBlock(256, 128, time_width), TimestepBlock(192, 64, time_width),
                                      TimestepBlock(96, 32, time_width)])
        self.decoder_attention = SelfAttention2d(128, groups=8)
        self.up = nn.ModuleList([nn.Conv2d(128, 128, 3, padding=1), nn.Conv2d(64, 64, 3, padding=1)])
        self.out_norm, self.output = nn.GroupNorm(8, 32), nn.Conv2d(32, 3, 3, padding=1)
        betas = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)
        self.alpha_bar = torch.cumprod(1 - betas, 0).float()
        self.images = torch.rand(batch, 3, 32, 32, generator=generator) * 2 - 1
        self.generator = generator

    def forward(self, x, t, blocks=None):
        half = 16
        frequencies = torch.exp(-torch.log(torch.tensor(10000.0)) * torch.arange(half) / half)
        angles = t.float()[:, None] * frequencies[None]
        embedding = self.time_out(F.silu(self.time_in(torch.cat([torch.sin(angles), torch.cos(angles)], 1))))
        h, skips = self.input(x), []
        for level, block in enumerate(self.encoder):
            h = block(h, embedding)
            if level == 2:
                h = self.encoder_attention(h)
            skips.append(h)
            if level < 2:
                h = self.down[level](h)
        h = self.middle2(self.middle_attention(self.middle1(h, embedding)), embedding)
        for i, block in enumerate(self.decoder):
            h = block(torch.cat([h, skips[2 - i]], 1), embedding)
            if i == 0:
                h = self.decoder_attention(h)
            if blocks is not None:
                blocks.append(h)
            if i < 2:
                h = self.up[i](F.interpolate(h, scale_factor=2, mode="nearest"))
        return self.output(F.silu(self.out_norm(h)))

    def loss(self):
        b = self.images.shape[0]
        t = torch.randint(0, 1000, (b,), generator=self.generator)
        noise = torch.randn(self.images.shape, generator=self.generator)
        a = self.alpha_bar[t][:, None, None, None]
        return F.mse_loss(self(a.sqrt() * self.images + (1 - a).sqrt() * noise, t), noise)


    def features(self, images, steps=(50, 150, 250)):
        """The paper's pixel features: per t, noise every image with one shared draw, run the U-Net once, upsample
        each decoder block's output bilinearly to the image size, concatenate per pixel."""
        parts = []
        for t in steps:
            noise = torch.randn((1,) + images.shape[1:], generator=self.generator)
            a = self.alpha_bar[t]
            blocks = []
            self(a.sqrt() * images + (1 - a).sqrt() * noise, torch.full((images.shape[0],), t), blocks)
            parts += [F.interpolate(b, size=images.shape[2:], mode="bilinear", align_corners=False) for b in blocks]
        return torch.cat(parts, 1)


# MARK: TabDDPM (chapter 3's TabularDenoiser and Gaussian + multinomial diffusion loss)

# adult's columns: 6 numeric, 8 categorical with these level counts (102 one-hot columns), 2 classes.
ADULT_NUMERIC, ADULT_LEVELS = 6, (9, 16, 7, 15, 6, 5, 2, 42)


class TabDDPMStep(nn.Module):
    """One TabDDPM training step at the reference's adult config, as kit-bench's `tabddpm` runs it: the denoiser
    (noisy row → 128 plus the time and class embeddings, Linear → ReLU through 256-1024×4-256, one output per input
    column) on [numeric | log one-hot] rows, ε-MSE on the numeric part, the multinomial diffusion loss in log space on
    the categorical part (the model's posterior with x̂₀ = softmax of its logits, cross-entropy against the exact
    posterior), cosine schedule, T = 100, batch 4,096 drawn from 8,192 rows, AdamW and an EMA of the weights."""

    def __init__(self, generator, rows=8192, batch=4096, timesteps=100, widths=(256, 1024, 1024, 1024, 1024, 256)):
        super().__init__()
        self.generator, self.batch, self.timesteps = generator, batch, timesteps
        self.numeric = torch.randn(rows, ADULT_NUMERIC, generator=generator)
        self.codes = torch.stack([torch.randint(0, k, (rows,), generator=generator) for k in ADULT_LEVELS], 1)
        self.labels = torch.randint(0, 2, (rows,), generator=generator)
        self.offsets = [sum(ADULT_LEVELS[:f]) for f in range(len(ADULT_LEVELS))]
        self.width = sum(ADULT_LEVELS)
        self.log_levels = torch.cat([torch.full((k,), math.log(k)) for k in ADULT_LEVELS])
        steps = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
        f = torch.cos((steps + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = (1 - f[1:] / f[:-1]).clamp(max=0.999)
        alphas = 1 - betas
        alpha_bar = torch.cumprod(alphas, 0)
        self.alpha_bar, self.alphas = alpha_bar.float(), alphas.float()
        self.log_alpha_bar, self.log_one_minus_alpha_bar = alpha_bar.log().float(), (1 - alpha_bar).log().float()
        self.log_one_minus_alpha = (1 - alphas).log().float()
        inputs = ADULT_NUMERIC + self.width
        self.projection = nn.Linear(inputs, 128)
        self.time_hidden, self.time_output = nn.Linear(128, 128), nn.Linear(128, 128)
        self.label_embedding = nn.Embedding(2, 128)
        sizes = (128,) + tuple(widths)
        self.blocks = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(widths))])
        self.head = nn.Linear(widths[-1], inputs)
        self.ema = [p.detach().clone() for p in self.parameters()]

    def forward(self, x, t, labels):
        frequencies = torch.exp(-math.log(10000.0) * torch.arange(64) / 64)
        angles = t.float()[:, None] * frequencies[None]
        embedding = self.time_output(F.silu(self.time_hidden(torch.cat([torch.cos(angles), torch.sin(angles)], 1))))
        h = self.projection(x) + embedding + F.silu(self.label_embedding(labels))
        for block in self.blocks:
            h = F.relu(block(h))
        return self.head(h)

    def per_level(self, x, body):
        return torch.cat([body(x[:, o:o + k]) for o, k in zip(self.offsets, ADULT_LEVELS)], 1)

    def loss(self):
        rows = torch.randint(0, self.numeric.shape[0], (self.batch,), generator=self.generator)
        x0, codes, labels = self.numeric[rows], self.codes[rows], self.labels[rows]
        t = torch.randint(0, self.timesteps, (self.batch,), generator=self.generator)
        noise = torch.randn(x0.shape, generator=self.generator)
        a = self.alpha_bar[t][:, None]
        noisy = a.sqrt() * x0 + (1 - a).sqrt() * noise
        keep = torch.rand(codes.shape, generator=self.generator) < a
        uniform = (torch.rand(codes.shape, generator=self.generator) * torch.tensor(ADULT_LEVELS)).long()
        current = torch.where(keep, codes, uniform)
        start = torch.cat([F.one_hot(codes[:, f], k) for f, k in enumerate(ADULT_LEVELS)], 1).float()
        now = torch.cat([F.one_hot(current[:, f], k) for f, k in enumerate(ADULT_LEVELS)], 1).float()
        output = self(torch.cat([noisy, torch.where(now > 0, 0.0, math.log(1e-30))], 1), t, labels)
        gaussian = F.mse_loss(output[:, :ADULT_NUMERIC], noise)
        # log p(x_{t−1} | x_t) with x̂₀ = softmax(logits) per column, mixed with the uniform in log space.
        previous = (t - 1).clamp(min=0)
        log_start = self.per_level(output[:, ADULT_NUMERIC:], lambda z: F.log_softmax(z, 1))
        shifted = log_start + torch.where(t > 0, self.log_alpha_bar[previous], 0.0)[:, None]
        mixture = torch.where(t > 0, self.log_one_minus_alpha_bar[previous], -1e4)[:, None] - self.log_levels
        alpha = self.alphas[t][:, None]
        on = torch.log(alpha + (1 - alpha) / self.log_levels.exp())
        off = self.log_one_minus_alpha[t][:, None] - self.log_levels
        unnormalised = torch.logaddexp(shifted, mixture) + torch.where(now > 0, on, off)
        log_model = self.per_level(unnormalised, lambda z: z - torch.logsumexp(z, 1, keepdim=True))
        with torch.no_grad():
            keep_previous = torch.where(t > 0, self.alpha_bar[previous], 1.0)[:, None]
            levels = self.log_levels.exp()
            truth = (keep_previous * start + (1 - keep_previous) / levels) * (alpha * now + (1 - alpha) / levels)
            truth = self.per_level(truth, lambda z: z / z.sum(1, keepdim=True))
            target = torch.where((t == 0)[:, None], start, truth)
        scale = self.timesteps / (len(ADULT_LEVELS) * self.batch)
        return gaussian - (target * log_model).sum() * scale

    @torch.no_grad()
    def update_ema(self, decay=0.999):
        torch._foreach_mul_(self.ema, decay)
        torch._foreach_add_(self.ema, [p.detach() for p in self.parameters()], alpha=1 - decay)


# MARK: Workloads

def build(workload, generator):
    """Returns (model, input, target, learning rate)."""
    if workload == "mlp":
        sizes = [64, 512, 1024, 1024, 512, 64]
        layers = []
        for i in range(5):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < 4:
                layers.append(nn.ReLU())
        x = torch.randn(4096, 64, generator=generator)
        y = torch.randn(4096, 64, generator=generator)
        return nn.Sequential(*layers), x, y, 1e-3
    if workload == "unet":
        x = torch.randn(32, 3, 32, 32, generator=generator)
        noise = torch.randn(32, 3, 32, 32, generator=generator)
        return BenchUNet(), x, noise, 1e-4
    if workload == "gru":
        x = torch.rand(128, 24, 6, generator=generator)
        y = torch.rand(128, 24, 6, generator=generator)
        return GRUHead(), x, y, 1e-3
    if workload == "gpvae":
        return GPVAEStep(generator), None, None, 1e-3
    if workload == "ddpm":
        return DDPMStep(generator), None, None, 2e-4
    if workload == "ddpm-features":
        return DDPMStep(generator), torch.rand(8, 3, 32, 32, generator=generator) * 2 - 1, None, 2e-4
    if workload == "tabddpm":
        return TabDDPMStep(generator), None, None, 2.01e-3
    raise ValueError(workload)


def measure(workload, steps):
    """Returns the wall time of each timed step (after 3 warm-up steps) and the parameter count."""
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    model, x, y, learning_rate = build(workload, generator)
    model.train()
    if workload == "tabddpm":
        optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    count = sum(p.numel() for p in model.parameters())

    def step():
        if workload == "ddpm-features":
            with torch.no_grad():
                return model.features(x).sum()
        if workload in ("gpvae", "ddpm"):
            loss = model.loss()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10000 if workload == "gpvae" else 1)
        elif workload == "tabddpm":
            loss = model.loss()
            loss.backward()
        else:
            loss = F.mse_loss(model(x), y)
            loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if workload == "tabddpm":
            model.update_ema()
        return loss

    for _ in range(3):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - start)
    if not torch.isfinite(loss).item():
        sys.exit(f"torch_bench: {workload} loss is not finite ({loss.item()})")
    return times, count


def main():
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    peer = f"torch {torch.__version__}"
    print(f"torch-bench {date}  threads {ARGS.threads} (torch {torch.get_num_threads()})  {peer}  CPUs {CPUS}",
          flush=True)
    for workload in ARGS.workloads:
        times, count = measure(workload, ARGS.steps)
        median = sorted(times)[len(times) // 2]  # the same (upper) median as kit-bench
        print(f"{workload:<5} {1 / median:8.3f} steps/s  (median {median * 1000:.1f} ms/step over {ARGS.steps} "
              f"steps; {SUMMARIES[workload]}; {count:,} parameters)", flush=True)
        if ARGS.json:
            record = {"workload": workload, "threads": ARGS.threads, "stepsPerSecond": 1 / median,
                      "medianSeconds": median, "steps": ARGS.steps, "peer": peer, "parameters": count,
                      "optimizer": "torch.optim.Adam", "date": date}
            with open(ARGS.json, "a") as f:
                f.write(json.dumps(record, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
