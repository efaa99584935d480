import { judgeRun } from "../src/policy/auto-rerun.js";
import { judgeJob, rulesOf, type Evidence } from "../src/policy/rules.js";
import { validateConfig } from "../src/config/validate.js";
import type { AutoConfig } from "../src/config/schema.js";
import type { Annotation } from "../src/domain/facts.js";
import { auto, job, run } from "./helpers/facts.js";

const note = (message: string): Annotation => ({ level: "failure", message, title: null });
const infra = auto({ preset: "infrastructure" });
const judge = (j: ReturnType<typeof job>, a: AutoConfig, evidence: Evidence = {}) => judgeJob(j, rulesOf(a), evidence);

describe("the presets", () => {
  test.each<[string, ReturnType<typeof job>, Evidence, string, string?]>([
    ["a failed job with no failed step: its annotations are read first", job({ failedStep: null }), {}, "need:annotations"],
    ["no failed step and no annotation at all: its log is read last", job({ failedStep: null }), { annotations: [] }, "need:log"],
    ["no failed step, no annotation, the log gone: infrastructure", job({ failedStep: null }), { annotations: [], log: null }, "flake", "no failed step, no annotation at all"],
    ["no failed step, no annotation, the log says billing: real", job({ failedStep: null }), { annotations: [], log: "The job was not started because recent account payments have failed" }, "real", "billing"],
    ["no failed step, no annotation, a job never picked up: real", job({ failedStep: null }), { annotations: [], log: "Waiting for a runner to pick up this job..." }, "real", "no runner ever picked"],
    ["no failed step and a billing annotation: real", job({ failedStep: null }), { annotations: [note("The job was not started because your account is locked due to a billing issue.")] }, "real", "billing"],
    ["no failed step, annotations unreadable: the log decides, and an empty one proves nothing", job({ failedStep: null }), { annotations: null, log: "" }, "real", "no signature matched"],
    ["no runner and no steps is no proof by itself", job({ failedStep: null, runnerName: null, stepCount: 0 }), { annotations: [note("This request was automatically failed because there were no enabled runners online to process the request for more than 1 days.")] }, "real", "no runner online"],
    ["a failed step: annotations are asked for", job(), {}, "need:annotations"],
    ["runner lost, in the annotations", job(), { annotations: [note("The self-hosted runner: ci-7 lost communication with the server. Verify the machine is running.")] }, "flake", "runner lost"],
    ["a shutdown signal", job(), { annotations: [note("The runner has received a shutdown signal.")] }, "flake", "shutdown"],
    ["an exit code alone is not infrastructure: the log is asked for", job(), { annotations: [note("Process completed with exit code 1.")] }, "need:log"],
    ["a test failure in the log is unknown, never re-run", job(), { annotations: [note("Process completed with exit code 1.")], log: "FAIL src/a.test.ts\nexpected 1 to be 2" }, "real", "no signature matched"],
    ["a network error with the infrastructure preset only: unknown, and it says which preset would", job({ failedStep: "Install" }), { annotations: [], log: "npm ERR! code ECONNRESET" }, "real", "network signature"],
    ["git 403 is not a server error", job({ failedStep: "Checkout" }), { annotations: [], log: "fatal: unable to access 'https://github.com/o/r/': The requested URL returned error: 403" }, "real", "permission"],
    ["a warning the tool survived proves no flake", job(), { annotations: [{ level: "warning", message: "reserveCache failed: Cache service responded with 503", title: null }], log: "##[warning]Failed to download action 'x'. Error: Response status code does not indicate success: 503 (Service Unavailable).\nFAIL a.test.ts" }, "real", "no signature matched"],
    ["a full disk wins over a runner loss beside it", job(), { annotations: [], log: "ENOSPC: no space left on device\nThe runner has received a shutdown signal." }, "real", "disk was full"],
    ["timed_out from the job list alone, no read", job({ conclusion: "timed_out" }), {}, "real", "timed_out"],
    ["unreadable annotations and a 404 log are no evidence, never a match", job(), { annotations: null, log: null, unread: { annotations: 404, log: 404 } }, "real", "no signature matched"],
  ])("%s", (...[, j, evidence, expected, why]) => {
    const v = judge(j, infra, evidence);
    expect(v.kind === "need" ? `need:${v.what}` : v.kind).toBe(expected);
    if (why && v.kind === "flake") expect(v.evidence).toContain(why);
    if (why && v.kind === "real") expect(v.why).toContain(why);
  });

  test("the outcome of a job not re-run: real when an exclusion proved it, unknown when nothing did", () => {
    const billing = judge(job({ failedStep: null }), infra, { annotations: [note("The job was not started because recent account payments have failed or your spending limit needs to be increased.")] });
    expect(billing).toMatchObject({ kind: "real", outcome: "real", finding: { signature: { id: "billing" }, where: "annotations" } });
    const unknown = judge(job(), infra, { annotations: [], log: "error TS2345", unread: { annotations: 404 } });
    expect(unknown).toMatchObject({ kind: "real", outcome: "unknown", unread: ["annotations: 404"] });
    const gone = judge(job(), infra, { annotations: [], log: null, unread: { log: 410 } });
    expect(gone.kind === "real" && gone.unread).toEqual(["log gone (410)"]);
  });

  test("a network error in the install step: re-run with the network preset, not with infrastructure alone", () => {
    const evidence = { annotations: [note("Process completed with exit code 1.")], log: "npm ERR! code ECONNRESET\nnpm ERR! network aborted" };
    const install = job({ failedStep: "Install dependencies" });
    expect(judge(install, auto({ preset: "network" }), evidence)).toMatchObject({ kind: "flake", category: "network", finding: { quote: "npm ERR! code ECONNRESET", where: "log" } });
    expect(judge(install, auto({ preset: ["infrastructure", "network"] }), evidence)).toMatchObject({ kind: "flake", category: "network" });
    expect(judge(install, infra, evidence)).toMatchObject({ kind: "real", outcome: "unknown", finding: { off: { id: "connection-reset" } } });
  });

  test("a runner shutdown that ends cancelled is infrastructure; a cancellation alone never is", () => {
    const cancelled = job({ conclusion: "cancelled", failedStep: null });
    const shutdown = [note("The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled."), note("The operation was canceled.")];
    expect(judge(cancelled, infra, { annotations: shutdown })).toMatchObject({ kind: "flake", finding: { signature: { id: "runner-shutdown" } } });
    expect(judge(cancelled, infra, { annotations: [note("The operation was canceled.")], log: null })).toMatchObject({ kind: "real", outcome: "real", finding: { signature: { id: "user-cancelled" } } });
    expect(judge(cancelled, infra, { annotations: [note("Canceling since a higher priority waiting request for 'ci-main' exists")] })).toMatchObject({ kind: "real", finding: { signature: { id: "concurrency-cancelled" } } });
    // No annotation on a cancelled job proves nothing: only a failed one lost its runner silently.
    expect(judge(cancelled, infra, { annotations: [], log: null })).toMatchObject({ kind: "real", outcome: "unknown" });
  });

  test("a job cancelled by its timeout is a timeout, never infrastructure", () => {
    const cancelled = job({ conclusion: "cancelled", failedStep: null });
    const timeout = { annotations: [note("The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.")] };
    // With no failed job, the cancelled one is what is judged; its annotation says timeout.
    const v = judgeRun(run(), [cancelled], rulesOf(infra), infra, new Map([[cancelled.id, timeout]]));
    expect(v).toMatchObject({ kind: "refuse", refusal: { reason: "real-failure" } });
    expect(v.kind === "refuse" && v.refusal.message).toContain("exceeded its time limit");
    // A rule that asks for it can retry timeouts.
    const timeouts = auto({ rules: [{ annotations: ["exceeded the maximum execution time"] }] });
    expect(judgeRun(run(), [cancelled], rulesOf(timeouts), timeouts, new Map([[cancelled.id, timeout]])).kind).toBe("rerun");
  });
});

