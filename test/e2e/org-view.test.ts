/**
 * The org view's API and sign-in against the real server (lib/main.js) and the fake GitHub, which
 * serves the OAuth web flow on its root and the user's installations under /api/v3 (GHE_HOST).
 */
import { FakeGitHub } from "./fake-github.js";
import { startBot, type Bot } from "./server.js";
import { EVIL_JOB, installOrg, Jar, orgViewEnv, SECRET_JOB, SECRET_REPO, seedLedger, seedOrg, signIn } from "./org-view-fixture.js";
import { describeWithRedis, startRedis } from "../helpers/redis.js";
import { RedisStore } from "../../src/state/redis-store.js";
import { RedisLedger } from "../../src/state/redis-ledger.js";

const github = new FakeGitHub();
let bot: Bot;
let dataDir: string;
const url = (path: string) => `http://127.0.0.1:${bot.port}${path}`;

beforeAll(async () => {
  await github.start();
  dataDir = await seedOrg();
  bot = await startBot(github.port, orgViewEnv(github, dataDir));
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await github.stop();
});

beforeEach(() => {
  github.reset();
  installOrg(github);
});

afterEach(() => expect(github.unknownRoutes).toEqual([]));

const getJson = async (jar: Jar | null, path: string, headers: Record<string, string> = {}) => {
  const res = jar ? await jar.fetch(url(path), { headers }) : await fetch(url(path), { headers, redirect: "manual" });
  return { status: res.status, text: await res.text(), res };
};

