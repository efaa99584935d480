/**
 * `npm test` says loudly when it skips the Redis suites: Jest's globalSetup and globalTeardown print
 * a notice naming them and how to install redis-server, before and after the run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redisNotice, redisSuites } from "./helpers/redis-notice.js";

test("the notice names every skipped suite and how to get redis-server; none when it is there", () => {
  const suites = redisSuites();
  expect(suites).toEqual(expect.arrayContaining(["test/state/redis-store.test.ts", "test/e2e/redis-queue.test.ts"]));
  const notice = redisNotice(false, suites)!;
  expect(notice).toMatch(/redis-server is not on PATH: the Redis tests in \d+ files are SKIPPED/);
  expect(notice).toContain("sudo apt-get install redis-server");
  for (const s of suites) expect(notice).toContain(s);
  expect(redisNotice(true, suites)).toBeNull();
});

test("a Jest run without redis-server on PATH prints it before and after the tests", () => {
  const config = readFileSync("jest.config.js", "utf8");
  expect(config).toContain('globalSetup: "<rootDir>/test/helpers/redis-notice.ts"');
  expect(config).toContain('globalTeardown: "<rootDir>/test/helpers/redis-notice.ts"');
  // A PATH with node and a shell, and no redis-server.
  const bin = mkdtempSync(join(tmpdir(), "no-redis-"));
  symlinkSync(process.execPath, join(bin, "node"));
  symlinkSync("/bin/sh", join(bin, "sh"));
  const r = spawnSync(process.execPath, ["--experimental-vm-modules", "node_modules/jest/bin/jest.js", "test/listen-host.test.ts"], {
    env: { PATH: bin, HOME: process.env.HOME },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(r.status).toBe(0);
  const notices = r.stderr.split("are SKIPPED").length - 1;
  expect(notices).toBe(2);
  // The second one comes after Jest's summary.
  expect(r.stderr.lastIndexOf("are SKIPPED")).toBeGreaterThan(r.stderr.indexOf("Tests:"));
}, 60_000);
