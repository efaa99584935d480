/**
 * Without redis-server on PATH the Redis suites are skipped on a developer's machine (CI fails
 * instead: test/helpers/redis.ts). A skipped suite is easy to miss in a long run, so Jest's
 * globalSetup and globalTeardown (jest.config.js) print this notice at the start and at the end.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;

/** The test files that need a real redis-server. */
export function redisSuites(dir = join(process.cwd(), "test")): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return redisSuites(path);
    return name.endsWith(".test.ts") && /\bdescribeWithRedis\(/.test(readFileSync(path, "utf8")) ? [relative(process.cwd(), path)] : [];
  });
}

export function redisNotice(available: boolean, suites: string[]): string | null {
  if (available) return null;
  const rule = "!".repeat(78);
  return [
    "",
    rule,
    `!! redis-server is not on PATH: the Redis tests in ${suites.length} files are SKIPPED:`,
    ...suites.map((s) => `!!   ${s}`),
    "!! Install it to run them: sudo apt-get install redis-server (Debian, Ubuntu), brew install",
    "!! redis (macOS). CI (.ci/run) installs it, and there a missing redis-server fails the run.",
    rule,
    "",
  ].join("\n");
}

export default function printRedisNotice(): void {
  const notice = redisNotice(hasRedis, redisSuites());
  if (notice) process.stderr.write(`${notice}\n`);
}
