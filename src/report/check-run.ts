/**
 * The bot's own check run on the head commit of a run it acts on or refuses: what it did and why,
 * the run's failed jobs, flaky jobs caught, and a "Re-run failed jobs" button. Pure rendering.
 */
import { isFailedJob } from "../domain/conclusions.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import type { CheckRunWrite } from "../github/client.js";
import { offersButton as reasonOffersButton, type Refusal } from "../policy/limits.js";
import type { FlakyJob } from "../policy/flaky.js";
import type { JobVerdict } from "../policy/rules.js";
import { mdCode, mdLink, mdText } from "../util/markdown.js";
import { verdictParts } from "./verdict.js";

export const CHECK_NAME = "rerun-bot";
export const RERUN_ACTION = "rerun-failed";
const MAX_TABLE_ROWS = 50;

/** GitHub's limits on a check run (it answers 422 past them). */
export const CHECK_LIMITS = { text: 65_535, actions: 3, label: 20, description: 40, identifier: 20 } as const;

/** Cut in UTF-16 units, as the limit is counted, whatever the text holds. */
const clamp = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export type Trigger = "auto" | "command" | "button";

export type Outcome =
  | { kind: "rerun"; trigger: Trigger; by?: string; attempt: number; maxAttempts?: number; why: string; dryRun?: boolean }
  | { kind: "scheduled"; at: Date; attempt: number; maxAttempts: number; why: string; dryRun?: boolean }
  | { kind: "held"; at: Date; attempt: number; maxAttempts: number; failures: number; windowMinutes: number; dryRun?: boolean }
  /** GitHub's trouble (5xx, a timeout, its rate limit): the re-run is asked for again at `at`. */
  | { kind: "retrying"; at: Date; problem: string; rateLimited: boolean; attempt: number; maxAttempts: number; since: Date }
  | { kind: "refused"; refusal: Refusal }
  /** Not re-run: GitHub refused the call, or kept failing until the bot gave up (`gaveUpAfter`). */
  | { kind: "error"; message: string; trigger: Trigger; by?: string; gaveUpAfter?: string }
  | { kind: "config-invalid"; errors: string[] }
  | { kind: "flaky"; flaky: FlakyJob[]; attempt: number };

export function checkName(run: Pick<RunFacts, "name">): string {
  return run.name ? `${CHECK_NAME} (${run.name.slice(0, 80)})` : CHECK_NAME;
}

/** The button where a press could help; each refusal reason says whether it can (policy/limits.ts). */
export function offersButton(outcome: Outcome): boolean {
  if (outcome.kind === "refused") return reasonOffersButton(outcome.refusal.reason);
  return outcome.kind === "config-invalid" || outcome.kind === "error";
}

function title(outcome: Outcome, run: RunFacts): string {
  switch (outcome.kind) {
    case "rerun": {
      const of = outcome.maxAttempts ? ` of ${outcome.maxAttempts}` : "";
      return outcome.dryRun
        ? `Dry run: would re-run failed jobs (attempt ${outcome.attempt}${of})`
        : `Re-ran failed jobs: attempt ${outcome.attempt}${of} started`;
    }
    case "scheduled":
      return `${outcome.dryRun ? "Dry run: re-run would be scheduled" : "Re-run scheduled"} for ${hhmm(outcome.at)} UTC (attempt ${outcome.attempt} of ${outcome.maxAttempts})`;
    case "held":
      return `${outcome.dryRun ? "Dry run: would be held" : "Held"} for an outage: re-run at ${hhmm(outcome.at)} UTC (attempt ${outcome.attempt} of ${outcome.maxAttempts})`;
    case "retrying":
      return outcome.rateLimited
        ? `GitHub rate limit: waiting until ${hhmm(outcome.at)} UTC (attempt ${outcome.attempt} of ${outcome.maxAttempts})`
        : `${outcome.problem}: trying again at ${hhmm(outcome.at)} UTC (attempt ${outcome.attempt} of ${outcome.maxAttempts})`;
    case "refused":
      return `Not re-run: ${outcome.refusal.reason.replace(/-/g, " ")}`;
    case "error":
      return outcome.gaveUpAfter ? `Not re-run: GitHub failed for ${outcome.gaveUpAfter}` : "Not re-run: GitHub refused";
    case "config-invalid":
      return "Not re-run: .github/rerun.yml is invalid";
    case "flaky":
      return outcome.flaky.length > 0
        ? `${outcome.flaky.length} flaky job${outcome.flaky.length === 1 ? "" : "s"} caught: passed on attempt ${outcome.attempt}`
        : `Passed on attempt ${run.runAttempt}`;
  }
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);
const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, "Z");

const who = (by?: string) => (by ? ` by ${mdCode(by, 40)}` : "");

