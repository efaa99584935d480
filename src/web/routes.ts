/**
 * The org view's HTTP routes, added to Probot's server: HTML pages under /dashboard and a JSON API
 * under /api/v1, both for signed-in people only and both scoped to the repos each person can see.
 * A repo they cannot see answers exactly as one that does not exist (404, the same body but the name).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LedgerEntry } from "../domain/ledger.js";
import { DEFAULT_THRESHOLDS } from "../policy/job-health.js";
import { orgView, repoView, type JobView, type RepoView } from "../policy/org-view.js";
import type { Ledger } from "../state/ledger.js";
import type { Store } from "../state/store.js";
import { Access, type Caller } from "./access.js";
import { esc } from "./escape.js";
import { GitHubRefused, githubUser, type GitHubUser, type VisibleRepo } from "./github-user.js";
import { jobPage, noticePage, notFoundPage, offPage, overviewPage, repoPage, SECURITY_HEADERS } from "./pages.js";
import type { WebConfig } from "./settings.js";
import { SignIn } from "./sign-in.js";
import { scopedViews } from "./views.js";

export interface OrgViewDeps {
  ledger: Ledger;
  store: Store;
  appId: number | null;
  now: () => Date;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** For tests: GitHub as the person sees it. */
  user?: GitHubUser;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

function send(res: ServerResponse, status: number, type: "html" | "json", body: string, headers: Record<string, string | string[]> = {}): true {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type === "html" ? "text/html; charset=utf-8" : "application/json; charset=utf-8", ...headers });
  res.end(body);
  return true;
}

