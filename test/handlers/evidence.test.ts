/**
 * Retry rules in the handler, against GitHub's real answer shapes: annotations as GitHub lists
 * them, a log that is gone (404), "already running", a PR that moved on, a stale delivery.
 */
import { apiJob, apiRun, workflowRunEvent } from "../helpers/events.js";
import { config, expectCall, harness, setupNock, type Harness } from "../helpers/probot.js";
import { renderCheckRun, CHECK_LIMITS } from "../../src/report/check-run.js";
import { judgeRun } from "../../src/policy/auto-rerun.js";
import { rulesOf } from "../../src/policy/rules.js";
import { auto, job, run } from "../helpers/facts.js";

setupNock();

const PRESET = "auto:\n  enabled: true\n  preset: infrastructure\n";
const JOBS = "/repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100";
const deliver = (h: Harness, over: Record<string, unknown> = {}, id = "d1") =>
  h.probot.receive({ id, name: "workflow_run", payload: workflowRunEvent(over as never) } as never);
const jobs = (h: Harness, list: unknown[]) => expectCall(h, "GET", JOBS, 200, { total_count: list.length, jobs: list });
/** GitHub's shape for GET /check-runs/{id}/annotations. */
const annotation = (message: string, over: Record<string, unknown> = {}) => ({
  path: ".github",
  blob_href: "https://github.com/o/r/blob/abc/.github",
  start_line: 1,
  end_line: 1,
  start_column: null,
  end_column: null,
  annotation_level: "failure",
  title: "",
  message,
  raw_details: "",
  ...over,
});
const annotations = (h: Harness, jobId: number, list: unknown[]) => expectCall(h, "GET", `/repos/o/r/check-runs/${jobId}/annotations?per_page=50`, 200, list);
const pull = (h: Harness, sha = "abc123") => expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha } });
/** The reads just before a re-run, the re-run, and the check run. */
const expectRerun = (h: Harness) => {
  pull(h);
  expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
  expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
};
const check = (h: Harness) => h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string; summary: string; text?: string } };

/** A job GitHub never started: no steps, no runner (the jobs API answers runner_id 0, runner_name null). */
const notStarted = (over: Record<string, unknown> = {}) =>
  apiJob({ steps: [], runner_id: 0, runner_name: null, runner_group_name: null, labels: ["ubuntu-latest"], started_at: "2026-11-23T11:00:00Z", completed_at: "2026-11-23T11:00:01Z", ...over });
const ANNOTATIONS = "GET /repos/o/r/check-runs/100/annotations?per_page=50";

