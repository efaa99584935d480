/**
 * A small fake of GitHub's REST API on 127.0.0.1, serving under /api/v3 the endpoints the bot uses,
 * with per-repo state set by each test. It records every request and flags any whose method and
 * path GitHub's REST API does not have (the route list Octokit's REST methods carry).
 */
import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ProbotOctokit } from "probot";

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** When it arrived (ms since the epoch). */
  at: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RepoState {
  config: string | null;
  runs: Json[];
  jobs: Record<number, Json[]>;
  logs: Record<number, string>;
  /** Check-run annotations by job id (a job's check run has the job's id). */
  annotations: Record<number, Json[]>;
  permissions: Record<string, string>;
  pulls: Record<number, string>;
  /** Issues (the dashboard), as GitHub keeps them: number, title, body, labels, state. */
  issues: Json[];
}

/** A repo of an installation, and the people with explicit access to it (what /user/installations/{id}/repositories lists). */
export interface InstalledRepo {
  full_name: string;
  private: boolean;
  readers: string[];
}

export interface Installation {
  id: number;
  app_id: number;
  account: string;
  repos: InstalledRepo[];
}

/** The app's OAuth client as GitHub knows it; `expiring`: the app opted in to expiring user tokens. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  expiring: boolean;
  /** Seconds a user token lives when expiring (GitHub: 8 hours). */
  expiresIn: number;
}

interface UserToken {
  login: string;
  expiresAt: number | null;
  /** False for a token that is not a user access token of a GitHub App (a personal access token). */
  ofApp: boolean;
}

/** GitHub's limit on an issue's body (REST docs). */
export const MAX_ISSUE_BODY = 65_536;

/** Answers to force: the next `times` requests matching `method path` get this status and body. */
interface Injected {
  method: string;
  path: RegExp;
  status: number;
  body: Json;
  headers?: Record<string, string>;
  times: number;
  delayMs?: number;
  /** GitHub did the work at once but its answer is late (the caller may be gone by then). */
  answerDelayMs?: number;
}

/** GitHub's `created` qualifier: `A..B`, `>=A`, `>A`, `<=A`, `<A` or `A`; a date alone means its whole day (UTC). */
export function inCreated(q: string | null, at: string): boolean {
  if (!q) return true;
  const t = Date.parse(at);
  const bound = (s: string, end: boolean) =>
    s === "*" ? (end ? Infinity : -Infinity) : /^\d{4}-\d\d-\d\d$/.test(s) ? Date.parse(`${s}T00:00:00Z`) + (end ? 86_399_999 : 0) : Date.parse(s);
  let m: RegExpExecArray | null;
  if ((m = /^(.+)\.\.(.+)$/.exec(q))) return t >= bound(m[1], false) && t <= bound(m[2], true);
  if ((m = /^>=(.+)$/.exec(q))) return t >= bound(m[1], false);
  if ((m = /^>(.+)$/.exec(q))) return t > bound(m[1], true);
  if ((m = /^<=(.+)$/.exec(q))) return t <= bound(m[1], true);
  if ((m = /^<(.+)$/.exec(q))) return t < bound(m[1], false);
  return t >= bound(q, false) && t <= bound(q, true);
}

function githubRoutes(): { method: string; re: RegExp }[] {
  const octokit = new ProbotOctokit() as unknown as { rest: Record<string, Record<string, { endpoint?: { DEFAULTS: { method: string; url: string } } }>> };
  const routes: { method: string; re: RegExp }[] = [];
  for (const ns of Object.values(octokit.rest)) {
    for (const fn of Object.values(ns)) {
      const d = fn.endpoint?.DEFAULTS;
      if (!d) continue;
      const pattern = d.url.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\}/g, "[^/]+");
      routes.push({ method: d.method, re: new RegExp(`^${pattern}$`) });
    }
  }
  return routes;
}

const ROUTES = githubRoutes();
export const routeCount = ROUTES.length;

export function isGitHubRoute(method: string, path: string): boolean {
  return ROUTES.some((r) => r.method === method && r.re.test(path));
}

