/**
 * One line of the flaky-jobs ledger: a job the bot saw fail and then pass on a re-run of the same
 * commit (a catch), a job that failed on every attempt of a run the bot re-ran (stayed red), or a
 * person resetting the breaker. Plain data: the policy summarises it, the state layer keeps it.
 */
export const LEDGER_CATEGORIES = ["infrastructure", "network", "rule", "any", "command"] as const;
/** What made the bot (or a person) re-run: a preset's signature (infrastructure, network), a user rule, no rule about jobs, a command. */
export type LedgerCategory = (typeof LEDGER_CATEGORIES)[number];

export interface LedgerEntry {
  /** The same fact recorded twice (a redelivery) has the same id and counts once. */
  id: string;
  kind: "catch" | "stayed-red" | "reset";
  /** Milliseconds since the epoch. */
  at: number;
  workflow: string;
  /** For the workflow's run count (the share of runs that needed a re-run). */
  workflowId: number;
  job: string;
  runId: number;
  runNumber: number;
  /** The attempt that passed (catch) or the last attempt (stayed red). */
  attempt: number;
  sha: string;
  url: string;
  category: LedgerCategory;
  /** The signature or rule that matched, "failed on every attempt", or who reset the breaker. */
  evidence: string;
  /** CI time the failed attempts of this job cost (what re-running it cost, in runner seconds). */
  costSeconds: number;
  /** The repo's `breaker.after` when this was recorded, so the org view judges the repo by its own. */
  breakerAfter?: number;
}

/** Why the bot re-ran a run: kept with it, so a later catch is recorded with its evidence. */
export interface RerunEvidence {
  category: LedgerCategory;
  evidence: string;
  /** Per failed job, when the rules judged jobs one by one (at most 50 kept). */
  jobs?: Record<string, [LedgerCategory, string]>;
}

/** How long the ledger keeps an entry, and how many it keeps per repo (the newest). */
export const LEDGER_DAYS = 90;
export const LEDGER_CAP_PER_REPO = 5_000;

/** A job is known by its workflow and its full name (matrix jobs differ in their names). */
export function jobKey(workflow: string, job: string): string {
  return `${workflow}\u0000${job}`;
}

/** Newest `cap` entries younger than LEDGER_DAYS, each id once (the first recorded wins), oldest first. */
export function boundEntries(entries: LedgerEntry[], now: number, cap = LEDGER_CAP_PER_REPO): LedgerEntry[] {
  const since = now - LEDGER_DAYS * 24 * 60 * 60 * 1000;
  const seen = new Set<string>();
  const kept: LedgerEntry[] = [];
  for (const e of entries) {
    if (e.at < since || seen.has(e.id)) continue;
    seen.add(e.id);
    kept.push(e);
  }
  kept.sort((a, b) => a.at - b.at);
  return kept.slice(Math.max(0, kept.length - cap));
}

/** A ledger line read back from disk or Redis: anything malformed is dropped, never trusted. */
export function parseEntry(text: string): LedgerEntry | null {
  try {
    const e = JSON.parse(text) as Partial<LedgerEntry>;
    if (typeof e !== "object" || e === null) return null;
    if (typeof e.id !== "string" || typeof e.at !== "number" || typeof e.workflow !== "string" || typeof e.job !== "string") return null;
    if (e.kind !== "catch" && e.kind !== "stayed-red" && e.kind !== "reset") return null;
    return e as LedgerEntry;
  } catch {
    return null;
  }
}
