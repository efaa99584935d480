/**
 * The one claim lifecycle (state/claims.ts) as each handler lives it, and the config check run on
 * commits that change `.github/rerun.yml`.
 */
import { apiRun, buttonEvent, workflowRunEvent } from "../helpers/events.js";
import { config, expectCall, harness, setupNock, type Harness } from "../helpers/probot.js";
import { withClaim } from "../../src/state/claims.js";
import { MemoryStore } from "../../src/state/store.js";

setupNock();

const OPT_IN = "auto:\n  enabled: true\n";
const deliver = (h: Harness, id = "d1") => h.probot.receive({ id, name: "workflow_run", payload: workflowRunEvent() } as never);
const beforeRerun = (h: Harness) => {
  expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
  expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
};

describe("withClaim", () => {
  test("released when the work throws before a re-run was accepted; done after", async () => {
    const store = new MemoryStore();
    await expect(withClaim(store, "k", "d1", async () => Promise.reject(new Error("502")))).rejects.toThrow("502");
    expect(await store.get("k")).toBeNull();
    await expect(
      withClaim(store, "k", "d1", async (claim) => {
        await claim.accepted();
        throw new Error("report failed");
      }),
    ).rejects.toThrow("report failed");
    expect(await store.get("k")).toBe("done");
    // Done: neither another delivery nor the same one acts again.
    expect(await withClaim(store, "k", "d2", async () => {})).toBe(false);
    expect(await withClaim(store, "k", "d1", async () => {})).toBe(false);
  });

  test("retryable() gives the claim back unless a re-run was accepted", async () => {
    const store = new MemoryStore();
    await withClaim(store, "a", "d1", (claim) => claim.retryable());
    expect(await store.get("a")).toBeNull();
    await withClaim(store, "b", "d1", async (claim) => {
      await claim.accepted();
      await claim.retryable();
    });
    expect(await store.get("b")).toBe("done");
  });

  test("a lease: its holder died mid-work; the same delivery retried gets it back, another waits for it to expire", async () => {
    let now = 0;
    const store = new MemoryStore(100, () => now);
    // The holder "dies": its lease stays.
    expect(await store.claim("k", 300, "lease:d1")).toBe(true);
    expect(await withClaim(store, "k", "d2", async () => {})).toBe(false);
    let ran = 0;
    expect(await withClaim(store, "k", "d1", async () => void ran++)).toBe(true);
    expect(ran).toBe(1);
    // A lease held by a dead delivery that is never retried frees the key within minutes.
    expect(await store.claim("k2", 300, "lease:d3")).toBe(true);
    now += 301_000;
    expect(await withClaim(store, "k2", "d4", async () => void ran++)).toBe(true);
    expect(ran).toBe(2);
  });
});

describe("a redelivery after a failed report never re-runs twice", () => {
  test("the re-run was accepted, the check run write failed: the redelivery does nothing", async () => {
    const h = await harness();
    config(h, OPT_IN);
    beforeRerun(h);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    expectCall(h, "POST", "/repos/o/r/check-runs", 502, { message: "Bad Gateway" });
    await expect(deliver(h)).rejects.toThrow();
    await deliver(h, "redelivery");
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
  });

  test("GitHub failed before the re-run (job list 502): the redelivery does the work", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  jobs: ['test*']\n");
    expectCall(h, "GET", "/repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100", 502, { message: "Bad Gateway" });
    await expect(deliver(h)).rejects.toThrow();
    expectCall(h, "GET", "/repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100", 200, {
      total_count: 1,
      jobs: [{ id: 100, name: "test", status: "completed", conclusion: "failure", run_attempt: 1, steps: [{ name: "Run tests", conclusion: "failure" }] }],
    });
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h, "redelivery");
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
  });
});

describe("a button press that hits a transient GitHub error can be pressed again", () => {
  const press = (h: Harness, id: string) => h.probot.receive({ id, name: "check_run", payload: buttonEvent() } as never);
  const perm = (h: Harness) => expectCall(h, "GET", "/repos/o/r/collaborators/maint/permission", 200, { permission: "write", role_name: "write" });

  test("502 on the permission read: the same press, redelivered, re-runs", async () => {
    const h = await harness();
    config(h, null);
    expectCall(h, "GET", "/repos/o/r/collaborators/maint/permission", 502, { message: "Bad Gateway" });
    await expect(press(h, "p1")).rejects.toThrow();
    perm(h);
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    expectCall(h, "PATCH", "/repos/o/r/check-runs/777", 200, {});
    await press(h, "p1");
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
  });

  test("502 on the re-run call: reported with the button, and the redelivered press re-runs", async () => {
    const h = await harness();
    config(h, null);
    perm(h);
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 502, { message: "Bad Gateway" });
    expectCall(h, "PATCH", "/repos/o/r/check-runs/777", 200, {});
    await press(h, "p1");
    const first = h.bodies["PATCH /repos/o/r/check-runs/777"][0] as { actions: unknown[]; output: { summary: string } };
    expect(first.output.summary).toContain("HTTP 502");
    expect(first.actions).toHaveLength(1);
    perm(h);
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    expectCall(h, "PATCH", "/repos/o/r/check-runs/777", 200, {});
    await press(h, "p1");
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(2);
  });
});

