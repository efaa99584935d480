#!/usr/bin/env node
/**
 * Builds the Action's single file, dist/action.js: src/action.ts and everything it imports, for
 * GitHub's node24 runtime, so the Action starts with no install step.
 *   node tools/bundle.mjs          write dist/action.js
 *   node tools/bundle.mjs --check  exit 1 when dist/action.js is not what the sources build (CI)
 */
import { build } from "esbuild";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

export const OUTFILE = "dist/action.js";

const result = await build({
  entryPoints: ["src/action.ts"],
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  write: false,
  outfile: OUTFILE,
  legalComments: "eof",
  logLevel: "warning",
  // Some bundled CommonJS packages call require() for Node's own modules.
  banner: { js: 'import { createRequire as __rerunCreateRequire } from "node:module";\nconst require = __rerunCreateRequire(import.meta.url);' },
});
const text = result.outputFiles[0].text;

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(OUTFILE, "utf8");
  } catch {}
  if (committed !== text) {
    console.error(`${OUTFILE} is stale: run \`npm run bundle\` and commit it`);
    process.exit(1);
  }
  console.log(`${OUTFILE} is up to date (${(text.length / 1024).toFixed(0)} KiB)`);
} else {
  mkdirSync("dist", { recursive: true });
  writeFileSync(OUTFILE, text);
  console.log(`wrote ${OUTFILE} (${(text.length / 1024).toFixed(0)} KiB)`);
}
