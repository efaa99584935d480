/** The backtest's judgement: ground truth, attempt 1's failure, minutes, evidence lines and the sums. */
import {
  evidenceLines,
  firstAttemptFailed,
  groundTruth,
  rerunMinutes,
  summarise,
  topLine,
  type GroundTruth,
  type ReplayedRun,
} from "../../src/policy/backtest.js";
import { job } from "../helpers/facts.js";

describe("groundTruth: from the run list's latest attempt", () => {
  test.each<[number, string | null, GroundTruth]>([
    [1, "failure", "never-rerun"],
    [1, "success", "never-rerun"],
    [2, "success", "passed-on-rerun"],
    [4, "success", "passed-on-rerun"],
    [2, "failure", "stayed-red"],
    [3, "timed_out", "stayed-red"],
    [2, "cancelled", "stayed-red"],
  ])("attempt %i, %s: %s", (runAttempt, conclusion, truth) => {
    expect(groundTruth({ runAttempt, conclusion })).toBe(truth);
  });
});

describe("firstAttemptFailed", () => {
  const failed = job({ conclusion: "failure" });
  const passed = job({ id: 2, conclusion: "success", failedStep: null });
  test.each<[string, number, string | null, ReturnType<typeof job>[] | null, boolean | null]>([
    ["never re-run, failed: its conclusion says so, no jobs needed", 1, "failure", null, true],
    ["never re-run, timed out", 1, "timed_out", null, true],
    ["never re-run, passed", 1, "success", null, false],
    ["never re-run, cancelled: not a failure", 1, "cancelled", null, false],
    ["re-run: unknown until attempt 1's jobs are read", 2, "success", null, null],
    ["re-run, a job of attempt 1 failed", 2, "success", [passed, failed], true],
    ["re-run, a job of attempt 1 timed out", 2, "failure", [job({ conclusion: "timed_out" })], true],
    ["re-run, attempt 1 passed (re-run anyway)", 2, "success", [passed], false],
  ])("%s", (_name, runAttempt, conclusion, jobs, want) => {
    expect(firstAttemptFailed({ runAttempt, conclusion }, jobs)).toBe(want);
  });
});

test("rerunMinutes: the failed and cancelled jobs, each rounded up to a minute; passed and unstarted jobs cost nothing", () => {
  const t = (s: number) => new Date(Date.UTC(2026, 10, 1) + s * 1000).toISOString();
  expect(
    rerunMinutes([
      job({ id: 1, conclusion: "failure", startedAt: t(0), completedAt: t(61) }), // 2
      job({ id: 2, conclusion: "timed_out", startedAt: t(0), completedAt: t(360 * 60) }), // 360
      job({ id: 3, conclusion: "cancelled", startedAt: t(0), completedAt: t(1) }), // 1
      job({ id: 4, conclusion: "success", startedAt: t(0), completedAt: t(600) }),
      job({ id: 5, conclusion: "failure", startedAt: null, completedAt: null }),
    ]),
  ).toBe(363);
});

describe("evidenceLines and topLine", () => {
  test("annotations first (GitHub's generic exit line left out), then the log's error lines, timestamps and markers removed", () => {
    const lines = evidenceLines({
      annotations: [
        { level: "failure", title: null, message: "Process completed with exit code 1." },
        { level: "failure", title: "npm", message: "npm ERR! code ECONNRESET\nmore detail" },
      ],
      log: "2026-11-20T10:00:00.0000000Z Run npm ci\n2026-11-20T10:00:01.0000000Z npm ERR! code ECONNRESET\n2026-11-20T10:00:01.0000000Z ##[error]Process completed with exit code 1.\n",
    });
    expect(lines).toEqual([
      { text: "npm ERR! code ECONNRESET", in: "annotations" },
      { text: "npm ERR! code ECONNRESET", in: "log" },
    ]);
    expect(topLine(lines)).toBe("npm ERR! code ECONNRESET");
  });

  test("from the log alone: the first of its last error lines (the cause, not the lines that report it)", () => {
    const log = ["Run npm test", ...Array.from({ length: 30 }, (_, i) => `error: noisy line ${i}`), "FAIL src/a.test.ts", "npm ERR! A complete log of this run can be found in: x"].join("\n");
    const lines = evidenceLines({ annotations: null, log });
    expect(lines.map((l) => l.text)).toEqual([...Array.from({ length: 18 }, (_, i) => `error: noisy line ${i + 12}`), "FAIL src/a.test.ts", "npm ERR! A complete log of this run can be found in: x"]);
    expect(lines.every((l) => l.in === "log")).toBe(true);
    expect(evidenceLines({ annotations: [], log: "FAIL src/a.test.ts\nnpm ERR! Test failed\n" }).map((l) => l.text)).toEqual(["FAIL src/a.test.ts", "npm ERR! Test failed"]);
    expect(topLine(evidenceLines({ log: "FAIL src/a.test.ts\nnpm ERR! Test failed\n" }))).toBe("FAIL src/a.test.ts");
  });

  test("nothing read: no lines, no top line", () => {
    expect(evidenceLines(undefined)).toEqual([]);
    expect(topLine([])).toBeNull();
  });
});

