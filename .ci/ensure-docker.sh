#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock: installs Debian's
# docker.io when dockerd is missing, and starts dockerd when it is not running.
# Containers use host networking, so the engine runs without a bridge or
# iptables rules (neither is available in every sandbox).
set -euo pipefail

docker_answers() { curl -fsS --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; }

if docker_answers; then
  echo "docker: engine already running"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "docker: no Docker engine found. Install Docker Engine (https://docs.docker.com/engine/install/) and start it, then run this again." >&2
    exit 1
  fi
  echo "docker: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

echo "docker: starting dockerd"
mkdir -p /var/log
nohup dockerd --bridge=none --iptables=false >/var/log/paas-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker_answers; then
    echo "docker: engine running"
    exit 0
  fi
  sleep 0.5
done
echo "docker: dockerd did not start; its log:" >&2
tail -n 30 /var/log/paas-dockerd.log >&2
exit 1
