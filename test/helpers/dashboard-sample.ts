/** The README's dashboard example: rendered from this ledger, so the README shows what the bot writes. */
import { trippedJobs } from "../../src/policy/breaker.js";
import { summarize } from "../../src/policy/flaky-stats.js";
import { renderDashboard } from "../../src/report/dashboard.js";
import type { LedgerEntry } from "../../src/domain/ledger.js";

export function sampleDashboard(): string {
  const NOW = Date.parse("2026-11-24T09:00:00Z");
  const DAY = 864e5;
  let n = 0;
  const e = (job: string, kind: LedgerEntry["kind"], days: number, over: Partial<LedgerEntry> = {}): LedgerEntry => {
    n++;
    return {
      id: `${kind}:${n}`, kind, at: NOW - days * DAY, workflow: "CI", workflowId: 7, job, runId: 9000 + n, runNumber: 1200 + n, attempt: 2, sha: "s",
      url: `https://github.com/acme/app/actions/runs/${9000 + n}`, category: "infrastructure", evidence: "infrastructure: runner lost (preset infrastructure)", costSeconds: 420, ...over,
    };
  };
  const entries = [
    ...[1, 2, 4, 9, 15, 20, 26].map((d) => e("e2e (chrome)", "catch", d, { category: "rule", evidence: 'log matches ETIMEDOUT (rule "e2e flakes")', costSeconds: 780 })),
    ...[3, 11, 24].map((d) => e("test (ubuntu-latest, 20)", "catch", d)),
    e("lint", "catch", 6, { category: "any", evidence: "no rule asks about jobs, so every failure counts as a flake", costSeconds: 60 }),
    ...[5, 3, 1].map((d) => e("integration", "stayed-red", d, { evidence: "failed on all 3 attempts", costSeconds: 1500 })),
  ];
  const summary = summarize(entries, NOW);
  return renderDashboard({ repo: "acme/app", summary, trips: [...trippedJobs(entries, 3).values()], runs30: new Map([[7, 212]]), now: new Date(NOW) });
}
