import nock from "nock";
import { limitedUntil, Parking } from "../../src/github/parking.js";
import { rerunOctokit } from "../../src/github/octokit.js";
import { ConditionalCache } from "../../src/github/conditional.js";
import { personWaiting, writePriority } from "../../src/github/write-gate.js";
import { RetryAt, retryAtOf } from "../../src/queue/work-queue.js";

const NOW = 1_800_000_000_000;

describe("limitedUntil: what GitHub's answer says about waiting", () => {
  test.each([
    ["secondary limit with retry-after", 403, { "retry-after": "20" }, "You have exceeded a secondary rate limit", NOW + 20_000],
    ["429 with retry-after", 429, { "retry-after": "5" }, "Too many requests", NOW + 5_000],
    ["primary limit exhausted", 403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW / 1000 + 600) }, "API rate limit exceeded", NOW + 601_000],
    ["a limit that names no time: a minute", 403, {}, "You have exceeded a secondary rate limit", NOW + 60_000],
    ["a refusal is not a limit", 403, { "x-ratelimit-remaining": "4999" }, "This workflow is already running", null],
    ["a server error is not a limit", 502, { "retry-after": "20" }, "Bad gateway", null],
  ])("%s", (_name, status, headers, message, until) => {
    expect(limitedUntil(status, headers, message, NOW)).toBe(until);
  });
});

describe("Parking", () => {
  test("keeps the latest time per installation, tells listeners, and forgets a time past", () => {
    let now = NOW;
    const parking = new Parking(() => now);
    const heard: [number, number][] = [];
    parking.onPark((id, until) => heard.push([id, until]));
    parking.park(1, NOW + 20_000);
    parking.park(1, NOW + 10_000); // earlier: changes nothing
    expect(parking.until(1)).toBe(NOW + 20_000);
    expect(parking.until(2)).toBe(0);
    now += 20_001;
    expect(parking.until(1)).toBe(0);
    expect(heard).toEqual([[1, NOW + 20_000]]);
  });
});

describe("the app's Octokit class with parking", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  const octokit = (parking: Parking, installationId: number) => {
    const Octokit = rerunOctokit({ contents: new ConditionalCache(), onCall: () => {}, parking });
    return new Octokit({ auth: { token: "t", installationId }, retry: { enabled: false } } as never);
  };

  test("a secondary limit parks the installation; its next call is not sent; another installation's is", async () => {
    const parking = new Parking();
    const api = nock("https://api.github.com")
      .post("/repos/a/r/actions/runs/1/rerun-failed-jobs")
      .reply(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "20" })
      .post("/repos/b/r/actions/runs/2/rerun-failed-jobs")
      .reply(201, {});
    const a = octokit(parking, 1);
    await expect(a.rest.actions.reRunWorkflowFailedJobs({ owner: "a", repo: "r", run_id: 1 })).rejects.toMatchObject({ status: 403 });
    expect(parking.until(1)).toBeGreaterThan(Date.now() + 19_000);
    // Not sent: nock would fail on a request it does not expect.
    const held = await a.rest.checks.create({ owner: "a", repo: "r", name: "x", head_sha: "s" }).catch((e) => e);
    expect(retryAtOf(held)).toBeInstanceOf(RetryAt);
    expect(retryAtOf(held)!.at).toBe(parking.until(1));
    await octokit(parking, 2).rest.actions.reRunWorkflowFailedJobs({ owner: "b", repo: "r", run_id: 2 });
    expect(api.isDone()).toBe(true);
  });
});

describe("the app's Octokit class spaces writes per installation", () => {
  test("one installation's queued writes do not delay another's (GitHub's limits are per installation)", async () => {
    nock.disableNetConnect();
    nock("https://api.github.com").post(/check-runs$/).times(3).reply(201, { id: 1 });
    const Octokit = rerunOctokit({ contents: new ConditionalCache(), onCall: () => {} });
    const make = (installationId: number) => new Octokit({ auth: { token: "t", installationId }, retry: { enabled: false } } as never);
    const done: Record<string, number> = {};
    const started = Date.now();
    const write = (o: InstanceType<typeof Octokit>, owner: string, name: string) =>
      o.rest.checks.create({ owner, repo: "r", name, head_sha: "s" }).then(() => void (done[name] = Date.now() - started));
    const a = make(1);
    await Promise.all([write(a, "a", "a1"), write(a, "a", "a2"), write(make(2), "b", "b1")]);
    nock.cleanAll();
    nock.enableNetConnect();
    expect(done.a2 - done.a1).toBeGreaterThanOrEqual(900); // Probot's spacing within one installation
    expect(done.b1).toBeLessThan(done.a2); // not behind a2 in one shared limiter
  });
});

describe("writes of work a person waits for", () => {
  test("go before re-runs and reports", () => {
    expect(writePriority("POST", "/repos/o/r/check-runs")).toBe(1);
    personWaiting.run(true, () => {
      expect(writePriority("POST", "/repos/o/r/check-runs")).toBe(-1);
      expect(writePriority("POST", "/repos/o/r/actions/runs/1/rerun-failed-jobs")).toBe(-1);
    });
  });
});
