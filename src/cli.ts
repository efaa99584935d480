#!/usr/bin/env node
/**
 * The command line:
 * - `rerun-bot check [path ...]`: validates config files the way the bot will, one line per problem
 *   (`file:line: key: message`), rules that can never match included. Exit 0 when all are valid, 1
 *   when not. A repo's `.github/rerun.yml` and an org's `.github` repo file check the same way.
 * - `rerun-bot explain <run URL | owner/repo run-id>`: what the bot would decide for a run, and why.
 * - `rerun-bot backtest <owner/repo> [--days N] [--config FILE] [--workflow NAME] [--json]`: the bot's
 *   decision replayed over the repo's failed runs, against what people's re-runs showed.
 * - `rerun-bot queue list | retry <id|all>`: work given up after the retry bound (queue/admin.ts).
 */
import { readFileSync } from "node:fs";
import { checkConfigText } from "./config/check.js";
import { CONFIG_PATH } from "./config/load.js";
import { explain, EXPLAIN_USAGE, parseTarget } from "./explain.js";
import { backtest, BACKTEST_USAGE, parseBacktestArgs } from "./backtest.js";
import { readDotenv } from "./dotenv.js";
import { createQueue } from "./queue/create.js";
import { readSettings } from "./settings.js";
import { queueCommand, QUEUE_USAGE } from "./queue/admin.js";

const USAGE = [`usage: rerun-bot check [path ...]   (default ${CONFIG_PATH})`, EXPLAIN_USAGE, BACKTEST_USAGE, ...QUEUE_USAGE.split(" | ")]
  .map((u, i) => (i === 0 ? u : `       ${u.replace(/^usage: /, "").replace(/^(?!rerun-bot )/, "rerun-bot ")}`))
  .join("\n");

function check(paths: string[]): number {
  let failed = 0;
  for (const path of paths.length > 0 ? paths : [CONFIG_PATH]) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      console.error(`${path}: cannot read: ${(err as Error).message}`);
      failed++;
      continue;
    }
    const problems = checkConfigText(text);
    for (const p of problems) console.log(`${path}:${p.line ?? "?"}: ${p.key}: ${p.message}`);
    if (problems.length === 0) console.log(`${path}: ok`);
    else console.log(`${path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
    if (/^_extends\s*:/m.test(text)) console.log(`note: ${path}: _extends is not followed here; check the base file where it lives`);
    if (problems.length > 0) failed++;
  }
  return failed === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "check") return check(rest);
  if (command === "explain") {
    const target = parseTarget(rest);
    if (!target) {
      console.error(EXPLAIN_USAGE);
      return 1;
    }
    return explain(target, process.env);
  }
  if (command === "backtest") {
    const args = parseBacktestArgs(rest);
    if ("error" in args) {
      console.error(`rerun-bot backtest: ${args.error}\n${BACKTEST_USAGE}`);
      return 1;
    }
    return backtest(args, process.env);
  }
  if (command === "queue") {
    // The queue the server uses: BullMQ with REDIS_URL, else the files under DATA_DIR.
    const env = { ...process.env, ...readDotenv() };
    const settings = readSettings(env);
    const quiet = { warn: (o: object, m: string) => console.error(m, o), error: (o: object, m: string) => console.error(m, o) };
    const queue = (await createQueue({ ...settings.queue, kind: settings.redisUrl ? "redis" : "file" }, settings, quiet))!;
    try {
      return await queueCommand(rest, queue, console.log, console.error);
    } finally {
      await queue.stop(0);
    }
  }
  console.error(USAGE);
  return command === "help" || command === "--help" ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
