/**
 * The one decision (policy/decide.ts) as a table of facts to plan, Prow style. Each case is
 * gathered through a scripted set of sources (facts/gather.ts), run twice from the same facts to
 * show the plan is idempotent, and checks the facts it asked for: what it reads is part of what it
 * decides.
 */
import { validateConfig } from "../../src/config/validate.js";
import type { LoadedConfig } from "../../src/config/load.js";
import type { Annotation, JobFacts, RunFacts } from "../../src/domain/facts.js";
import type { LedgerEntry } from "../../src/domain/ledger.js";
import { gatherAndDecide, type Sources } from "../../src/facts/gather.js";
import { trippedJobs } from "../../src/policy/breaker.js";
import { decide, type DecisionFacts, type Plan } from "../../src/policy/decide.js";
import { DEFAULT_HOLD } from "../../src/policy/pacing.js";
import { NOW, job, run } from "../helpers/facts.js";

function config(yaml: Record<string, unknown>): LoadedConfig {
  const v = validateConfig(yaml);
  if (!v.ok) throw new Error(v.errors.join("; "));
  return { kind: "ok", config: v.config };
}

interface World {
  jobs?: JobFacts[];
  annotations?: Record<number, Annotation[]>;
  logs?: Record<number, string>;
  current?: Pick<RunFacts, "runAttempt" | "status" | "conclusion">;
  pullHead?: string | null;
  infraFailures?: number;
  budget?: { repoHour: number; commit: number };
  ledger?: LedgerEntry[];
}

function sources(w: World, asked: string[]): Sources {
  const note = <T>(what: string, v: T) => {
    asked.push(what);
    return Promise.resolve(v);
  };
  return {
    trips: () => note("trips", trippedJobs(w.ledger ?? [], 3)),
    jobs: () => note("jobs", w.jobs ?? [job()]),
    annotations: (j) => note(`annotations:${j.name}`, w.annotations?.[j.id] ?? []),
    log: (j) => note(`log:${j.name}`, w.logs?.[j.id] ?? { unreadable: 404 }),
    current: () => note("current", w.current ?? { runAttempt: 1, status: "completed", conclusion: "failure" }),
    pullHead: () => note("pull-head", w.pullHead === undefined ? "abc123" : w.pullHead),
    infraFailures: () => note("infra-failures", w.infraFailures ?? 1),
    budget: () => note("budget", w.budget ?? { repoHour: 1, commit: 1 }),
  };
}

const start = (over: Partial<DecisionFacts> = {}): DecisionFacts => ({
  run: run(),
  config: config({ auto: { enabled: true } }),
  now: NOW,
  delayWaited: false,
  holds: 0,
  canSchedule: true,
  promised: false,
  hold: { ...DEFAULT_HOLD, holdAfter: 5 },
  ...over,
});

const red = (jobName: string, n: number): LedgerEntry => ({
  id: `stayed-red:${n}:${jobName}`,
  kind: "stayed-red",
  at: NOW.getTime() - (10 - n) * 60_000,
  workflow: "CI",
  workflowId: 7,
  job: jobName,
  runId: n,
  runNumber: n,
  attempt: 3,
  sha: "s",
  url: "u",
  category: "infrastructure",
  evidence: "failed on all 3 attempts",
  costSeconds: 60,
});

const lostRunner: Annotation = { level: "failure", title: null, message: "The hosted runner: GitHub Actions 9 lost communication with the server." };
const exit1: Annotation = { level: "failure", title: null, message: "Process completed with exit code 1." };
const preset = config({ auto: { enabled: true, preset: "infrastructure" } });
const at = (ms: number) => new Date(NOW.getTime() + ms);

interface Case {
  name: string;
  facts?: Partial<DecisionFacts>;
  world?: World;
  /** The plan, in part. */
  want: Partial<Plan> & { kind: Plan["kind"] };
  /** The facts asked for, in order. */
  asked: string[];
}

