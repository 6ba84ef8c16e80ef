#!/usr/bin/env bash
# `make test-slurm`: starts a one-node Slurm cluster on this machine (munged, slurmctld and slurmd, configured in a
# temporary folder, nothing system-wide), submits chapter 3's smoke profile through submit.sh as a job array plus
# its assembly job, and checks that the assembled tables equal a plain local smoke run's byte for byte (except the
# wall-clock timings table). The daemons are stopped and the folder removed on exit, also on failure.
# Usage: scripts/slurm/test-local.sh [THREADS]   (as root: slurmd starts each job as its user)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
program="$repo/.build/release/chapter3"
threads="${1:-2}"
[ "$(id -u)" -eq 0 ] || { echo "test-slurm: run as root (slurmd starts jobs as their user)" >&2; exit 1; }
[ -x "$program" ] || { echo "test-slurm: build first (make build)" >&2; exit 1; }

work="$(mktemp -d /tmp/kit-slurm.XXXXXX)"
export SLURM_CONF="$work/slurm.conf"
daemons=()
stop() {
  local status=$?
  if [ -f "$SLURM_CONF" ] && [ ${#daemons[@]} -gt 1 ]; then
    squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null || true
  fi
  for pid in "${daemons[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${daemons[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ $status -ne 0 ]; then
    for log in "$work"/*.log "$work"/*.out "$work"/munge/*.log "$work"/cluster/.cache/slurm/logs/*.log; do
      [ -f "$log" ] && { echo "--- $log (last lines)"; tail -n 15 "$log"; }
    done >&2
  fi
  rm -rf "$work"
  exit $status
}
trap stop EXIT
trap 'exit 130' INT TERM

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "test-slurm: $what did not happen within $seconds s" >&2
  return 1
}

# munge: a fresh key and a private socket.
mkdir -m 700 "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
/usr/sbin/munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/seed" --log-file="$work/munge/munged.log" \
  > "$work/munged.out" 2>&1 &
daemons+=($!)
wait_for 20 "munged's socket" test -S "$work/munge/socket"

host="$(hostname -s)"
node="$(slurmd -C | head -1 | sed 's/ UpTime=.*//')"
base=$((20000 + RANDOM % 20000))
mkdir -p "$work/state" "$work/spool"
cat > "$SLURM_CONF" <<CONF
ClusterName=kit-test
SlurmctldHost=$host
SlurmctldPort=$base
SlurmdPort=$((base + 1))
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
$node State=UNKNOWN
PartitionName=kit Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -D -f "$SLURM_CONF" > "$work/slurmctld.out" 2>&1 &
daemons+=($!)
/usr/sbin/slurmd -D -f "$SLURM_CONF" -N "$host" > "$work/slurmd.out" 2>&1 &
daemons+=($!)
wait_for 60 "the node becoming idle" sh -c 'sinfo -h -o %T | grep -q "^idle"'
echo "test-slurm: one-node cluster up ($node)"

# Two roots that share the prepared data but nothing else.
for name in local cluster; do
  mkdir -p "$work/$name/.cache"
  ln -s "$repo/data" "$work/$name/data"
  ln -s "$repo/paper" "$work/$name/paper"
  ln -s "$repo/.cache/data" "$work/$name/.cache/data"
done

started=$(date +%s)
"$program" --profile smoke --threads "$threads" --root "$work/local"
echo "test-slurm: local smoke run took $(( $(date +%s) - started )) s"

started=$(date +%s)
"$repo/scripts/slurm/submit.sh" --program "$program" --root "$work/cluster" --cpus 1 --wait -- --profile smoke
echo "test-slurm: the smoke run on the cluster took $(( $(date +%s) - started )) s"

tables=reports/runs/3-tabddpm/tables
ls "$work/cluster/$tables"/*.md >/dev/null
if diff -r --exclude='timings.*' "$work/local/$tables" "$work/cluster/$tables"; then
  echo "test-slurm: the tables assembled on the cluster equal the local run's, byte for byte ($(ls "$work/local/$tables" | grep -vc '^timings\.') files; timings excepted)"
else
  echo "test-slurm: the cluster's tables differ from the local run's (diff above)" >&2
  exit 1
fi
