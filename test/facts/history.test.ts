/**
 * A run's attempt 1 through the bot's own loop and decision, read from history: what it reads (and
 * nothing more), what it decides; and the run list read range by range under GitHub's 1,000 cap.
 */
import { validateConfig } from "../../src/config/validate.js";
import type { LoadedConfig } from "../../src/config/load.js";
import type { Annotation, JobFacts, RunFacts } from "../../src/domain/facts.js";
import { completedRuns, replayRun } from "../../src/facts/history.js";
import { job, run } from "../helpers/facts.js";

function config(auto: Record<string, unknown>): LoadedConfig {
  const v = validateConfig({ auto: { enabled: true, ...auto } });
  if (!v.ok) throw new Error(v.errors.join("; "));
  return { kind: "ok", config: v.config };
}

function history(jobs: JobFacts[], annotations: Record<number, Annotation[]>, logs: Record<number, string>) {
  const asked: string[] = [];
  return {
    asked,
    gh: {
      listAttemptJobs: async (runId: number, attempt: number) => (asked.push(`jobs ${runId}/${attempt}`), jobs),
      listAnnotations: async (id: number) => (asked.push(`annotations ${id}`), annotations[id] ?? []),
      jobLogTail: async (id: number) => (asked.push(`log ${id}`), logs[id] ?? null),
    },
  };
}

const lost: Annotation = { level: "failure", title: null, message: "The self-hosted runner: ci-7 lost communication with the server." };
const exit1: Annotation = { level: "failure", title: null, message: "Process completed with exit code 1." };
// A pull request whose head moved on, a breaker, a budget: none of them is replayed.
const latest = (over: Partial<RunFacts> = {}) => run({ id: 42, runAttempt: 2, conclusion: "success", pullRequests: [5], ...over });
const rule = config({ rules: [{ name: "runner lost", annotations: ["lost communication"] }], budget: { "per-hour": 1, "per-commit": 1 }, delay: "5m" });

describe("replayRun", () => {
  test("a runner loss people re-ran: attempt 1's jobs and its annotations, then a (delayed) re-run; never stale, never superseded", async () => {
    const h = history([job({ id: 7, name: "lint", conclusion: "success", failedStep: null }), job({ id: 8 })], { 8: [lost] }, {});
    const r = await replayRun(h.gh, latest(), rule);
    expect(h.asked).toEqual(["jobs 42/1", "annotations 8"]);
    expect(r).toMatchObject({ id: 42, truth: "passed-on-rerun", wouldRerun: true, job: "test", line: lost.message, why: "annotation matches /lost communication/ (runner lost) (after its delay)" });
  });

  test("a failure the rule does not match: refused as real, its evidence kept for suggestions", async () => {
    const h = history([job({ id: 8 })], { 8: [exit1] }, { 8: "npm ERR! code ECONNRESET\n" });
    const r = await replayRun(h.gh, latest(), config({ rules: [{ annotations: ["lost communication"], "log-patterns": ["Hash Sum mismatch"] }] }));
    expect(h.asked).toEqual(["jobs 42/1", "annotations 8", "log 8"]);
    expect(r).toMatchObject({ wouldRerun: false, line: "npm ERR! code ECONNRESET", lines: [{ text: "npm ERR! code ECONNRESET", in: "log" }] });
    expect(r!.why).toMatch(/^not re-run \(real-failure\)/);
  });

  test("attempt 1 passed (re-run anyway): not a failed run, only its jobs read", async () => {
    const h = history([job({ id: 8, conclusion: "success", failedStep: null })], {}, {});
    expect(await replayRun(h.gh, latest(), rule)).toBeNull();
    expect(h.asked).toEqual(["jobs 42/1"]);
  });

  test("never re-run and passed: nothing read at all", async () => {
    const h = history([], {}, {});
    expect(await replayRun(h.gh, latest({ runAttempt: 1, conclusion: "success" }), rule)).toBeNull();
    expect(h.asked).toEqual([]);
  });

  test("a config that asks for no evidence: every failure counts, the jobs read once for the minutes", async () => {
    const h = history([job({ id: 8, startedAt: "2026-11-01T00:00:00Z", completedAt: "2026-11-01T00:04:01Z" })], {}, {});
    const r = await replayRun(h.gh, latest({ runAttempt: 1, conclusion: "failure" }), config({}));
    expect(h.asked).toEqual(["jobs 42/1"]);
    expect(r).toMatchObject({ truth: "never-rerun", wouldRerun: true, rerunMinutes: 5 });
  });
});

describe("completedRuns", () => {
  const T0 = Date.UTC(2026, 10, 1);
  const all = Array.from({ length: 2500 }, (_, i) => run({ id: i + 1, createdAt: new Date(T0 + i * 1000).toISOString() }));
  /** GitHub's list: total_count counts all, at most 1,000 are listed, pages of 100. */
  function pager() {
    const queries: string[] = [];
    return {
      queries,
      async *completedRunPages(created: string) {
        queries.push(created);
        const [a, b] = created.split("..").map((s) => Date.parse(s));
        const match = all.filter((r) => Date.parse(r.createdAt) >= a && Date.parse(r.createdAt) <= b);
        const listed = match.slice(0, 1000);
        for (let i = 0; i < Math.max(listed.length, 1); i += 100) yield { totalCount: match.length, runs: listed.slice(i, i + 100) };
      },
    };
  }

  test("splits a range that holds more than 1,000 runs until each part is listed whole; every run once, oldest first", async () => {
    const p = pager();
    const runs = await completedRuns(p, T0, T0 + 2499_000);
    expect(runs.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(p.queries[0]).toBe("2026-11-01T00:00:00Z..2026-11-01T00:41:39Z");
    expect(p.queries.length).toBeLessThanOrEqual(7);
  });

  test("a small window: one query", async () => {
    const p = pager();
    expect(await completedRuns(p, T0, T0 + 99_000)).toHaveLength(100);
    expect(p.queries).toHaveLength(1);
  });
});
