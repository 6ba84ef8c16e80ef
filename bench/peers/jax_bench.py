#!/usr/bin/env python3
"""JAX peer of `kit-bench`: four of its training workloads, timed the same way.

Workloads (see Sources/Bench/KitBench.swift and Sources/Bench/BenchUNet.swift for the originals):
  mlp   MLP 64→512→1024→1024→512→64, ReLU between layers, batch 4096, MSE vs normal targets, Adam lr 1e-3
  unet  small UNet 32×32, batch 32, channels 64/128, GroupNorm(32)+SiLU, attention at 8×8, MSE vs noise,
        Adam lr 1e-4
  gru   3-layer GRU (batch-first, input 6, hidden 24), sequence 24, batch 128, Linear 24→6 + sigmoid,
        MSE vs uniform targets, Adam lr 1e-3
  tabddpm  chapter 3's TabDDPM step at adult's shapes (as torch_bench.py's TabDDPMStep), Adam lr 2.01e-3 (AdamW
        without weight decay) and an EMA of the weights

One training step is a single jitted function: value_and_grad of the loss, then the Adam update (optax if it
is installed, otherwise the hand-written Adam below with PyTorch's formula). Parameters and optimiser state are
donated, so the update happens in place as it does in the kit. Timing: 3 warm-up steps (the first compiles),
then --steps timed steps, each ended by block_until_ready; the median step time is reported as steps/s.

Threads: --threads N pins the process to the first N CPUs it may run on (os.sched_setaffinity) before JAX
is imported, so XLA sizes its thread pools to N; for N = 1 it also turns off XLA's multi-threaded Eigen
kernels. Both must happen before the import, which is why the imports of jax come after argument parsing.

Usage: python bench/peers/jax_bench.py --threads 1 --steps 10 --workloads mlp,unet,gru [--json FILE]
"""

import datetime
import json
import os
import sys
import time

from common import SUMMARIES, parse_arguments, pin_threads

JAX_WORKLOADS = ("mlp", "unet", "gru", "tabddpm")
ARGS = parse_arguments("JAX", "CPUs to pin to (and XLA's thread count).", known=JAX_WORKLOADS)
CPUS = pin_threads(ARGS.threads, "jax_bench")
# XLA reads its flags at import: one thread also turns off its multi-threaded Eigen kernels.
if ARGS.threads == 1:
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402  (after pinning, on purpose)
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

try:
    import optax  # noqa: E402
except ImportError:
    optax = None


# MARK: Adam

class Adam:
    """optax.adam when optax is installed, else PyTorch's Adam written out (no weight decay):
    m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − lr · m̂ / (√v̂ + ε)."""

    def __init__(self, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon
        self.optax = optax.adam(learning_rate, b1=beta1, b2=beta2, eps=epsilon) if optax else None

    @property
    def name(self):
        return f"optax {optax.__version__} adam" if self.optax else "hand-written adam"

    def init(self, params):
        if self.optax:
            return self.optax.init(params)
        zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
        return {"m": zeros, "v": jax.tree_util.tree_map(jnp.zeros_like, params), "t": jnp.zeros((), jnp.int32)}

    def apply(self, params, grads, state):
        if self.optax:
            updates, state = self.optax.update(grads, state, params)
            return optax.apply_updates(params, updates), state
        t = state["t"] + 1
        b1, b2 = self.beta1, self.beta2
        m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, state["m"], grads)
        v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, state["v"], grads)
        bc1 = 1 - b1 ** t.astype(jnp.float32)
        bc2 = 1 - b2 ** t.astype(jnp.float32)
        params = jax.tree_util.tree_map(
            lambda p, m, v: p - self.learning_rate * (m / bc1) / (jnp.sqrt(v / bc2) + self.epsilon), params, m, v)
        return params, {"m": m, "v": v, "t": t}


# MARK: Layers (PyTorch's default initialisation, as in the kit)

class Keys:
    """An endless supply of PRNG keys."""

    def __init__(self, seed):
        self.key = jax.random.PRNGKey(seed)

    def __call__(self):
        self.key, key = jax.random.split(self.key)
        return key


