import type { RerunEvidence } from "../domain/ledger.js";
import { keys, TTL } from "../domain/keys.js";
import type { Store } from "./store.js";

export type { RerunEvidence };

const COMMAND: RerunEvidence = { category: "command", evidence: "re-run on request" };

/** Which runs the bot re-ran: their later success is checked for flaky jobs, their last failure reported. */
export async function rememberRerun(store: Store, repo: string, runId: number, evidence: RerunEvidence = COMMAND): Promise<void> {
  const jobs = evidence.jobs ? Object.fromEntries(Object.entries(evidence.jobs).slice(0, 50)) : undefined;
  await store.set(keys.reran(repo, runId), JSON.stringify({ ...evidence, jobs }), TTL.remember);
}

export async function rerunEvidence(store: Store, repo: string, runId: number): Promise<RerunEvidence | null> {
  const value = await store.get(keys.reran(repo, runId));
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value) as RerunEvidence;
    if (typeof parsed === "object" && parsed !== null && typeof parsed.category === "string") return parsed;
  } catch {
    // a mark from an older version: re-run, evidence unknown
  }
  return { category: "any", evidence: "re-run by rerun-bot" };
}
