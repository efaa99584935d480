import { apiJob, apiRun, workflowRunEvent } from "../helpers/events.js";
import { config, expectCall, harness, setupNock, type Harness } from "../helpers/probot.js";
import { daysAgo } from "../helpers/facts.js";

setupNock();

const OPT_IN = "auto:\n  enabled: true\n";
const deliver = (h: Harness, payload: object, id = "d1") =>
  h.probot.receive({ id, name: "workflow_run", payload } as never);
const checkCreated = (h: Harness, id = 555) => expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id });
/**
 * The re-run call, and the reads just before it: the run as GitHub has it now (unless the job list
 * already said its attempt) and the pull request's head.
 */
const rerun = (h: Harness, status = 201, body: unknown = {}, opts: { attempt?: number; readRun?: boolean; runId?: number } = {}) => {
  const id = opts.runId ?? 42;
  if (opts.readRun !== false) expectCall(h, "GET", `/repos/o/r/actions/runs/${id}`, 200, apiRun({ id, run_attempt: opts.attempt ?? 1 }));
  expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
  return expectCall(h, "POST", `/repos/o/r/actions/runs/${id}/rerun-failed-jobs`, status, body);
};
const BEFORE_RERUN = ["GET /repos/o/r/actions/runs/42", "GET /repos/o/r/pulls/5"];

