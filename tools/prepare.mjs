#!/usr/bin/env node
/**
 * npm's `prepare`, run by `npm install`/`npm ci` in this directory and for `npx github:...`. It builds
 * lib/ when TypeScript is installed. A production install (`--omit=dev`, tools/install-production.sh)
 * has no TypeScript but ships lib/ built: it must not fail there, so it checks lib/ and stops.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

function hasTypeScript() {
  try {
    createRequire(import.meta.url).resolve("typescript");
    return true;
  } catch {
    return false;
  }
}

if (hasTypeScript()) {
  process.exit(spawnSync("npm", ["run", "build"], { stdio: "inherit" }).status ?? 1);
} else if (existsSync("lib/main.js")) {
  console.log("rerun-bot: no TypeScript here (a production install): using the built lib/");
} else {
  console.error(
    "rerun-bot: lib/ is not built and TypeScript is not installed. Install with devDependencies " +
      "(npm ci), or install the packed package: tools/install-production.sh (see README, Deployment).",
  );
  process.exit(1);
}
