"""What the peer benchmarks share: the workload names, the command line, and pinning to N CPUs."""

import argparse
import os
import sys

WORKLOADS = ("mlp", "unet", "gru", "gpvae", "ddpm", "ddpm-features", "tabddpm")
SUMMARIES = {
    "mlp": "MLP 64→512→1024→1024→512→64, ReLU, batch 4096, MSE, Adam",
    "unet": "UNet 32×32, batch 32, channels 64/128, GroupNorm+SiLU, attention at 8×8, MSE, Adam",
    "gru": "GRU 3 layers, hidden 24, sequence 24, batch 128, MSE, Adam",
    "gpvae": "GP-VAE on HMNIST shapes (batch 64 × 10 frames × 784 px, latent 64, 128-wide), ELBO, Adam",
    "ddpm": "chapter 2's DDPM: U-Net 32/64/128 at 32×32, batch 64, timestep embedding, ε-MSE, clip, Adam",
    "ddpm-features": "chapter 2's feature reading: 8 images × t = 50, 150, 250 through the DDPM's U-Net, 3 decoder "
                     "blocks upsampled to 32×32 (8,192 pixels × 672 features a step)",
    "tabddpm": "chapter 3's TabDDPM step on adult's shapes (6 numeric, 8 categorical of 102 levels, 2 classes): MLP "
               "256-1024×4-256, batch 4096, T = 100, Gaussian + multinomial loss, AdamW, EMA",
}


def parse_arguments(peer, threads_help, known=WORKLOADS):
    parser = argparse.ArgumentParser(description=f"{peer} peer of kit-bench: steps per second of the MLP, "
                                                 "small-UNet and GRU training workloads.")
    parser.add_argument("--threads", type=int, default=1, help=threads_help)
    parser.add_argument("--workloads", default=",".join(known),
                        help=f"Workloads to run: {', '.join(known)} (comma-separated).")
    parser.add_argument("--steps", type=int, default=10, help="Timed steps per workload (after warm-up).")
    parser.add_argument("--json", help="Append one JSON line per workload to this file.")
    args = parser.parse_args()
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, got {args.steps}")
    args.workloads = [w for w in args.workloads.split(",") if w]
    for w in args.workloads:
        if w not in known:
            parser.error(f"--workloads: unknown workload '{w}' (known: {', '.join(known)})")
    return args


def pin_threads(threads, program):
    """Restricts this process to the first `threads` CPUs it may use and sets the OpenMP/BLAS thread counts.
    Must run before the framework is imported, which sizes its thread pools from these."""
    allowed = sorted(os.sched_getaffinity(0))
    if threads > len(allowed):
        sys.exit(f"{program}: --threads {threads} but only {len(allowed)} CPUs are available ({allowed})")
    os.sched_setaffinity(0, set(allowed[:threads]))
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    return allowed[:threads]
