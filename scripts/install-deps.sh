#!/usr/bin/env bash
# Installs the Debian packages Cadenza needs to build and test. Idempotent: packages
# already present are skipped, so a second run does nothing.
#   install-deps.sh [--test-tools]   --test-tools adds what only the test suite uses:
#                                    python3 (standard library only: the checks of
#                                    regression/stats.sh and regression/microcircuit.sh),
#                                    chromium, to render `cadenza plot` output headless, and
#                                    Slurm with munge and procps, for the end-to-end sbatch
#                                    test (tests/slurm/), which starts its own one-node cluster
# hdf5-tools (h5dump, h5diff, h5ls) is in the base set: tests and users read files with it.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools
  libcjson-dev libmetis-dev libgsl-dev libpapi-dev
  libcmocka-dev
)
if [ "${1:-}" = "--test-tools" ]; then packages+=(python3 chromium slurmctld slurmd slurm-client munge procps); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