def uniform(keys, shape, bound):
    return jax.random.uniform(keys(), shape, jnp.float32, -bound, bound)


def linear_init(keys, fan_in, fan_out):
    """Weight [out, in] and bias U(−1/√in, 1/√in)."""
    bound = 1 / fan_in ** 0.5
    return {"w": uniform(keys, (fan_out, fan_in), bound), "b": uniform(keys, (fan_out,), bound)}


def linear(p, x):
    return x @ p["w"].T + p["b"]


def conv_init(keys, cin, cout, k):
    """Weight [K, K, in, out] (HWIO, for NHWC activations) and bias U(−1/√(in·K²), 1/√(in·K²))."""
    bound = 1 / (cin * k * k) ** 0.5
    return {"w": uniform(keys, (k, k, cin, cout), bound), "b": uniform(keys, (cout,), bound)}


def conv(p, x, stride=1):
    k = p["w"].shape[0]
    pad = k // 2
    y = lax.conv_general_dilated(x, p["w"], window_strides=(stride, stride), padding=((pad, pad), (pad, pad)),
                                 dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + p["b"]


def group_norm_init(channels):
    return {"scale": jnp.ones((channels,), jnp.float32), "bias": jnp.zeros((channels,), jnp.float32)}


def group_norm(p, x, groups=32, epsilon=1e-5):
    """GroupNorm on NHWC: groups of consecutive channels, statistics over the group's channels and all
    positions (biased variance), then the per-channel affine transform."""
    n, h, w, c = x.shape
    g = x.reshape(n, h, w, groups, c // groups)
    mean = g.mean(axis=(1, 2, 4), keepdims=True)
    centered = g - mean
    variance = (centered * centered).mean(axis=(1, 2, 4), keepdims=True)
    y = (centered / jnp.sqrt(variance + epsilon)).reshape(n, h, w, c)
    return y * p["scale"] + p["bias"]


def silu(x):
    return x * jax.nn.sigmoid(x)


def mse(predicted, expected):
    d = predicted - expected
    return jnp.mean(d * d)


def parameter_count(params):
    return sum(int(leaf.size) for leaf in jax.tree_util.tree_leaves(params))


# MARK: MLP

def mlp_workload(keys):
    sizes = [64, 512, 1024, 1024, 512, 64]
    params = [linear_init(keys, sizes[i], sizes[i + 1]) for i in range(5)]

    def loss(params, x, y):
        h = x
        for i, p in enumerate(params):
            h = linear(p, h)
            if i < 4:
                h = jax.nn.relu(h)
        return mse(h, y)

    x = jax.random.normal(keys(), (4096, 64), jnp.float32)
    y = jax.random.normal(keys(), (4096, 64), jnp.float32)
    return params, loss, (x, y), 1e-3


# MARK: UNet (BenchUNet)

def residual_block_init(keys, cin, cout):
    p = {"norm1": group_norm_init(cin), "conv1": conv_init(keys, cin, cout, 3),
         "norm2": group_norm_init(cout), "conv2": conv_init(keys, cout, cout, 3)}
    if cin != cout:
        p["skip"] = conv_init(keys, cin, cout, 1)
    return p


def residual_block(p, x):
    h = conv(p["conv1"], silu(group_norm(p["norm1"], x)))
    h = conv(p["conv2"], silu(group_norm(p["norm2"], h)))
    return h + (conv(p["skip"], x) if "skip" in p else x)


def attention_init(keys, channels):
    return {"norm": group_norm_init(channels), "query": linear_init(keys, channels, channels),
            "key": linear_init(keys, channels, channels), "value": linear_init(keys, channels, channels),
            "output": linear_init(keys, channels, channels)}


def attention(p, x):
    """Single-head spatial self-attention: GroupNorm → q, k, v over channels → softmax(q·kᵀ/√C) over the
    H·W positions → output projection → residual add."""
    n, height, width, c = x.shape
    h = group_norm(p["norm"], x).reshape(n, height * width, c)
    q, k, v = linear(p["query"], h), linear(p["key"], h), linear(p["value"], h)
    weights = jax.nn.softmax(jnp.einsum("npc,nqc->npq", q, k) * (1 / c ** 0.5), axis=-1)
    attended = linear(p["output"], jnp.einsum("npq,nqc->npc", weights, v))
    return x + attended.reshape(n, height, width, c)


def upsample_nearest(x, scale=2):
    return jnp.repeat(jnp.repeat(x, scale, axis=1), scale, axis=2)


def unet_workload(keys):
    params = {
        "input": conv_init(keys, 3, 64, 3),
        "down1": residual_block_init(keys, 64, 64),
        "downsample1": conv_init(keys, 64, 64, 3),
        "down2": residual_block_init(keys, 64, 128),
        "downsample2": conv_init(keys, 128, 128, 3),
        "middle": residual_block_init(keys, 128, 128),
        "attention": attention_init(keys, 128),
        "upConv2": conv_init(keys, 128, 128, 3),
        "up2": residual_block_init(keys, 256, 64),
        "upConv1": conv_init(keys, 64, 64, 3),
        "up1": residual_block_init(keys, 128, 64),
        "outNorm": group_norm_init(64),
        "output": conv_init(keys, 64, 3, 3),
    }

    def model(p, x):
        h0 = residual_block(p["down1"], conv(p["input"], x))                                  # 32×32×64
        h1 = residual_block(p["down2"], conv(p["downsample1"], h0, stride=2))                 # 16×16×128
        m = attention(p["attention"], residual_block(p["middle"], conv(p["downsample2"], h1, stride=2)))  # 8×8×128
        u2 = residual_block(p["up2"], jnp.concatenate([conv(p["upConv2"], upsample_nearest(m)), h1], axis=-1))
        u1 = residual_block(p["up1"], jnp.concatenate([conv(p["upConv1"], upsample_nearest(u2)), h0], axis=-1))
        return conv(p["output"], silu(group_norm(p["outNorm"], u1)))                          # 32×32×3

    def loss(p, x, noise):
        return mse(model(p, x), noise)

    # NHWC: the same [32, 3, 32, 32] tensors as the kit's, in XLA's preferred layout.
    x = jax.random.normal(keys(), (32, 32, 32, 3), jnp.float32)
    noise = jax.random.normal(keys(), (32, 32, 32, 3), jnp.float32)
    return params, loss, (x, noise), 1e-4


# MARK: GRU

def gru_workload(keys, layer_count=3, input_size=6, hidden=24):
    bound = 1 / hidden ** 0.5
    layers = []
    for i in range(layer_count):
        fan_in = input_size if i == 0 else hidden
        layers.append({"w_ih": uniform(keys, (3 * hidden, fan_in), bound),
                       "w_hh": uniform(keys, (3 * hidden, hidden), bound),
                       "b_ih": uniform(keys, (3 * hidden,), bound),
                       "b_hh": uniform(keys, (3 * hidden,), bound)})
    params = {"gru": layers, "head": linear_init(keys, hidden, input_size)}

    def gru(layers, x):
        """x [N, T, in] → [N, T, H]. Gate order r, z, n as in PyTorch; each layer's input projections for all
        steps are one product, and lax.scan runs the recurrence."""
        n = x.shape[0]
        seq = jnp.swapaxes(x, 0, 1)  # [T, N, in]
        for p in layers:
            gates = seq @ p["w_ih"].T + p["b_ih"]  # [T, N, 3H]

            def step(h, g, p=p):
                recurrent = h @ p["w_hh"].T + p["b_hh"]
                rz = jax.nn.sigmoid(g[:, :2 * hidden] + recurrent[:, :2 * hidden])
                r, z = rz[:, :hidden], rz[:, hidden:]
                candidate = jnp.tanh(g[:, 2 * hidden:] + r * recurrent[:, 2 * hidden:])
                h = candidate + z * (h - candidate)
                return h, h

            _, seq = lax.scan(step, jnp.zeros((n, hidden), jnp.float32), gates)
        return jnp.swapaxes(seq, 0, 1)

    def loss(p, x, y):
        return mse(jax.nn.sigmoid(linear(p["head"], gru(p["gru"], x))), y)

    x = jax.random.uniform(keys(), (128, 24, input_size), jnp.float32)
    y = jax.random.uniform(keys(), (128, 24, input_size), jnp.float32)
    return params, loss, (x, y), 1e-3


# MARK: TabDDPM (chapter 3's TabularDenoiser and Gaussian + multinomial diffusion loss)

ADULT_NUMERIC, ADULT_LEVELS = 6, (9, 16, 7, 15, 6, 5, 2, 42)


def tabddpm_workload(keys, rows=8192, batch=4096, timesteps=100, widths=(256, 1024, 1024, 1024, 1024, 256)):
    """The step of torch_bench.py's TabDDPMStep: batch, steps, noise and noised categories are drawn inside the jitted
    step from a key passed as data (the same key every step: the work is the same whatever the draw)."""
    width = sum(ADULT_LEVELS)
    offsets = [sum(ADULT_LEVELS[:f]) for f in range(len(ADULT_LEVELS))]
    levels = jnp.concatenate([jnp.full((k,), float(k)) for k in ADULT_LEVELS])
    steps = jnp.arange(timesteps + 1, dtype=jnp.float32) / timesteps
    f = jnp.cos((steps + 0.008) / 1.008 * jnp.pi / 2) ** 2
    alphas = 1 - jnp.minimum(1 - f[1:] / f[:-1], 0.999)
    alpha_bar = jnp.cumprod(alphas)
    sizes = (128,) + tuple(widths)
    inputs = ADULT_NUMERIC + width
    params = {"projection": linear_init(keys, inputs, 128), "time_hidden": linear_init(keys, 128, 128),
              "time_output": linear_init(keys, 128, 128),
              "labels": jax.random.normal(keys(), (2, 128), jnp.float32),
              "blocks": [linear_init(keys, sizes[i], sizes[i + 1]) for i in range(len(widths))],
              "head": linear_init(keys, widths[-1], inputs)}
    numeric = jax.random.normal(keys(), (rows, ADULT_NUMERIC), jnp.float32)
    codes = jnp.stack([jax.random.randint(keys(), (rows,), 0, k) for k in ADULT_LEVELS], 1)
    labels = jax.random.randint(keys(), (rows,), 0, 2)

    def per_level(x, body):
        return jnp.concatenate([body(x[:, o:o + k]) for o, k in zip(offsets, ADULT_LEVELS)], 1)

    def one_hot(c):
        return jnp.concatenate([jax.nn.one_hot(c[:, i], k) for i, k in enumerate(ADULT_LEVELS)], 1)

    def loss(p, key):
        k = jax.random.split(key, 6)
        r = jax.random.randint(k[0], (batch,), 0, rows)
        x0, c0, y = numeric[r], codes[r], labels[r]
        t = jax.random.randint(k[1], (batch,), 0, timesteps)
        noise = jax.random.normal(k[2], x0.shape)
        a = alpha_bar[t][:, None]
        noisy = jnp.sqrt(a) * x0 + jnp.sqrt(1 - a) * noise
        uniform = (jax.random.uniform(k[4], c0.shape) * jnp.array(ADULT_LEVELS)).astype(jnp.int32)
        current = jnp.where(jax.random.uniform(k[3], c0.shape) < a, c0, uniform)
        start, now = one_hot(c0), one_hot(current)
        frequencies = jnp.exp(-jnp.log(10000.0) * jnp.arange(64) / 64)
        angles = t.astype(jnp.float32)[:, None] * frequencies[None]
        embedding = linear(p["time_output"], silu(linear(p["time_hidden"],
                                                         jnp.concatenate([jnp.cos(angles), jnp.sin(angles)], 1))))
        x = jnp.concatenate([noisy, jnp.where(now > 0, 0.0, jnp.log(1e-30))], 1)
        h = linear(p["projection"], x) + embedding + silu(p["labels"][y])
        for block in p["blocks"]:
            h = jax.nn.relu(linear(block, h))
        output = linear(p["head"], h)
        gaussian = mse(output[:, :ADULT_NUMERIC], noise)
        previous = jnp.maximum(t - 1, 0)
        log_start = per_level(output[:, ADULT_NUMERIC:], lambda z: jax.nn.log_softmax(z, 1))
        shifted = log_start + jnp.where(t > 0, jnp.log(alpha_bar[previous]), 0.0)[:, None]
        mixture = jnp.where(t > 0, jnp.log(1 - alpha_bar[previous]), -1e4)[:, None] - jnp.log(levels)
        alpha = alphas[t][:, None]
        on = jnp.log(alpha + (1 - alpha) / levels)
        off = jnp.log(1 - alpha) - jnp.log(levels)
        unnormalised = jnp.logaddexp(shifted, mixture) + jnp.where(now > 0, on, off)
        log_model = per_level(unnormalised, lambda z: z - jax.scipy.special.logsumexp(z, 1, keepdims=True))
        keep = jnp.where(t > 0, alpha_bar[previous], 1.0)[:, None]
        truth = (keep * start + (1 - keep) / levels) * (alpha * now + (1 - alpha) / levels)
        truth = per_level(truth, lambda z: z / z.sum(1, keepdims=True))
        target = lax.stop_gradient(jnp.where((t == 0)[:, None], start, truth))
        return gaussian - (target * log_model).sum() * timesteps / (len(ADULT_LEVELS) * batch)

    return params, loss, (keys(),), 2.01e-3


BUILDERS = {"mlp": mlp_workload, "unet": unet_workload, "gru": gru_workload, "tabddpm": tabddpm_workload}


# MARK: Timing

def measure(workload, steps):
    """Returns the wall time of each timed step (after 3 warm-up steps) and the parameter count."""
    params, loss, data, learning_rate = BUILDERS[workload](Keys(0))
    optimizer = Adam(learning_rate)
    state = optimizer.init(params)

    # TabDDPM keeps an exponential moving average of the weights, updated after every step (decay 0.999).
    averaged = workload == "tabddpm"
    state = (state, jax.tree_util.tree_map(jnp.copy, params)) if averaged else state

    def train_step(params, state, *data):
        value, grads = jax.value_and_grad(loss)(params, *data)
        if averaged:
            state, ema = state
            params, state = optimizer.apply(params, grads, state)
            ema = jax.tree_util.tree_map(lambda e, p: e * 0.999 + p * 0.001, ema, params)
            return params, (state, ema), value
        params, state = optimizer.apply(params, grads, state)
        return params, state, value

    step = jax.jit(train_step, donate_argnums=(0, 1))
    count = parameter_count(params)
    for _ in range(3):
        params, state, value = step(params, state, *data)
        jax.block_until_ready((params, state, value))
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        params, state, value = step(params, state, *data)
        jax.block_until_ready((params, state, value))
        times.append(time.perf_counter() - start)
    if not bool(jnp.isfinite(value)):
        sys.exit(f"jax_bench: {workload} loss is not finite ({value})")
    return times, count, optimizer.name


def main():
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    peer = f"jax {jax.__version__}"
    devices = ", ".join(str(d) for d in jax.devices())
    print(f"jax-bench {date}  threads {ARGS.threads}  {peer} (jaxlib {jax.lib.__version__})  "
          f"CPUs {CPUS}  devices {devices}", flush=True)
    for workload in ARGS.workloads:
        times, count, optimizer_name = measure(workload, ARGS.steps)
        median = sorted(times)[len(times) // 2]  # the same (upper) median as kit-bench
        print(f"{workload:<5} {1 / median:8.3f} steps/s  (median {median * 1000:.1f} ms/step over {ARGS.steps} "
              f"steps; {SUMMARIES[workload]}; {count:,} parameters)", flush=True)
        if ARGS.json:
            record = {"workload": workload, "threads": ARGS.threads, "stepsPerSecond": 1 / median,
                      "medianSeconds": median, "steps": ARGS.steps, "peer": peer, "parameters": count,
                      "optimizer": optimizer_name, "date": date}
            with open(ARGS.json, "a") as f:
                f.write(json.dumps(record, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
