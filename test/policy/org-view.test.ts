import { jobHealth, DEFAULT_THRESHOLDS, repoThresholds } from "../../src/policy/job-health.js";
import { orgView, percent, repoView, topBy } from "../../src/policy/org-view.js";
import { DAY, entry, NOW, red } from "../helpers/ledger-entry.js";

describe("a job's health (pure)", () => {
  test.each([
    ["no catch, no red run", 0, 0, "healthy"],
    ["one catch a month is below the threshold", 1, 0, "healthy"],
    ["two catches a month: flaky", 2, 0, "flaky"],
    ["two red runs in a row are not yet broken", 5, 2, "flaky"],
    ["three red runs in a row: broken, whatever the catches", 5, 3, "broken"],
    ["broken with no catch at all", 0, 4, "broken"],
  ])("%s", (_name, catches30, redStreak, health) => {
    expect(jobHealth({ catches30: catches30 as number, redStreak: redStreak as number }).health).toBe(health);
  });

  test("the verdict names the thresholds that decided it", () => {
    expect(jobHealth({ catches30: 1, redStreak: 0 }).reason).toBe("1 catch in 30 days (flaky from 2), 0 red runs in a row (broken from 3)");
    expect(jobHealth({ catches30: 4, redStreak: 0 }).reason).toBe("4 catches in 30 days (flaky from 2)");
    expect(jobHealth({ catches30: 0, redStreak: 3 }).reason).toContain("(broken from 3)");
  });

  test("other thresholds; a breaker turned off (0) never makes a job broken", () => {
    expect(jobHealth({ catches30: 1, redStreak: 0 }, { flakyCatches30: 1, brokenRedRuns: 3 }).health).toBe("flaky");
    expect(jobHealth({ catches30: 0, redStreak: 9 }, { ...DEFAULT_THRESHOLDS, brokenRedRuns: 0 }).health).toBe("healthy");
  });
});

describe("a repo's view (pure)", () => {
  const entries = [
    entry({ job: "e2e", at: NOW - 40 * DAY }), // older than 30 days: flaky since, not counted
    entry({ job: "e2e", at: NOW - 2 * DAY, runId: 1, costSeconds: 120 }),
    entry({ job: "e2e", at: NOW - 3 * DAY, runId: 2, category: "rule", costSeconds: 60 }),
    entry({ job: "lint", at: NOW - 5 * DAY, runId: 2, category: "any" }), // the same run as above: one re-run
    red({ job: "deploy", at: NOW - 60 * DAY, runId: 10 }),
    red({ job: "deploy", at: NOW - 50 * DAY, runId: 11 }),
    red({ job: "deploy", at: NOW - 45 * DAY, runId: 12 }), // tripped, all red runs older than 30 days
    red({ job: "unit", at: NOW - DAY, runId: 20, costSeconds: 300 }),
  ];
  const view = repoView("o/r", entries, NOW);

  test("every job of the last 30 days and every tripped job, worst first, each with its health", () => {
    expect(view.jobs.map((j) => [j.job, j.verdict.health])).toEqual([
      ["deploy", "broken"],
      ["e2e", "flaky"],
      ["lint", "healthy"],
      ["unit", "healthy"],
    ]);
    const e2e = view.jobs.find((j) => j.job === "e2e")!;
    expect(e2e).toMatchObject({ catches30: 2, catches7: 2, costSeconds30: 180, firstCatch: NOW - 40 * DAY, redStreak: 0 });
    expect(view.jobs.find((j) => j.job === "deploy")).toMatchObject({ redStreak: 3, catches30: 0, last: { runId: 12 } });
    expect(view.jobs.find((j) => j.job === "deploy")!.trip?.since).toBe(NOW - 45 * DAY);
  });

  test("re-runs made and the share that turned green: one per run, not per job", () => {
    // Runs 1 and 2 turned green; run 20 stayed red; runs 10-12 are older than 30 days.
    expect([view.reruns30, view.green30]).toEqual([3, 2]);
    expect(view.categories).toEqual({ infrastructure: 1, network: 0, rule: 1, any: 1, command: 0 });
    expect([view.catches30, view.costSeconds30, view.redSeconds30]).toEqual([3, 240, 300]);
  });

  test("an empty ledger is an empty view", () => {
    expect(repoView("o/e", [], NOW)).toMatchObject({ jobs: [], reruns30: 0, green30: 0, catches30: 0, weekly: [0, 0, 0, 0, 0, 0, 0, 0] });
  });
});