describe("credentials", () => {
  test("the API answers 401 without credentials, with a forged cookie or a token GitHub refuses; pages send to sign in", async () => {
    for (const path of ["/api/v1/repos", "/api/v1/org", "/api/v1/repos/acme/web/jobs", `/api/v1/repos/${SECRET_REPO}/jobs`]) {
      const { status, text } = await getJson(null, path);
      expect([path, status]).toEqual([path, 401]);
      expect(text).not.toContain("acme");
    }
    expect((await getJson(null, "/api/v1/repos", { cookie: "rerun_session=AAAAforgedAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })).status).toBe(401);
    expect((await getJson(null, "/api/v1/repos", { authorization: "Bearer ghu_not_a_token" })).status).toBe(401);
    expect((await getJson(null, "/api/v1/repos", { authorization: "Basic YWxpY2U6cHc=" })).status).toBe(401);
    const page = await getJson(null, "/dashboard/repos/acme/web");
    expect(page.status).toBe(302);
    expect(page.res.headers.get("location")).toBe("/dashboard/auth/login?next=%2Fdashboard%2Frepos%2Facme%2Fweb");
    expect(page.text).toBe("");
  });

  test("sign in: a session cookie that is HttpOnly and SameSite=Lax, holding no readable token; then the API answers", async () => {
    const { jar, callback } = await signIn(bot, github, "alice");
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe("/dashboard");
    const set = callback.headers.getSetCookie().find((c) => c.startsWith("rerun_session="))!;
    expect(set).toMatch(/; Max-Age=604800; HttpOnly/);
    expect(set).toMatch(/; SameSite=Lax/);
    expect(set).not.toMatch(/Secure/); // plain http here
    const value = jar.cookies.get("rerun_session")!;
    expect(Buffer.from(value, "base64url").toString("latin1")).not.toMatch(/ghu_|alice/);
    // The OAuth endpoints are on the GHES host's root; the API under /api/v3.
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(["GET /login/oauth/authorize", "POST /login/oauth/access_token", "GET /user"]));
    const { status, text } = await getJson(jar, "/api/v1/repos");
    expect(status).toBe(200);
    const repos = JSON.parse(text).repositories;
    expect(repos.map((r: { name: string }) => r.name)).toEqual(["acme/api", "acme/docs", SECRET_REPO, "acme/web"]);
    // A repo the ledger never saw, with zero counts.
    expect(repos[1]).toEqual({ name: "acme/docs", private: false, catches30: 0, flakyJobs: 0, brokenJobs: 0, reruns30: 0, green30: 0, costSeconds30: 0, redSeconds30: 0 });
  });

  test("over https (X-Forwarded-Proto) the cookies are Secure and the callback address is https", async () => {
    const res = await fetch(url("/dashboard/auth/login"), { redirect: "manual", headers: { "x-forwarded-proto": "https" } });
    expect(res.headers.getSetCookie()[0]).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
    expect(new URL(res.headers.get("location")!).searchParams.get("redirect_uri")).toBe(`https://127.0.0.1:${bot.port}/dashboard/auth/callback`);
  });

  test("a GitHub token as Bearer works like the session, checked with GitHub once and then remembered briefly", async () => {
    // A person this server has not seen yet (what each person sees is cached for five minutes).
    const token = github.person("carol");
    github.installations[0].repos[0].readers.push("carol");
    const first = await getJson(null, "/api/v1/repos/acme/web/jobs", { authorization: `Bearer ${token}` });
    const second = await getJson(null, "/api/v1/repos", { authorization: `Bearer ${token}` });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(JSON.parse(second.text).repositories.map((r: { name: string }) => r.name)).toEqual(["acme/web"]);
    expect(github.requests.filter((r) => r.path === "/user")).toHaveLength(1);
    expect(github.requests.filter((r) => r.path.startsWith("/user/installations?"))).toHaveLength(1);
    expect(bot.output()).not.toContain(token);
    // A personal access token cannot list the app's installations: GitHub answers 403, and so does the bot.
    const pat = github.person("dave", "personal");
    const refused = await getJson(null, "/api/v1/repos", { authorization: `Bearer ${pat}` });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("use a user access token of this app");
  });

  test("logout ends the session", async () => {
    const { jar } = await signIn(bot, github, "alice");
    const out = await jar.fetch(url("/dashboard/auth/logout"), { method: "POST" });
    expect(out.status).toBe(303);
    expect(jar.cookies.has("rerun_session")).toBe(false);
    expect((await getJson(jar, "/api/v1/repos")).status).toBe(401);
  });

  test("an expiring token is refreshed with its refresh token; once the refresh token is spent, sign in again", async () => {
    github.oauth.expiring = true;
    github.oauth.expiresIn = 30; // inside the bot's one-minute margin: refreshed on the next request
    const { jar } = await signIn(bot, github, "alice");
    const stale = jar.header();
    const { status, res } = await getJson(jar, "/api/v1/repos");
    expect(status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("rerun_session="))).toBe(true);
    const refresh = github.requests.filter((r) => r.path === "/login/oauth/access_token" && r.body?.grant_type === "refresh_token");
    expect(refresh).toHaveLength(1);
    // The old cookie's refresh token was used: GitHub refuses it, so that browser must sign in again.
    expect((await getJson(null, "/api/v1/repos", { cookie: stale })).status).toBe(401);
    expect((await getJson(null, "/dashboard", { cookie: stale })).res.headers.get("location")).toMatch(/^\/dashboard\/auth\/login/);
  });
});

describe("the OAuth callback", () => {
  const noSession = (res: Response) => expect(res.headers.getSetCookie().filter((c) => c.startsWith("rerun_session=") && !/Max-Age=0/.test(c))).toEqual([]);

  /** Starts a sign-in in `jar` and lets GitHub answer: the callback address GitHub sends the browser to. */
  async function pendingCallback(jar: Jar, login = "alice"): Promise<URL> {
    github.browserLogin = login;
    const start = await jar.fetch(url("/dashboard/auth/login"));
    return new URL((await fetch(start.headers.get("location")!, { redirect: "manual" })).headers.get("location")!);
  }

  test("a wrong state: 400, no session", async () => {
    const jar = new Jar();
    const back = await pendingCallback(jar);
    back.searchParams.set("state", "x".repeat(32));
    const res = await jar.fetch(back.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("does not match the sign-in this browser started");
    noSession(res);
  });

  test("a missing state: 400, no session", async () => {
    const jar = new Jar();
    const back = await pendingCallback(jar);
    back.searchParams.delete("state");
    const res = await jar.fetch(back.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("has no state parameter");
    noSession(res);
  });

  test("a forged callback (another browser's code and state, no sign-in started here): 400, no session", async () => {
    // The attacker starts a sign-in in their own browser and sends the callback link to a victim.
    const link = await pendingCallback(new Jar(), "bob");
    const victim = new Jar();
    const res = await victim.fetch(link.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("No sign-in was started from this browser");
    noSession(res);
    expect(victim.cookies.has("rerun_session")).toBe(false);
  });

  test("a replayed callback, even with the browser's own state cookie: 400, no second session", async () => {
    const jar = new Jar();
    const link = await pendingCallback(jar);
    const pending = jar.header();
    const first = await fetch(link, { redirect: "manual", headers: { cookie: pending } });
    expect(first.status).toBe(302);
    const replay = await fetch(link, { redirect: "manual", headers: { cookie: pending } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("This sign-in answer was already used.");
    noSession(replay);
  });

  test("a code GitHub refuses (GitHub answers 200 with an error): 400 that says so, no session", async () => {
    const jar = new Jar();
    const back = await pendingCallback(jar);
    back.searchParams.set("code", "not-a-code");
    const res = await jar.fetch(back.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("GitHub refused the sign-in code: The code passed is incorrect or expired.");
    noSession(res);
  });
});

describe("scoping", () => {
  const hiddenNames = [SECRET_REPO, "secret-payments", SECRET_JOB, "ledger-sync", "other/elsewhere"];

  test("a repo the caller cannot see answers exactly as a missing repo: same status, same body but the name", async () => {
    const { jar } = await signIn(bot, github, "bob");
    for (const [hidden, missing] of [
      [`/api/v1/repos/${SECRET_REPO}/jobs`, "/api/v1/repos/acme/no-such-repo/jobs"],
      ["/api/v1/repos/other/elsewhere/jobs", "/api/v1/repos/acme/no-such-repo/jobs"],
      [`/dashboard/repos/${SECRET_REPO}`, "/dashboard/repos/acme/no-such-repo"],
      [`/dashboard/repos/${SECRET_REPO}/job?workflow=CI&job=${SECRET_JOB}`, "/dashboard/repos/acme/no-such-repo/job?workflow=CI&job=x"],
    ]) {
      const a = await getJson(jar, hidden);
      const b = await getJson(jar, missing);
      expect([a.status, b.status]).toEqual([404, 404]);
      const hiddenName = hidden.includes("elsewhere") ? "other/elsewhere" : SECRET_REPO;
      expect(a.text.replaceAll(hiddenName, "NAME")).toBe(b.text.replaceAll("acme/no-such-repo", "NAME"));
      expect(a.res.headers.get("content-type")).toBe(b.res.headers.get("content-type"));
    }
    // Alice can read it.
    const { jar: alice } = await signIn(bot, github, "alice");
    expect((await getJson(alice, `/api/v1/repos/${SECRET_REPO}/jobs`)).status).toBe(200);
  });

  test("bob never sees the private repo: not its name, its jobs or its counts, in the API or the pages", async () => {
    const { jar } = await signIn(bot, github, "bob");
    const repos = JSON.parse((await getJson(jar, "/api/v1/repos")).text).repositories;
    expect(repos.map((r: { name: string }) => r.name)).toEqual(["acme/api", "acme/docs", "acme/web"]);
    const org = JSON.parse((await getJson(jar, "/api/v1/org")).text);
    // acme/web: 8 + 1 + 2 catches, acme/api: 3; the private repo's 11 are not in the sum.
    expect(org).toMatchObject({ catches30: 14, repositories: 3 });
    expect(org.broken.map((j: { job: string }) => j.job)).toEqual(["deploy"]);
    // Each repo by its own breaker.after: acme/api's 3 red runs of "migrations" are below its 5.
    const api = JSON.parse((await getJson(jar, "/api/v1/repos/acme/api/jobs")).text);
    expect(api.thresholds).toEqual({ flakyCatches30: 2, brokenRedRuns: 5 });
    expect(api.jobs.find((j: { job: string }) => j.job === "migrations")).toMatchObject({ health: "healthy", redStreak: 3 });
    const { jar: alice } = await signIn(bot, github, "alice");
    expect(JSON.parse((await getJson(alice, "/api/v1/org")).text)).toMatchObject({ catches30: 25, repositories: 4 });
    for (const path of ["/api/v1/repos", "/api/v1/org", "/api/v1/repos/acme/web/jobs", "/api/v1/repos/acme/api/jobs", "/dashboard", "/dashboard/repos/acme/web", "/dashboard/repos/acme/api"]) {
      const { status, text } = await getJson(jar, path);
      expect([path, status]).toEqual([path, 200]);
      for (const name of hiddenNames) expect([path, text.includes(name)]).toEqual([path, false]);
    }
  });
});

describe("escaping", () => {
  test("a job name holding HTML and Markdown is text in every page and inert in the API", async () => {
    const { jar } = await signIn(bot, github, "alice");
    const overview = (await getJson(jar, "/dashboard")).text;
    const repo = (await getJson(jar, "/dashboard/repos/acme/web")).text;
    const link = /href="([^"]*job\?workflow=CI&amp;job=%3Cimg[^"]*)"/.exec(repo)?.[1];
    expect(link).toBeDefined();
    const jobPage = await getJson(jar, link!.replaceAll("&amp;", "&"));
    expect(jobPage.status).toBe(200);
    for (const html of [overview, repo, jobPage.text]) {
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain("<script>");
      expect(html).not.toContain('href="http://evil.example');
      expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; **bold** [link](http://evil.example) &lt;script&gt;alert(2)&lt;/script&gt;");
    }
    const api = await getJson(jar, "/api/v1/repos/acme/web/jobs");
    expect(api.res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(api.res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.text).not.toContain("<img");
    expect(JSON.parse(api.text).jobs.map((j: { job: string }) => j.job)).toContain(EVIL_JOB);
    expect(overview).toMatch(/content-security-policy|<style>/);
  });

  test("the pages load nothing from elsewhere: a policy that allows no script and no outside address", async () => {
    const { jar } = await signIn(bot, github, "alice");
    const { res, text } = await getJson(jar, "/dashboard");
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; img-src data:;/);
    expect([res.headers.get("cache-control"), res.headers.get("referrer-policy")]).toEqual(["no-store", "no-referrer"]);
    expect(text).not.toMatch(/<script|src="http|href="https?:\/\/(?!github\.com)/);
  });
});

describe("without the settings", () => {
  test("the org view is off, /dashboard names the settings, and the bot works as before", async () => {
    const off = await startBot(github.port, { DATA_DIR: dataDir, GITHUB_CLIENT_ID: github.oauth.clientId, SESSION_SECRET: "too-short" });
    try {
      const res = await fetch(`http://127.0.0.1:${off.port}/dashboard`);
      const html = await res.text();
      expect(res.status).toBe(503);
      expect(html).toContain("GITHUB_CLIENT_SECRET is not set");
      expect(html).toContain("SESSION_SECRET must be at least 32 characters (it has 9)");
      for (const name of ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "SESSION_SECRET"]) expect(html).toContain(name);
      expect((await fetch(`http://127.0.0.1:${off.port}/api/v1/repos`)).status).toBe(503);
      expect((await fetch(`http://127.0.0.1:${off.port}/health`)).status).toBe(200);
      expect(await off.send("workflow_run", { action: "completed", workflow_run: { conclusion: "success" } })).toBe(200);
    } finally {
      await off.stop();
    }
  });
});

describeWithRedis("with REDIS_URL", () => {
  test("the org view reads the Redis ledger, with the same scoping", async () => {
    const redis = await startRedis();
    const store = new RedisStore(redis.url);
    const onRedis = await startBot(github.port, { ...orgViewEnv(github, dataDir), REDIS_URL: redis.url });
    try {
      await seedLedger(new RedisLedger(store));
      const { jar } = await signIn(onRedis, github, "bob");
      const res = await jar.fetch(`http://127.0.0.1:${onRedis.port}/api/v1/repos`);
      const repos = (await res.json()).repositories;
      expect(repos.map((r: { name: string; catches30: number }) => [r.name, r.catches30])).toEqual([
        ["acme/api", 3],
        ["acme/docs", 0],
        ["acme/web", 11],
      ]);
      const hidden = await jar.fetch(`http://127.0.0.1:${onRedis.port}/api/v1/repos/${SECRET_REPO}/jobs`);
      expect(hidden.status).toBe(404);
      // The sign-in's state was claimed in Redis, where every instance sees it.
      expect((await store.client.keys("*oauth-state:*")).length).toBeGreaterThan(0);
    } finally {
      await onRedis.stop();
      await store.close();
      await redis.stop();
    }
  }, 30_000);
});