describe("retry rules: the first rule that matches a failed job decides it", () => {
  const config = validateConfig({
    auto: {
      enabled: true,
      rules: [
        { name: "e2e flakes", jobs: ["e2e *"], annotations: ["ECONNRESET"], "log-patterns": ["ETIMEDOUT"], "exit-codes": [137, 143], "max-attempts": 2 },
        { preset: "infrastructure", "max-attempts": 3 },
      ],
    },
  });
  if (!config.ok) throw new Error(config.errors.join("; "));
  const a = config.config.auto;
  const rules = rulesOf(a);

  test.each<[string, ReturnType<typeof job>, Evidence, string, string?]>([
    ["exit code 137 on an e2e job", job({ name: "e2e chrome" }), { annotations: [note("Process completed with exit code 137.")] }, "flake", "e2e flakes"],
    ["annotation pattern", job({ name: "e2e chrome" }), { annotations: [note("read ECONNRESET")] }, "flake", "e2e flakes"],
    ["log pattern, after the annotations", job({ name: "e2e chrome" }), { annotations: [], log: "connect ETIMEDOUT 10.0.0.1:443" }, "flake", "e2e flakes"],
    ["an e2e job lost its runner: the first rule reads its evidence, then the second decides", job({ name: "e2e chrome", failedStep: null }), { annotations: [], log: "" }, "flake", "rule 2 (infrastructure)"],
    ["a user's rule still re-runs what the preset calls unknown", job({ name: "e2e chrome" }), { annotations: [], log: "connect ETIMEDOUT 10.0.0.1:443" }, "flake", "e2e flakes"],
    ["a unit test job is judged by the preset only", job({ name: "unit" }), { annotations: [note("Process completed with exit code 137.")], log: "killed" }, "real"],
  ])("%s", (...[, j, evidence, expected, label]) => {
    const v = judgeJob(j, rules, evidence);
    expect(v.kind).toBe(expected);
    if (label && v.kind === "flake") expect(v.rule.label).toBe(label);
  });

  test("the attempt must be below the limit of every rule that matched", () => {
    const e2e = job({ id: 1, name: "e2e chrome" });
    const lost = job({ id: 2, name: "unit", failedStep: null });
    // The lost runner left no annotation at all, and no log.
    const evidence = new Map<number, Evidence>([[1, { annotations: [note("Process completed with exit code 143.")] }], [2, { annotations: [], log: null }]]);
    expect(judgeRun(run({ runAttempt: 1 }), [e2e, lost], rules, a, evidence)).toMatchObject({ kind: "rerun", maxAttempts: 2 });
    const second = judgeRun(run({ runAttempt: 2 }), [e2e, lost], rules, a, evidence);
    expect(second).toMatchObject({ kind: "refuse", refusal: { reason: "max-attempts" } });
    expect(second.kind === "refuse" && second.refusal.message).toContain("e2e flakes");
    expect(judgeRun(run({ runAttempt: 2 }), [lost], rules, a, evidence)).toMatchObject({ kind: "rerun", maxAttempts: 3 });
  });

  test("reading stops at the first real failure: later jobs are not asked about", () => {
    const real = job({ id: 1, name: "unit", failedStep: "Run tests" });
    const later = job({ id: 2, name: "e2e chrome" });
    const evidence = new Map<number, Evidence>([[1, { annotations: [], log: "assertion failed" }]]);
    const v = judgeRun(run(), [real, later], rules, a, evidence);
    expect(v.kind).toBe("refuse");
    expect(v.kind === "refuse" && v.verdicts.map((x) => x.job.id)).toEqual([1]);
  });

});

