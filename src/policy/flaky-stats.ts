/**
 * What the ledger says about a repo's flaky jobs: per job, catches in the last 7 and 30 days, the
 * last catch, the evidence category, the CI time its re-runs cost; catches per week for a chart.
 * Pure: the dashboard and `/rerun stats` render it.
 */
import { jobKey, type LedgerCategory, type LedgerEntry } from "../domain/ledger.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface FlakyRow {
  workflow: string;
  job: string;
  catches7: number;
  catches30: number;
  /** Runs that stayed red on every attempt, last 30 days. */
  red30: number;
  last: LedgerEntry;
  /** The most frequent category of its catches in 30 days. */
  category: LedgerCategory;
  costSeconds30: number;
}

export interface FlakySummary {
  rows: FlakyRow[];
  /** Catches per week, oldest first, for the last `weeks` weeks (the last bucket ends now). */
  weekly: number[];
  catches30: number;
  /** CI time of the failed attempts of flaky jobs (what the catches cost), 30 days. */
  costSeconds30: number;
  /** CI time of re-runs that did not help (jobs that stayed red), 30 days. */
  redSeconds30: number;
}

/** `keepUncaught`: also the jobs with no catch in 30 days (only red runs), for the org view's job lists. */
export function summarize(entries: LedgerEntry[], now: number, weeks = 8, keepUncaught = false): FlakySummary {
  const d7 = now - 7 * DAY_MS;
  const d30 = now - 30 * DAY_MS;
  const byJob = new Map<string, { row: FlakyRow; categories: Map<LedgerCategory, number> }>();
  const weekly = new Array<number>(weeks).fill(0);
  let catches30 = 0;
  let costSeconds30 = 0;
  let redSeconds30 = 0;
  for (const e of entries) {
    if (e.kind === "reset") continue;
    const age = now - e.at;
    if (e.kind === "catch") {
      const week = weeks - 1 - Math.floor(age / (7 * DAY_MS));
      if (week >= 0 && week < weeks) weekly[week]++;
    }
    if (e.at < d30) continue;
    const key = jobKey(e.workflow, e.job);
    let item = byJob.get(key);
    if (!item) {
      item = { row: { workflow: e.workflow, job: e.job, catches7: 0, catches30: 0, red30: 0, last: e, category: e.category, costSeconds30: 0 }, categories: new Map() };
      byJob.set(key, item);
    }
    const { row } = item;
    row.costSeconds30 += e.costSeconds;
    if (e.kind === "stayed-red") {
      redSeconds30 += e.costSeconds;
      row.red30++;
      continue;
    }
    costSeconds30 += e.costSeconds;
    catches30++;
    row.catches30++;
    if (e.at >= d7) row.catches7++;
    if (row.last.kind !== "catch" || e.at >= row.last.at) row.last = e;
    item.categories.set(e.category, (item.categories.get(e.category) ?? 0) + 1);
  }
  const rows = [...byJob.values()]
    .map(({ row, categories }) => {
      const top = [...categories].sort((a, b) => b[1] - a[1])[0];
      return { ...row, category: top ? top[0] : row.category };
    })
    .filter((r) => keepUncaught || r.catches30 > 0)
    .sort((a, b) => b.catches30 - a.catches30 || b.catches7 - a.catches7 || b.last.at - a.last.at || a.job.localeCompare(b.job));
  return { rows, weekly, catches30, costSeconds30, redSeconds30 };
}

/** A job's share of its workflow's runs that needed a re-run, in percent; null when unknown. */
export function sharePercent(catches: number, runs: number | undefined): number | null {
  if (!runs || runs <= 0) return null;
  return Math.min(100, Math.round((catches / runs) * 1000) / 10);
}
