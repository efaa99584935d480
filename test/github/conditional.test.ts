import nock from "nock";
import { ProbotOctokit } from "probot";
import { ConditionalCache, conditionalContents } from "../../src/github/conditional.js";

const API = "https://api.github.com";

function octokit(cache: ConditionalCache) {
  const Octokit = ProbotOctokit.plugin(conditionalContents(cache));
  return new Octokit({ auth: "t", throttle: { enabled: false }, retry: { enabled: false } } as never);
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe("conditional GETs of config files", () => {
  test("a refresh sends the ETag and a 304 answers with the cached file", async () => {
    const cache = new ConditionalCache();
    const gh = octokit(cache);
    const seen: (string | undefined)[] = [];
    nock(API)
      .get("/repos/o/r/contents/.github%2Frerun.yml")
      .times(2)
      .reply(function () {
        const inm = this.req.headers["if-none-match"] as string | undefined;
        seen.push(inm);
        return inm === '"v1"' ? [304, ""] : [200, "auto:\n  enabled: true\n", { etag: '"v1"', "content-type": "text/plain; charset=utf-8" }];
      });
    const first = await gh.config.get({ owner: "o", repo: "r", path: ".github/rerun.yml" });
    const second = await gh.config.get({ owner: "o", repo: "r", path: ".github/rerun.yml" });
    expect(seen).toEqual([undefined, '"v1"']);
    expect(second.config).toEqual(first.config);
    expect(second.config).toEqual({ auto: { enabled: true } });
    expect(cache.hits).toBe(1);
  });

  test("a changed file (200 with a new ETag) replaces the cached one", async () => {
    const cache = new ConditionalCache();
    const gh = octokit(cache);
    nock(API).get("/repos/o/r/contents/.github%2Frerun.yml").reply(200, "a: 1\n", { etag: '"v1"', "content-type": "text/plain; charset=utf-8" });
    nock(API).get("/repos/o/r/contents/.github%2Frerun.yml").matchHeader("if-none-match", '"v1"').reply(200, "a: 2\n", { etag: '"v2"', "content-type": "text/plain; charset=utf-8" });
    nock(API).get("/repos/o/r/contents/.github%2Frerun.yml").matchHeader("if-none-match", '"v2"').reply(304, "");
    await gh.config.get({ owner: "o", repo: "r", path: ".github/rerun.yml" });
    expect((await gh.config.get({ owner: "o", repo: "r", path: ".github/rerun.yml" })).config).toEqual({ a: 2 });
    expect((await gh.config.get({ owner: "o", repo: "r", path: ".github/rerun.yml" })).config).toEqual({ a: 2 });
  });

  test("404s, other endpoints and writes are left alone", async () => {
    const cache = new ConditionalCache();
    const gh = octokit(cache);
    nock(API).get("/repos/o/r/contents/.github%2Frerun.yml").reply(404, { message: "Not Found" });
    nock(API).get("/repos/o/.github/contents/.github%2Frerun.yml").reply(404, { message: "Not Found" });
    nock(API).get("/repos/o/r/actions/runs/1").reply(200, { id: 1 }, { etag: '"x"' });
    await gh.config.get({ owner: "o", repo: "r", path: ".github/rerun.yml" });
    await gh.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { owner: "o", repo: "r", run_id: 1 });
    expect(cache.size).toBe(0);
  });

  test("the cache is bounded", () => {
    const cache = new ConditionalCache(2);
    for (const k of ["a", "b", "c"]) cache.set(k, { etag: k, response: { status: 200, url: k, headers: {}, data: k } });
    expect(cache.size).toBe(2);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("c")?.etag).toBe("c");
  });
});
