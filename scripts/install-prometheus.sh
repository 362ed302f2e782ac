#!/usr/bin/env bash
# Installs Debian's Prometheus, promtool and node_exporter when they are missing.
# Used by .ci/run (the Prometheus tests are mandatory there) and by bench:query (its peer).
set -euo pipefail
need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null 2>&1 || need+=(prometheus-node-exporter)
if [ "${#need[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-prometheus: run as root, or install these Debian packages: ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
# The packages start services through systemd where it runs; nothing here relies on them.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
command -v prometheus >/dev/null && command -v promtool >/dev/null && command -v prometheus-node-exporter >/dev/null
