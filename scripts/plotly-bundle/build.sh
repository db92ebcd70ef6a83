#!/bin/sh
# Builds Plotly's partial bundle into $1 (default: static/vendor/plotly-opinia.min.js, the committed file the app
# serves) from the versions pinned in this directory's package-lock.json (build.mjs holds the options).
# `make plotly-bundle` rebuilds the committed file; `make test` builds a second copy and checks it is the same,
# byte for byte. After changing the plotly.js version here, change the Python package's in requirements.in too:
# the figures are built by the latter for its own plotly.js.
set -eu
out=$(realpath -m "${1:-$(dirname "$0")/../../static/vendor/plotly-opinia.min.js}")
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
node build.mjs "$out"
