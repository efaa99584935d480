import { routeTemplate } from "../src/metrics.js";

describe("routeTemplate: bounded metric labels", () => {
  test.each([
    ["/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs", "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs"],
    ["http://127.0.0.1:1/api/v3/repos/o/r/actions/runs/43/jobs?filter=latest&page=2", "/repos/{owner}/{repo}/actions/runs/{id}/jobs"],
    ["https://api.github.com/repos/big-org/app/actions/runs?head_sha=abc&page=3", "/repos/{owner}/{repo}/actions/runs"],
    ["https://api.github.com/repos/o/r/collaborators/someone/permission", "/repos/{owner}/{repo}/collaborators/{username}/permission"],
    ["https://api.github.com/repos/o/r/contents/.github%2Frerun.yml", "/repos/{owner}/{repo}/contents/{path}"],
  ])("%s -> %s", (url, route) => {
    expect(routeTemplate(url)).toBe(route);
  });
});

describe("queue metrics", () => {
  test("wait per installation (p50, p99), backlog per installation, parked installations, given-up work", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { FileQueue } = await import("../src/queue/file-queue.js");
    const { Metrics } = await import("../src/metrics.js");
    const queue = new FileQueue({ dir: mkdtempSync(join(tmpdir(), "rerun-metrics-")), concurrency: 1, limits: { retryMs: 1 } });
    const metrics = new Metrics();
    metrics.observeWork(queue);
    const hook = (installation: number, id: string) => ({ kind: "webhook" as const, id, name: "workflow_run", payload: {}, installationId: installation });
    await queue.add("a", hook(101, "a"));
    await queue.add("b", hook(202, "b"));
    await queue.park(202, Date.now() + 60_000);
    let runs = 0;
    queue.start(async () => {
      runs++;
      throw new Error("down");
    });
    await new Promise((r) => setTimeout(r, 2_600)); // a's first try, then its retry past the bound
    const text = await metrics.registry.metrics();
    await queue.stop(100);
    expect(runs).toBe(2);
    expect(text).toMatch(/rerunbot_queue_wait_seconds\{quantile="0.5",installation="101"\} \d/);
    expect(text).toMatch(/rerunbot_queue_wait_seconds\{quantile="0.99",installation="101"\} \d/);
    expect(text).toMatch(/rerunbot_queue_backlog\{installation="202"\} 1/);
    expect(text).not.toMatch(/rerunbot_queue_backlog\{installation="101"\}/); // given up: not waiting
    expect(text).toMatch(/rerunbot_parked_installations 1/);
    expect(text).toMatch(/rerunbot_parked_until_seconds\{installation="202"\} \d+/);
    expect(text).toMatch(/rerunbot_work_given_up_total\{kind="webhook"\} 1/);
  }, 10_000);
});
