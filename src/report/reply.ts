/** The one reply to a comment with `/rerun` commands. Everything echoed is escaped. */
import { helpText, type Command } from "../commands/parse.js";
import type { ExplainedError } from "../github/errors.js";
import type { Action, Plan } from "../policy/command-plan.js";
import { mdCode, mdLink, mdText } from "../util/markdown.js";

/** What GitHub answered to one re-run call of a plan. */
export type ActionResult = { action: Action; ok: true } | { action: Action; ok: false; error: ExplainedError };

/** Another app's failed check suite, asked again (`commands.rerequest-apps`). */
export type Rerequested = { app: string; ok: true } | { app: string; ok: false; message: string };

export interface CommandOutcome {
  command: Command;
  plan: Plan;
  results: ActionResult[];
}

export function usageBlock(): string {
  // In a fence, so that quoting or pasting this reply never triggers a command.
  return `\`\`\`\n${helpText()}\n\`\`\``;
}

function describe(action: Action): string {
  const run = mdLink(`${action.run.name} #${action.run.runNumber}`, action.run.htmlUrl);
  const debug = action.debug ? " with debug logging" : "";
  return action.kind === "rerun-failed"
    ? `the failed jobs of ${run}${debug}`
    : `job ${mdCode(action.job.name)} of ${run}${debug}`;
}

/** Names in inline code, at most `max`, then how many more. */
function nameList(names: string[], max = 30): string {
  const shown = names.slice(0, max).map((n) => mdCode(n)).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

function section(outcome: CommandOutcome, dryRun: boolean, jobNames: string[] | null): string[] {
  const { command, plan, results } = outcome;
  if (command.kind === "help") {
    const jobs =
      jobNames === null
        ? []
        : jobNames.length > 0
          ? ["", `Failed jobs that \`job:\` accepts: ${nameList(jobNames)}`]
          : ["", "No job of this pull request's latest runs failed."];
    return ["Usage:", "", usageBlock(), ...jobs];
  }
  if (command.kind === "invalid") {
    return [`${mdCode(`/rerun ${command.args}`)} is not a command I know. Usage:`, "", usageBlock()];
  }
  const lines: string[] = [];
  const done = results.filter((r) => r.ok);
  const failed = results.filter((r): r is ActionResult & { ok: false } => !r.ok);
  if (done.length > 0) {
    lines.push(dryRun ? "Dry run, would re-run:" : "Re-running:");
    lines.push(...done.map((r) => `- ${describe(r.action)}`));
  }
  if (failed.length > 0) {
    lines.push("GitHub did not re-run:");
    lines.push(...failed.map((r) => `- ${describe(r.action)}: ${mdText(r.error.message)}`));
  }
  if (plan.notes.length > 0) {
    lines.push(done.length + failed.length > 0 ? "Not re-run:" : "Nothing re-run:");
    lines.push(...plan.notes.map((n) => `- ${mdText(n)}`));
  }
  return lines;
}

export function renderReply(outcomes: CommandOutcome[], dryRun = false, rerequested: Rerequested[] = [], jobNames: string[] | null = null): string {
  const sections = outcomes.map((o) => section(o, dryRun, jobNames).join("\n"));
  if (rerequested.length > 0) {
    const lines = rerequested.map((r) => (r.ok ? `- ${mdText(r.app, 100)}` : `- ${mdText(r.app, 100)}: ${mdText(r.message)}`));
    sections.push([dryRun ? "Dry run, would ask other apps to check again:" : "Asked other apps to check again:", ...lines].join("\n"));
  }
  return sections.join("\n\n");
}

export function renderClosedPull(merged: boolean): string {
  return `This pull request is ${merged ? "merged" : "closed"}, so nothing is re-run: its checks no longer decide anything. Reopen it (or open a new one) to re-run its checks.`;
}

export function renderPermissionRefusal(login: string, needed: string, role: string | null): string {
  return `${mdCode(login, 40)} needs the ${mdText(needed)} role or higher on this repository to use \`/rerun\`; GitHub reports ${
    role ? `the ${mdText(role)} role` : "no access (not a collaborator)"
  }.`;
}

export function renderConfigInvalid(errors: string[]): string {
  return `\`.github/rerun.yml\` is invalid, so \`/rerun\` is not run. Fix it on the default branch:\n\n${errors
    .slice(0, 20)
    .map((e) => `- ${mdText(e)}`)
    .join("\n")}`;
}