function summary(outcome: Outcome, run: RunFacts): string {
  const link = mdLink(`${run.name || "workflow"} #${run.runNumber}`, run.htmlUrl);
  switch (outcome.kind) {
    case "rerun": {
      const how = { auto: "automatically", command: `on a /rerun command${who(outcome.by)}`, button: `on the button${who(outcome.by)}` }[outcome.trigger];
      return `${outcome.dryRun ? "Dry run: would have re-run" : "Re-ran"} the failed jobs of ${link} ${how} (attempt ${outcome.attempt}${outcome.maxAttempts ? ` of ${outcome.maxAttempts}` : ""}).\n\nWhy: ${mdText(outcome.why)}`;
    }
    case "scheduled":
      return `${outcome.dryRun ? "Dry run: the bot would re-run" : "Will re-run"} the failed jobs of ${link} at ${outcome.at.toISOString().replace(/\.\d+Z$/, "Z")} (attempt ${outcome.attempt} of ${outcome.maxAttempts}), after a delay, so that the re-run does not land in the outage that failed the run; not if the run passes or is re-run meanwhile.\n\nWhy: ${mdText(outcome.why)}`;
    case "retrying":
      return `Asked GitHub to re-run the failed jobs of ${link} and ${mdText(outcome.problem)} (first at ${iso(outcome.since)}). The re-run is asked for again at ${iso(outcome.at)}, with backoff, until it is made or the bot gives up; this check run says which.`;
    case "held":
      return `${outcome.dryRun ? "Dry run: " : ""}${link} failed from infrastructure while this installation saw ${outcome.failures} such failures in ${outcome.windowMinutes} minutes: an outage. Re-running now would land in it, so the re-run is held until ${outcome.at.toISOString().replace(/\.\d+Z$/, "Z")} and made then if the failures have stopped (held re-runs are released a few seconds apart).`;
    case "refused":
      return `Did not re-run ${link}: ${mdText(outcome.refusal.message)}.`;
    case "error":
      return outcome.gaveUpAfter
        ? `Tried to re-run ${link} automatically for ${outcome.gaveUpAfter}, and GitHub kept failing (last: ${mdText(outcome.message)}). The bot gave up: re-run it by hand (or with the button, where there is one).`
        : `Tried to re-run ${link}${outcome.trigger === "auto" ? " automatically" : who(outcome.by)}, and ${mdText(outcome.message)}.`;
    case "config-invalid":
      return `Did not act on ${link}: the config file has errors. Fix them on the default branch:\n\n${outcome.errors
        .slice(0, 20)
        .map((e) => `- ${mdText(e)}`)
        .join("\n")}`;
    case "flaky":
      return outcome.flaky.length > 0
        ? `${link} passed on attempt ${outcome.attempt}. These jobs failed before and passed on a re-run, so they are flaky:\n\n${outcome.flaky
            .map((f) => `- ${flakyLine(f)}`)
            .join("\n")}`
        : `${link} passed on attempt ${outcome.attempt}; no job both failed and passed.`;
  }
}

export function flakyLine(f: FlakyJob): string {
  const attempts = f.failedAttempts.length === 1 ? `attempt ${f.failedAttempts[0]}` : `attempts ${f.failedAttempts.join(", ")}`;
  return `${mdCode(f.name)} failed on ${attempts} and passed on attempt ${f.passedAttempt}`;
}

/** The outcome column: what the job is, and whether the bot re-runs it. */
function outcomeCell(v: JobVerdict | undefined): string {
  const { outcome } = verdictParts(v);
  return outcome === "real" ? "**real**" : outcome;
}

/** The evidence column: the signature or rule, the annotation or log line that decided (escaped, trimmed), and what could not be read. */
function evidenceCell(v: JobVerdict | undefined): string {
  const p = verdictParts(v);
  const line = p.quote ? ` ${p.quote.where}: ${mdCode(p.quote.line, 160)}` : "";
  const unread = p.unread.length > 0 ? `; ${mdText(p.unread.join(", "), 100)}` : "";
  return p.said || line || unread ? `${mdText(p.said, 200)}${line}${unread}` : "";
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function failedJobsTable(jobs: JobFacts[] | null, verdicts: JobVerdict[] = []): string | undefined {
  if (!jobs) return undefined;
  const byJob = new Map(verdicts.map((v) => [v.job.id, v]));
  const failed = jobs.filter((j) => isFailedJob(j) || byJob.has(j.id));
  if (failed.length === 0) return undefined;
  const steps = (j: JobFacts) => (j.failedSteps.length > 0 ? mdText(j.failedSteps.join(", "), 100) : "none");
  const rows = failed
    .slice(0, MAX_TABLE_ROWS)
    .map((j) => `| ${cell(mdLink(j.name, j.htmlUrl))} | ${j.conclusion} | ${steps(j)} | ${outcomeCell(byJob.get(j.id))} | ${cell(evidenceCell(byJob.get(j.id)))} |`);
  const more = failed.length > MAX_TABLE_ROWS ? `\n\n…and ${failed.length - MAX_TABLE_ROWS} more.` : "";
  return `### Failed jobs\n\n| Job | Conclusion | Failed steps | Outcome | Evidence |\n| --- | --- | --- | --- | --- |\n${rows.join("\n")}${more}`;
}

/**
 * `button`: false where nothing can press it (the Action: a check run written with a workflow token
 * belongs to GitHub Actions, which gets its presses).
 */
export function renderCheckRun(run: RunFacts, outcome: Outcome, jobs: JobFacts[] | null, verdicts: JobVerdict[] = [], button = true): CheckRunWrite {
  const text = failedJobsTable(jobs, verdicts);
  return {
    name: checkName(run),
    headSha: run.headSha,
    externalId: String(run.id),
    detailsUrl: run.htmlUrl || undefined,
    conclusion: outcome.kind === "flaky" ? "success" : "neutral",
    output: {
      title: clamp(title(outcome, run), 200),
      summary: clamp(summary(outcome, run), CHECK_LIMITS.text),
      ...(text ? { text: clamp(text, CHECK_LIMITS.text) } : {}),
    },
    actions: button && offersButton(outcome)
      ? [{ label: "Re-run failed jobs", description: "Re-run this run's failed jobs", identifier: RERUN_ACTION }]
      : [],
  };
}