/** JSON that stays inert even if pasted into HTML: <, > and & are escaped as \u00XX. */
function json(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const apiNotFound = (name: string) => json({ message: "Not Found", repository: name });

function jobJson(j: JobView, entries?: LedgerEntry[]) {
  return {
    workflow: j.workflow,
    job: j.job,
    health: j.verdict.health,
    reason: j.verdict.reason,
    catches7: j.catches7,
    catches30: j.catches30,
    redRuns30: j.red30,
    redStreak: j.redStreak,
    costSeconds30: j.costSeconds30,
    flakySince: j.firstCatch === null ? null : new Date(j.firstCatch).toISOString(),
    stopped: j.trip ? { since: new Date(j.trip.since).toISOString(), redRuns: j.trip.runs.length } : null,
    ...(entries
      ? {
          catches: entries
            .filter((e) => e.kind === "catch" && e.workflow === j.workflow && e.job === j.job)
            .slice(-20)
            .reverse()
            .map((e) => ({ at: new Date(e.at).toISOString(), runId: e.runId, runNumber: e.runNumber, attempt: e.attempt, url: e.url, category: e.category, evidence: e.evidence, costSeconds: e.costSeconds })),
        }
      : {}),
  };
}

function repoJson(r: RepoView, visible: VisibleRepo | undefined) {
  return {
    name: r.repo,
    private: visible?.private ?? null,
    catches30: r.catches30,
    flakyJobs: r.jobs.filter((j) => j.verdict.health === "flaky").length,
    brokenJobs: r.jobs.filter((j) => j.verdict.health === "broken").length,
    reruns30: r.reruns30,
    green30: r.green30,
    costSeconds30: r.costSeconds30,
    redSeconds30: r.redSeconds30,
  };
}

/** `/dashboard/repos/{owner}/{repo}[/job]` and `/api/v1/repos/{owner}/{repo}[/jobs]`: the parts, decoded. */
function repoRoute(path: string, prefix: string, tails: string[]): { repo: string; tail: string } | null {
  if (!path.startsWith(prefix)) return null;
  const parts = path.slice(prefix.length).split("/");
  const tail = parts.slice(2).join("/");
  if (parts.length < 2 || !parts[0] || !parts[1] || !tails.includes(tail)) return null;
  try {
    return { repo: `${decodeURIComponent(parts[0])}/${decodeURIComponent(parts[1])}`, tail };
  } catch {
    return null;
  }
}

export function orgViewHandler(deps: OrgViewDeps, config: WebConfig): Handler {
  if (!config.on) {
    if (config.problems.length < 3) deps.log.warn({ problems: config.problems }, "the org view (/dashboard) is off");
    return async (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/dashboard" || path.startsWith("/dashboard/")) return send(res, 503, "html", offPage(config.problems));
      if (path.startsWith("/api/v1/")) return send(res, 503, "json", json({ message: `The org view is off: ${config.problems.join("; ")}` }));
      return false;
    };
  }
  const { settings } = config;
  const now = () => deps.now().getTime();
  const user = deps.user ?? githubUser(settings.apiBase);
  const signIn = new SignIn(settings, deps.store, user, now);
  const access = new Access(signIn, user, deps.appId, now);
  const ledgerRepos = () => deps.ledger.repos();

  async function views(caller: Caller) {
    const scope = await access.scope(caller, ledgerRepos);
    return { scope, views: await scopedViews(deps.ledger, scope, now()) };
  }

  /** One repo the caller can see, with its entries; null answers exactly as a missing repo. */
  async function oneRepo(caller: Caller, name: string) {
    const scope = await access.scope(caller, ledgerRepos);
    const visible = scope.get(name.toLowerCase());
    if (!visible) return null;
    const entries = (await ledgerRepos()).includes(visible.fullName.toLowerCase()) ? await deps.ledger.list(visible.fullName) : [];
    return { visible, entries, view: repoView(visible.fullName, entries, now()) };
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, caller: Caller, cookies: Record<string, string | string[]>): Promise<true> {
    if (req.method !== "GET") return send(res, 405, "json", json({ message: "Only GET" }), { ...cookies, allow: "GET" });
    if (path === "/api/v1/repos") {
      const { scope, views: all } = await views(caller);
      return send(res, 200, "json", json({ repositories: all.map((v) => repoJson(v, scope.get(v.repo.toLowerCase()))) }), cookies);
    }
    if (path === "/api/v1/org") {
      const org = orgView((await views(caller)).views);
      const { repos: _repos, byCatches, byCost, broken, ...totals } = org;
      const ranked = (js: JobView[]) => js.map((j) => ({ repository: j.repo, ...jobJson(j) }));
      return send(res, 200, "json", json({ ...totals, repositories: org.repos.length, byCatches: ranked(byCatches), byCost: ranked(byCost), broken: ranked(broken) }), cookies);
    }
    const route = repoRoute(path, "/api/v1/repos/", ["jobs"]);
    if (route) {
      const found = await oneRepo(caller, route.repo);
      if (!found) return send(res, 404, "json", apiNotFound(route.repo), cookies);
      return send(res, 200, "json", json({ repository: found.visible.fullName, thresholds: found.view.thresholds, jobs: found.view.jobs.map((j) => jobJson(j, found.entries)) }), cookies);
    }
    return send(res, 404, "json", json({ message: "Not Found" }), cookies);
  }

  async function page(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, caller: Caller, cookies: Record<string, string | string[]>): Promise<true> {
    if (req.method !== "GET") return send(res, 405, "html", noticePage("Method not allowed", "<p>Only GET here.</p>", caller.login), { ...cookies, allow: "GET" });
    if (path === "/dashboard" || path === "/dashboard/") {
      return send(res, 200, "html", overviewPage(orgView((await views(caller)).views), caller.login, now(), DEFAULT_THRESHOLDS), cookies);
    }
    const route = repoRoute(path, "/dashboard/repos/", ["", "job"]);
    if (!route) return send(res, 404, "html", notFoundPage(path.slice("/dashboard".length) || "/", caller.login), cookies);
    const found = await oneRepo(caller, route.repo);
    if (!found) return send(res, 404, "html", notFoundPage(route.repo, caller.login), cookies);
    if (route.tail === "") return send(res, 200, "html", repoPage(found.view, found.entries, caller.login, now()), cookies);
    const workflow = query.get("workflow") ?? "";
    const name = query.get("job") ?? "";
    const job = found.view.jobs.find((j) => j.workflow === workflow && j.job === name);
    if (!job) return send(res, 404, "html", notFoundPage(`${found.visible.fullName}: ${workflow} / ${name}`, caller.login), cookies);
    const entries = found.entries.filter((e) => e.workflow === workflow && e.job === name);
    const weekly = repoView(found.visible.fullName, entries, now(), found.view.thresholds).weekly;
    return send(res, 200, "html", jobPage(job, weekly, entries, caller.login, now(), found.view.thresholds), cookies);
  }

  async function auth(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<true> {
    if (path === "/dashboard/auth/login") {
      const started = signIn.start(req, query.get("next") ?? "/dashboard");
      if (!started) return send(res, 400, "html", noticePage("Bad request", "<p>The request's Host header is not an address this bot can be reached at. Set PUBLIC_URL.</p>"));
      return send(res, 302, "html", "", { location: started.location, "set-cookie": started.setCookie });
    }
    if (path === "/dashboard/auth/callback") {
      const result = await signIn.callback(req, query);
      if (!result.ok) {
        const html = `<p>${esc(result.message)}</p><p>You are not signed in. <a class="btn" href="/dashboard/auth/login">Sign in again</a></p>`;
        return send(res, result.status, "html", noticePage("Sign-in failed", html), { "set-cookie": result.setCookie });
      }
      return send(res, 302, "html", "", { location: result.next, "set-cookie": result.setCookie });
    }
    // Logout: POST from the page's button (a GET link could be triggered by any page).
    if (path === "/dashboard/auth/logout" && req.method === "POST") {
      return send(res, 303, "html", "", { location: "/dashboard/signed-out", "set-cookie": signIn.clearSession(req) });
    }
    return send(res, 404, "html", notFoundPage(path, null));
  }

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const isPage = path === "/dashboard" || path.startsWith("/dashboard/");
    const isApi = path.startsWith("/api/v1/");
    if (!isPage && !isApi) return false;
    try {
      if (path.startsWith("/dashboard/auth/")) return await auth(req, res, path, url.searchParams);
      if (path === "/dashboard/signed-out") {
        return send(res, 200, "html", noticePage("Signed out", `<p>You are signed out of the org view.</p><p><a class="btn" href="/dashboard/auth/login">Sign in with GitHub</a></p>`));
      }
      const who = await access.who(req);
      if (!who.caller) {
        if (isApi) return send(res, 401, "json", json({ message: who.message }), { "www-authenticate": "Bearer" });
        // Signed-out visitors are sent to sign in, and come back where they were going.
        const next = `/dashboard/auth/login?next=${encodeURIComponent(path + url.search)}`;
        return send(res, 302, "html", "", { location: next, "set-cookie": signIn.clearSession(req) });
      }
      const cookies: Record<string, string | string[]> = who.caller.setCookie ? { "set-cookie": who.caller.setCookie } : {};
      try {
        return isApi ? await api(req, res, path, who.caller, cookies) : await page(req, res, path, url.searchParams, who.caller, cookies);
      } catch (err) {
        if (err instanceof GitHubRefused && err.status === 403) {
          const message = "GitHub does not let this token list the app's installations: use a user access token of this app (sign in at /dashboard).";
          return isApi ? send(res, 403, "json", json({ message })) : send(res, 403, "html", noticePage("Forbidden", `<p>${esc(message)}</p>`, who.caller.login));
        }
        if (!(err instanceof GitHubRefused) || err.status !== 401) throw err;
        // The token was revoked or expired at GitHub: sign in again.
        access.forget(who.caller);
        if (isApi) return send(res, 401, "json", json({ message: "GitHub refused the token." }));
        return send(res, 302, "html", "", { location: "/dashboard/auth/login", "set-cookie": signIn.clearSession(req) });
      }
    } catch (err) {
      deps.log.error({ err: err instanceof Error ? err.message : String(err), path }, "org view request failed");
      if (res.headersSent) return true;
      const [status, message] = err instanceof GitHubRefused ? [502, `GitHub answered ${err.status}; try again in a moment.`] : [500, "Something went wrong; it is logged."];
      return isApi ? send(res, status, "json", json({ message })) : send(res, status, "html", noticePage("Could not load", `<p>${esc(message)}</p>`));
    }
  };
}
