/**
 * The dashboard issue (`dashboard: true`): one issue per repo, found again by the number kept beside
 * the ledger (or, if that is lost, by its label and marker), created once and then edited in place.
 * Instances take a short lease per repo, so two catches at once never create two issues. An edit is
 * made only when the body changed.
 */
import { createHash } from "node:crypto";
import { keys } from "../domain/keys.js";
import type { GitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import { trippedJobs } from "../policy/breaker.js";
import { summarize } from "../policy/flaky-stats.js";
import { DASHBOARD_LABEL, DASHBOARD_MARKER, DASHBOARD_TITLE, renderDashboard } from "../report/dashboard.js";
import type { Deps } from "../state/deps.js";

const LEASE_SECONDS = 60;
/** Workflows whose run counts are read per update (one call each, cached for an hour). */
const MAX_WORKFLOWS_COUNTED = 10;
const WAIT_MS = 200;
const WAIT_TRIES = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What decides whether an edit is needed: the body without its "Updated" time. */
const fingerprint = (body: string) => createHash("sha256").update(body.replace(/<sub>Updated [^.]*\./, "")).digest("hex");

async function runs30(deps: Deps, gh: GitHubClient, workflowIds: number[]): Promise<Map<number, number>> {
  const repo = `${gh.owner}/${gh.repo}`;
  const since = new Date(deps.now().getTime() - 30 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  const out = new Map<number, number>();
  for (const id of workflowIds.slice(0, MAX_WORKFLOWS_COUNTED)) {
    const key = keys.workflowRuns(repo, id, since);
    const cached = await deps.store.get(key);
    if (cached !== null) {
      out.set(id, Number(cached));
      continue;
    }
    try {
      const n = await gh.countRuns(id, since);
      out.set(id, n);
      await deps.store.set(key, String(n), 60 * 60);
    } catch {
      // Unknown share: the table says so; the rest of the dashboard is still worth writing.
    }
  }
  return out;
}

/** Brings the repo's dashboard issue up to date; returns its number (null when another instance holds the lease too long). */
export async function updateDashboard(deps: Deps, gh: GitHubClient, breakerAfter: number): Promise<number | null> {
  const repo = `${gh.owner}/${gh.repo}`;
  const lease = keys.dashboardLease(repo);
  const owner = `dashboard:${deps.random().toString(36).slice(2)}`;
  let held = false;
  for (let i = 0; i < WAIT_TRIES && !held; i++) {
    held = await deps.store.claim(lease, LEASE_SECONDS, owner);
    if (!held) await sleep(WAIT_MS);
  }
  if (!held) return null; // the holder renders the same ledger (this entry included, written before)
  try {
    const entries = await deps.ledger.list(repo);
    const summary = summarize(entries, deps.now().getTime());
    const trips = [...trippedJobs(entries, breakerAfter).values()];
    const workflowIds = [...new Set(summary.rows.map((r) => r.last.workflowId))];
    const body = renderDashboard({ repo, summary, trips, runs30: await runs30(deps, gh, workflowIds), now: deps.now() });
    const print = fingerprint(body);
    let number = Number(await deps.ledger.getMeta(repo, "dashboard-issue")) || null;
    if (number !== null && (await deps.ledger.getMeta(repo, "dashboard-fingerprint")) === print) return number;
    number ??= await gh.findIssue(DASHBOARD_LABEL, DASHBOARD_MARKER);
    if (number === null || (await gh.updateIssue(number, body)) === null) {
      number = await gh.createIssue(DASHBOARD_TITLE, body, [DASHBOARD_LABEL]);
    }
    await deps.ledger.setMeta(repo, "dashboard-issue", String(number));
    await deps.ledger.setMeta(repo, "dashboard-fingerprint", print);
    deps.metrics.dashboardWrites.inc();
    return number;
  } catch (err) {
    // The ledger is written: the next change brings the dashboard up to date.
    throw new Error(`could not update the dashboard issue: ${explainGitHubError(err).message}`);
  } finally {
    await deps.store.release(lease);
  }
}
