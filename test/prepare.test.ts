/**
 * npm's `prepare` (tools/prepare.mjs) in an install without TypeScript: it uses the shipped lib/, and
 * without lib/ it stops and says how to install instead of failing on a missing `tsc`.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A package directory with prepare.mjs and no TypeScript anywhere above it. */
function packageDir(withLib: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "rerun-prepare-"));
  mkdirSync(join(dir, "tools"));
  copyFileSync("tools/prepare.mjs", join(dir, "tools", "prepare.mjs"));
  if (withLib) {
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib", "main.js"), "");
  }
  return dir;
}

const prepare = (cwd: string) => spawnSync(process.execPath, ["tools/prepare.mjs"], { cwd, encoding: "utf8" });

test("with lib/ built and no TypeScript: nothing to build, exit 0", () => {
  const r = prepare(packageDir(true));
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("no TypeScript here (a production install): using the built lib/");
});

test("with neither: exit 1, saying how to install", () => {
  const r = prepare(packageDir(false));
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("lib/ is not built and TypeScript is not installed");
  expect(r.stderr).toContain("tools/install-production.sh");
});
