/**
 * The dashboard issue's body and the `/rerun stats` reply, rendered from the ledger's summary. The
 * body always fits GitHub's issue limit (65,536 characters): rows that do not fit are counted, not cut.
 */
import type { Trip } from "../policy/breaker.js";
import { resetHint } from "../policy/breaker.js";
import { sharePercent, type FlakyRow, type FlakySummary } from "../policy/flaky-stats.js";
import { mdLink, mdText } from "../util/markdown.js";

export const DASHBOARD_MARKER = "<!-- rerun-bot:dashboard -->";
export const DASHBOARD_TITLE = "Flaky jobs dashboard (rerun-bot)";
export const DASHBOARD_LABEL = "rerun-bot";
/** GitHub's limit is 65,536; a margin for the footer and the "more" line. */
export const MAX_BODY = 65_000;

export interface DashboardInput {
  repo: string;
  summary: FlakySummary;
  trips: Trip[];
  /** Runs per workflow id in the last 30 days, where known. */
  runs30: Map<number, number>;
  now: Date;
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function flakyRow(r: FlakyRow, runs30: Map<number, number>): string {
  const share = sharePercent(r.catches30, runs30.get(r.last.workflowId));
  const last = `${mdLink(`#${r.last.runNumber} attempt ${r.last.attempt}`, r.last.url)} ${day(r.last.at)}`;
  const said = r.last.evidence.startsWith(`${r.category}:`) ? r.last.evidence : `${r.category}: ${r.last.evidence}`;
  const evidence = mdText(said, 100);
  return `| ${mdText(r.workflow, 60)} | ${mdText(r.job, 100)} | ${r.catches7} | ${r.catches30} | ${share === null ? "–" : `${share}%`} | ${last} | ${evidence} | ${duration(r.costSeconds30)} |`;
}

function tripRow(t: Trip): string {
  const last = t.runs[t.runs.length - 1];
  return `| ${mdText(t.workflow, 60)} | ${mdText(t.job, 100)} | ${day(t.since)} | ${t.runs.length} | ${mdLink(`#${last.runNumber}`, last.url)} | /rerun reset ${mdText(t.job, 100)} |`;
}

/** Adds rows while they fit in `budget` characters; says how many did not. */
function fit(lines: string[], budget: number, what: string): string[] {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    if (used + lines[i].length + 1 > budget) {
      out.push("", `…and ${lines.length - i} more ${what} (the oldest and least frequent are left out to stay within GitHub's issue size).`);
      break;
    }
    out.push(lines[i]);
    used += lines[i].length + 1;
  }
  return out;
}

function weeklyChart(weekly: number[], now: Date): string[] {
  const week = 7 * 24 * 60 * 60 * 1000;
  const labels = weekly.map((_, i) => `"${day(now.getTime() - (weekly.length - i) * week + 1).slice(5)}"`);
  return [
    "```mermaid",
    "xychart-beta",
    '  title "Catches per week"',
    `  x-axis [${labels.join(", ")}]`,
    `  y-axis "catches" 0 --> ${Math.max(1, ...weekly)}`,
    `  bar [${weekly.join(", ")}]`,
    "```",
  ];
}

export function renderDashboard(input: DashboardInput): string {
  const { summary, trips, now } = input;
  const head = [
    DASHBOARD_MARKER,
    "This issue is kept up to date by rerun-bot from the jobs it saw fail and then pass on a re-run of the same commit (a *catch*), in the last 30 days. Edits to it are overwritten.",
    "",
    `**${summary.catches30} catch${summary.catches30 === 1 ? "" : "es"}** in ${summary.rows.length} job${summary.rows.length === 1 ? "" : "s"}; their failed attempts cost **${duration(summary.costSeconds30)}** of CI time` +
      (summary.redSeconds30 > 0 ? `, and re-runs of jobs that stayed red another **${duration(summary.redSeconds30)}**.` : "."),
    "",
  ];
  const tripHead = [
    "## Stopped by the breaker",
    "",
    "These jobs failed on every attempt of several runs in a row: broken, not flaky. rerun-bot does not re-run their runs automatically (`/rerun` still works). The breaker resets when the job passes again, or: " +
      "comment the command in the last column here or on a pull request.",
    "",
    "| Workflow | Job | Stopped since | Red runs in a row | Last | Reset |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  const flakyHead = [
    "## Flaky jobs",
    "",
    "| Workflow | Job | 7 days | 30 days | Share of runs | Last catch | Evidence | CI time lost (30 days) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const footer = [
    "",
    `<sub>Updated ${now.toISOString().slice(0, 16).replace("T", " ")} UTC. Share of runs: catches of the job over runs of its workflow in 30 days. \`/rerun stats\` on a pull request gives the top of this list.</sub>`,
  ];
  const chart = summary.catches30 > 0 || summary.weekly.some((n) => n > 0) ? ["", "## Catches per week", "", ...weeklyChart(summary.weekly, now)] : [];
  const fixed = [...head, ...footer, ...chart].join("\n").length;
  let budget = MAX_BODY - fixed - tripHead.join("\n").length - flakyHead.join("\n").length - 400;
  const parts = [...head];
  if (trips.length > 0) {
    const rows = fit(trips.map(tripRow), Math.floor(budget / 4), "stopped jobs");
    budget -= rows.join("\n").length;
    parts.push(...tripHead, ...rows, "");
  }
  if (summary.rows.length > 0) parts.push(...flakyHead, ...fit(summary.rows.map((r) => flakyRow(r, input.runs30)), budget, "flaky jobs"));
  else parts.push("No flaky job caught in the last 30 days.");
  parts.push(...chart, ...footer);
  return parts.join("\n");
}

/** `/rerun stats`: the top of the list, short. */
export function renderStats(summary: FlakySummary, trips: Trip[], top = 10): string {
  if (summary.rows.length === 0 && trips.length === 0) return "rerun-bot has caught no flaky job in this repository in the last 30 days.";
  const lines = [
    `**Flaky jobs, last 30 days:** ${summary.catches30} catch${summary.catches30 === 1 ? "" : "es"} in ${summary.rows.length} job${summary.rows.length === 1 ? "" : "s"}, ${duration(summary.costSeconds30)} of CI time in failed attempts.`,
    "",
  ];
  for (const r of summary.rows.slice(0, top)) {
    lines.push(`- ${mdText(r.job, 100)} (${mdText(r.workflow, 60)}): ${r.catches30} in 30 days, ${r.catches7} in 7; last ${mdLink(`#${r.last.runNumber}`, r.last.url)}; ${r.category}`);
  }
  if (summary.rows.length > top) lines.push(`- …and ${summary.rows.length - top} more`);
  for (const t of trips.slice(0, top)) {
    lines.push(`- stopped by the breaker: ${mdText(t.job, 100)} (${mdText(t.workflow, 60)}); to reset, ${resetHint(t.job)}`);
  }
  return lines.join("\n");
}
