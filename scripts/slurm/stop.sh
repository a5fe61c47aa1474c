#!/usr/bin/env bash
# Stops the cluster scripts/slurm/start.sh DIR started: its slurmd, slurmctld and munged, by the PIDs in DIR.
set -uo pipefail
dir="${1:?usage: stop.sh DIR}"
for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [[ -f "$f" ]] || continue
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
done
exit 0