describe("the presets in the handler", () => {
  test("runner lost with no failed step, no annotation at all and its log gone (404): re-run", async () => {
    const h = await harness();
    config(h, PRESET);
    jobs(h, [apiJob({ steps: [{ name: "Set up job", conclusion: "success" }, { name: "Run tests", conclusion: null, status: "in_progress" }], runner_name: "GitHub Actions 9" })]);
    annotations(h, 100, []);
    expectCall(h, "GET", "/repos/o/r/actions/jobs/100/logs", 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    expectRerun(h);
    await deliver(h);
    expect(h.calls).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      `GET ${JOBS}`,
      ANNOTATIONS,
      "GET /repos/o/r/actions/jobs/100/logs",
      "GET /repos/o/r/pulls/5",
      "POST /repos/o/r/actions/runs/42/rerun-failed-jobs",
      "POST /repos/o/r/check-runs",
    ]);
    expect(check(h).output.text).toContain("| infrastructure (flake) | infrastructure: the job failed with no failed step, no annotation at all and nothing in its log");
    expect(check(h).output.text).toContain("log: 404");
  });

  test("a billing block with no steps is not re-run (real: billing), and the check run quotes GitHub's line", async () => {
    const h = await harness();
    config(h, PRESET);
    jobs(h, [notStarted()]);
    annotations(h, 100, [annotation("The job was not started because recent account payments have failed or your spending limit needs to be increased. Please check the 'Billing & plans' section in your settings")]);
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h);
    // The first real failure stops reading: no log, no re-run.
    expect(h.calls).toEqual(["GET /repos/o/r/contents/.github/rerun.yml", `GET ${JOBS}`, ANNOTATIONS, "POST /repos/o/r/check-runs"]);
    expect(check(h).output.title).toBe("Not re-run: real failure");
    expect(check(h).output.summary).toContain("is a real failure: billing, a spending limit, a storage quota or an account GitHub blocked (never retried by a preset)");
    expect(check(h).output.text).toContain("| **real** |");
    expect(check(h).output.text).toContain("annotation: `The job was not started because recent account payments have failed");
  });

  test("a job not acquired, with an internal server error, is re-run", async () => {
    const h = await harness();
    config(h, PRESET);
    jobs(h, [notStarted()]);
    annotations(h, 100, [
      annotation("The job was not acquired by Runner of type hosted even after multiple attempts"),
      annotation("Internal server error. Correlation ID: 79b9a27c-24a5-41cb-b9af-7f4a788e3b2a"),
    ]);
    expectRerun(h);
    await deliver(h);
    expect(h.calls).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(check(h).output.text).toContain("annotation: `The job was not acquired by Runner of type hosted even after multiple attempts`");
  });

  test("a shutdown signal on a cancelled job is re-run; the cancellation beside it does not count", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  preset: infrastructure\n  conclusions: [failure, cancelled]\n");
    jobs(h, [apiJob({ conclusion: "cancelled", steps: [{ name: "Set up job", conclusion: "success" }, { name: "Build", conclusion: "cancelled" }] })]);
    annotations(h, 100, [
      annotation("The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled."),
      annotation("The operation was canceled."),
    ]);
    expectRerun(h);
    await deliver(h, { conclusion: "cancelled" });
    expect(h.calls).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(check(h).output.text).toContain("infrastructure: the runner received a shutdown signal");
  });

  test.each([
    ["network", true],
    ["[infrastructure, network]", true],
    ["infrastructure", false],
  ])("a network error in the install step, preset %s: re-run %s", async (preset, rerun) => {
    const h = await harness();
    config(h, `auto:\n  enabled: true\n  preset: ${preset}\n`);
    jobs(h, [apiJob({ steps: [{ name: "Set up job", conclusion: "success" }, { name: "Install dependencies", conclusion: "failure" }] })]);
    annotations(h, 100, [annotation("Process completed with exit code 1.")]);
    const log = "2026-11-23T11:59:01.0000000Z npm ERR! code ECONNRESET\n2026-11-23T11:59:01.0000000Z npm ERR! network aborted\n2026-11-23T11:59:01.1000000Z ##[error]Process completed with exit code 1.\n";
    expectCall(h, "GET", "/repos/o/r/actions/jobs/100/logs", 200, log, { "content-type": "text/plain" });
    if (rerun) {
      pull(h);
      expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    }
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h);
    expect(h.calls.includes("POST /repos/o/r/actions/runs/42/rerun-failed-jobs")).toBe(rerun);
    const text = check(h).output.text ?? "";
    if (rerun) {
      // The line that decided, without its timestamp.
      expect(text).toContain("| network (flake) | network: a connection was reset");
      expect(text).toContain("log: `npm ERR! code ECONNRESET`");
    } else {
      expect(text).toContain("| unknown |");
      expect(text).toContain('network signature "connection-reset" did; that preset is not on');
    }
  });

  test("the check run says which evidence could not be read: annotations 404, log gone (410)", async () => {
    const h = await harness();
    config(h, PRESET);
    jobs(h, [apiJob()]);
    expectCall(h, "GET", "/repos/o/r/check-runs/100/annotations?per_page=50", 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    expectCall(h, "GET", "/repos/o/r/actions/jobs/100/logs", 410, { message: "Gone", documentation_url: "https://docs.github.com/rest" });
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h);
    expect(check(h).output.text).toContain("| unknown | unknown: no signature matched; annotations: 404, log gone (410) |");
  });

  test("runner lost in the annotations, and its log is gone (404): re-run", async () => {
    const h = await harness();
    config(h, PRESET);
    jobs(h, [apiJob()]);
    annotations(h, 100, [annotation("The self-hosted runner: ci-7 lost communication with the server. Verify the machine is running and has a healthy network connection.")]);
    expectRerun(h);
    await deliver(h);
    expect(h.calls).not.toContain("GET /repos/o/r/actions/jobs/100/logs");
    expect(check(h).output.summary).toContain("the runner lost communication with GitHub");
  });

  test("a real failure: annotations then the log (404: no evidence), no re-run, and no later job read", async () => {
    const h = await harness();
    config(h, PRESET);
    jobs(h, [apiJob(), apiJob({ id: 101, name: "lint" })]);
    annotations(h, 100, [annotation("Process completed with exit code 1.")]);
    expectCall(h, "GET", "/repos/o/r/actions/jobs/100/logs", 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h);
    expect(h.calls).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      `GET ${JOBS}`,
      "GET /repos/o/r/check-runs/100/annotations?per_page=50",
      "GET /repos/o/r/actions/jobs/100/logs",
      "POST /repos/o/r/check-runs",
    ]);
    expect(check(h).output.title).toBe("Not re-run: real failure");
    expect(check(h).output.text).toContain("| unknown | unknown: no signature matched; log: 404 |");
    expect(check(h).output.text).toContain("not judged");
  });

  test("annotations that cannot be read (404) are no evidence: the log decides", async () => {
    const h = await harness();
    config(h, PRESET);
    jobs(h, [apiJob({ steps: [{ name: "Checkout", conclusion: "failure" }] })]);
    expectCall(h, "GET", "/repos/o/r/check-runs/100/annotations?per_page=50", 404, { message: "Not Found" });
    expectCall(h, "GET", "/repos/o/r/actions/jobs/100/logs", 200, "fatal: unable to access 'https://github.com/o/r/': The requested URL returned error: 500", { "content-type": "text/plain" });
    expectRerun(h);
    await deliver(h);
    expect(check(h).output.summary).toContain("git's server answered 5xx");
  });
});