describe("the config check run on commits that change .github/rerun.yml", () => {
  const SHA = "a".repeat(40);
  const push = (h: Harness, over: Record<string, unknown> = {}) =>
    h.probot.receive({
      id: "push1",
      name: "push",
      payload: {
        ref: "refs/heads/feature",
        after: SHA,
        deleted: false,
        repository: { name: "r", full_name: "o/r", default_branch: "main", owner: { login: "o", name: "o" } },
        commits: [{ modified: [".github/rerun.yml"] }],
        installation: { id: 1 },
        ...over,
      },
    } as never);
  const file = (h: Harness, text: string | null) =>
    text === null
      ? expectCall(h, "GET", `/repos/o/r/contents/.github/rerun.yml?ref=${SHA}`, 404, { message: "Not Found" })
      : expectCall(h, "GET", `/repos/o/r/contents/.github/rerun.yml?ref=${SHA}`, 200, text, { "content-type": "text/plain" });

  test("an invalid file: a failed check run with file:line findings and annotations", async () => {
    const h = await harness();
    file(h, "auto:\n  enabled: true\n  max-attempts: 99\n  jobz: [a]\n");
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 9 });
    await push(h);
    const check = h.bodies["POST /repos/o/r/check-runs"][0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(check).toMatchObject({ name: "rerun-bot config", head_sha: SHA, conclusion: "failure" });
    expect(check.output.title).toBe("2 problems in .github/rerun.yml");
    expect(check.output.summary).toContain(".github/rerun.yml:3: auto.max-attempts: must be \\<= 50");
    expect(check.output.summary).toContain(".github/rerun.yml:4: auto.jobz: unknown key");
    expect(check.output.annotations).toEqual([
      { path: ".github/rerun.yml", start_line: 3, end_line: 3, annotation_level: "failure", title: "auto.max-attempts", message: "must be <= 50" },
      { path: ".github/rerun.yml", start_line: 4, end_line: 4, annotation_level: "failure", title: "auto.jobz", message: "unknown key" },
    ]);
  });

  test("a valid file: a passing check run; the same commit redelivered is not checked twice", async () => {
    const h = await harness();
    file(h, "auto:\n  enabled: true\n  preset: infrastructure\n");
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 9 });
    await push(h);
    await push(h);
    expect(h.bodies["POST /repos/o/r/check-runs"]).toHaveLength(1);
    expect(h.bodies["POST /repos/o/r/check-runs"][0]).toMatchObject({ conclusion: "success", output: { title: ".github/rerun.yml is valid" } });
  });

  test("a push that does not touch the file costs nothing; one that removes it posts nothing", async () => {
    const h = await harness();
    await push(h, { commits: [{ modified: ["README.md"] }] });
    expect(h.calls).toEqual([]);
    file(h, null);
    await push(h, { commits: [{ modified: [".github/rerun.yml"] }, { removed: [".github/rerun.yml"] }] });
    expect(h.calls).toEqual([`GET /repos/o/r/contents/.github/rerun.yml?ref=${SHA}`]);
  });

  test("a fork's pull request that changes the file is checked at its head", async () => {
    const h = await harness();
    expectCall(h, "GET", "/repos/o/r/pulls/7/files?per_page=100", 200, [{ filename: ".github/rerun.yml", status: "modified" }]);
    file(h, "auto:\n  enabled: maybe\n");
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 9 });
    await h.probot.receive({
      id: "pr1",
      name: "pull_request",
      payload: {
        action: "synchronize",
        number: 7,
        pull_request: { number: 7, head: { sha: SHA, repo: { full_name: "fork/r" } } },
        repository: { name: "r", full_name: "o/r", owner: { login: "o" } },
        installation: { id: 1 },
      },
    } as never);
    expect(h.bodies["POST /repos/o/r/check-runs"][0]).toMatchObject({ conclusion: "failure", head_sha: SHA });
  });
});
