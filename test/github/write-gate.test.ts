import { WriteGate, writePriority } from "../../src/github/write-gate.js";

describe("the write gate: one installation's writes, re-runs first", () => {
  test.each([
    ["POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 0],
    ["POST", "/repos/o/r/actions/jobs/7/rerun", 0],
    ["POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs", 0], // the route template, as hooks see it
    ["POST", "/repos/{owner}/{repo}/actions/jobs/{job_id}/rerun", 0],
    ["POST", "https://ghe.example.com/api/v3/repos/o/r/actions/runs/42/rerun-failed-jobs?x=1", 0],
    ["POST", "/repos/o/r/check-runs", 1],
    ["PATCH", "/repos/o/r/check-runs/5", 1],
    ["POST", "/repos/o/r/issues/5/comments", 1],
  ])("%s %s: priority %d", (method, url, priority) => {
    expect(writePriority(method, url)).toBe(priority);
  });

  test("while a write is out, a waiting re-run goes before reports that came earlier; each kind keeps its order", async () => {
    const gate = new WriteGate();
    const order: string[] = [];
    let finishFirst!: () => void;
    const first = gate.run("1", 1, () => new Promise<void>((r) => (finishFirst = r)).then(() => void order.push("check A")));
    const later = [
      gate.run("1", 1, async () => void order.push("check B")),
      gate.run("1", 0, async () => void order.push("rerun C")),
      gate.run("1", 1, async () => void order.push("check D")),
      gate.run("1", 0, async () => void order.push("rerun E")),
    ];
    // Another installation is not held by this one's writes.
    await gate.run("2", 1, async () => void order.push("other installation"));
    expect(gate.waiting("1")).toBe(4);
    finishFirst();
    await Promise.all([first, ...later]);
    expect(order).toEqual(["other installation", "check A", "rerun C", "rerun E", "check B", "check D"]);
    expect(gate.waiting("1")).toBe(0);
  });

  test("a write that fails lets the next one go, and its error reaches its caller", async () => {
    const gate = new WriteGate();
    const failing = gate.run("1", 0, async () => {
      throw new Error("502");
    });
    const next = gate.run("1", 1, async () => "done");
    await expect(failing).rejects.toThrow("502");
    await expect(next).resolves.toBe("done");
  });
});

describe("the app's Octokit class orders an installation's writes through the gate", () => {
  test("a re-run asked for while a check run is out goes before a check run asked for earlier", async () => {
    const { default: nock } = await import("nock");
    const { rerunOctokit } = await import("../../src/github/octokit.js");
    nock.disableNetConnect();
    const seen: string[] = [];
    const api = nock("https://api.github.com")
      .post("/repos/o/r/check-runs").delay(300).reply(201, () => (seen.push("check A"), { id: 1 }))
      .post("/repos/o/r/check-runs").reply(201, () => (seen.push("check B"), { id: 2 }))
      .post("/repos/o/r/actions/runs/42/rerun-failed-jobs").reply(201, () => (seen.push("rerun C"), {}));
    const Octokit = rerunOctokit();
    const octokit = new Octokit({ auth: { token: "t", installationId: 1 }, throttle: { enabled: false }, retry: { enabled: false } } as never);
    const a = octokit.rest.checks.create({ owner: "o", repo: "r", name: "a", head_sha: "s" });
    await new Promise((r) => setTimeout(r, 50));
    const b = octokit.rest.checks.create({ owner: "o", repo: "r", name: "b", head_sha: "s" });
    const c = octokit.rest.actions.reRunWorkflowFailedJobs({ owner: "o", repo: "r", run_id: 42 });
    await Promise.all([a, b, c]);
    expect(seen).toEqual(["check A", "rerun C", "check B"]);
    expect(api.isDone()).toBe(true);
    nock.cleanAll();
    nock.enableNetConnect();
  });
});