describe("just before the re-run", () => {
  test("GitHub answers 'already running': a skip, reported as such, not an error", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n");
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    pull(h);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 403, { message: "This workflow is already running" });
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h);
    expect(check(h).output.title).toBe("Not re-run: already running");
    expect(check(h).output.summary).toContain("someone re-ran it first");
  });

  test("the pull request's head moved on: not re-run, and the check run says so", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n");
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    pull(h, "fff999");
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h);
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(check(h).output.summary).toContain("head has moved on to fff999");
  });

  test("a delivery for an older attempt never re-runs, and writes nothing", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n");
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun({ run_attempt: 2, status: "completed", conclusion: "failure" }));
    await deliver(h, { run_attempt: 1 });
    // Stale as soon as GitHub's attempt is known: the pull request is not read.
    expect(h.calls).toEqual(["GET /repos/o/r/contents/.github/rerun.yml", "GET /repos/o/r/actions/runs/42"]);
  });

  test("an older attempt seen in the job list: stale before any evidence is read", async () => {
    const h = await harness();
    config(h, PRESET);
    jobs(h, [apiJob({ run_attempt: 2 })]);
    await deliver(h, { run_attempt: 1 });
    expect(h.calls).toEqual(["GET /repos/o/r/contents/.github/rerun.yml", `GET ${JOBS}`]);
  });

  test("a merge queue run: not re-run by default, and the check run says why", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n");
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h, { event: "merge_group" });
    expect(check(h).output.title).toBe("Not re-run: merge queue");
    expect(check(h).output.summary).toContain("re-add the pull request to the queue");
  });
});

describe("every check-run write stays inside GitHub's limits", () => {
  test("1,000 failed jobs with long names and long verdicts", () => {
    const many = Array.from({ length: 1000 }, (_, i) => job({ id: i + 1, name: `${"e2e ".repeat(60)}${i}`, failedSteps: ["x".repeat(300), "y".repeat(300)] }));
    const a = auto({ rules: [{ name: "n".repeat(100), jobs: ["e2e*"] }] });
    const verdict = judgeRun(run(), many, rulesOf(a), a, new Map());
    const outcome = verdict.kind === "rerun"
      ? { kind: "rerun" as const, trigger: "auto" as const, attempt: 2, maxAttempts: 3, why: verdict.why }
      : { kind: "refused" as const, refusal: verdict.kind === "refuse" ? verdict.refusal : { reason: "real-failure" as const, message: "" } };
    for (const o of [outcome, { kind: "refused" as const, refusal: { reason: "real-failure" as const, message: "m".repeat(100_000) } }]) {
      const write = renderCheckRun(run({ name: "W".repeat(500) }), o, many, verdict.kind === "need" ? [] : verdict.verdicts);
      expect(write.output.title.length).toBeLessThanOrEqual(CHECK_LIMITS.text);
      expect(write.output.summary.length).toBeLessThanOrEqual(CHECK_LIMITS.text);
      expect((write.output.text ?? "").length).toBeLessThanOrEqual(CHECK_LIMITS.text);
      expect(write.actions.length).toBeLessThanOrEqual(CHECK_LIMITS.actions);
      for (const action of write.actions) {
        expect(action.label.length).toBeLessThanOrEqual(CHECK_LIMITS.label);
        expect(action.description.length).toBeLessThanOrEqual(CHECK_LIMITS.description);
        expect(action.identifier.length).toBeLessThanOrEqual(CHECK_LIMITS.identifier);
      }
    }
    expect(verdict.kind).toBe("rerun");
  });
});