describe("config: rules, presets and events validate", () => {
  test.each([
    [{ auto: { preset: "infrastructure" } }, null],
    [{ auto: { preset: "network" } }, null],
    [{ auto: { preset: ["infrastructure", "network"] } }, null],
    [{ auto: { rules: [{ preset: ["network"], jobs: ["e2e*"] }] } }, null],
    [{ auto: { preset: "everything" } }, "auto.preset: must be one of: infrastructure, network"],
    [{ auto: { preset: [] } }, "auto.preset: must NOT have fewer than 1 items"],
    [{ auto: { preset: ["network", "network"] } }, "auto.preset: must NOT have duplicate items"],
    [{ auto: { rules: [{ preset: "infrastructure" }], jobs: ["x"] } }, "auto.jobs: cannot be used beside auto.rules: move it into a rule"],
    [{ auto: { rules: [{ annotations: ["(a"] }] } }, "auto.rules[0].annotations[0]: not a valid RE2 pattern"],
    [{ auto: { rules: [{ branches: ["release/[0-9"] }] } }, "auto.rules[0].branches[0]: not a valid branch filter pattern"],
    [{ auto: { rules: [{ "exit-codes": [256] }] } }, "auto.rules[0].exit-codes[0]: must be <= 255"],
    [{ auto: { rules: [{ bogus: 1 }] } }, "auto.rules[0].bogus: unknown key"],
    [{ auto: { events: ["push", "Not An Event"] } }, "auto.events[1]"],
    [{ auto: { rules: Array.from({ length: 21 }, () => ({})) } }, "auto.rules: must NOT have more than 20 items"],
  ])("%j", (raw, problem) => {
    const v = validateConfig(raw);
    if (problem === null) expect(v.ok).toBe(true);
    else expect(v.ok === false && v.errors.join("\n")).toContain(problem);
  });
});
