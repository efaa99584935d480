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
