/**
 * The org view's HTML pages: the org overview, a repo, a job, and the pages that say why nothing is
 * shown. Everything inline (CSS, SVG), nothing fetched: they work offline and behind a firewall.
 * Every name is escaped (esc) and every count comes from the repos the person may see.
 */
import { createHash } from "node:crypto";
import { LEDGER_CATEGORIES, type LedgerEntry } from "../domain/ledger.js";
import type { HealthThresholds } from "../policy/job-health.js";
import { percent, type JobView, type OrgView, type RepoView } from "../policy/org-view.js";
import { duration } from "../report/dashboard.js";
import { esc, safeUrl } from "./escape.js";
import { barChart, columnChart, type Bar } from "./svg.js";

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--accent:#0969da;--bar:#218bff;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e}
*{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;align-items:center;gap:16px;padding:10px 24px;background:#24292f;color:#fff}
header a{color:#fff;text-decoration:none;font-weight:600}header .who{margin-left:auto;display:flex;gap:12px;align-items:center}
header button{background:transparent;color:#fff;border:1px solid #8c959f;border-radius:6px;padding:3px 10px;cursor:pointer;font:inherit}
main{max-width:1180px;margin:0 auto;padding:20px 24px 48px}h1{font-size:22px;margin:4px 0 4px}h2{font-size:16px;margin:0 0 10px}
.sub{color:var(--muted);margin:0 0 18px}.crumbs{color:var(--muted);margin-bottom:6px}.crumbs a{color:var(--accent)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;margin-bottom:16px}
.card,.panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.card .n{font-size:26px;font-weight:600}.card .l{color:var(--muted)}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:900px){.grid2{grid-template-columns:1fr}}
.panel{margin-bottom:16px;overflow-x:auto}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--muted);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}a{color:var(--accent)}
.name{word-break:break-word}.badge{display:inline-block;border-radius:999px;padding:0 8px;font-size:12px;font-weight:600;border:1px solid}
.healthy{color:var(--ok);border-color:var(--ok)}.flaky{color:var(--warn);border-color:var(--warn)}.broken{color:var(--bad);border-color:var(--bad)}
figure{margin:0 0 16px}td:last-child a{white-space:nowrap}figure svg{display:block;max-height:260px}details{margin-top:6px}summary{cursor:pointer;color:var(--muted)}
svg .bar{fill:var(--bar)}svg .grid{stroke:var(--line)}svg .axis{fill:var(--muted);font-size:12px}svg .value{fill:var(--fg);font-size:12px}
.empty{color:var(--muted)}.notice{max-width:640px;margin:60px auto}.notice code{background:#eef1f4;padding:1px 5px;border-radius:4px}
.btn{display:inline-block;background:#1f883d;color:#fff;border-radius:6px;padding:6px 14px;text-decoration:none;font-weight:600}
`;

/** The one inline style block, allowed by its hash in the Content-Security-Policy (no 'unsafe-inline'). */
export const STYLE_HASH = `sha256-${createHash("sha256").update(CSS).digest("base64")}`;

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": `default-src 'none'; style-src '${STYLE_HASH}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

export const repoPath = (repo: string) => `/dashboard/repos/${repo.split("/").map(encodeURIComponent).join("/")}`;
export const jobPath = (repo: string, workflow: string, job: string) =>
  `${repoPath(repo)}/job?workflow=${encodeURIComponent(workflow)}&job=${encodeURIComponent(job)}`;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function layout(title: string, body: string, login: string | null): string {
  const who = login
    ? `<div class="who"><span>${esc(login)}</span><form method="post" action="/dashboard/auth/logout"><button type="submit">Sign out</button></form></div>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><title>${esc(title)} · rerun-bot</title><style>${CSS}</style></head><body><header><a href="/dashboard">rerun-bot · org view</a>${who}</header><main>${body}</main></body></html>`;
}

function card(n: string | number, label: string): string {
  return `<div class="card"><div class="n">${esc(n)}</div><div class="l">${esc(label)}</div></div>`;
}

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const th = head.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ""}>${esc(h)}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/** A chart and the same numbers as a table, for screen readers and for copying. */
function figure(id: string, title: string, chart: string, bars: Bar[], unit: string): string {
  return `<figure class="panel" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${chart}<details><summary>The numbers as a table</summary>${table(["", unit], bars.map((b) => [esc(b.label), esc(b.value)]), [1])}</details></figure>`;
}

function weeklyBars(weekly: number[], now: number): Bar[] {
  const week = 7 * 24 * 60 * 60 * 1000;
  return weekly.map((value, i) => ({ label: day(now - (weekly.length - i) * week + 1).slice(5), value }));
}

function weeklyFigure(id: string, weekly: number[], now: number): string {
  const bars = weeklyBars(weekly, now);
  return figure(id, "Catches per week", columnChart(id, "Catches per week (a catch: a job that failed, then passed on a re-run of the same commit)", bars, "catches"), bars, "catches");
}

const badge = (j: JobView) => `<span class="badge ${j.verdict.health}" title="${esc(j.verdict.reason)}">${j.verdict.health}</span>`;

function runLink(e: LedgerEntry | null, text?: string): string {
  if (!e) return "–";
  const label = esc(text ?? `#${e.runNumber}`);
  const url = safeUrl(e.url);
  return url ? `<a href="${esc(url)}">${label}</a>` : label;
}

const jobCell = (j: JobView) => `<a class="name" href="${esc(jobPath(j.repo, j.workflow, j.job))}">${esc(j.job)}</a>`;
const repoCell = (repo: string) => `<a class="name" href="${esc(repoPath(repo))}">${esc(repo)}</a>`;

function jobRows(jobs: JobView[], withRepo: boolean): string[][] {
  return jobs.map((j) => [
    ...(withRepo ? [repoCell(j.repo)] : []),
    `<span class="name">${esc(j.workflow)}</span>`,
    jobCell(j),
    badge(j),
    esc(j.catches7),
    esc(j.catches30),
    esc(duration(j.costSeconds30)),
    j.firstCatch === null ? "–" : esc(day(j.firstCatch)),
    runLink(j.last, j.last ? `#${j.last.runNumber} ${day(j.last.at).slice(5)}` : undefined),
  ]);
}

const JOB_HEAD = ["Workflow", "Job", "Health", "7 days", "30 days", "CI time lost", "Flaky since", "Last"];
const JOB_NUM = [3, 4, 5];

function jobTable(jobs: JobView[], withRepo: boolean, empty: string): string {
  if (jobs.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const shift = withRepo ? 1 : 0;
  return table([...(withRepo ? ["Repository"] : []), ...JOB_HEAD], jobRows(jobs, withRepo), JOB_NUM.map((i) => i + shift));
}

function categoryFigure(id: string, counts: Record<string, number>): string {
  const bars = LEDGER_CATEGORIES.map((c) => ({ label: c, value: counts[c] ?? 0 }));
  return figure(id, "Evidence that caught them (30 days)", barChart(id, "Catches by evidence category, 30 days", bars, "catches"), bars, "catches");
}

function greenShare(reruns: number, green: number): string {
  const p = percent(green, reruns);
  return p === null ? "no re-run" : `${p}% turned green (${green} of ${reruns})`;
}

type Totals = Pick<OrgView, "catches30" | "costSeconds30" | "redSeconds30" | "reruns30" | "green30" | "weekly" | "categories">;

/** The four numbers and the two charts at the top of the overview and of a repo's page. */
function summary(t: Totals, stopped: number, now: number): string {
  return [
    `<div class="cards">`,
    card(t.catches30, "catches in 30 days (jobs that failed, then passed on a re-run)"),
    card(duration(t.costSeconds30 + t.redSeconds30), "CI time lost to failed attempts"),
    card(t.reruns30, `re-runs made: ${greenShare(t.reruns30, t.green30)}`),
    card(stopped, "jobs stopped by the breaker"),
    `</div>`,
    `<div class="grid2">${weeklyFigure("weekly", t.weekly, now)}${categoryFigure("categories", t.categories)}</div>`,
  ].join("");
}

export function overviewPage(org: OrgView, login: string, now: number, thresholds: HealthThresholds): string {
  const repoRows = org.repos.map((r) => [
    repoCell(r.repo),
    esc(r.catches30),
    esc(r.jobs.filter((j) => j.verdict.health === "flaky").length),
    esc(r.trips.length),
    esc(r.reruns30),
    esc(percent(r.green30, r.reruns30) === null ? "–" : `${percent(r.green30, r.reruns30)}%`),
    esc(duration(r.costSeconds30)),
  ]);
  const body = [
    `<h1>Flaky jobs across your repositories</h1>`,
    `<p class="sub">The last 30 days, from the bot's ledger, in the ${plural(org.repos.length, "repository", "repositories")} you can see. A job is flaky from ${thresholds.flakyCatches30} catches in 30 days, broken once it stayed red on every attempt of as many runs in a row as its repository's <code>breaker.after</code> (${thresholds.brokenRedRuns} unless the repository sets it).</p>`,
    summary(org, org.broken.length, now),
    `<section class="panel"><h2>Flakiest jobs, by catches</h2>${jobTable(org.byCatches, true, "No flaky job caught in the last 30 days.")}</section>`,
    `<section class="panel"><h2>Flaky jobs, by CI time lost</h2>${jobTable(org.byCost, true, "No CI time lost to flaky jobs in the last 30 days.")}</section>`,
    `<section class="panel"><h2>Stopped by the breaker</h2>${breakerTable(org.broken, true)}</section>`,
    `<section class="panel"><h2>Repositories</h2>${
      org.repos.length === 0
        ? `<p class="empty">You can see no repository where this app is installed.</p>`
        : table(["Repository", "Catches", "Flaky jobs", "Stopped", "Re-runs", "Turned green", "CI time lost"], repoRows, [1, 2, 3, 4, 5, 6])
    }</section>`,
  ].join("");
  return layout("Org view", body, login);
}

function breakerTable(jobs: JobView[], withRepo: boolean): string {
  const stopped = jobs.filter((j) => j.trip);
  if (stopped.length === 0) return `<p class="empty">No job is stopped by the breaker.</p>`;
  return table(
    [...(withRepo ? ["Repository"] : []), "Workflow", "Job", "Stopped since", "Red runs in a row", "Last red run", "Why"],
    stopped.map((j) => [
      ...(withRepo ? [repoCell(j.repo)] : []),
      `<span class="name">${esc(j.workflow)}</span>`,
      jobCell(j),
      esc(day(j.trip!.since)),
      esc(j.trip!.runs.length),
      runLink(j.trip!.runs[j.trip!.runs.length - 1]),
      esc(`failed on every attempt of ${j.trip!.runs.length} runs the bot re-ran (${j.trip!.category}); reset with /rerun reset on a pull request, or when it passes again`),
    ]),
    [withRepo ? 4 : 3],
  );
}

export function repoPage(view: RepoView, entries: LedgerEntry[], login: string, now: number): string {
  const body = [
    `<div class="crumbs"><a href="/dashboard">All repositories</a> /</div>`,
    `<h1 class="name">${esc(view.repo)}</h1>`,
    `<p class="sub">${plural(view.jobs.length, "job")} in the ledger (30 days, and any stopped by the breaker).</p>`,
    summary(view, view.trips.length, now),
    `<section class="panel"><h2>Jobs</h2>${jobTable(view.jobs, false, "The ledger has no job of this repository.")}</section>`,
    `<section class="panel"><h2>Stopped by the breaker</h2>${breakerTable(view.jobs, false)}</section>`,
    lastEntries(entries, view.repo),
  ].join("");
  return layout(view.repo, body, login);
}

/** The newest catches and red runs (30), with links to their runs; `repo` adds a column naming the job. */
function lastEntries(entries: LedgerEntry[], repo: string | null): string {
  const last = entries.filter((e) => e.kind !== "reset").slice(-30).reverse();
  const rows = last.map((e) => [
    esc(new Date(e.at).toISOString().slice(0, 16).replace("T", " ")),
    ...(repo ? [`<a class="name" href="${esc(jobPath(repo, e.workflow, e.job))}">${esc(e.job)}</a>`] : []),
    runLink(e),
    esc(e.attempt),
    esc(e.kind === "catch" ? "caught: passed on a re-run" : "stayed red"),
    `<span class="name">${esc(`${e.category}: ${e.evidence}`)}</span>`,
    esc(duration(e.costSeconds)),
  ]);
  const head = ["When", ...(repo ? ["Job"] : []), "Run", "Attempt", "What", "Evidence", "CI time"];
  const shift = repo ? 1 : 0;
  return `<section class="panel"><h2>Last catches and red runs</h2>${last.length === 0 ? `<p class="empty">Nothing recorded.</p>` : table(head, rows, [2 + shift, 5 + shift])}</section>`;
}

export function jobPage(job: JobView, weekly: number[], entries: LedgerEntry[], login: string, now: number, thresholds: HealthThresholds): string {
  const breaker = job.trip
    ? `Stopped since ${esc(day(job.trip.since))}: it failed on every attempt of ${esc(job.trip.runs.length)} runs in a row that the bot re-ran, so runs that fail in it are not re-run automatically. It resets when the job passes again, or with <code>/rerun reset ${esc(job.job)}</code> on a pull request.`
    : thresholds.brokenRedRuns === 0
      ? `The breaker is off in this repository (<code>breaker.after: 0</code>): ${esc(plural(job.redStreak, "run"))} in a row stayed red.`
      : `Not stopped: ${esc(plural(job.redStreak, "run"))} in a row stayed red (it stops at ${esc(thresholds.brokenRedRuns)}, this repository's <code>breaker.after</code>).`;
  const body = [
    `<div class="crumbs"><a href="/dashboard">All repositories</a> / <a href="${esc(repoPath(job.repo))}">${esc(job.repo)}</a> / <span class="name">${esc(job.workflow)}</span></div>`,
    `<h1 class="name">${esc(job.job)} ${badge(job)}</h1>`,
    `<p class="sub">Health: <strong>${esc(job.verdict.health)}</strong>: ${esc(job.verdict.reason)}. Healthy below ${esc(thresholds.flakyCatches30)} catches in 30 days; flaky from ${esc(thresholds.flakyCatches30)}; ${thresholds.brokenRedRuns === 0 ? "never broken (the breaker is off here)" : `broken once ${esc(thresholds.brokenRedRuns)} runs in a row stayed red on every attempt`}.</p>`,
    `<div class="cards">`,
    card(job.catches30, "catches in 30 days"),
    card(job.catches7, "catches in 7 days"),
    card(duration(job.costSeconds30), "CI time lost in 30 days"),
    card(job.firstCatch === null ? "–" : day(job.firstCatch), "flaky since (first catch kept)"),
    `</div>`,
    `<section class="panel"><h2>The breaker</h2><p>${breaker}</p></section>`,
    weeklyFigure("weekly", weekly, now),
    lastEntries(entries, null),
  ].join("");
  return layout(job.job, body, login);
}

/** The same page for a repo or job that does not exist and one the person may not see: only the name differs. */
export function notFoundPage(name: string, login: string | null): string {
  return layout(
    "Not found",
    `<div class="notice panel"><h1>Not found</h1><p>There is no <strong class="name">${esc(name)}</strong> among the repositories you can see.</p><p><a href="/dashboard">All repositories</a></p></div>`,
    login,
  );
}

export function noticePage(title: string, html: string, login: string | null = null): string {
  return layout(title, `<div class="notice panel"><h1>${esc(title)}</h1>${html}</div>`, login);
}

export function offPage(problems: string[]): string {
  return noticePage(
    "The org view is off",
    `<p>The org view signs people in with GitHub and needs three settings that are missing or invalid:</p><ul>${problems.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>` +
      `<p>Set <code>GITHUB_CLIENT_ID</code> and <code>GITHUB_CLIENT_SECRET</code> (the app's client id and a client secret, from its settings page on GitHub; Probot's setup writes both to <code>.env</code>) and <code>SESSION_SECRET</code> (at least 32 random characters, e.g. <code>openssl rand -hex 32</code>), add <code>/dashboard/auth/callback</code> under your bot's address to the app's callback URLs, and restart. Everything else the bot does works without them.</p>`,
  );
}
