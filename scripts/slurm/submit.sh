#!/usr/bin/env bash
# Runs a chapter on a Slurm cluster: one array job with a task per cell (`--plan`), then a job that waits for
# the whole array and assembles the tables from the shared cache.
#
# Usage: scripts/slurm/submit.sh [options] [-- chapter options]
#   --program PATH   the chapter program (default: .build/release/chapter3 of this checkout; build it first)
#   --root DIR       the output root, on a file system every node sees: its .cache/ is the cells' shared cache
#                    and it needs data/ and .cache/data/ (make data) and paper/ (default: this checkout)
#   --cpus N         CPUs (and threads) per cell and for the assembly (default 1)
#   --indices LIST   submit only these array indices (e.g. 3,7 to rerun failed cells), then a new assembly
#   --wait           return when the assembly has ended, with its exit status
# Chapter options (--profile, --seed, --datasets, --models, --csv …) follow `--` and go to every job.
# Cluster options come from sbatch's environment variables: SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ….
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/scripts/slurm"
program="$repo/.build/release/chapter3" root="$repo" cpus=1 indices="" wait=()
while [ $# -gt 0 ]; do
  case "$1" in
    --program) program="$(realpath "$2")"; shift 2 ;;
    --root) root="$(realpath "$2")"; shift 2 ;;
    --cpus) cpus="$2"; shift 2 ;;
    --indices) indices="$2"; shift 2 ;;
    --wait) wait=(--wait); shift ;;
    --) shift; break ;;
    *) echo "submit: unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
options=("$@")
[ -x "$program" ] || { echo "submit: no program at $program (build it: swift build -c release --product chapter3)" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "submit: sbatch not found (is this a Slurm login node?)" >&2; exit 2; }

jobs="$root/.cache/slurm"
mkdir -p "$jobs/logs"
# The plan only lists ids (nothing is measured, so nothing trains on the login node); written whole or not at all.
plan="$jobs/plan-$(date -u +%Y%m%dT%H%M%S)-$$.txt"
"$program" --plan --plan-format ids --root "$root" "${options[@]}" > "$plan.tmp"
mv "$plan.tmp" "$plan"
count=$(wc -l < "$plan")
[ "$count" -gt 0 ] || { echo "submit: the plan in $plan has no cells" >&2; exit 1; }

# Arrays of at most the cluster's MaxArraySize tasks; task i of an array with offset o runs plan line o + i + 1.
max_array=$(scontrol show config 2>/dev/null | awk '$1 == "MaxArraySize" {print $3}')
max_array=${max_array:-1001}
submit_cells() {  # submit_cells OFFSET ARRAY-SPEC
  local id
  id=$(sbatch --parsable --array="$2" --cpus-per-task="$cpus" --output="$jobs/logs/cell-%A_%a.log" \
    "$here/cells.sbatch" "$program" "$plan" "$1" "$root" "${options[@]}")
  echo "${id%%;*}"
}
arrays=()
if [ -z "$indices" ]; then
  for ((start = 0; start < count; start += max_array)); do
    size=$(( count - start < max_array ? count - start : max_array ))
    arrays+=("$(submit_cells "$start" "0-$((size - 1))")")
    echo "submit: plan lines $((start + 1))-$((start + size)) (indices $start-$((start + size - 1))): array job ${arrays[-1]}"
  done
else
  wanted=()
  for part in ${indices//,/ }; do
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then wanted+=($(seq "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"))
    elif [[ "$part" =~ ^[0-9]+$ ]]; then wanted+=("$part")
    else echo "submit: --indices: '$part' is not an index or a range a-b" >&2; exit 2
    fi
  done
  low=$(printf '%s\n' "${wanted[@]}" | sort -n | head -1) high=$(printf '%s\n' "${wanted[@]}" | sort -n | tail -1)
  [ "$high" -lt "$count" ] || { echo "submit: --indices: $high is past the plan's last index $((count - 1))" >&2; exit 2; }
  [ $((high - low)) -lt "$max_array" ] || { echo "submit: --indices span more than MaxArraySize ($max_array); submit them in parts" >&2; exit 2; }
  spec=$(printf '%s\n' "${wanted[@]}" | awk -v low="$low" '{printf "%s%d", NR > 1 ? "," : "", $1 - low}')
  arrays+=("$(submit_cells "$low" "$spec")")
  echo "submit: indices $indices: array job ${arrays[-1]}"
fi
cells=$(IFS=:; echo "${arrays[*]}")
echo "submit: $count cells in $plan (logs: $jobs/logs/cell-<job>_<task>.log)"
echo "submit: rerun failed cells with: $0 --program $program --root $root --cpus $cpus --indices <index,...> -- ${options[*]}"
[ ${#wait[@]} -eq 0 ] || echo "submit: waiting for the assembly job (after job(s) $cells) to end"
status=0
assemble=$(sbatch --parsable "${wait[@]}" --dependency="afterok:$cells" --kill-on-invalid-dep=yes --cpus-per-task="$cpus" \
  --output="$jobs/logs/assemble-%j.log" "$here/assemble.sbatch" "$program" "$root" "${options[@]}") || status=$?
assemble="${assemble%%;*}"
echo "submit: assembly job $assemble after job(s) $cells (log: $jobs/logs/assemble-$assemble.log)"
exit $status
