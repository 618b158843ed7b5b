#!/usr/bin/env bash
# Debian's Chromium for the admin browser test (playwright-core drives it; it downloads no browser of its own),
# and CJK fonts so the Korean screenshots show Korean. Installs only what is missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -gt 0 ]; then
  echo "browser: installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
chromium --version 2>/dev/null | head -1
