/**
 * Writing the flaky-jobs ledger from what the workflow_run handler has read anyway: catches when a
 * re-run passes, "stayed red" when a re-run run gives up, breaker resets. Each write may trip or
 * reset the breaker and may change the dashboard (execute/dashboard.ts).
 */
import { isFailedJob } from "../domain/conclusions.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import { boundEntries, jobKey, type LedgerEntry } from "../domain/ledger.js";
import type { GitHubClient } from "../github/client.js";
import { trippedJobs, type Trip } from "../policy/breaker.js";
import type { FlakyJob } from "../policy/flaky.js";
import type { RerunEvidence } from "../state/reruns.js";
import { updateDashboard } from "./dashboard.js";
import type { Deps } from "../state/deps.js";
import type { RerunConfig } from "../config/schema.js";
import { defaultConfig } from "../config/validate.js";

function seconds(job: JobFacts): number {
  const start = Date.parse(job.startedAt ?? "");
  const end = Date.parse(job.completedAt ?? "");
  return Number.isFinite(start) && Number.isFinite(end) && end > start ? Math.round((end - start) / 1000) : 0;
}

function entry(run: RunFacts, kind: LedgerEntry["kind"], job: string, at: number, rest: Pick<LedgerEntry, "category" | "evidence" | "costSeconds">): LedgerEntry {
  return {
    id: `${kind}:${run.id}:${run.runAttempt}:${job}`,
    kind,
    at,
    workflow: run.name,
    workflowId: run.workflowId,
    job,
    runId: run.id,
    runNumber: run.runNumber,
    attempt: run.runAttempt,
    sha: run.headSha,
    url: run.htmlUrl,
    ...rest,
  };
}

export interface LedgerSettings {
  dashboard: boolean;
  breakerAfter: number;
}

/** From a repo's config; an invalid config still records (the catch happened), with the defaults and no dashboard. */
export function ledgerSettings(config: RerunConfig | null): LedgerSettings {
  return config ? { dashboard: config.dashboard, breakerAfter: config.breaker.after } : { dashboard: false, breakerAfter: defaultConfig().breaker.after };
}

/** Records the ledger entries, counts new trips, and refreshes the dashboard when asked for. */
async function record(deps: Deps, gh: GitHubClient, entries: LedgerEntry[], settings: LedgerSettings): Promise<void> {
  if (entries.length === 0) return;
  const repo = `${gh.owner}/${gh.repo}`;
  const known = await deps.ledger.list(repo);
  entries = entries.map((e) => ({ ...e, breakerAfter: settings.breakerAfter }));
  await deps.ledger.add(repo, entries);
  // What the ledger holds now, without reading it again.
  const before = trippedJobs(known, settings.breakerAfter);
  const after = trippedJobs(boundEntries([...known, ...entries], deps.now().getTime()), settings.breakerAfter);
  for (const [key, trip] of after) if (!before.has(key)) deps.metrics.breakerTrips.inc({ category: trip.category });
  if (!settings.dashboard) return;
  try {
    await updateDashboard(deps, gh, settings.breakerAfter);
  } catch (err) {
    // The ledger has it: the next change brings the dashboard up to date. The delivery is not failed
    // for it, so nothing before it (a check run, a comment) is done twice.
    deps.log?.warn({ repo, err: err instanceof Error ? err.message : String(err) }, "dashboard not updated");
  }
}

/** A run the bot re-ran passed: each flaky job is a catch, with the evidence that made the re-run. */
export async function recordCatches(
  deps: Deps,
  gh: GitHubClient,
  run: RunFacts,
  flaky: FlakyJob[],
  allJobs: JobFacts[],
  why: RerunEvidence,
  settings: LedgerSettings,
): Promise<void> {
  const at = deps.now().getTime();
  const entries = flaky.map((f) => {
    const [category, evidence] = why.jobs?.[f.name] ?? [why.category, why.evidence];
    const cost = allJobs.filter((j) => j.name === f.name && isFailedJob(j)).reduce((sum, j) => sum + seconds(j), 0);
    return entry(run, "catch", f.name, at, { category, evidence, costSeconds: cost });
  });
  for (const e of entries) deps.metrics.catches.inc({ category: e.category });
  await record(deps, gh, entries, settings);
}

/** A run the bot re-ran gave up red: each job that failed on every attempt stayed red. */
export async function recordStayedRed(deps: Deps, gh: GitHubClient, run: RunFacts, allJobs: JobFacts[], why: RerunEvidence, settings: LedgerSettings): Promise<void> {
  const byName = new Map<string, JobFacts[]>();
  for (const j of allJobs) byName.set(j.name, [...(byName.get(j.name) ?? []), j]);
  const at = deps.now().getTime();
  const entries: LedgerEntry[] = [];
  for (const [name, attempts] of byName) {
    // Re-run at least once, and never passed: a job GitHub did not re-run (it passed) is not here.
    if (attempts.length < 2 || !attempts.every(isFailedJob)) continue;
    const cost = attempts.filter((j) => (j.runAttempt ?? 1) > 1).reduce((sum, j) => sum + seconds(j), 0);
    const [category] = why.jobs?.[name] ?? [why.category];
    entries.push(entry(run, "stayed-red", name, at, { category, evidence: `failed on all ${attempts.length} attempts`, costSeconds: cost }));
  }
  await record(deps, gh, entries, settings);
}

/** The breaker's trips in a repo (the ledger is local or Redis: no GitHub call). */
export async function repoTrips(deps: Deps, repo: string, after: number): Promise<Map<string, Trip>> {
  return after > 0 ? trippedJobs(await deps.ledger.list(repo), after) : new Map();
}

/** Tripped jobs seen passing in a failed run of their workflow work again: the breaker resets them. */
export async function recordResets(deps: Deps, gh: GitHubClient, run: RunFacts, names: string[], settings: LedgerSettings): Promise<void> {
  const at = deps.now().getTime();
  await record(deps, gh, names.map((name) => entry(run, "reset", name, at, { category: "any", evidence: `passed in run #${run.runNumber}`, costSeconds: 0 })), settings);
}

/** `/rerun reset <job>`: every tripped job of that name (in any workflow) is reset. */
export async function resetBreaker(deps: Deps, gh: GitHubClient, job: string, by: string, settings: LedgerSettings): Promise<Trip[]> {
  const repo = `${gh.owner}/${gh.repo}`;
  const trips = [...(await repoTrips(deps, repo, settings.breakerAfter)).values()].filter((t) => t.job.toLowerCase() === job.toLowerCase());
  const at = deps.now().getTime();
  const entries = trips.map((t): LedgerEntry => {
    const last = t.runs[t.runs.length - 1];
    return { ...last, id: `reset:${at}:${jobKey(t.workflow, t.job)}`, kind: "reset", at, category: "command", evidence: `reset by @${by}`, costSeconds: 0 };
  });
  await record(deps, gh, entries, settings);
  return trips;
}
