/**
 * The ledger, the breaker and the dashboard issue through the real handlers (probot.receive + nock
 * answering as GitHub does): what a catch and a red run cost, one issue created and then edited, the
 * breaker tripping and resetting, `/rerun stats` and `/rerun reset`.
 */
import { apiJob, apiRun, commentEvent, workflowRunEvent } from "../helpers/events.js";
import nock from "nock";
import { API, config, expectCall, harness, setupNock, type Harness } from "../helpers/probot.js";
import { MemoryLedger } from "../../src/state/ledger.js";
import { NOW } from "../helpers/facts.js";
import { RedisStore } from "../../src/state/redis-store.js";
import { RedisLedger } from "../../src/state/redis-ledger.js";
import { describeWithRedis, startRedis } from "../helpers/redis.js";

setupNock();

const DASHBOARD = "auto:\n  enabled: true\ndashboard: true\n";
const ISSUES_LIST = "/repos/o/r/issues?labels=rerun-bot&state=all&sort=created&direction=desc&per_page=100";
const RUNS_COUNT = /^\/repos\/o\/r\/actions\/workflows\/7\/runs$/;
const deliver = (h: Harness, payload: object, id: string) => h.probot.receive({ id, name: "workflow_run", payload } as never);
const comment = (h: Harness, body: string, over: Parameters<typeof commentEvent>[1] = {}) =>
  h.probot.receive({ id: `c${Math.random()}`, name: "issue_comment", payload: commentEvent(body, over) } as never);
const event = (runId: number, over: Record<string, unknown> = {}) =>
  workflowRunEvent({ id: runId, head_sha: `s${runId}`, html_url: `https://github.com/o/r/actions/runs/${runId}`, run_number: runId, ...over } as never);
const countRuns = (h: Harness, total = 40) => expectCall(h, "GET", "/repos/o/r/actions/workflows/7/runs", 200, { total_count: total, workflow_runs: [] });
const calls = (h: Harness, re: RegExp) => h.calls.filter((c) => re.test(c));

/** A failed run (attempt 1) the bot re-runs. */
async function failAndRerun(h: Harness, runId: number) {
  expectCall(h, "GET", `/repos/o/r/actions/runs/${runId}`, 200, apiRun({ id: runId, head_sha: `s${runId}` }));
  expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: `s${runId}` } });
  expectCall(h, "POST", `/repos/o/r/actions/runs/${runId}/rerun-failed-jobs`, 201, {});
  expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: runId + 5000 });
  await deliver(h, event(runId), `fail-${runId}`);
}

const jobsOf = (runId: number, jobs: Record<string, unknown>[]) => ({ total_count: jobs.length, jobs: jobs.map((j) => apiJob({ run_id: runId, ...j })) });
const timed = { started_at: "2026-11-23T10:00:00Z", completed_at: "2026-11-23T10:05:00Z" };

/** Its re-run passes: `job` failed on attempt 1 and passed on attempt 2 (a catch). */
async function passAfterRerun(h: Harness, runId: number, job = "test") {
  expectCall(h, "GET", `/repos/o/r/actions/runs/${runId}/jobs?filter=all&per_page=100`, 200,
    jobsOf(runId, [{ id: runId * 10, name: job, run_attempt: 1, ...timed }, { id: runId * 10 + 1, name: job, run_attempt: 2, conclusion: "success" }]));
  expectCall(h, "PATCH", `/repos/o/r/check-runs/${runId + 5000}`, 200, {});
  await deliver(h, event(runId, { conclusion: "success", run_attempt: 2 }), `pass-${runId}`);
}

