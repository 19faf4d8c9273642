#!/usr/bin/env bash
# Installs the nodefluent kafka-streams peer (benchmarks/peers/, issue 7) into this folder's own
# node_modules. The root `npm ci` / `npm test` never touch it: CI has no librdkafka-dev and must
# stay fast.
#
# Why each step (BENCHMARKS.md, "Peer"):
#  1. librdkafka-dev from Debian (2.0.2): kafka-streams' native client is node-rdkafka, and
#     node-rdkafka@2.15.0 is the release that matches librdkafka 2.0.x. We build against the
#     system library (BUILD_LIBRDKAFKA=0) instead of node-rdkafka's bundled source tree.
#  2. `npm install --ignore-scripts`: node-rdkafka's install script is `node-gyp rebuild` with
#     the bundled librdkafka (configure + compile of a vendored C library): skip it here.
#  3. node-gyp rebuild of node-rdkafka with BUILD_LIBRDKAFKA=0 against Node's own headers.
#     This machine reaches no header download site, so node-gyp is pointed at the local headers
#     with --nodedir (npm's `nodedir` setting, /usr here: /usr/include/node/node_version.h);
#     without it node-gyp would try to download the headers tarball and fail.
#  4. A smoke check: load the addon and print librdkafka's version.
#
# Re-running is safe (apt skips an installed package, npm install is idempotent, the rebuild
# starts from a clean build/ directory). Needs root for apt-get (as every session here is).
set -euo pipefail
cd "$(dirname "$0")"
started=$(date +%s)

if dpkg -s librdkafka-dev >/dev/null 2>&1; then
  echo "[setup] librdkafka-dev already installed ($(dpkg-query -W -f='${Version}' librdkafka-dev))"
else
  echo "[setup] apt-get install librdkafka-dev"
  if ! apt-get install -y --no-install-recommends librdkafka-dev; then
    apt-get update
    apt-get install -y --no-install-recommends librdkafka-dev
  fi
fi

echo "[setup] npm install --ignore-scripts (kafka-streams 5.0.0, node-rdkafka 2.15.0)"
npm install --ignore-scripts --no-audit --no-fund

# Node's own headers: npm's nodedir setting if present, else the prefix of this node binary.
nodedir=$(npm config get nodedir 2>/dev/null || true)
if [ -z "$nodedir" ] || [ "$nodedir" = "undefined" ] || [ "$nodedir" = "null" ]; then
  nodedir=$(dirname "$(dirname "$(command -v node)")")
fi
if [ ! -f "$nodedir/include/node/node_version.h" ]; then
  echo "[setup] no Node headers under $nodedir/include/node; set npm's nodedir to a folder holding include/node/node_version.h" >&2
  exit 1
fi

# node-gyp: the copy bundled with npm (no extra download).
npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
node_gyp="$npm_root/node_modules/node-gyp/bin/node-gyp.js"
if [ ! -f "$node_gyp" ]; then
  echo "[setup] node-gyp not found at $node_gyp (expected inside npm's own install)" >&2
  exit 1
fi

echo "[setup] node-gyp rebuild of node-rdkafka, BUILD_LIBRDKAFKA=0, --nodedir=$nodedir"
(
  cd node_modules/node-rdkafka
  BUILD_LIBRDKAFKA=0 node "$node_gyp" rebuild --nodedir="$nodedir" --jobs=2
)

echo "[setup] smoke check"
node -e "const k = require('node-rdkafka'); console.log('[setup] node-rdkafka loads; librdkafka ' + k.librdkafkaVersion + ', features ' + k.features.length)"
node -e "require('kafka-streams'); console.log('[setup] kafka-streams loads')"
echo "[setup] done in $(( $(date +%s) - started )) s"