let nextId = 1;
function replayed(truth: GroundTruth, wouldRerun: boolean, over: Partial<ReplayedRun> = {}): ReplayedRun {
  const id = nextId++;
  return {
    id,
    runNumber: id,
    workflow: "CI",
    url: `u/${id}`,
    createdAt: "2026-11-01T00:00:00Z",
    attempts: truth === "never-rerun" ? 1 : 2,
    truth,
    wouldRerun,
    why: wouldRerun ? "flake" : "not re-run",
    job: "test",
    line: null,
    lines: [],
    rerunMinutes: 5,
    ...over,
  };
}

describe("summarise", () => {
  test("every count, each list, and the minutes", () => {
    const flaky = (n: number) => [{ text: `Error: connect ETIMEDOUT 10.0.0.${n}:443`, in: "log" as const }];
    const runs = [
      replayed("passed-on-rerun", true, { attempts: 3, rerunMinutes: 10 }), // caught; people re-ran twice
      replayed("passed-on-rerun", false, { lines: flaky(1) }), // missed
      replayed("passed-on-rerun", false, { lines: flaky(2) }), // missed
      replayed("stayed-red", true, { rerunMinutes: 7 }), // the bot would re-run it, it stayed red
      replayed("stayed-red", false, { lines: [{ text: "FAIL src/a.test.ts", in: "log" }] }),
      replayed("never-rerun", true, { rerunMinutes: 3 }), // only the bot would re-run it
      replayed("never-rerun", false),
    ];
    const s = summarise(runs);
    expect({ ...s, caught: s.caught.map((e) => e.run), missed: s.missed.map((e) => e.run), rerunStayedRed: s.rerunStayedRed.map((e) => e.run), botOnlyRerun: s.botOnlyRerun.map((e) => e.run) }).toEqual({
      failedRuns: 7,
      peopleReran: 5,
      passedOnRerun: 3,
      stayedRed: 2,
      neverRerun: 2,
      botWouldRerun: 3,
      caught: [runs[0].id],
      missed: [runs[1].id, runs[2].id],
      rerunStayedRed: [runs[3].id],
      botOnlyRerun: [runs[5].id],
      minutes: { people: { reruns: 2 + 1 + 1 + 1 + 1, minutes: 2 * 10 + 5 + 5 + 7 + 5 }, bot: { reruns: 3, minutes: 10 + 7 + 3 } },
      suggestions: [{ pattern: "Error: connect ETIMEDOUT \\d+\\.\\d+\\.\\d+\\.\\d+:\\d+", count: 2, in: "log", example: "Error: connect ETIMEDOUT 10.0.0.1:443" }],
    });
    expect(s.caught[0]).toEqual({ run: runs[0].id, runNumber: runs[0].id, workflow: "CI", url: `u/${runs[0].id}`, job: "test", why: "flake", line: null });
  });

  test("no failed runs: zeros and no suggestion", () => {
    const s = summarise([]);
    expect([s.failedRuns, s.peopleReran, s.botWouldRerun, s.caught.length, s.suggestions.length, s.minutes.people.minutes]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
