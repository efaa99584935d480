/**
 * A real redis-server for the tests, on a free loopback port, no persistence. When the binary is
 * missing the Redis tests are skipped on a developer's machine, with a notice at the start and the
 * end of the run (redis-notice.ts), and fail in CI (CI=true), whose .ci/run installs it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "./net.js";
import { hasRedis } from "./redis-notice.js";

export { hasRedis };
if (!hasRedis && process.env.CI === "true") throw new Error("redis-server is not on PATH: .ci/run must install it");


export interface RedisServer {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `durable`: a directory for an append-only file flushed on every write, so a restart on the same
 * port and directory comes back with every key (a production Redis for queued work runs so).
 */
export async function startRedis(options: { port?: number; durable?: string } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const persistence = options.durable
    ? ["--dir", options.durable, "--appendonly", "yes", "--appendfsync", "always", "--save", ""]
    : ["--save", "", "--appendonly", "no"];
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", ...persistence], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  const deadline = Date.now() + 10_000;
  while (!out.includes("Ready to accept connections")) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    proc,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.on("exit", r));
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

export const describeWithRedis = hasRedis ? describe : describe.skip;
