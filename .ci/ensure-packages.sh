#!/usr/bin/env bash
# Debian packages the tests use besides Docker: git (pushing over HTTP),
# debootstrap (the offline stack image), docker-registry (a real image
# registry on 127.0.0.1) and openssl (the Kubernetes API double serves TLS
# with a CA it makes at start).
set -euo pipefail
missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -eq 0 ]; then
  echo "packages: all present"
  exit 0
fi
echo "packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