const cases: Case[] = [
  { name: "not opted in: nothing, from the payload alone", facts: { config: config({}) }, want: { kind: "nothing" }, asked: [] },
  {
    name: "an invalid config: refused with its errors, nothing read",
    facts: { config: { kind: "invalid", errors: ["auto.enabled: must be boolean"] } },
    want: { kind: "refuse", configErrors: ["auto.enabled: must be boolean"] },
    asked: [],
  },
  {
    name: "too old for GitHub: refused before any read",
    facts: { run: run({ createdAt: "2026-10-01T00:00:00Z" }) },
    want: { kind: "refuse", refusal: expect.objectContaining({ reason: "too-old" }) },
    asked: [],
  },
  {
    name: "no rule about jobs: current state, PR head, budget, then re-run now (attempt 2 of 3)",
    want: { kind: "rerun-now", attempt: 2, maxAttempts: 3, made: false },
    asked: ["trips", "current", "pull-head", "budget"],
  },
  {
    name: "someone re-ran it already: a stale webhook is silent",
    world: { current: { runAttempt: 2, status: "in_progress", conclusion: null } },
    want: { kind: "nothing", why: expect.stringContaining("at attempt 2") },
    asked: ["trips", "current"],
  },
  {
    name: "the same, for due work that promised a re-run: refused as no longer needed",
    facts: { promised: true, delayWaited: true },
    world: { current: { runAttempt: 2, status: "in_progress", conclusion: null } },
    want: { kind: "refuse", refusal: expect.objectContaining({ reason: "no-longer-needed" }) },
    asked: ["trips", "current"],
  },
  {
    name: "GitHub is at the next attempt because of the bot's own call (a crash before the report): report it, call nothing",
    facts: { ownRerun: true },
    world: { current: { runAttempt: 2, status: "in_progress", conclusion: null } },
    want: { kind: "rerun-now", made: true, attempt: 2 },
    asked: ["trips", "current"],
  },
  {
    name: "running again at the same attempt (someone re-ran it just now): a stale webhook is silent",
    world: { current: { runAttempt: 1, status: "queued", conclusion: null } },
    want: { kind: "nothing", why: expect.stringContaining("started again") },
    asked: ["trips", "current"],
  },
  {
    name: "a run of no pull request: nothing can supersede it",
    world: { pullHead: null },
    want: { kind: "rerun-now" },
    asked: ["trips", "current", "pull-head", "budget"],
  },
  {
    name: "the PR moved on: superseded",
    world: { pullHead: "fff9999" },
    want: { kind: "refuse", refusal: expect.objectContaining({ reason: "superseded" }) },
    asked: ["trips", "current", "pull-head"],
  },
  {
    name: "delay: 2m with a queue: re-run at now + 2 minutes, for the delay; no budget spent yet",
    facts: { config: config({ auto: { enabled: true, delay: "2m" } }) },
    want: { kind: "rerun-at", for: "delay", at: at(120_000), attempt: 2 },
    asked: ["trips", "current", "pull-head"],
  },
  {
    name: "delay: 2m without a queue (the Action): re-run now",
    facts: { config: config({ auto: { enabled: true, delay: "2m" } }), canSchedule: false },
    want: { kind: "rerun-now" },
    asked: ["trips", "current", "pull-head", "budget"],
  },
  {
    name: "delay: 2m, due (the delay was waited out): re-run now",
    facts: { config: config({ auto: { enabled: true, delay: "2m" } }), delayWaited: true, promised: true },
    want: { kind: "rerun-now" },
    asked: ["trips", "current", "pull-head", "budget"],
  },
  {
    name: "the budget is spent: refused with the reason",
    world: { budget: { repoHour: 1, commit: 11 } },
    want: { kind: "refuse", refusal: expect.objectContaining({ reason: "budget" }) },
    asked: ["trips", "current", "pull-head", "budget"],
  },
  {
    name: "preset: a lost runner in the annotations is infrastructure; an outage of 6 failures holds it",
    facts: { config: preset },
    world: { annotations: { 100: [lostRunner] }, infraFailures: 6 },
    want: { kind: "rerun-at", for: "hold", holds: 1, failures: 6, at: at(DEFAULT_HOLD.holdMs + DEFAULT_HOLD.spacingMs) },
    asked: ["trips", "jobs", "annotations:test", "infra-failures"],
  },
  {
    name: "preset: no outage, the lost runner is re-run now with its evidence",
    facts: { config: preset },
    world: { annotations: { 100: [lostRunner] }, infraFailures: 2 },
    want: { kind: "rerun-now", infrastructure: true, evidence: expect.objectContaining({ category: "infrastructure" }) },
    asked: ["trips", "jobs", "annotations:test", "infra-failures", "pull-head", "budget"],
  },
  {
    name: "preset: held as often as allowed, it is made",
    facts: { config: preset, holds: DEFAULT_HOLD.maxHolds, delayWaited: true, promised: true },
    world: { annotations: { 100: [lostRunner] }, infraFailures: 50 },
    want: { kind: "rerun-now" },
    asked: ["trips", "jobs", "annotations:test", "infra-failures", "pull-head", "budget"],
  },
  {
    name: "preset: a plain exit 1 with no matching log is refused as real, and no later fact is read",
    facts: { config: preset },
    world: { annotations: { 100: [exit1] }, logs: { 100: "FAIL src/a.test.ts" } },
    want: { kind: "refuse", refusal: expect.objectContaining({ reason: "real-failure" }) },
    asked: ["trips", "jobs", "annotations:test", "log:test"],
  },
  {
    name: "an older attempt in the job list: stale before any evidence is read",
    facts: { config: preset },
    world: { jobs: [job({ runAttempt: 2 })] },
    want: { kind: "nothing", why: expect.stringContaining("attempt 2") },
    asked: ["trips", "jobs"],
  },
  {
    name: "the breaker: a tripped job that failed again is refused (the job list is read for it alone)",
    world: { ledger: [red("test", 1), red("test", 2), red("test", 3)] },
    want: { kind: "refuse", refusal: expect.objectContaining({ reason: "breaker" }) },
    asked: ["trips", "jobs"],
  },
  {
    name: "the breaker: a tripped job seen passing is reset, and the failed run re-run",
    world: { ledger: [red("lint", 1), red("lint", 2), red("lint", 3)], jobs: [job(), job({ id: 101, name: "lint", conclusion: "success", failedStep: null })] },
    want: { kind: "rerun-now", resets: ["lint"] },
    asked: ["trips", "jobs", "pull-head", "budget"],
  },
  {
    name: "due work that was judged when first decided: its jobs are not read again",
    facts: {
      config: preset,
      delayWaited: true,
      promised: true,
      prejudged: { maxAttempts: 3, why: "lost runner", infrastructure: true, evidence: { category: "infrastructure", evidence: "lost runner" } },
      current: { runAttempt: 1, status: "completed", conclusion: "failure" },
    },
    want: { kind: "rerun-now", why: "lost runner", infrastructure: true },
    asked: ["trips", "infra-failures", "pull-head", "budget"],
  },
  {
    name: "max attempts reached: refused before any read",
    facts: { run: run({ runAttempt: 3 }) },
    want: { kind: "refuse", refusal: expect.objectContaining({ reason: "max-attempts" }) },
    asked: [],
  },
];

describe("decide: facts to plan", () => {
  test.each(cases)("$name", async (c) => {
    const plans: Plan[] = [];
    for (let i = 0; i < 2; i++) {
      const asked: string[] = [];
      const { plan } = await gatherAndDecide(start(c.facts), sources(c.world ?? {}, asked));
      expect(plan).toMatchObject(c.want);
      expect(asked).toEqual(c.asked);
      plans.push(plan);
    }
    expect(plans[1]).toEqual(plans[0]);
  });

  test("a plan never comes back as a need once every fact is known, and deciding again gives the same plan", async () => {
    const { facts, plan } = await gatherAndDecide(start({ config: preset }), sources({ annotations: { 100: [lostRunner] } }, []));
    expect(decide(facts)).toEqual(plan);
    expect(decide(facts)).toEqual(plan);
  });
});
