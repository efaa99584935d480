/** Ledger entries for tests: a catch of job "test" in workflow "CI" a day before NOW, each run new. */
import type { LedgerEntry } from "../../src/domain/ledger.js";

export const DAY = 24 * 60 * 60 * 1000;
export const NOW = Date.parse("2026-11-24T12:00:00Z");
let seq = 0;
export function entry(over: Partial<LedgerEntry> = {}): LedgerEntry {
  seq++;
  const kind = over.kind ?? "catch";
  const runId = over.runId ?? 1000 + seq;
  return {
    id: `${kind}:${runId}:2:${over.job ?? "test"}`,
    kind,
    at: NOW - DAY,
    workflow: "CI",
    workflowId: 7,
    job: "test",
    runId,
    runNumber: runId,
    attempt: 2,
    sha: `sha${runId}`,
    url: `https://github.com/o/r/actions/runs/${runId}`,
    category: "infrastructure",
    evidence: "runner lost",
    costSeconds: 60,
    ...over,
  };
}
export const red = (over: Partial<LedgerEntry> = {}) => entry({ kind: "stayed-red", evidence: "failed on all 3 attempts", ...over });

