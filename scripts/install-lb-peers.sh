#!/usr/bin/env bash
# Installs Debian's nginx, HAProxy and wrk when they are missing.
# Used by .ci/run (the HAProxy adapter tests are mandatory there) and by bench:lb (its peers and load tool).
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ "${#need[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-lb-peers: run as root, or install these Debian packages: ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
# The packages start services through systemd where it runs; bench:lb and the tests start their own instances.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
(command -v nginx || [ -x /usr/sbin/nginx ]) >/dev/null && (command -v haproxy || [ -x /usr/sbin/haproxy ]) >/dev/null && command -v wrk >/dev/null
