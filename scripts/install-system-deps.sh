#!/usr/bin/env bash
# Debian packages Opinia needs: Chromium for browser tests, poppler for PDF checks, zbar to decode QR
# codes in tests, Pango for WeasyPrint's PDFs, fonts with Polish letters. Installs only what is missing.
set -euo pipefail
packages=(chromium poppler-utils libzbar0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core nodejs npm)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# npm may come with node from elsewhere; do not fight an existing install.
if command -v npm >/dev/null; then missing=("${missing[@]/npm}"); fi
if command -v node >/dev/null; then missing=("${missing[@]/nodejs}"); fi
read -r -a missing <<< "${missing[*]}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