describe("the org view (pure)", () => {
  const a = repoView("o/a", [entry({ job: "x", runId: 1 }), entry({ job: "x", runId: 2 }), entry({ job: "y", runId: 3, costSeconds: 900 })], NOW);
  const b = repoView("o/b", [entry({ job: "z", runId: 4, at: NOW - 10 * DAY }), red({ job: "w", runId: 5 }), red({ job: "w", runId: 6 }), red({ job: "w", runId: 7 })], NOW);
  const org = orgView([a, b]);

  test("ranked by catches and by CI time lost, across repos", () => {
    expect(org.byCatches.map((j) => `${j.repo} ${j.job}`)).toEqual(["o/a x", "o/a y", "o/b z"]);
    expect(org.byCost.map((j) => `${j.repo} ${j.job}`)).toEqual(["o/a y", "o/a x", "o/b z"]);
    expect(orgView([a, b], 1).byCatches).toHaveLength(1);
  });

  test("totals are sums of the repos given, and nothing else", () => {
    expect(org).toMatchObject({ catches30: 4, reruns30: 7, green30: 4, costSeconds30: 1080, categories: { infrastructure: 4 } });
    expect(org.broken.map((j) => j.job)).toEqual(["w"]);
    expect(org.weekly.reduce((s, n) => s + n, 0)).toBe(4);
    expect(orgView([a])).toMatchObject({ catches30: 3, reruns30: 3, broken: [] });
    expect(orgView([])).toMatchObject({ catches30: 0, byCatches: [], weekly: [] });
  });

  test.each([
    [1, 2, 50],
    [2, 3, 67],
    [0, 0, null],
  ])("percent(%i, %i) = %p", (part, whole, share) => {
    expect(percent(part, whole)).toBe(share);
  });
});

test("topBy: the first k in order, as sorting all would give, ties kept in input order", () => {
  const xs = Array.from({ length: 500 }, (_, i) => ({ i, v: (i * 7919) % 97 }));
  const cmp = (a: { v: number }, b: { v: number }) => b.v - a.v;
  for (const k of [0, 1, 5, 20, 600]) expect(topBy(xs, k, cmp)).toEqual([...xs].sort(cmp).slice(0, k));
});

describe("each repo is judged by its own breaker.after, as the bot last recorded it", () => {
  const threeRed = (after?: number) => [1, 2, 3].map((i) => red({ job: "deploy", at: NOW - i * DAY, runId: 40 + i, ...(after === undefined ? {} : { breakerAfter: after }) }));
  test.each([
    ["nothing recorded: the default (3)", undefined, 3, "broken"],
    ["after: 5, three red runs: not yet broken", 5, 5, "healthy"],
    ["after: 2, three red runs: broken", 2, 2, "broken"],
    ["after: 0 (breaker off): never broken", 0, 0, "healthy"],
  ])("%s", (_name, after, threshold, health) => {
    for (let i = 0; i < 2; i++) {
      const view = repoView("o/r", threeRed(after as number | undefined), NOW);
      expect(view.thresholds.brokenRedRuns).toBe(threshold);
      expect(view.jobs.find((j) => j.job === "deploy")!.verdict.health).toBe(health);
      expect(view.trips.length).toBe(health === "broken" ? 1 : 0);
    }
  });

  test("the newest recorded value wins; a value out of range is not trusted", () => {
    expect(repoThresholds([{ breakerAfter: 2 }, {}, { breakerAfter: 6 }]).brokenRedRuns).toBe(6);
    expect(repoThresholds([{ breakerAfter: 2 }, { breakerAfter: 99 }]).brokenRedRuns).toBe(2);
    expect(repoThresholds([{ breakerAfter: -1 }])).toEqual(DEFAULT_THRESHOLDS);
    expect(jobHealth({ catches30: 0, redStreak: 4 }, { ...DEFAULT_THRESHOLDS, brokenRedRuns: 0 }).reason).toContain("the breaker is off");
  });
});
