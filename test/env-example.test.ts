/**
 * .env.example names every environment variable the code reads: the bot's own (src/) and those
 * Probot's `run` reads for it (its readEnvOptions). A variable read but not documented fails here.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.[cm]?[jt]s$/.test(name) ? [path] : [];
  });
}

/** `env.X`, `process.env.X`, `env["X"]` and `const { X, Y } = process.env`. */
function envReads(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]);
  for (const m of source.matchAll(/\benv\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\]/g)) names.add(m[1]);
  for (const m of source.matchAll(/\{([^{}]*)\}\s*=\s*(?:process\.)?env\b/g)) {
    for (const part of m[1].split(",")) {
      const name = /^\s*([A-Z][A-Z0-9_]*)\b/.exec(part)?.[1];
      if (name) names.add(name);
    }
  }
  return names;
}

const documented = new Set([...readFileSync(".env.example", "utf8").matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
const probot = envReads(readFileSync("node_modules/probot/lib/bin/read-env-options.js", "utf8"));
const ours = new Set(files("src").flatMap((f) => [...envReads(readFileSync(f, "utf8"))]));

test("the scan finds reads in every form the code uses", () => {
  expect([...envReads('a = process.env.A_B; b = env.C; c = env["D"]; const { E, F: f } = process.env;')].sort()).toEqual(["A_B", "C", "D", "E", "F"]);
  // What the scan of the real code must see, or it is not scanning.
  for (const name of ["DATA_DIR", "WORK_QUEUE", "HOLD_AFTER", "RECOVERY_LOOKBACK_HOURS", "HOST", "GITHUB_EVENT_PATH"]) expect(ours).toContain(name);
  for (const name of ["PORT", "WEBHOOK_PATH", "WEBHOOK_PROXY_URL", "LOG_FORMAT"]) expect(probot).toContain(name);
});

test(".env.example names every variable src/ and Probot's run read", () => {
  const missing = [...new Set([...ours, ...probot])].filter((name) => !documented.has(name)).sort();
  expect(missing).toEqual([]);
});
