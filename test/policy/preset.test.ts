/**
 * The presets' verdict on a failed job through the rules (policy/preset.ts): positive evidence only,
 * exclusions first, cancellations, the network preset being opt-in, and what could not be read.
 */
import { judgeRun } from "../../src/policy/auto-rerun.js";
import { judgeJob, rulesOf, type Evidence } from "../../src/policy/rules.js";
import type { AutoConfig } from "../../src/config/schema.js";
import type { Annotation } from "../../src/domain/facts.js";
import { auto, job, run } from "../helpers/facts.js";

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
    ["no failed step and no annotation, but the runner wrote an error it has no signature for: unknown, not a vanished runner", job({ failedStep: null }), { annotations: [], log: "##[warning]Failed to download action 'https://api.github.com/repos/o/a/tarball/1.0'. Error Response status code does not indicate success: 404 (Not Found).\n##[error]Failed to download action" }, "real", "no signature matched"],
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