/**
 * GitHub's secondary rate limit over a window: writes matching `path` are answered 403 with
 * `retry-after` (which may say less than the window lasts, as GitHub's can) until `untilMs`.
 */
interface Limit {
  path: RegExp;
  untilMs: number;
  retryAfterS: number;
  /** Requests answered with the limit. */
  answered: number;
}

export class FakeGitHub {
  readonly requests: Recorded[] = [];
  readonly limits: Limit[] = [];
  readonly unknownRoutes: string[] = [];
  readonly repos = new Map<string, RepoState>();
  readonly checkRuns: Json[] = [];
  readonly comments: Json[] = [];
  readonly injected: Injected[] = [];
  /** The app's webhook deliveries, as GET /app/hook/deliveries lists them (with each one's payload). */
  readonly deliveries: Json[] = [];
  /** Where a redelivery is sent, signed with `secret`. */
  webhookTarget: { url: string; secret: string } | null = null;
  /** The installation token GitHub issues (a test that looks for it in logs makes it unique). */
  installationToken = "ghs_fake";
  /** Sign in with GitHub: the app's client, the installations people can reach, their tokens. */
  readonly oauth: OAuthClient = { clientId: "Iv1.fakeclient0000", clientSecret: "fake-client-secret-0000", expiring: false, expiresIn: 8 * 3600 };
  readonly installations: Installation[] = [];
  /** Who the browser is signed in to GitHub as (GitHub's own session); null: GitHub asks to sign in. */
  browserLogin: string | null = null;
  readonly #people = new Map<string, number>();
  readonly #userTokens = new Map<string, UserToken>();
  readonly #refreshTokens = new Map<string, string>();
  readonly #codes = new Map<string, { login: string; redirectUri: string | null; at: number }>();
  #server: Server;
  #nextId = 1000;

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return this.port;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  repo(fullName: string, state: Partial<RepoState> = {}): RepoState {
    const repo: RepoState = { config: null, runs: [], jobs: {}, logs: {}, annotations: {}, permissions: {}, pulls: {}, issues: [], ...state };
    this.repos.set(fullName, repo);
    return repo;
  }

  inject(
    method: string,
    path: RegExp,
    status: number,
    body: Json,
    options: { times?: number; headers?: Record<string, string>; delayMs?: number; answerDelayMs?: number } = {},
  ) {
    this.injected.push({ method, path, status, body, times: options.times ?? 1, headers: options.headers, delayMs: options.delayMs, answerDelayMs: options.answerDelayMs });
  }

  /** Answers writes to paths matching `path` with the secondary limit until `untilMs`. */
  limit(path: RegExp, untilMs: number, retryAfterS = Math.ceil((untilMs - Date.now()) / 1000)): Limit {
    const limit = { path, untilMs, retryAfterS, answered: 0 };
    this.limits.push(limit);
    return limit;
  }

  /** Calls to GitHub's API other than installation tokens, as "METHOD /path". */
  calls(): string[] {
    return this.requests.filter((r) => !r.path.includes("/access_tokens") && !r.path.startsWith("/_logs")).map((r) => `${r.method} ${r.path}`);
  }

  reset(): void {
    this.requests.length = 0;
    this.unknownRoutes.length = 0;
    this.repos.clear();
    this.checkRuns.length = 0;
    this.comments.length = 0;
    this.injected.length = 0;
    this.deliveries.length = 0;
    this.limits.length = 0;
    this.webhookTarget = null;
    this.installations.length = 0;
    this.browserLogin = null;
    Object.assign(this.oauth, { expiring: false, expiresIn: 8 * 3600 });
    this.#people.clear();
    this.#userTokens.clear();
    this.#refreshTokens.clear();
    this.#codes.clear();
  }

