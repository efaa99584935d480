/** The one settings object (src/settings.ts): every server setting read from the environment once. */
import { readSettings } from "../src/settings.js";
import { DEFAULT_HOLD } from "../src/policy/pacing.js";
import { DEFAULT_RETRY } from "../src/policy/github-answer.js";

test("an empty environment gives the documented defaults", () => {
  const s = readSettings({});
  expect(s).toMatchObject({ appId: null, redisUrl: null, dataDir: "data", configTtlMs: 600_000, hold: DEFAULT_HOLD, retry: DEFAULT_RETRY });
  expect(s.recovery).toEqual({ intervalMs: 5 * 60_000, lookbackMs: 6 * 3_600_000 });
  expect(s.web.on).toBe(false);
});

test.each([
  [{ APP_ID: "123" }, { appId: 123 }],
  [{ APP_ID: "not-a-number" }, { appId: null }],
  [{ REDIS_URL: "redis://127.0.0.1:6379", DATA_DIR: "/var/lib/rerun-bot" }, { redisUrl: "redis://127.0.0.1:6379", dataDir: "/var/lib/rerun-bot" }],
  [{ CONFIG_TTL_SECONDS: "99999" }, { configTtlMs: 3_600_000 }],
  [{ CONFIG_TTL_SECONDS: "x" }, { configTtlMs: 600_000 }],
  [{ RECOVERY_INTERVAL_MINUTES: "0" }, { recovery: null }],
  [{ RETRY_HOURS: "2" }, { retry: { ...DEFAULT_RETRY, giveUpAfterMs: 2 * 3_600_000 } }],
])("%j", (env, want) => {
  expect(readSettings(env)).toMatchObject(want);
  expect(readSettings(env)).toMatchObject(want);
});

test("src/app.ts and src/main.ts read no environment variable themselves", async () => {
  const { readFileSync } = await import("node:fs");
  for (const file of ["src/app.ts", "src/main.ts"]) {
    const text = readFileSync(file, "utf8");
    // main.ts hands Probot its HOST (Probot reads it itself) and the logger and queue their env.
    const reads = [...text.matchAll(/(?:process\.)?env\.([A-Z_]+)/g)].map((m) => m[1]).filter((n) => n !== "HOST");
    expect({ file, reads }).toEqual({ file, reads: [] });
  }
});
