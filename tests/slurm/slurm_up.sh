#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine for the tests (root; Debian's slurmctld,
# slurmd, slurm-client and munge installed). No systemd is assumed: munged, slurmctld and
# slurmd are started by hand and write pid files under /run. The node offers this machine's
# CPUs and 80 % of its memory; proctrack/linuxproc and task/affinity work without cgroups.
# Impossible requests are refused at submission (EnforcePartLimits=ALL) instead of pending
# forever, and batch jobs start at once (batch_sched_delay=0). MpiDefault=pmix: Debian's
# OpenMPI starts only through PMIx.
#   slurm_up.sh            exit 0 when the node is idle; 3 when another Slurm configuration is
#                          in place; 4 when a daemon cannot start here (e.g. slurmd without a
#                          cgroup file system), after printing the reason and the daemons' logs
set -euo pipefail
conf=/etc/slurm/slurm.conf
if [ -e "$conf" ] && ! grep -q '^# cadenza test cluster' "$conf"; then
  echo "slurm_up: $conf exists and is not the test cluster's; not touching it" >&2
  exit 3
fi

# munge: the package made the key; /run/munge is ours to make
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -m 0755 /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm /etc/slurm
if ! munge -n < /dev/null > /dev/null 2>&1; then
  touch /run/slurm/munged-started-by-test   # slurm_down.sh stops only a munged it started
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n < /dev/null > /dev/null 2>&1 && break; sleep 0.1; done
fi
munge -n < /dev/null | unmunge > /dev/null

mem=$(( $(free -m | awk '/^Mem:/{print $2}') * 8 / 10 ))
cat > "$conf" <<CONF
# cadenza test cluster (tests/slurm/slurm_up.sh); removed by slurm_down.sh
ClusterName=cadenza-test
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
EnforcePartLimits=ALL
MpiDefault=pmix
ReturnToService=2
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=localhost CPUs=$(getconf _NPROCESSORS_ONLN) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
cannot_start() {  # reason
  echo "slurm_up: $1" >&2
  for log in /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log; do
    [ -s "$log" ] && { echo "--- last lines of $log:" >&2; tail -n 15 "$log" >&2; }
  done
  exit 4
}
/usr/sbin/slurmctld || cannot_start "slurmctld did not start (exit $?)"
/usr/sbin/slurmd || cannot_start "slurmd did not start (exit $?)"
for _ in $(seq 150); do sinfo -h -N -o %t 2> /dev/null | grep -qx idle && break; sleep 0.1; done
state=$(sinfo -h -N -o %t 2> /dev/null || echo "no answer from slurmctld")
[ "$state" = idle ] || cannot_start "the node did not come up (state: ${state:-none})"
echo "slurm_up: one node, $(getconf _NPROCESSORS_ONLN) CPUs, ${mem} MB"