describe("the ledger and the dashboard issue", () => {
  test("the first catch creates the issue (labelled, found by nobody else), the next edits it; a redelivery writes nothing", async () => {
    const h = await harness();
    config(h, DASHBOARD);
    await failAndRerun(h, 101);
    countRuns(h, 40);
    expectCall(h, "GET", ISSUES_LIST, 200, []);
    expectCall(h, "POST", "/repos/o/r/issues", 201, { number: 77 });
    await passAfterRerun(h, 101);
    const created = h.bodies["POST /repos/o/r/issues"][0] as { title: string; body: string; labels: string[] };
    expect(created.labels).toEqual(["rerun-bot"]);
    expect(created.body).toContain("<!-- rerun-bot:dashboard -->");
    expect(created.body).toMatch(/\| CI \| test \| 1 \| 1 \| 2\.5% \| \[\\#101 attempt 2\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/101\) 2026-11-\d\d \| any: /);
    expect(created.body).toContain("| 5 min |");
    const [e] = await h.ledger.list("o/r");
    expect(e).toMatchObject({ kind: "catch", job: "test", runId: 101, attempt: 2, category: "any", costSeconds: 300 });

    // The next catch edits the same issue; the run count is cached for an hour.
    await failAndRerun(h, 102);
    expectCall(h, "PATCH", "/repos/o/r/issues/77", 200, {});
    await passAfterRerun(h, 102, "lint");
    expect((h.bodies["PATCH /repos/o/r/issues/77"][0] as { body: string }).body).toContain("| CI | lint |");
    expect(calls(h, /POST \/repos\/o\/r\/issues$/)).toHaveLength(1);
    expect(calls(h, RUNS_COUNT)).toHaveLength(0); // the path check: query strings are part of the recorded call
    expect(calls(h, /actions\/workflows\/7\/runs/)).toHaveLength(1);
  });

  test("after a restart the same issue is edited: its number is kept beside the ledger, or found by label and marker", async () => {
    const ledger = new MemoryLedger(() => NOW.getTime());
    const h = await harness({ ledger });
    config(h, DASHBOARD);
    await failAndRerun(h, 201);
    countRuns(h);
    expectCall(h, "GET", ISSUES_LIST, 200, []);
    expectCall(h, "POST", "/repos/o/r/issues", 201, { number: 77 });
    await passAfterRerun(h, 201);

    // A restart: new process memory (store), the same ledger.
    const after = await harness({ ledger });
    config(after, DASHBOARD);
    await failAndRerun(after, 202);
    countRuns(after);
    expectCall(after, "PATCH", "/repos/o/r/issues/77", 200, {});
    await passAfterRerun(after, 202);
    expect(calls(after, /issues/).filter((c) => !c.includes("comments"))).toEqual(["PATCH /repos/o/r/issues/77"]);

    // The number lost too (a new data directory): found by its label and marker, never a second issue.
    const lost = await harness();
    config(lost, DASHBOARD);
    await failAndRerun(lost, 203);
    countRuns(lost);
    expectCall(lost, "GET", ISSUES_LIST, 200, [
      { number: 80, body: "someone else's issue with the label" },
      { number: 79, body: "x", pull_request: { url: "" } },
      { number: 77, body: "<!-- rerun-bot:dashboard -->\nold" },
    ]);
    expectCall(lost, "PATCH", "/repos/o/r/issues/77", 200, {});
    await passAfterRerun(lost, 203);
    expect(calls(lost, /POST \/repos\/o\/r\/issues$/)).toEqual([]);
  });

  test("a deleted dashboard issue (404) is created anew; a GitHub error on the dashboard never fails the catch", async () => {
    const h = await harness();
    config(h, DASHBOARD);
    await h.ledger.setMeta("o/r", "dashboard-issue", "12");
    await failAndRerun(h, 301);
    countRuns(h);
    expectCall(h, "PATCH", "/repos/o/r/issues/12", 404, { message: "Not Found" });
    expectCall(h, "POST", "/repos/o/r/issues", 201, { number: 13 });
    await passAfterRerun(h, 301);
    expect(await h.ledger.getMeta("o/r", "dashboard-issue")).toBe("13");

    await failAndRerun(h, 302);
    expectCall(h, "PATCH", "/repos/o/r/issues/13", 502, { message: "Bad Gateway" });
    await expect(passAfterRerun(h, 302)).resolves.toBeUndefined();
    expect((await h.ledger.list("o/r")).map((e) => e.runId)).toEqual([301, 302]);
  });

  test("without dashboard: true the catch is still in the ledger and no issue is touched", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n");
    await failAndRerun(h, 401);
    await passAfterRerun(h, 401);
    expect(calls(h, /issues|workflows/)).toEqual([]);
    expect(await h.ledger.list("o/r")).toHaveLength(1);
  });

  test("a catch keeps the evidence of the rule that made the re-run", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  rules:\n    - preset: infrastructure\n");
    // Runner lost: no failed step, no runner name.
    expectCall(h, "GET", "/repos/o/r/actions/runs/501/jobs?filter=latest&per_page=100", 200,
      jobsOf(501, [{ id: 5010, name: "e2e", runner_name: "", steps: [{ name: "Set up job", status: "completed", conclusion: "success", number: 1 }] }]));
    expectCall(h, "GET", "/repos/o/r/check-runs/5010/annotations?per_page=50", 200, []);
    expectCall(h, "GET", "/repos/o/r/actions/jobs/5010/logs", 404, { message: "Not Found" });
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "s501" } });
    expectCall(h, "POST", "/repos/o/r/actions/runs/501/rerun-failed-jobs", 201, {});
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 5501 });
    await deliver(h, event(501), "f501");
    await passAfterRerun(h, 501, "e2e");
    const [e] = await h.ledger.list("o/r");
    expect(e.category).toBe("infrastructure");
    expect(e.evidence).toMatch(/infrastructure/);
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toContain('rerunbot_flaky_catches_total{category="infrastructure"} 1');
    expect(metrics).not.toContain("o/r"); // no repo names in labels
  });
});

