/**
 * The org view's numbers, from the ledger: per repo its jobs with their health, the re-runs the bot
 * made and how many turned green, the breaker's trips and the evidence categories; across repos the
 * jobs ranked by catches and by CI time lost. Pure: the web layer renders it, scoped to what the
 * person may see before anything is summed.
 */
import { jobKey, LEDGER_CATEGORIES, type LedgerCategory, type LedgerEntry } from "../domain/ledger.js";
import { redStreaks, tripsOf, type Trip } from "./breaker.js";
import { summarize, type FlakyRow } from "./flaky-stats.js";
import { jobHealth, repoThresholds, type HealthThresholds, type HealthVerdict } from "./job-health.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface JobView {
  repo: string;
  workflow: string;
  job: string;
  catches7: number;
  catches30: number;
  red30: number;
  costSeconds30: number;
  /** The first catch the ledger holds (90 days at most): flaky since. */
  firstCatch: number | null;
  /** The newest catch or red run. */
  last: LedgerEntry | null;
  category: LedgerCategory;
  redStreak: number;
  trip: Trip | null;
  verdict: HealthVerdict;
}

export type CategoryCounts = Record<LedgerCategory, number>;

export interface RepoView {
  repo: string;
  jobs: JobView[];
  catches30: number;
  costSeconds30: number;
  redSeconds30: number;
  /** Runs the bot re-ran whose outcome the ledger holds (30 days), and those that turned green. */
  reruns30: number;
  green30: number;
  trips: Trip[];
  categories: CategoryCounts;
  /** Catches per week, oldest first. */
  weekly: number[];
  /** What made its jobs flaky or broken: the repo's own `breaker.after` as last recorded. */
  thresholds: HealthThresholds;
}

const noCategories = (): CategoryCounts => Object.fromEntries(LEDGER_CATEGORIES.map((c) => [c, 0])) as CategoryCounts;

/** A job the summary has (`row`), the breaker stopped (`trip`), or both. */
function jobView(repo: string, row: FlakyRow | undefined, trip: Trip | undefined, streak: number, first: number | undefined, t: HealthThresholds): JobView {
  const named = (row ?? trip)!;
  const catches30 = row?.catches30 ?? 0;
  return {
    repo,
    workflow: named.workflow,
    job: named.job,
    catches7: row?.catches7 ?? 0,
    catches30,
    red30: row?.red30 ?? 0,
    costSeconds30: row?.costSeconds30 ?? 0,
    firstCatch: first ?? null,
    last: row?.last ?? trip?.runs[trip.runs.length - 1] ?? null,
    category: named.category,
    redStreak: streak,
    trip: trip ?? null,
    verdict: jobHealth({ catches30, redStreak: streak }, t),
  };
}

const severity = { broken: 0, flaky: 1, healthy: 2 } as const;

/** One repo's view: every job the ledger knows from the last 30 days, or stopped by the breaker. */
export function repoView(repo: string, entries: LedgerEntry[], now: number, t: HealthThresholds = repoThresholds(entries), weeks = 8): RepoView {
  const summary = summarize(entries, now, weeks, true);
  const streaks = redStreaks(entries);
  const trips = tripsOf(streaks, t.brokenRedRuns);
  const since = now - 30 * DAY_MS;
  const first = new Map<string, number>();
  const categories = noCategories();
  const green = new Set<number>();
  const red = new Set<number>();
  for (const e of entries) {
    if (e.kind === "catch" && !first.has(jobKey(e.workflow, e.job))) first.set(jobKey(e.workflow, e.job), e.at);
    if (e.at < since) continue;
    if (e.kind === "catch") {
      categories[e.category]++;
      green.add(e.runId);
    } else if (e.kind === "stayed-red") red.add(e.runId);
  }
  const rows = new Map(summary.rows.map((r) => [jobKey(r.workflow, r.job), r]));
  const keys = new Set([...rows.keys(), ...trips.keys()]);
  const jobs = [...keys].map((key) => jobView(repo, rows.get(key), trips.get(key), streaks.get(key)?.length ?? 0, first.get(key), t));
  jobs.sort((a, b) => severity[a.verdict.health] - severity[b.verdict.health] || b.catches30 - a.catches30 || b.costSeconds30 - a.costSeconds30 || a.job.localeCompare(b.job));
  const greenOnly = [...green].filter((id) => !red.has(id));
  return {
    repo,
    jobs,
    catches30: summary.catches30,
    costSeconds30: summary.costSeconds30,
    redSeconds30: summary.redSeconds30,
    reruns30: new Set([...green, ...red]).size,
    green30: greenOnly.length,
    trips: [...trips.values()],
    categories,
    weekly: summary.weekly,
    thresholds: t,
  };
}

export interface OrgView {
  repos: RepoView[];
  byCatches: JobView[];
  byCost: JobView[];
  broken: JobView[];
  catches30: number;
  costSeconds30: number;
  redSeconds30: number;
  reruns30: number;
  green30: number;
  categories: CategoryCounts;
  weekly: number[];
}

/** The org's totals and rankings from the repos a person may see (and only those). */
export function orgView(repos: RepoView[], top = 20): OrgView {
  const jobs = repos.flatMap((r) => r.jobs);
  const flaky = jobs.filter((j) => j.catches30 > 0);
  const weeks = Math.max(0, ...repos.map((r) => r.weekly.length));
  const weekly = new Array<number>(weeks).fill(0);
  const categories = noCategories();
  for (const r of repos) {
    r.weekly.forEach((n, i) => (weekly[weeks - r.weekly.length + i] += n));
    for (const c of LEDGER_CATEGORIES) categories[c] += r.categories[c];
  }
  const sum = (f: (r: RepoView) => number) => repos.reduce((s, r) => s + f(r), 0);
  const byName = (a: JobView, b: JobView) => a.repo.localeCompare(b.repo) || a.workflow.localeCompare(b.workflow) || a.job.localeCompare(b.job);
  return {
    repos,
    byCatches: topBy(flaky, top, (a, b) => b.catches30 - a.catches30 || b.costSeconds30 - a.costSeconds30 || byName(a, b)),
    byCost: topBy(flaky, top, (a, b) => b.costSeconds30 - a.costSeconds30 || b.catches30 - a.catches30 || byName(a, b)),
    broken: jobs.filter((j) => j.verdict.health === "broken").sort((a, b) => (b.trip?.since ?? 0) - (a.trip?.since ?? 0) || byName(a, b)),
    catches30: sum((r) => r.catches30),
    costSeconds30: sum((r) => r.costSeconds30),
    redSeconds30: sum((r) => r.redSeconds30),
    reruns30: sum((r) => r.reruns30),
    green30: sum((r) => r.green30),
    categories,
    weekly,
  };
}

/** The first `k` of `items` in `cmp` order, without sorting them all (an org has tens of thousands of jobs). */
export function topBy<T>(items: T[], k: number, cmp: (a: T, b: T) => number): T[] {
  const top: T[] = [];
  if (k <= 0) return top;
  for (const item of items) {
    if (top.length === k && cmp(item, top[k - 1]) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(item, top[mid]) < 0) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, item);
    if (top.length > k) top.pop();
  }
  return top;
}

/** A share in whole percent, or null when there is nothing to share. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 100) : null;
}
