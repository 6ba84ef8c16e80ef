#!/usr/bin/env bash
# Runs kit-bench next to its peers (JAX, and PyTorch where it is installed) on the same three training
# workloads and prints a Markdown table of steps/s with the ratio ours/peer (above 1: the kit is faster).
#
# Usage: scripts/bench-peers.sh        (after `make build`)
# Environment, all optional:
#   THREADS="1 2"            thread counts to measure
#   WORKLOADS=mlp,unet,gru,gpvae,ddpm,ddpm-features,tabddpm   workloads to measure (JAX has peers of mlp, unet, gru and tabddpm)
#   STEPS=10                 timed steps per workload and run (after 3 warm-up steps)
#   ROUNDS=1                 repeat everything; the table shows the median over rounds
#   KIT_BENCH=.build/release/kit-bench
#   OUT=reports/peers        where the JSON lines, the log and table.md go (reports/* is not committed)
#   PEERS=jax                peers to install and run: jax, torch or both (torch,jax); each in its own venv
#   PYTHON=python3           the Python that creates the peers' environments
#
# Runs are interleaved (for each thread count, for each workload: ours, JAX, PyTorch) so that load from other
# processes on the machine falls on all of them alike.
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=${THREADS:-"1 2"}
WORKLOADS=${WORKLOADS:-mlp,unet,gru,gpvae,ddpm,ddpm-features,tabddpm}
STEPS=${STEPS:-10}
ROUNDS=${ROUNDS:-1}
KIT_BENCH=${KIT_BENCH:-.build/release/kit-bench}
OUT=${OUT:-reports/peers}
PYTHON=${PYTHON:-python3}
PEERS=${PEERS:-jax}

if [ ! -x "$KIT_BENCH" ]; then
  echo "bench-peers: $KIT_BENCH is missing: run 'make build' first (or set KIT_BENCH)" >&2
  exit 1
fi
for peer in ${PEERS//,/ }; do
  case $peer in jax|torch) ;; *) echo "bench-peers: PEERS: unknown peer '$peer' (known: jax, torch)" >&2; exit 2;; esac
done

# A peer's private environment (.venv-peers for JAX, .venv-torch for PyTorch), reinstalled only when its pinned
# requirements change. Prints the environment's Python.
peer_python() {
  local venv=$1 requirements=$2
  if [ ! -x "$venv/bin/python" ]; then
    echo "bench-peers: creating $venv" >&2
    "$PYTHON" -m venv "$venv"
  fi
  local stamp="$venv/.requirements.sha256" want
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "bench-peers: installing $requirements into $venv" >&2
    "$venv/bin/python" -m pip install --quiet -r "$requirements" >&2
    echo "$want" > "$stamp"
  fi
  echo "$venv/bin/python"
}
jax_python= torch_python=
[[ ",$PEERS," == *,jax,* ]] && jax_python=$(peer_python .venv-peers bench/peers/requirements-jax.txt)
[[ ",$PEERS," == *,torch,* ]] && torch_python=$(peer_python .venv-torch bench/peers/requirements-torch.txt)

mkdir -p "$OUT"
ours="$OUT/ours.jsonl" jax="$OUT/jax.jsonl" torch="$OUT/torch.jsonl" log="$OUT/log.txt"
: > "$ours"; : > "$jax"; : > "$torch"; : > "$log"

for round in $(seq "$ROUNDS"); do
  for t in $THREADS; do
    for w in ${WORKLOADS//,/ }; do
      echo "== round $round, threads $t, $w" | tee -a "$log"
      "$KIT_BENCH" --threads "$t" --workloads "$w" --steps "$STEPS" --json "$ours" 2>&1 | tee -a "$log"
      if [ -n "$jax_python" ] && [[ "$w" =~ ^(mlp|unet|gru|tabddpm)$ ]]; then
        "$jax_python" bench/peers/jax_bench.py --threads "$t" --workloads "$w" --steps "$STEPS" \
          --json "$jax" 2>&1 | tee -a "$log"
      fi
      if [ -n "$torch_python" ]; then
        "$torch_python" bench/peers/torch_bench.py --threads "$t" --workloads "$w" --steps "$STEPS" \
          --json "$torch" 2>&1 | tee -a "$log"
      fi
    done
  done
done

"$PYTHON" - "$ours" "$jax" "$torch" "$STEPS" "$ROUNDS" > "$OUT/table.md" <<'PY'
import json, statistics, sys

ours_file, jax_file, torch_file, steps, rounds = sys.argv[1:6]


def load(path):
    """{(workload, threads): [steps/s, …]} and the peer's name."""
    runs, name = {}, None
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                runs.setdefault((r["workload"], r["threads"]), []).append(r["stepsPerSecond"])
                name = r.get("peer", name)
    return runs, name


ORDER = ["mlp", "unet", "gru", "gpvae", "ddpm", "ddpm-features", "tabddpm"]
ours, _ = load(ours_file)
peers = [(label, *load(path)) for label, path in (("JAX", jax_file), ("PyTorch", torch_file))]
peers = [(label, runs, name) for label, runs, name in peers if runs]


def cell(values):
    return f"{statistics.median(values):.3f}" if values else "–"


def ratio(a, b):
    return f"{statistics.median(a) / statistics.median(b):.2f}×" if a and b else "–"


header = ["workload", "threads", "ours steps/s"]
for label, _, _ in peers:
    header += [f"{label} steps/s", f"ours/{label}"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|")
keys = sorted(set(ours) | {k for _, runs, _ in peers for k in runs},
              key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else len(ORDER), k[1]))
for workload, threads in keys:
    mine = ours.get((workload, threads), [])
    row = [workload, str(threads), cell(mine)]
    for _, runs, _ in peers:
        theirs = runs.get((workload, threads), [])
        row += [cell(theirs), ratio(mine, theirs)]
    print("| " + " | ".join(row) + " |")
print()
names = ", ".join(f"{label}: {name}" for label, _, name in peers)
print(f"Median step time over {steps} timed steps (after 3 warm-up steps), median over {rounds} round(s); "
      f"ours/peer above 1 means the kit is faster. Peers: {names}.")
PY

echo
cat "$OUT/table.md"
echo
echo "bench-peers: JSON lines, log and table in $OUT/" >&2
