#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (Ubuntu). It installs Node 22 and the grader's dependencies; grading itself
# happens in run_autograder, once per submission.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
NODE_MAJOR=22

node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if ! command -v node >/dev/null 2>&1 || [ "$(node_major)" -lt "$NODE_MAJOR" ]; then
  # Ubuntu's own nodejs package is too old (the grader needs Node's permission
  # model and node:zlib crc32): take Node 22 from NodeSource's apt repository.
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends ca-certificates curl gnupg
  curl -fsSL "https://deb.nodesource.com/setup_${NODE_MAJOR}.x" -o /tmp/nodesource_setup.sh
  bash /tmp/nodesource_setup.sh
  apt-get install -y --no-install-recommends nodejs
  rm -f /tmp/nodesource_setup.sh
fi
node --version
npm --version

cd "$SOURCE"
# Exactly the locked dependencies; no audit or funding requests at image build.
npm ci --no-audit --no-fund
chmod +x "$SOURCE/run_autograder" 2>/dev/null || true