describe("workflow_run.completed: automatic re-runs", () => {
  test("a failed run in a repo that opted in: config, one re-run call, one check run", async () => {
    const h = await harness();
    config(h, OPT_IN);
    rerun(h);
    checkCreated(h);
    await deliver(h, workflowRunEvent());
    expect(h.calls).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      ...BEFORE_RERUN,
      "POST /repos/o/r/actions/runs/42/rerun-failed-jobs",
      "POST /repos/o/r/check-runs",
    ]);
    const check = h.bodies["POST /repos/o/r/check-runs"][0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(check).toMatchObject({ name: "rerun-bot (CI)", head_sha: "abc123", external_id: "42", status: "completed", conclusion: "neutral" });
    expect(check.output.title).toBe("Re-ran failed jobs: attempt 2 of 3 started");
  });

  test.each([
    ["success", { conclusion: "success" }],
    ["skipped", { conclusion: "skipped" }],
    ["neutral", { conclusion: "neutral" }],
    ["action_required", { conclusion: "action_required" }],
    ["a passing re-run the bot never touched", { conclusion: "success", run_attempt: 2 }],
  ])("%s costs zero API calls", async (_name, over) => {
    const h = await harness();
    await deliver(h, workflowRunEvent(over as never));
    expect(h.calls).toEqual([]);
  });

  test("no config file: automatic re-runs are off (org .github fallback is tried), nothing written", async () => {
    const h = await harness();
    config(h, null);
    await deliver(h, workflowRunEvent());
    expect(h.calls).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      "GET /repos/o/.github/contents/.github/rerun.yml",
    ]);
  });

  test("the org's .github repo config applies when the repo has none", async () => {
    const h = await harness();
    expectCall(h, "GET", "/repos/o/r/contents/.github/rerun.yml", 404, { message: "Not Found" });
    expectCall(h, "GET", "/repos/o/.github/contents/.github/rerun.yml", 200, OPT_IN, { "content-type": "text/plain; charset=utf-8" });
    rerun(h);
    checkCreated(h);
    await deliver(h, workflowRunEvent());
    expect(h.calls).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
  });

  test("_extends pulls in another repo's config", async () => {
    const h = await harness();
    config(h, "_extends: shared\nauto:\n  max-attempts: 5\n");
    expectCall(h, "GET", "/repos/o/shared/contents/.github/rerun.yml", 200, OPT_IN, { "content-type": "text/plain; charset=utf-8" });
    rerun(h);
    checkCreated(h);
    await deliver(h, workflowRunEvent());
    const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string } };
    expect(check.output.title).toBe("Re-ran failed jobs: attempt 2 of 5 started");
  });

  test("the config is cached: a second failed run reads it no more", async () => {
    const h = await harness();
    config(h, OPT_IN);
    rerun(h);
    checkCreated(h);
    rerun(h, 201, {}, { runId: 43 });
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 556 });
    await deliver(h, workflowRunEvent());
    await deliver(h, workflowRunEvent({ id: 43 }), "d2");
    expect(h.calls.filter((c) => c.includes("contents"))).toHaveLength(1);
  });

  test("a push that changes the config invalidates the cache", async () => {
    const h = await harness();
    config(h, OPT_IN);
    rerun(h);
    checkCreated(h);
    await deliver(h, workflowRunEvent());
    await h.probot.receive({
      id: "p1",
      name: "push",
      payload: {
        ref: "refs/heads/main",
        repository: { name: "r", full_name: "o/r", default_branch: "main", owner: { login: "o", name: "o" } },
        commits: [{ modified: [".github/rerun.yml"] }],
        installation: { id: 1 },
      },
    } as never);
    config(h, "auto:\n  enabled: false\n");
    await deliver(h, workflowRunEvent({ id: 43 }), "d2");
    expect(h.calls.filter((c) => c.includes("contents"))).toHaveLength(2);
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/43/rerun-failed-jobs");
  });

  test("the same event delivered twice re-runs once", async () => {
    const h = await harness();
    config(h, OPT_IN);
    rerun(h);
    checkCreated(h);
    await deliver(h, workflowRunEvent(), "d1");
    await deliver(h, workflowRunEvent(), "d1");
    await deliver(h, workflowRunEvent(), "d-other");
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
  });

  test("two deliveries at once re-run once", async () => {
    const h = await harness();
    config(h, OPT_IN);
    rerun(h);
    checkCreated(h);
    await Promise.all([deliver(h, workflowRunEvent(), "a"), deliver(h, workflowRunEvent(), "b")]);
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
  });

  test("attempt 2 of 3 updates the remembered check run: no read before write", async () => {
    const h = await harness();
    config(h, OPT_IN);
    rerun(h);
    checkCreated(h, 555);
    await deliver(h, workflowRunEvent());
    rerun(h, 201, {}, { attempt: 2 });
    expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, { id: 555 });
    await deliver(h, workflowRunEvent({ run_attempt: 2 }), "d2");
    expect(h.calls.slice(5)).toEqual([...BEFORE_RERUN, "POST /repos/o/r/actions/runs/42/rerun-failed-jobs", "PATCH /repos/o/r/check-runs/555"]);
  });

  test("at max-attempts: no re-run, the check run says why and offers the button", async () => {
    const h = await harness();
    config(h, OPT_IN);
    checkCreated(h);
    await deliver(h, workflowRunEvent({ run_attempt: 3 }));
    expect(h.calls).toEqual(["GET /repos/o/r/contents/.github/rerun.yml", "POST /repos/o/r/check-runs"]);
    const check = h.bodies["POST /repos/o/r/check-runs"][0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(check.output.summary).toContain("attempt 3 of 3 failed");
    expect(check.actions[0].identifier).toBe("rerun-failed");
  });

  test.each([
    ["30 days old", { created_at: daysAgo(30) }, "too old"],
    ["a fork's pull_request_target run", { event: "pull_request_target", head_repository: { full_name: "evil/r" } }, "fork privileged"],
  ])("%s is refused before calling GitHub", async (_name, over, title) => {
    const h = await harness();
    config(h, OPT_IN);
    checkCreated(h);
    await deliver(h, workflowRunEvent(over as never));
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect((h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string } }).output.title).toBe(`Not re-run: ${title}`);
  });

  test.each([
    ["a workflow filtered out", "auto:\n  enabled: true\n  workflows: [Deploy]\n"],
    ["a branch filtered out", "auto:\n  enabled: true\n  branches: [main]\n"],
    ["cancelled (not counted)", "auto:\n  enabled: true\n"],
  ])("%s: config read, nothing else", async (name, yaml) => {
    const h = await harness();
    config(h, yaml);
    await deliver(h, workflowRunEvent(name.startsWith("cancelled") ? { conclusion: "cancelled" } : {}));
    expect(h.calls).toEqual(["GET /repos/o/r/contents/.github/rerun.yml"]);
  });

  describe("job rules", () => {
    const jobs = (list: unknown[]) =>
      expectCall(h0(), "GET", "/repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100", 200, { total_count: list.length, jobs: list });
    let current: Harness;
    const h0 = () => current;

    test("every failed job eligible: re-run, and the check run lists them", async () => {
      current = await harness();
      config(current, "auto:\n  enabled: true\n  ignore-steps: ['*lint*']\n");
      jobs([apiJob(), apiJob({ id: 101, name: "build", conclusion: "success", steps: [] })]);
      rerun(current, 201, {}, { readRun: false });
      checkCreated(current);
      await deliver(current, workflowRunEvent());
      expect(current.calls).toEqual([
        "GET /repos/o/r/contents/.github/rerun.yml",
        "GET /repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100",
        "GET /repos/o/r/pulls/5",
        "POST /repos/o/r/actions/runs/42/rerun-failed-jobs",
        "POST /repos/o/r/check-runs",
      ]);
      const check = current.bodies["POST /repos/o/r/check-runs"][0] as { output: { text: string } };
      expect(check.output.text).toContain("| Run tests |");
    });

    test("one ineligible failure: the failure is real, no re-run", async () => {
      current = await harness();
      config(current, "auto:\n  enabled: true\n  ignore-jobs: [lint]\n");
      jobs([apiJob(), apiJob({ id: 101, name: "lint" })]);
      checkCreated(current);
      await deliver(current, workflowRunEvent());
      expect(current.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
      const check = current.bodies["POST /repos/o/r/check-runs"][0] as { output: { summary: string } };
      expect(check.output.summary).toContain("lint");
    });

    test("more failed jobs than max-failed-jobs: no re-run", async () => {
      current = await harness();
      config(current, "auto:\n  enabled: true\n  max-failed-jobs: 1\n");
      jobs([apiJob(), apiJob({ id: 101, name: "t2" })]);
      checkCreated(current);
      await deliver(current, workflowRunEvent());
      expect(current.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    });
  });

  describe("log patterns", () => {
    const yaml = "auto:\n  enabled: true\n  log-patterns: ['ECONNRESET', '(?i)rate limit']\n";
    const jobsCall = (h: Harness, list: unknown[]) =>
      expectCall(h, "GET", "/repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100", 200, { total_count: list.length, jobs: list });
    const logCall = (h: Harness, jobId: number, text: string) =>
      expectCall(h, "GET", `/repos/o/r/actions/jobs/${jobId}/logs`, 200, text, { "content-type": "text/plain" });

    test("every failed job's log matches: re-run; only the tail is asked for", async () => {
      const h = await harness();
      config(h, yaml);
      jobsCall(h, [apiJob(), apiJob({ id: 101, name: "t2" })]);
      logCall(h, 100, "... npm ERR! ECONNRESET");
      logCall(h, 101, "API Rate Limit exceeded");
      rerun(h, 201, {}, { readRun: false });
      checkCreated(h);
      await deliver(h, workflowRunEvent());
      expect(h.calls).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
      const ranges = [100, 101].map((id) => h.headers[`GET /repos/o/r/actions/jobs/${id}/logs`][0].range);
      expect(ranges).toEqual(["bytes=-65536", "bytes=-65536"]);
    });

    test("one log does not match: no re-run, and no more logs are read", async () => {
      const h = await harness();
      config(h, yaml);
      jobsCall(h, [apiJob(), apiJob({ id: 101, name: "t2" })]);
      logCall(h, 100, "AssertionError: expected 2");
      checkCreated(h);
      await deliver(h, workflowRunEvent());
      expect(h.calls).toEqual([
        "GET /repos/o/r/contents/.github/rerun.yml",
        "GET /repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100",
        "GET /repos/o/r/actions/jobs/100/logs",
        "POST /repos/o/r/check-runs",
      ]);
    });

    test("logs behind GitHub's 302 redirect are followed", async () => {
      const h = await harness();
      config(h, yaml);
      jobsCall(h, [apiJob()]);
      expectCall(h, "GET", "/repos/o/r/actions/jobs/100/logs", 302, "", { location: "https://logs.example.test/job100.txt?sig=x" });
      const nockMod = (await import("nock")).default;
      nockMod("https://logs.example.test").get("/job100.txt").query(true).reply(206, "ECONNRESET", { "content-type": "text/plain" });
      rerun(h, 201, {}, { readRun: false });
      checkCreated(h);
      await deliver(h, workflowRunEvent());
      expect(h.calls).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    });
  });

  describe("bad config and GitHub errors", () => {
    test("invalid config: nothing automatic; the check run shows each error", async () => {
      const h = await harness();
      config(h, "auto:\n  enabled: true\n  max-attempts: 99\n  jobz: []\n");
      checkCreated(h);
      await deliver(h, workflowRunEvent());
      expect(h.calls).toEqual(["GET /repos/o/r/contents/.github/rerun.yml", "POST /repos/o/r/check-runs"]);
      const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string; summary: string } };
      expect(check.output.title).toBe("Not re-run: .github/rerun.yml is invalid");
      expect(check.output.summary).toContain("auto.max-attempts: must be \\<= 50");
      expect(check.output.summary).toContain("auto.jobz: unknown key");
    });

    test("invalid YAML: reported, not thrown", async () => {
      const h = await harness();
      config(h, "auto: [unclosed\n  enabled: true");
      checkCreated(h);
      await deliver(h, workflowRunEvent());
      const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { summary: string } };
      expect(check.output.summary).toMatch(/invalid YAML/);
    });

    test("GitHub refuses the re-run (403): reported on the check run, not retried on redelivery", async () => {
      const h = await harness();
      config(h, OPT_IN);
      rerun(h, 403, { message: "Unable to retry this workflow run because it was created over a month ago" });
      checkCreated(h);
      await deliver(h, workflowRunEvent());
      await deliver(h, workflowRunEvent(), "again");
      const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { summary: string } };
      expect(check.output.summary).toContain("over a month ago");
      expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
    });

    test("a GitHub 5xx on the re-run is reported and a redelivery may try again", async () => {
      const h = await harness();
      config(h, OPT_IN);
      rerun(h, 502, { message: "Bad Gateway" });
      checkCreated(h);
      await deliver(h, workflowRunEvent());
      rerun(h);
      expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, {});
      await deliver(h, workflowRunEvent(), "redelivery");
      expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(2);
    });

    test("GitHub down while reading the config: the delivery fails (500) and nothing is cached", async () => {
      const h = await harness();
      expectCall(h, "GET", "/repos/o/r/contents/.github/rerun.yml", 500, { message: "boom" });
      await expect(deliver(h, workflowRunEvent())).rejects.toThrow();
      expect(h.configs.size).toBe(0);
    });
  });
});

