#!/usr/bin/env bash
# Stops the test cluster of slurm_up.sh (by pid file; a stopped daemon may linger as a zombie
# until PID 1 reaps it, which counts as stopped) and removes its state and config.
set -u
stop() {  # pid file
  [ -s "$1" ] || return 0
  local pid st
  pid=$(cat "$1")
  kill "$pid" 2> /dev/null || return 0
  for _ in $(seq 100); do
    st=$(awk '/^State:/{print $2}' "/proc/$pid/status" 2> /dev/null || true)
    if [ -z "$st" ] || [ "$st" = Z ]; then return 0; fi
    sleep 0.1
  done
  echo "slurm_down: pid $pid did not stop" >&2
  return 1
}
grep -q '^# cadenza test cluster' /etc/slurm/slurm.conf 2> /dev/null || exit 0
stop /run/slurm/slurmd.pid
stop /run/slurm/slurmctld.pid
if [ -e /run/slurm/munged-started-by-test ]; then stop /run/munge/munged.pid; fi
rm -rf /var/spool/slurmctld /var/spool/slurmd /run/slurm /etc/slurm/slurm.conf \
  /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log
if [ ! -s /run/munge/munged.pid ]; then rmdir /run/munge 2> /dev/null || true; fi
exit 0
