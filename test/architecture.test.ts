/**
 * The layer order of ARCHITECTURE.md, kept: every relative import under src/ points to the same
 * layer or a lower one. Adapters and the policy never import a handler, a renderer or the root.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const SRC = join(process.cwd(), "src");
/** Lowest first. A file's layer is its folder; files at the top of src/ are the composition root. */
export const LAYERS: string[][] = [["util"], ["domain"], ["config", "commands"], ["policy"], ["state", "github", "queue", "metrics.ts"], ["report"], ["facts", "intake"], ["execute"], ["handlers", "web"], ["(root)"]];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function layerOf(file: string): number {
  const rel = relative(SRC, file).split("/");
  const key = rel.length === 1 ? (rel[0] === "metrics.ts" ? "metrics.ts" : "(root)") : rel[0];
  const i = LAYERS.findIndex((l) => l.includes(key));
  if (i < 0) throw new Error(`${relative(SRC, file)} is in no layer: add its folder to ARCHITECTURE.md and this test`);
  return i;
}

test("no file under src/ imports a higher layer", () => {
  const upward: string[] = [];
  for (const file of files(SRC)) {
    for (const m of readFileSync(file, "utf8").matchAll(/^import[^;]*?from\s+"(\.[^"]+)"/gm)) {
      const target = join(dirname(file), m[1].replace(/\.js$/, ".ts"));
      if (layerOf(target) > layerOf(file)) upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
    }
  }
  expect(upward).toEqual([]);
});

test("the layer test sees every source file (a new folder must be placed)", () => {
  expect(files(SRC).length).toBeGreaterThan(30);
  for (const f of files(SRC)) expect(() => layerOf(f)).not.toThrow();
});
