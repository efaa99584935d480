#!/bin/sh
# The production install: what the Dockerfile runs, and what test/e2e/production-install.test.ts
# runs and then starts, so the test proves what the image does.
#   tools/install-production.sh DEST
# Packs this project as npm would publish it (package.json "files": lib/ built, no sources, no
# TypeScript), unpacks it into DEST (empty or new) and installs exactly package-lock.json's
# versions without devDependencies. Run `npm run build` first. Then, in DEST:
#   NODE_ENV=production node lib/main.js
set -eu
dest=${1:?usage: tools/install-production.sh DEST}
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$root/lib/main.js" ]; then
  echo "install-production: $root/lib/main.js is missing: run npm run build first" >&2
  exit 1
fi
mkdir -p "$dest"
if [ -n "$(ls -A "$dest")" ]; then
  echo "install-production: $dest is not empty" >&2
  exit 1
fi
dest=$(cd "$dest" && pwd)
pack=$(mktemp -d)
trap 'rm -rf "$pack"' EXIT
# lib/ is already built: the pack runs no scripts (its `prepare` would build again).
(cd "$root" && npm pack --ignore-scripts --silent --pack-destination "$pack" >/dev/null)
tar -xzf "$pack"/*.tgz -C "$dest" --strip-components=1
# npm pack never ships the lock file; installing from it is what makes the versions exact.
cp "$root/package-lock.json" "$dest/package-lock.json"
cd "$dest"
# --prefer-offline: versions come from the lock, so npm's cache answers when it has them.
npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error
if [ -d node_modules/typescript ]; then
  echo "install-production: TypeScript was installed: devDependencies leaked into production" >&2
  exit 1
fi
echo "install-production: installed in $dest; start with: NODE_ENV=production node lib/main.js"