  /** A GitHub user; returns a new user access token for them (as the web flow would give), or a personal access token. */
  person(login: string, kind: "app" | "personal" = "app"): string {
    if (!this.#people.has(login)) this.#people.set(login, 5000 + this.#people.size);
    const token = this.#issueToken(login).access_token as string;
    if (kind === "personal") this.#userTokens.get(token)!.ofApp = false;
    return token;
  }

  /** GitHub revokes or expires a user token. */
  revoke(token: string): void {
    this.#userTokens.delete(token);
  }

  #issueToken(login: string): Json {
    const token = `ghu_${createHash("sha256").update(`${login}:${this.#nextId++}:${Math.random()}`).digest("hex").slice(0, 36)}`;
    const expiring = this.oauth.expiring;
    this.#userTokens.set(token, { login, expiresAt: expiring ? Date.now() + this.oauth.expiresIn * 1000 : null, ofApp: true });
    const answer: Json = { access_token: token, token_type: "bearer", scope: "" };
    if (expiring) {
      const refresh = `ghr_${createHash("sha256").update(token).digest("hex").slice(0, 60)}`;
      this.#refreshTokens.set(refresh, login);
      Object.assign(answer, { expires_in: this.oauth.expiresIn, refresh_token: refresh, refresh_token_expires_in: 15_811_200 });
    }
    return answer;
  }

  /** The person a request's user token belongs to, or why not (GitHub answers 401 for both). */
  #userOf(req: IncomingMessage): UserToken | null {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
    const t = token ? this.#userTokens.get(token) : undefined;
    if (!t || (t.expiresAt !== null && t.expiresAt <= Date.now())) return null;
    return t;
  }

