/**
 * The backtest's report for a person: counts, the flakes caught and missed, the re-runs that stayed
 * red, minutes, and suggested rules ready to paste. Text from GitHub (job names, log lines) is
 * echoed without control characters, so a log cannot drive the terminal.
 */
import type { BacktestSummary, RunEntry } from "../policy/backtest.js";

export interface BacktestHeader {
  repo: string;
  from: string;
  to: string;
  days: number;
  /** Where the config came from, in words. */
  config: string;
  workflow: string | null;
  /** Completed runs the window held (of the workflow, when one is named). */
  runs: number;
  /** Runs GitHub no longer had when their jobs were read (deleted since listed): left out. */
  vanished: number[];
}

/** Control characters (ANSI escapes included) shown as `?`. */
export const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?"); // eslint-disable-line no-control-regex

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pct = (n: number, of: number) => (of === 0 ? "" : ` (${Math.round((100 * n) / of)}%)`);

function runLines(list: RunEntry[], max: number): string[] {
  const out: string[] = [];
  for (const r of list.slice(0, max)) {
    out.push(`  ${printable(r.workflow)} #${r.runNumber}${r.job ? ` / ${printable(r.job)}` : ""}: ${printable(r.why)}`);
    if (r.line) out.push(`      ${printable(r.line)}`);
    out.push(`      ${r.url}`);
  }
  if (list.length > max) out.push(`  ... and ${list.length - max} more (--json lists them all)`);
  return out;
}

/** A YAML single-quoted scalar: backslashes stay as they are, a quote is doubled. */
const yamlQuoted = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function renderBacktest(h: BacktestHeader, s: BacktestSummary, o: { maxRuns?: number } = {}): string[] {
  const max = o.maxRuns ?? 20;
  const out: string[] = [];
  out.push(`rerun-bot backtest ${h.repo}: runs created ${h.from} .. ${h.to} (${plural(h.days, "day")})${h.workflow ? `, workflow ${printable(h.workflow)}` : ""}`);
  out.push(`config: ${h.config}`);
  out.push("");
  out.push(`completed runs:                    ${h.runs}`);
  if (h.vanished.length > 0) out.push(`gone before they were read:        ${h.vanished.length} (deleted since listed: left out)`);
  out.push(`failed at attempt 1:               ${s.failedRuns}`);
  out.push(`  re-run by people:                ${s.peopleReran}`);
  out.push(`    passed on a re-run (flakes):   ${s.passedOnRerun}`);
  out.push(`    stayed red:                    ${s.stayedRed}`);
  out.push(`  never re-run:                    ${s.neverRerun}`);
  out.push(`the bot would have re-run:         ${s.botWouldRerun}`);
  out.push(`  flakes people re-ran (caught):   ${s.caught.length} of ${s.passedOnRerun}${pct(s.caught.length, s.passedOnRerun)}`);
  out.push(`  people re-ran, stayed red:       ${s.rerunStayedRed.length}`);
  out.push(`  nobody re-ran:                   ${s.botOnlyRerun.length}`);
  const sections: [string, RunEntry[]][] = [
    ["Flakes people re-ran that the bot would have caught", s.caught],
    ["Flakes people re-ran that the bot would have missed", s.missed],
    ["Runs the bot would have re-run that stayed red when people re-ran them", s.rerunStayedRed],
  ];
  for (const [title, list] of sections) {
    if (list.length === 0) continue;
    out.push("", `${title} (${list.length}):`, ...runLines(list, max));
  }
  const { people, bot } = s.minutes;
  out.push("", "CI minutes (the failed jobs of attempt 1, per job rounded up to a minute, as GitHub bills):");
  out.push(`  people's re-runs:  ${plural(people.minutes, "minute")} over ${plural(people.reruns, "re-run")}`);
  out.push(`  the bot's re-runs: ${plural(bot.minutes, "minute")} over ${plural(bot.reruns, "re-run")} (one each; a re-run that fails again is decided afresh)`);
  out.push("");
  if (s.suggestions.length === 0) {
    out.push(s.missed.length === 0 ? "Suggested rules: none (no missed flakes)." : "Suggested rules: none (no line is shared by two missed flakes and absent from the runs that stayed red).");
  } else {
    out.push("Suggested rules, from lines the missed flakes share (paste under auto.rules; counts are missed flakes):");
    out.push("  - name: flakes found by the backtest");
    for (const key of ["annotations", "log"] as const) {
      const list = s.suggestions.filter((x) => x.in === key);
      if (list.length === 0) continue;
      out.push(`    ${key === "log" ? "log-patterns" : "annotations"}:`);
      for (const x of list) out.push(`      - ${printable(yamlQuoted(x.pattern))}   # ${x.count}`);
    }
  }
  return out;
}

/**
 * A one-line progress bar, redrawn in place, only when `stream` is a terminal: piped output and CI
 * logs stay quiet.
 */
export function progressBar(stream: { isTTY?: boolean; write(s: string): unknown }, width = 30) {
  let shown = false;
  return {
    update(done: number, total: number, what: string) {
      if (!stream.isTTY) return;
      const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : 0;
      stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${what}\u001b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\u001b[K");
      shown = false;
    },
  };
}