describe("the breaker", () => {
  /** A run the bot re-ran once that failed again in `job` (max-attempts 2): it stayed red. */
  async function stayRed(h: Harness, runId: number, job = "test", readsJobs = false) {
    if (readsJobs) expectCall(h, "GET", `/repos/o/r/actions/runs/${runId}/jobs?filter=latest&per_page=100`, 200, jobsOf(runId, [{ id: runId * 10, name: job }]));
    await failAndRerun(h, runId);
    expectCall(h, "PATCH", `/repos/o/r/check-runs/${runId + 5000}`, 200, {});
    expectCall(h, "GET", `/repos/o/r/actions/runs/${runId}/jobs?filter=all&per_page=100`, 200,
      jobsOf(runId, [{ id: runId * 10, name: job, run_attempt: 1 }, { id: runId * 10 + 1, name: job, run_attempt: 2, ...timed }]));
    await deliver(h, event(runId, { run_attempt: 2 }), `red-${runId}`);
  }

  test("trips after 3 runs that stayed red, refuses the next run that fails in that job, and resets when the job passes", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  max-attempts: 2\n");
    for (const id of [601, 602, 603]) await stayRed(h, id);
    expect([...(await h.ledger.list("o/r")).map((e) => e.kind)]).toEqual(["stayed-red", "stayed-red", "stayed-red"]);
    expect(await h.metrics.registry.metrics()).toContain('rerunbot_breaker_trips_total{category="any"} 1');

    // Run 604 fails in the tripped job: one job list (the breaker needs the failed names), no re-run.
    h.calls.length = 0;
    expectCall(h, "GET", "/repos/o/r/actions/runs/604/jobs?filter=latest&per_page=100", 200, jobsOf(604, [{ id: 6040, name: "test" }, { id: 6041, name: "lint", conclusion: "success" }]));
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 5604 });
    await deliver(h, event(604), "f604");
    expect(calls(h, /rerun-failed-jobs/)).toEqual([]);
    const check = h.bodies["POST /repos/o/r/check-runs"].at(-1) as { output: { summary: string; text?: string }; actions: { identifier: string }[] };
    expect(JSON.stringify(check.output)).toContain("broken, not flaky");
    expect(JSON.stringify(check.output)).toContain("/rerun reset test");
    expect(check.actions.length).toBeGreaterThan(0); // a person may still press the button

    // Run 605 fails in another job while "test" passed: the breaker resets and the run is re-run.
    expectCall(h, "GET", "/repos/o/r/actions/runs/605/jobs?filter=latest&per_page=100", 200, jobsOf(605, [{ id: 6050, name: "test", conclusion: "success" }, { id: 6051, name: "lint" }]));
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "s605" } });
    expectCall(h, "POST", "/repos/o/r/actions/runs/605/rerun-failed-jobs", 201, {});
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 5605 });
    await deliver(h, event(605), "f605");
    expect(calls(h, /rerun-failed-jobs/)).toEqual(["POST /repos/o/r/actions/runs/605/rerun-failed-jobs"]);
    expect((await h.ledger.list("o/r")).at(-1)).toMatchObject({ kind: "reset", job: "test", evidence: "passed in run #605" });
  });

  test("no tripped job: a failed run costs no extra call for the breaker", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n");
    await failAndRerun(h, 701);
    expect(h.calls.filter((c) => !c.includes("contents"))).toEqual([
      "GET /repos/o/r/actions/runs/701",
      "GET /repos/o/r/pulls/5",
      "POST /repos/o/r/actions/runs/701/rerun-failed-jobs",
      "POST /repos/o/r/check-runs",
    ]);
  });

  test("/rerun reset by someone with the role resets it (also on the dashboard issue); by anyone else it does not", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  max-attempts: 2\nbreaker:\n  after: 2\n");
    for (const id of [801, 802]) await stayRed(h, id);
    const tripped = async () => (await import("../../src/policy/breaker.js")).trippedJobs(await h.ledger.list("o/r"), 2).size;
    expect(await tripped()).toBe(1);

    // A reader asks: refused (the permission check is the same as for /rerun).
    expectCall(h, "POST", "/repos/o/r/issues/comments/900/reactions", 201, {});
    expectCall(h, "GET", "/repos/o/r/collaborators/reader/permission", 200, { permission: "read", role_name: "read" });
    expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
    await comment(h, "/rerun reset test", { login: "reader", pr: false });
    expect(await tripped()).toBe(1);

    expectCall(h, "POST", "/repos/o/r/issues/comments/901/reactions", 201, {});
    expectCall(h, "GET", "/repos/o/r/collaborators/maint/permission", 200, { permission: "write", role_name: "write" });
    expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
    await comment(h, "/rerun reset test", { pr: false, id: 901 });
    expect(await tripped()).toBe(0);
    const replies = h.bodies["POST /repos/o/r/issues/5/comments"] as { body: string }[];
    expect(replies[0].body).toMatch(/permission|role/);
    expect(replies[1].body).toContain("Breaker reset for test (CI)");
    expect((await h.ledger.list("o/r")).at(-1)).toMatchObject({ kind: "reset", category: "command", evidence: "reset by @maint" });
  });

  test("/rerun reset of a job that is not stopped says which are; a plain comment on an issue costs nothing", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n");
    await comment(h, "please /rerun the build", { pr: false });
    expect(h.calls).toEqual([]);
    expectCall(h, "POST", "/repos/o/r/issues/comments/900/reactions", 201, {});
    expectCall(h, "GET", "/repos/o/r/collaborators/maint/permission", 200, { permission: "admin", role_name: "admin" });
    expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
    await comment(h, "/rerun reset nope");
    expect((h.bodies["POST /repos/o/r/issues/5/comments"][0] as { body: string }).body).toBe("No job named nope is stopped by the breaker: none is.");
  });
});

