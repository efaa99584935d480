/** Starts the built server (`node lib/main.js`, what `npm start` runs after building) as a real process. */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/net.js";

export { freePort };

export const SECRET = "e2e-webhook-secret-0123456789";
export const E2E_APP_ID = 31337;
export const MAIN = join(process.cwd(), "lib", "main.js");

let key: string | null = null;
export function privateKey(): string {
  key ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return key;
}

export function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface Bot {
  port: number;
  proc: ChildProcess;
  output: () => string;
  send(event: string, payload: unknown, options?: { id?: string; signature?: string | null }): Promise<number>;
  stop(): Promise<number | null>;
}

export function env(githubPort: number, port: number, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    APP_ID: String(E2E_APP_ID),
    PRIVATE_KEY: privateKey(),
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: `127.0.0.1:${githubPort}`,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    // Suites that assert on GitHub's calls right after the answer handle webhooks in the request
    // (the first version's design); test/e2e/queue.test.ts and the instances run the queues.
    WORK_QUEUE: "inline",
    // Recovery of missed deliveries is tested on its own (test/e2e/queue.test.ts).
    RECOVERY_INTERVAL_MINUTES: "0",
    ...extra,
  };
}

/**
 * Runs `node lib/main.js` until it exits, in `cwd` or else in an empty directory (so no developer's
 * .env is read).
 */
export function spawnMain(
  environment: NodeJS.ProcessEnv,
  script = MAIN,
  cwd = mkdtempSync(join(tmpdir(), "rerun-bot-e2e-")),
): { proc: ChildProcess; output: () => string; exit: Promise<number | null> } {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` (npm test does)`);
  const proc = spawn(process.execPath, [script], { cwd, env: environment, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, output: () => out, exit };
}

export async function startBot(githubPort: number, extra: Record<string, string | undefined> = {}, script = MAIN, listen?: number): Promise<Bot> {
  const port = listen ?? (await freePort());
  return serving(spawnMain(env(githubPort, port, extra), script), `http://127.0.0.1:${port}`);
}

/** Waits until a spawned bot answers /ping at `base` (e.g. http://127.0.0.1:3000), then drives it there. */
export async function serving(
  { proc, output, exit }: ReturnType<typeof spawnMain>,
  base: string,
): Promise<Bot> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/ping`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill("SIGKILL"); // a bot that never answered must not keep the test run alive
      throw new Error(`the bot did not start:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let n = 0;
  return {
    port: Number(new URL(base).port),
    proc,
    output,
    async send(event, payload, options = {}) {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": options.id ?? `delivery-${Date.now()}-${n++}`,
      };
      const signature = options.signature === undefined ? sign(body) : options.signature;
      if (signature !== null) headers["x-hub-signature-256"] = signature;
      const r = await fetch(`${base}/api/github/webhooks`, { method: "POST", headers, body });
      await r.text();
      return r.status;
    },
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      return exit;
    },
  };
}
