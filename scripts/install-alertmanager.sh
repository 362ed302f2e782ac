#!/usr/bin/env bash
# Installs Debian's Prometheus Alertmanager when it is missing.
# Used by .ci/run (the Alertmanager tests are mandatory there).
set -euo pipefail
if command -v prometheus-alertmanager >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-alertmanager: run as root, or install the Debian package prometheus-alertmanager" >&2
  exit 1
fi
apt-get update -qq
# The package starts a service through systemd where it runs; the tests start their own.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager >/dev/null
command -v prometheus-alertmanager >/dev/null
