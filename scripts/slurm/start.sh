#!/usr/bin/env bash
# Starts a throw-away single-node SLURM cluster (munged + slurmctld + slurmd on this host) for tests.
#
#   scripts/slurm/start.sh DIR      state, spool, logs, keys and slurm.conf under DIR (created)
#
# Prints "export SLURM_CONF=DIR/slurm.conf" on success (source it, or pass SLURM_CONF to srun/sbatch);
# stop it with scripts/slurm/stop.sh DIR (by PID; nothing else is touched). Needs root and Debian's
# slurm-wlm (22.05) and munge packages. ProctrackType=proctrack/linuxproc and TaskPlugin=task/none:
# no cgroups, so it runs in containers. Ports are picked from DIR's hash so that two clusters on one
# machine do not collide. Exits non-zero with one line on stderr when the cluster does not come up.
set -euo pipefail
dir="${1:?usage: start.sh DIR}"
mkdir -p "$dir"/{state,spool,log,munge}
dir="$(cd "$dir" && pwd)"
for p in munged slurmctld slurmd sinfo; do
  command -v "$p" >/dev/null || { echo "slurm: $p not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
[[ "$(id -u)" -eq 0 ]] || { echo "slurm: the test cluster needs root (slurmd runs jobs as their user)" >&2; exit 1; }

host="$(hostname -s)"
cpus="$(nproc)"
memory="$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)"
base=$(( 20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 20000 ))

# munge: its own key and socket in DIR.
dd if=/dev/urandom bs=1 count=1024 of="$dir/munge/munge.key" status=none
chmod 0400 "$dir/munge/munge.key"
chmod 0700 "$dir/munge"
munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed" --force \
  </dev/null >>"$dir/log/munged.out" 2>&1

cat >"$dir/slurm.conf" <<CONF
ClusterName=hpolabtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$(( base + 1 ))
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerType=sched/backfill
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
export SLURM_CONF="$dir/slurm.conf"
# The daemons must not hold the caller's output open (a test waiting for this script would wait for them).
slurmctld -i </dev/null >>"$dir/log/slurmctld.out" 2>&1
slurmd -N "$host" </dev/null >>"$dir/log/slurmd.out" 2>&1
for _ in $(seq 1 120); do
  if sinfo -h -o '%t' 2>/dev/null | grep -qE '^idle'; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.5
done
echo "slurm: the node did not become idle within 60 s (logs in $dir/log)" >&2
exit 1
