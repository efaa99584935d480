#!/usr/bin/env node
/**
 * The server: `npm start`. Probot's own `run` (env, setup mode without credentials, smee proxy,
 * GHE_HOST) plus a production check before start and a graceful stop on SIGTERM.
 */
import { run } from "probot";
import { readDotenv } from "./dotenv.js";
import { productionEnvProblems } from "./env-check.js";
import { listenHost } from "./listen-host.js";
import { serverLog } from "./log.js";
import { rerunBot } from "./app.js";
import { ConditionalCache } from "./github/conditional.js";
import { rerunOctokit } from "./github/octokit.js";
import { Metrics } from "./metrics.js";
import { Parking } from "./github/parking.js";
import { SharedThrottling } from "./github/throttling.js";
import { createQueue } from "./queue/create.js";
import { readSettings } from "./settings.js";
import { FileLedger } from "./state/ledger.js";
import { FileMarks } from "./state/marks.js";

async function main(): Promise<void> {
  // Probot applies .env over the environment when it starts; check what it will see.
  const problems = productionEnvProblems({ ...process.env, ...readDotenv() });
  if (problems.length > 0) {
    console.error(`rerun-bot: refusing to start in production:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(1);
  }
  // The composition root: one Metrics and one ETag cache for this app, shared by its Octokit class.
  const metrics = new Metrics();
  // The environment as Probot will see it (it applies .env over the environment), so a REDIS_URL or
  // DATA_DIR in .env picks the queue and the ledger too, not only the store.
  const env = { ...process.env, ...readDotenv() };
  // Every setting read once, from the environment as Probot will see it.
  const settings = readSettings(env);
  // Probot reads HOST itself when it starts (after applying .env, which may set it).
  const host = listenHost(env);
  if (host) process.env.HOST = host;
  // The server's one logger: Probot's, with redaction; the queue writes to it too.
  const log = await serverLog(env);
  // Accept, then work: a durable queue (a file per job under DATA_DIR, or BullMQ with REDIS_URL).
  const queue = await createQueue(settings.queue, settings, log);
  // With a queue, a rate-limited installation is parked: its calls wait for GitHub's time in the queue.
  const parking = queue ? new Parking() : undefined;
  const throttling = new SharedThrottling();
  const Octokit = rerunOctokit({ contents: new ConditionalCache(), onCall: metrics.observeCall, parking, throttling });
  // The flaky-jobs ledger: Redis with REDIS_URL (app.ts), else a file per repo beside the queue.
  const ledger = settings.redisUrl ? undefined : new FileLedger(settings.dataDir);
  // Without Redis the store is in memory: the marks that must outlive a crash go to files beside the queue.
  const marks = settings.redisUrl ? undefined : new FileMarks(settings.dataDir);
  const server = await run(rerunBot({ settings, metrics, queue, ledger, marks, parking, throttling, recovery: settings.recovery }), { Octokit, log } as never);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`rerun-bot: ${signal}: no new work; finishing work in flight, the rest stays queued`);
    const forced = setTimeout(() => process.exit(1), 25_000);
    forced.unref();
    try {
      // Closing the listener waits for open requests to be answered (each one is queued by then).
      await server.stop();
      await queue?.stop(20_000);
      process.exit(0);
    } catch (err) {
      console.error("rerun-bot: error while stopping", err);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  console.error("rerun-bot: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