  /**
   * GitHub's page-based pagination: per_page (max 100), page, and a Link header to the next and last
   * pages that keeps the query's other parameters. `cap`: the most results GitHub lists for one query
   * (runs: 1,000), while total_count still counts them all.
   */
  #page(res: ServerResponse, path: string, query: URLSearchParams, key: string, items: Json[], cap = Infinity) {
    const perPage = Math.min(Math.max(Number(query.get("per_page") ?? 30) || 30, 1), 100);
    const page = Math.max(Number(query.get("page") ?? 1) || 1, 1);
    const listed = items.slice(0, cap);
    const last = Math.max(1, Math.ceil(listed.length / perPage));
    const link = (n: number) => {
      const q = new URLSearchParams(query);
      q.set("per_page", String(perPage));
      q.set("page", String(n));
      return `<http://127.0.0.1:${this.port}/api/v3${path}?${q}>`;
    };
    const links = page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : [];
    return this.#send(res, 200, { total_count: items.length, [key]: listed.slice((page - 1) * perPage, page * perPage) }, links.length ? { link: links.join(", ") } : {});
  }

  /** The OAuth web flow's two endpoints, on the host's root as on GitHub (and GHES). */
  #oauthRoute(method: string, path: string, query: URLSearchParams, body: Json | null, res: ServerResponse) {
    if (method === "GET" && path === "/login/oauth/authorize") {
      if (query.get("client_id") !== this.oauth.clientId) return this.#send(res, 404, "<h1>404</h1>");
      if (!this.browserLogin) return this.#send(res, 200, "Sign in to GitHub to continue to rerun-bot");
      const code = createHash("sha256").update(`code:${this.#nextId++}:${Math.random()}`).digest("hex").slice(0, 20);
      this.#codes.set(code, { login: this.browserLogin, redirectUri: query.get("redirect_uri"), at: Date.now() });
      const back = new URL(query.get("redirect_uri") ?? "http://invalid/");
      back.searchParams.set("code", code);
      if (query.get("state") !== null) back.searchParams.set("state", query.get("state")!);
      return this.#send(res, 302, "", { location: back.toString() });
    }
    if (method === "POST" && path === "/login/oauth/access_token") {
      // GitHub answers OAuth errors with 200 and an `error` field.
      const error = (code: string, description: string) =>
        this.#send(res, 200, { error: code, error_description: description, error_uri: `https://docs.github.com/apps/troubleshooting#${code}` });
      if (body?.client_id !== this.oauth.clientId || body?.client_secret !== this.oauth.clientSecret) {
        return error("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
      }
      if (body.grant_type === "refresh_token") {
        const login = this.#refreshTokens.get(String(body.refresh_token));
        if (!login) return error("bad_refresh_token", "The refresh token passed is incorrect or expired.");
        this.#refreshTokens.delete(String(body.refresh_token));
        return this.#send(res, 200, this.#issueToken(login));
      }
      const grant = this.#codes.get(String(body.code));
      this.#codes.delete(String(body.code)); // a code works once
      if (!grant || Date.now() - grant.at > 10 * 60_000) return error("bad_verification_code", "The code passed is incorrect or expired.");
      if (body.redirect_uri !== undefined && grant.redirectUri !== null && body.redirect_uri !== grant.redirectUri) {
        return error("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.");
      }
      return this.#send(res, 200, this.#issueToken(grant.login));
    }
    return this.#send(res, 404, { message: "Not Found" });
  }

  /** Records a delivery GitHub made (or failed to make) of `payload`. */
  addDelivery(event: string, payload: Json, statusCode: number, guid = `guid-${this.#nextId}`): Json {
    const d = {
      id: this.#nextId++,
      guid,
      delivered_at: new Date().toISOString(),
      redelivery: false,
      duration: 0.1,
      status: statusCode >= 200 && statusCode < 300 ? "OK" : statusCode === 0 ? "failed to connect" : `Invalid HTTP Response: ${statusCode}`,
      status_code: statusCode,
      event,
      action: typeof payload.action === "string" ? payload.action : null,
      installation_id: 1,
      repository_id: 1,
      payload,
    };
    this.deliveries.push(d);
    return d;
  }

  async #redeliver(res: ServerResponse, id: number) {
    const d = this.deliveries.find((x) => x.id === id);
    if (!d) return this.#send(res, 404, { message: "Not Found" });
    if (!this.webhookTarget) return this.#send(res, 422, { message: "No hook configured" });
    const body = JSON.stringify(d.payload);
    const signature = `sha256=${createHmac("sha256", this.webhookTarget.secret).update(body).digest("hex")}`;
    let status = 0;
    try {
      const r = await fetch(this.webhookTarget.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": d.event, "x-github-delivery": d.guid, "x-hub-signature-256": signature },
        body,
      });
      await r.text();
      status = r.status;
    } catch {
      status = 0;
    }
    this.addDelivery(d.event, d.payload, status, d.guid).redelivery = true;
    return this.#send(res, 202, {});
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: Json | null = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(raw)) : null;
    }
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    const fullPath = url.pathname;
    if (fullPath.startsWith("/login/oauth/")) {
      this.requests.push({ method, path: fullPath, headers: req.headers, body, at: Date.now() });
      return this.#oauthRoute(method, fullPath, url.searchParams, body, res);
    }
    if (!fullPath.startsWith("/api/v3/") && !fullPath.startsWith("/_logs/")) {
      return this.#send(res, 404, { message: "Not Found" });
    }
    const path = fullPath.replace(/^\/api\/v3/, "");
    this.requests.push({ method, path: decodeURIComponent(path) + url.search, headers: req.headers, body, at: Date.now() });
    if (!path.startsWith("/_logs/") && !isGitHubRoute(method, path)) {
      this.unknownRoutes.push(`${method} ${path}`);
      return this.#send(res, 404, { message: "Not Found (no such GitHub route)" });
    }
    const limit = method !== "GET" && this.limits.find((l) => Date.now() < l.untilMs && l.path.test(decodeURIComponent(path)));
    if (limit) {
      limit.answered++;
      // GitHub's words and headers for a secondary limit (REST docs, "rate limits").
      return this.#send(
        res,
        403,
        { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" },
        { "retry-after": String(limit.retryAfterS), "x-ratelimit-remaining": "4000", "x-ratelimit-limit": "5000" },
      );
    }
    const inj = this.injected.find((i) => i.times > 0 && i.method === method && i.path.test(decodeURIComponent(path)));
    if (inj) {
      inj.times--;
      if (inj.delayMs) await new Promise((r) => setTimeout(r, inj.delayMs));
      if (inj.answerDelayMs) {
        const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
        res.end = ((...a: unknown[]) => {
          setTimeout(() => {
            if (!res.destroyed) end(...a);
          }, inj.answerDelayMs);
          return res;
        }) as typeof res.end;
      }
      if (inj.status > 0) return this.#send(res, inj.status, inj.body, inj.headers);
    }
    try {
      this.#route(method, decodeURIComponent(path), url.searchParams, body, req, res);
    } catch (err) {
      this.#send(res, 500, { message: String(err) });
    }
  }

  #send(res: ServerResponse, status: number, body: Json | string, headers: Record<string, string> = {}) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
      ...headers,
    });
    res.end(text);
  }

  #route(method: string, path: string, query: URLSearchParams, body: Json | null, req: IncomingMessage, res: ServerResponse) {
    let m: RegExpMatchArray | null;
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      return this.#send(res, 201, { token: this.installationToken, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} });
    }
    if ((m = path.match(/^\/_logs\/(\d+)$/))) {
      const log = this.#findLog(Number(m[1]));
      const range = /^bytes=-(\d+)$/.exec(String(req.headers.range ?? ""));
      if (log === null) return this.#send(res, 404, { message: "Not Found" });
      return range ? this.#send(res, 206, log.slice(-Number(range[1]))) : this.#send(res, 200, log);
    }
    if (method === "GET" && path === "/app/hook/deliveries") {
      // Newest first, without their payloads, as GitHub lists them.
      const list = [...this.deliveries].reverse().map(({ payload: _p, ...d }) => d);
      return this.#send(res, 200, list.slice(0, Number(query.get("per_page") ?? 30)));
    }
    if ((m = path.match(/^\/app\/hook\/deliveries\/(\d+)\/attempts$/)) && method === "POST") {
      return void this.#redeliver(res, Number(m[1]));
    }
    if (path === "/user" || path.startsWith("/user/")) {
      const user = this.#userOf(req);
      if (!user) return this.#send(res, 401, { message: req.headers.authorization ? "Bad credentials" : "Requires authentication" });
      const login = user.login;
      if (path.startsWith("/user/installations") && !user.ofApp) {
        return this.#send(res, 403, { message: "You must authenticate with an access token authorized to a GitHub App in order to list installations" });
      }
      const reads = (i: Installation) => i.repos.filter((r) => r.readers.includes(login));
      if (method === "GET" && path === "/user") return this.#send(res, 200, { login, id: this.#people.get(login) ?? 1, type: "User" });
      if (method === "GET" && path === "/user/installations") {
        const list = this.installations.filter((i) => reads(i).length > 0).map((i) => ({ id: i.id, app_id: i.app_id, account: { login: i.account }, target_type: "Organization" }));
        return this.#page(res, path, query, "installations", list);
      }
      if ((m = path.match(/^\/user\/installations\/(\d+)\/repositories$/)) && method === "GET") {
        const inst = this.installations.find((i) => i.id === Number(m![1]));
        if (!inst || reads(inst).length === 0) return this.#send(res, 404, { message: "Not Found" });
        return this.#page(res, path, query, "repositories", reads(inst).map((r) => ({ full_name: r.full_name, name: r.full_name.split("/")[1], private: r.private })));
      }
      return this.#send(res, 404, { message: "Not Found" });
    }
    m = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)$/);
    if (!m) return this.#send(res, 404, { message: "Not Found" });
    const m0 = m;
    const repo = this.repos.get(`${m[1]}/${m[2]}`);
    const rest = m[3];
    if (!repo) return this.#send(res, 404, { message: "Not Found" });

    if (method === "GET" && rest === "/contents/.github/rerun.yml") {
      if (repo.config === null) return this.#send(res, 404, { message: "Not Found" });
      const etag = `"${createHash("sha1").update(repo.config).digest("hex")}"`;
      if (req.headers["if-none-match"] === etag) return this.#send(res, 304, "");
      return this.#send(res, 200, repo.config, { etag });
    }
    if (method === "GET" && rest === "/actions/runs") {
      // Newest first; `status` takes a status or a conclusion; `created` GitHub's date syntax; at most 1,000 listed.
      const status = query.get("status");
      const runs = repo.runs
        .filter((r) => !query.get("head_sha") || r.head_sha === query.get("head_sha"))
        .filter((r) => !status || r.status === status || r.conclusion === status)
        .filter((r) => inCreated(query.get("created"), String(r.created_at)))
        .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)) || b.id - a.id);
      return this.#page(res, `/repos/${m0[1]}/${m0[2]}${rest}`, query, "workflow_runs", runs, 1000);
    }
    if ((m = rest.match(/^\/actions\/runs\/(\d+)\/attempts\/(\d+)\/jobs$/)) && method === "GET") {
      const run = repo.runs.find((r) => r.id === Number(m![1]));
      if (!run || Number(m[2]) < 1 || Number(m[2]) > run.run_attempt) return this.#send(res, 404, { message: "Not Found" });
      const jobs = (repo.jobs[run.id] ?? []).filter((j) => (j.run_attempt ?? 1) === Number(m![2]));
      return this.#page(res, `/repos/${m0[1]}/${m0[2]}${rest}`, query, "jobs", jobs);
    }
    if ((m = rest.match(/^\/actions\/runs\/(\d+)$/)) && method === "GET") {
      const run = repo.runs.find((r) => r.id === Number(m![1]));
      return run ? this.#send(res, 200, run) : this.#send(res, 404, { message: "Not Found" });
    }
    if ((m = rest.match(/^\/actions\/runs\/(\d+)\/jobs$/)) && method === "GET") {
      const jobs = repo.jobs[Number(m[1])] ?? [];
      const latest = query.get("filter") !== "all";
      const run = repo.runs.find((r) => r.id === Number(m![1]));
      const list = latest && run ? jobs.filter((j) => (j.run_attempt ?? 1) === run.run_attempt || !jobs.some((k) => k.name === j.name && (k.run_attempt ?? 1) > (j.run_attempt ?? 1))) : jobs;
      return this.#send(res, 200, { total_count: list.length, jobs: list });
    }
    if ((m = rest.match(/^\/check-runs\/(\d+)\/annotations$/)) && method === "GET") {
      // GitHub: a job's check run has the job's id; an unknown check run is a 404, none is [].
      const id = Number(m[1]);
      const known = Object.values(repo.jobs).some((jobs) => jobs.some((j) => j.id === id)) || this.checkRuns.some((c) => c.id === id);
      if (!known) return this.#send(res, 404, { message: "Not Found" });
      const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
      return this.#send(res, 200, (repo.annotations[id] ?? []).slice(0, perPage));
    }
    if ((m = rest.match(/^\/actions\/jobs\/(\d+)\/logs$/)) && method === "GET") {
      return this.#send(res, 302, "", { location: `http://127.0.0.1:${this.port}/_logs/${m[1]}` });
    }
    if ((m = rest.match(/^\/actions\/runs\/(\d+)\/rerun-failed-jobs$/)) && method === "POST") {
      return this.#rerun(res, repo.runs.find((r) => r.id === Number(m![1])));
    }
    if ((m = rest.match(/^\/actions\/jobs\/(\d+)\/rerun$/)) && method === "POST") {
      const runId = Number(Object.entries(repo.jobs).find(([, jobs]) => jobs.some((j) => j.id === Number(m![1])))?.[0]);
      return this.#rerun(res, repo.runs.find((r) => r.id === runId));
    }
    if ((m = rest.match(/^\/collaborators\/([^/]+)\/permission$/)) && method === "GET") {
      const perm = repo.permissions[m[1]];
      return perm ? this.#send(res, 200, { permission: perm === "maintain" ? "write" : perm === "triage" ? "read" : perm, role_name: perm, user: { login: m[1] } }) : this.#send(res, 404, { message: "Not Found" });
    }
    if ((m = rest.match(/^\/pulls\/(\d+)$/)) && method === "GET") {
      const sha = repo.pulls[Number(m[1])];
      return sha ? this.#send(res, 200, { number: Number(m[1]), head: { sha } }) : this.#send(res, 404, { message: "Not Found" });
    }
    if ((m = rest.match(/^\/actions\/workflows\/(\d+)\/runs$/)) && method === "GET") {
      // created=>=YYYY-MM-DD; total_count counts every match, whatever the page size.
      const since = /^>=(.+)$/.exec(query.get("created") ?? "")?.[1];
      const runs = repo.runs.filter((r) => r.workflow_id === Number(m![1]) && (!since || String(r.created_at) >= since));
      return this.#send(res, 200, { total_count: runs.length, workflow_runs: runs.slice(0, Number(query.get("per_page") ?? 30)) });
    }
    if (rest === "/issues" && method === "GET") {
      const labels = (query.get("labels") ?? "").split(",").filter(Boolean);
      const state = query.get("state") ?? "open";
      const list = [...repo.issues]
        .filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.some((x: Json) => x.name === l)))
        .sort((a, b) => b.number - a.number);
      return this.#send(res, 200, list.slice(0, Math.min(Number(query.get("per_page") ?? 30), 100)));
    }
    if (rest === "/issues" && method === "POST") {
      if (typeof body?.title !== "string" || body.title === "") return this.#send(res, 422, { message: "Validation Failed", errors: [{ field: "title", code: "missing_field" }] });
      if (typeof body.body === "string" && body.body.length > MAX_ISSUE_BODY) {
        return this.#send(res, 422, { message: "Validation Failed", errors: [{ resource: "Issue", code: "custom", field: "body", message: "body is too long (maximum is 65536 characters)" }] });
      }
      // A label that does not exist yet is created with the issue.
      const issue = { number: 0, title: body.title, body: body.body ?? "", state: "open", labels: (body.labels ?? []).map((name: string) => ({ name })) };
      issue.number = Math.max(99, ...repo.issues.map((i) => i.number)) + 1; // clear of the fake PR numbers
      repo.issues.push(issue);
      return this.#send(res, 201, issue);
    }
    if ((m = rest.match(/^\/issues\/(\d+)$/)) && method === "PATCH") {
      const issue = repo.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return this.#send(res, 404, { message: "Not Found" });
      if (typeof body?.body === "string" && body.body.length > MAX_ISSUE_BODY) {
        return this.#send(res, 422, { message: "Validation Failed", errors: [{ resource: "Issue", code: "custom", field: "body", message: "body is too long (maximum is 65536 characters)" }] });
      }
      Object.assign(issue, body);
      return this.#send(res, 200, issue);
    }
    if ((m = rest.match(/^\/issues\/(\d+)\/comments$/)) && method === "POST") {
      this.comments.push({ issue: Number(m[1]), body: body?.body });
      return this.#send(res, 201, { id: this.#nextId++ });
    }
    if (rest.match(/^\/issues\/comments\/\d+\/reactions$/) && method === "POST") return this.#send(res, 201, { id: this.#nextId++ });
    if (rest === "/check-runs" && method === "POST") {
      const id = this.#nextId++;
      this.checkRuns.push({ id, ...body });
      return this.#send(res, 201, { id });
    }
    if ((m = rest.match(/^\/check-runs\/(\d+)$/)) && method === "PATCH") {
      const check = this.checkRuns.find((c) => c.id === Number(m![1]));
      if (!check) return this.#send(res, 404, { message: "Not Found" });
      Object.assign(check, body);
      return this.#send(res, 200, { id: check.id });
    }
    return this.#send(res, 404, { message: "Not Found" });
  }

  #rerun(res: ServerResponse, run: Json | undefined) {
    if (!run) return this.#send(res, 404, { message: "Not Found" });
    if (run.status !== "completed") return this.#send(res, 403, { message: "This workflow is already running" });
    if (Date.now() - Date.parse(run.created_at) > 30 * 86_400_000) {
      return this.#send(res, 403, { message: "Unable to retry this workflow run because it was created over a month ago" });
    }
    run.status = "queued";
    run.conclusion = null;
    run.run_attempt += 1;
    return this.#send(res, 201, {});
  }

  #findLog(jobId: number): string | null {
    for (const repo of this.repos.values()) if (jobId in repo.logs) return repo.logs[jobId];
    return null;
  }
}
