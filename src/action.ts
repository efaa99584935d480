#!/usr/bin/env node
/**
 * Run as a GitHub Action: the event the workflow was triggered by (GITHUB_EVENT_NAME and the
 * payload at GITHUB_EVENT_PATH) goes through the same app, authenticated with the workflow's token
 * instead of an installation. No server; one event per run.
 */
import { readFileSync } from "node:fs";
import { Probot } from "probot";
import { rerunBot } from "./app.js";
import { MemoryLedger } from "./state/ledger.js";
import { rerunOctokit } from "./github/octokit.js";

export const ACTION_EVENTS = ["workflow_run", "issue_comment"] as const;

async function main(env: NodeJS.ProcessEnv): Promise<number> {
  const name = env.GITHUB_EVENT_NAME;
  const path = env.GITHUB_EVENT_PATH;
  const token = env.INPUT_TOKEN || env.GITHUB_TOKEN;
  if (!name || !path || !token) {
    console.error("rerun-bot: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and a token (input `token` or GITHUB_TOKEN) are required");
    return 1;
  }
  if (!(ACTION_EVENTS as readonly string[]).includes(name)) {
    console.log(`rerun-bot: nothing to do for ${name} events (the action handles ${ACTION_EVENTS.join(", ")})`);
    return 0;
  }
  const payload = JSON.parse(readFileSync(path, "utf8"));
  const probot = new Probot({
    githubToken: token,
    baseUrl: env.GITHUB_API_URL || undefined,
    Octokit: rerunOctokit(),
    logLevel: (env.LOG_LEVEL as "info") || "info",
  });
  // Check runs made with a workflow token belong to GitHub Actions, which gets their button presses:
  // no app id, so no check_run is ever taken for the bot's own.
  // Nothing outlives the job: the flaky-jobs ledger (and so the dashboard and the breaker) need the app.
  // Budgets are counted from GitHub's own record of the commit's runs (facts/sources.ts).
  await probot.load(rerunBot({ appId: null, ledger: new MemoryLedger(Date.now, false), oneShot: true }));
  try {
    await probot.receive({ id: `${env.GITHUB_RUN_ID ?? "local"}-${env.GITHUB_RUN_ATTEMPT ?? "1"}`, name, payload } as never);
    return 0;
  } catch (err) {
    console.error(`rerun-bot: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

process.exitCode = await main(process.env);