describe("/rerun stats", () => {
  test("a short reply from the ledger: no GitHub read beyond the permission", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n");
    await failAndRerun(h, 901);
    await passAfterRerun(h, 901, "e2e (chrome)");
    h.calls.length = 0;
    expectCall(h, "POST", "/repos/o/r/issues/comments/900/reactions", 201, {});
    expectCall(h, "GET", "/repos/o/r/collaborators/maint/permission", 200, { permission: "write", role_name: "write" });
    expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
    await comment(h, "/rerun stats");
    expect(h.calls).toEqual(["POST /repos/o/r/issues/comments/900/reactions", "GET /repos/o/r/collaborators/maint/permission", "POST /repos/o/r/issues/5/comments"]);
    const reply = (h.bodies["POST /repos/o/r/issues/5/comments"][0] as { body: string }).body;
    expect(reply).toContain("1 catch in 1 job");
    expect(reply).toContain("e2e (chrome) (CI): 1 in 30 days, 1 in 7");
  });
});

describeWithRedis("two instances on one Redis", () => {
  test("two catches at the same moment on two instances: one dashboard issue, then edited", async () => {
    const redis = await startRedis();
    const stores = [new RedisStore(redis.url), new RedisStore(redis.url)];
    try {
      const [a, b] = await Promise.all(stores.map((store) => harness({ store, ledger: new RedisLedger(store, () => NOW.getTime()) })));
      config(a, DASHBOARD);
      config(b, DASHBOARD);
      await failAndRerun(a, 1001);
      await failAndRerun(b, 1002);
      countRuns(a);
      // GitHub's list does not show an issue created a moment ago to the other instance: the lease must.
      expectCall(a, "GET", ISSUES_LIST, 200, []);
      expectCall(a, "GET", ISSUES_LIST, 200, []);
      expectCall(a, "POST", "/repos/o/r/issues", 201, { number: 50 });
      expectCall(a, "POST", "/repos/o/r/issues", 201, { number: 51 });
      expectCall(a, "PATCH", "/repos/o/r/issues/50", 200, {});
      expectCall(a, "PATCH", "/repos/o/r/issues/51", 200, {});
      await Promise.all([passAfterRerun(a, 1001), passAfterRerun(b, 1002, "lint")]);
      const all = [...a.calls, ...b.calls];
      expect(all.filter((c) => c === "POST /repos/o/r/issues")).toHaveLength(1);
      // The second waits for the lease, then edits the issue the first created, or writes nothing
      // when the first one's body already held both catches.
      const edits = all.filter((c) => c.startsWith("PATCH /repos/o/r/issues/"));
      expect(edits.length === 0 || edits[0] === "PATCH /repos/o/r/issues/50").toBe(true);
      const bodies = { ...a.bodies, ...b.bodies };
      const last = ((bodies["PATCH /repos/o/r/issues/50"] ?? bodies["POST /repos/o/r/issues"]) as { body: string }[]).at(-1)!.body;
      expect(last).toContain("| CI | test |");
      expect(last).toContain("| CI | lint |");
      expect((await a.ledger.list("o/r")).map((e) => e.job).sort()).toEqual(["lint", "test"]);
      // The answers a loser of the race would have needed are left over by design.
      nock.cleanAll();
      nock(API).persist().post(/\/app\/installations\/\d+\/access_tokens/).reply(201, { token: "t", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
    } finally {
      for (const s of stores) await s.close();
      await redis.stop();
    }
  });
});
