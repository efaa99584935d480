/**
 * Runs the pure judge (policy/auto-rerun.ts judgeRun), reading the evidence it asks for one piece at
 * a time, within a budget. The bot's handler and `rerun-bot explain` share this loop, so what explain
 * prints is what the bot decides.
 */
import type { AutoConfig } from "../config/schema.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import { isUnreadable, type GitHubClient } from "../github/client.js";
import { judgeRun, type RunVerdict } from "../policy/auto-rerun.js";
import { LOG_TAIL_BYTES } from "../policy/log-patterns.js";
import type { Evidence, Rule } from "../policy/rules.js";

/** Annotation lists and log tails read at most per failed run: a bound on calls per event. */
export const MAX_EVIDENCE_READS = 20;

/** One read; `status` is GitHub's answer when it had nothing to give (404, 410, 403). */
export type EvidenceRead = { jobId: number; what: "annotations" | "log"; found: boolean; status?: number };

export async function judgeWithEvidence(
  gh: Pick<GitHubClient, "listAnnotations" | "jobLogTail">,
  run: RunFacts,
  jobs: JobFacts[],
  rules: Rule[],
  auto: AutoConfig,
  onRead: (read: EvidenceRead) => void = () => {},
): Promise<Exclude<RunVerdict, { kind: "need" }>> {
  const evidence = new Map<number, Evidence>();
  let reads = 0;
  for (;;) {
    const verdict = judgeRun(run, jobs, rules, auto, evidence);
    if (verdict.kind !== "need") return verdict;
    const known = evidence.get(verdict.job.id) ?? {};
    const budget = reads++ < MAX_EVIDENCE_READS;
    const what = verdict.what;
    // What could not be read is no evidence, and the report says why (its status, or the budget).
    const got = !budget ? null : what === "annotations" ? await gh.listAnnotations(verdict.job.id) : await gh.jobLogTail(verdict.job.id, LOG_TAIL_BYTES);
    const unread = got === null ? "budget" : isUnreadable(got) ? got.unreadable : undefined;
    if (what === "annotations") known.annotations = Array.isArray(got) ? got : null;
    else known.log = typeof got === "string" ? got : null;
    if (unread !== undefined) known.unread = { ...known.unread, [what]: unread };
    evidence.set(verdict.job.id, known);
    if (budget) onRead({ jobId: verdict.job.id, what, found: unread === undefined, ...(typeof unread === "number" ? { status: unread } : {}) });
  }
}