describe("flaky jobs caught", () => {
  const allJobs = "/repos/o/r/actions/runs/42/jobs?filter=all&per_page=100";

  test("a run the bot re-ran passes: the check run lists the flaky jobs", async () => {
    const h = await harness();
    config(h, OPT_IN);
    rerun(h);
    checkCreated(h, 555);
    await deliver(h, workflowRunEvent());
    expectCall(h, "GET", allJobs, 200, {
      total_count: 3,
      jobs: [
        apiJob({ id: 1, name: "test (ubuntu, 20)", run_attempt: 1 }),
        apiJob({ id: 2, name: "build", conclusion: "success", run_attempt: 1 }),
        apiJob({ id: 3, name: "test (ubuntu, 20)", conclusion: "success", run_attempt: 2 }),
      ],
    });
    expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, {});
    await deliver(h, workflowRunEvent({ conclusion: "success", run_attempt: 2 }), "d2");
    const update = h.bodies["PATCH /repos/o/r/check-runs/555"][0] as { conclusion: string; output: { title: string; summary: string } };
    expect(update.conclusion).toBe("success");
    expect(update.output.summary).toContain("`test (ubuntu, 20)` failed on attempt 1 and passed on attempt 2");
  });

  test("notify: pr-comment posts one comment after the final attempt, none per attempt", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  notify: pr-comment\n");
    rerun(h);
    checkCreated(h, 555);
    await deliver(h, workflowRunEvent());
    rerun(h);
    expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, {});
    await deliver(h, workflowRunEvent({ run_attempt: 2 }), "d2");
    expect(h.calls.filter((c) => c.includes("comments"))).toEqual([]);
    expectCall(h, "GET", allJobs, 200, {
      total_count: 3,
      jobs: [
        apiJob({ id: 1, run_attempt: 1 }),
        apiJob({ id: 2, run_attempt: 2, conclusion: "timed_out" }),
        apiJob({ id: 3, run_attempt: 3, conclusion: "success" }),
      ],
    });
    expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, {});
    expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
    await deliver(h, workflowRunEvent({ conclusion: "success", run_attempt: 3 }), "d3");
    const comment = h.bodies["POST /repos/o/r/issues/5/comments"][0] as { body: string };
    expect(comment.body).toContain("`test` failed on attempts 1, 2 and passed on attempt 3");
  });

  test("a run that fails on every attempt gets one comment when the bot gives up", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  notify: pr-comment\n  max-attempts: 2\nbreaker:\n  after: 5\n");
    rerun(h);
    checkCreated(h, 555);
    await deliver(h, workflowRunEvent());
    expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, {});
    // The jobs of every attempt: the ones that stayed red go to the ledger (the breaker counts them).
    expectCall(h, "GET", allJobs, 200, { total_count: 2, jobs: [apiJob({ id: 1, run_attempt: 1 }), apiJob({ id: 2, run_attempt: 2 })] });
    expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
    await deliver(h, workflowRunEvent({ run_attempt: 2 }), "d2");
    expect((h.bodies["POST /repos/o/r/issues/5/comments"][0] as { body: string }).body).toContain("failed on all 2 attempts");
    // With the repo's breaker.after, so the org view judges this repo by its own.
    expect((await h.ledger.list("o/r")).map((e) => [e.kind, e.job, e.evidence, e.breakerAfter])).toEqual([["stayed-red", "test", "failed on all 2 attempts", 5]]);
  });
});
