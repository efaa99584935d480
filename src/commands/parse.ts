/**
 * `/rerun` commands in a comment, Prow style: a command is a line of its own. Fenced code,
 * inline code, HTML comments and quoted lines are dropped first, so quoting a command or pasting
 * the bot's help never triggers it.
 */
export type Command =
  | { kind: "rerun-failed"; debug: boolean }
  | { kind: "rerun-job"; name: string; debug: boolean }
  | { kind: "rerun-workflow"; name: string; debug: boolean }
  | { kind: "help" }
  | { kind: "stats" }
  | { kind: "reset"; name: string }
  | { kind: "invalid"; args: string };

export const MAX_COMMANDS_PER_COMMENT = 5;
export const MAX_NAME_LENGTH = 200;
/** Longer comments are cut before parsing: a bound on work per comment. */
export const MAX_COMMENT_LENGTH = 65_536;

export const HELP: { usage: string; help: string }[] = [
  { usage: "/rerun", help: "re-run the failed jobs of every failed workflow run of the PR's head commit" },
  { usage: "/rerun job:<name>", help: "re-run that job and its dependents (the rest of the line is the name; quotes allowed)" },
  { usage: "/rerun workflow:<name>", help: "re-run the failed jobs of that workflow's run (name or file name)" },
  { usage: "/rerun ... --debug", help: "the same with debug logging" },
  { usage: "/rerun help", help: "show this usage and the job names of this PR's failed runs" },
  { usage: "/rerun stats", help: "the repo's flaky jobs of the last 30 days, from the bot's ledger (also on the dashboard issue)" },
  { usage: "/rerun reset <job>", help: "reset the breaker of a job it stopped (also on the dashboard issue)" },
  { usage: "/retest", help: "the same as /rerun (Prow's word)" },
];

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** `/retest` is Prow's word for the same thing: muscle memory from Kubernetes-style repos. */
export const COMMAND_WORDS = ["rerun", "retest"] as const;
const COMMAND = /^[ \t]*\/(?:rerun|retest)(?=[ \t]|$)(.*)$/i;
/** Flags may stand anywhere after the command word; they are never part of a name. */
const FLAG = /(^|[ \t])--debug(?=[ \t]|$)/gi;

/**
 * The lines that may hold commands, as GitHub renders the comment: outside fenced code (backticks or
 * tildes, any info string; an unclosed fence runs to the end), indented code blocks, quotes and HTML
 * comments.
 */
export function commandLines(body: string): string[] {
  const text = body.slice(0, MAX_COMMENT_LENGTH).replace(/<!--[\s\S]*?(-->|$)/g, "");
  const lines: string[] = [];
  let fence: string | null = null;
  // An indented code block starts after a blank line (or at the top) and runs over blank lines.
  let afterBlank = true;
  let indentedCode = false;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const open = FENCE.exec(line);
    if (fence !== null) {
      // A fence closes with a run of the same character at least as long as the one that opened it.
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length && line.trim() === open[1]) fence = null;
      continue;
    }
    if (open) {
      fence = open[1];
      afterBlank = false;
      indentedCode = false;
      continue;
    }
    if (line.trim() === "") {
      afterBlank = true;
      lines.push(line);
      continue;
    }
    if (/^(?: {4}| {0,3}\t)/.test(line) && (afterBlank || indentedCode)) {
      indentedCode = true;
      continue;
    }
    afterBlank = false;
    indentedCode = false;
    if (/^\s*>/.test(line)) continue;
    lines.push(line);
  }
  // An inline code span may run over several lines (not over a blank one); a line inside it is
  // code, not a command. Single-line spans need nothing: a line that starts with one never matches.
  return lines
    .join("\n")
    .split(/\n[ \t]*\n/)
    .map(dropMultilineCodeSpans)
    .join("\n\n")
    .split("\n");
}

/**
 * Replaces each code span that crosses a line break in one paragraph by a placeholder. A span
 * opens with a run of N backticks and closes at the next run of exactly N. Linear in the text:
 * for each run length, the runs are visited in order once.
 */
export function dropMultilineCodeSpans(paragraph: string): string {
  const runs = [...paragraph.matchAll(/`+/g)].map((m) => ({ start: m.index, len: m[0].length }));
  const byLength = new Map<number, number[]>();
  runs.forEach((r, i) => {
    const list = byLength.get(r.len);
    if (list) list.push(i);
    else byLength.set(r.len, [i]);
  });
  const cursor = new Map<number, number>();
  let out = "";
  let pos = 0;
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i];
    if (open.start < pos) continue;
    const same = byLength.get(open.len)!;
    let c = cursor.get(open.len) ?? 0;
    while (c < same.length && same[c] <= i) c++;
    cursor.set(open.len, c);
    if (c >= same.length) continue; // no closing run: the backticks are literal
    const close = runs[same[c]];
    const end = close.start + close.len;
    if (paragraph.slice(open.start, end).includes("\n")) {
      out += `${paragraph.slice(pos, open.start)}\`code\``;
    } else {
      out += paragraph.slice(pos, end);
    }
    pos = end;
  }
  return out + paragraph.slice(pos);
}

function unquote(s: string): string {
  const m = /^(["'`])(.*)\1$/s.exec(s);
  return m ? m[2] : s;
}

export function parseArgs(rawArgs: string): Command {
  const raw = rawArgs.trim();
  let debug = false;
  let args = raw;
  // A quoted name keeps whatever it holds; flags are read outside the quotes only.
  const quoted = /^(job|workflow):\s*(["'`])(.*)\2((?:[ \t].*)?)$/is.exec(args);
  const flagsOf = (text: string) =>
    text.replace(FLAG, () => {
      debug = true;
      return " ";
    }).trim();
  if (quoted) {
    const rest = flagsOf(quoted[4]);
    if (rest !== "") return { kind: "invalid", args: raw };
    args = `${quoted[1]}:${quoted[2]}${quoted[3]}${quoted[2]}`;
  } else {
    args = flagsOf(args);
  }
  if (args === "") return { kind: "rerun-failed", debug };
  if (/^help$/i.test(args) && !debug) return { kind: "help" };
  if (/^stats$/i.test(args) && !debug) return { kind: "stats" };
  const reset = /^reset[ \t]+(.+)$/is.exec(args);
  if (reset && !debug) {
    const name = unquote(reset[1].trim()).trim();
    if (name === "" || Array.from(name).length > MAX_NAME_LENGTH) return { kind: "invalid", args: raw };
    return { kind: "reset", name };
  }
  const named = /^(job|workflow):\s*(.*)$/is.exec(args);
  if (named) {
    const name = unquote(named[2].trim()).trim();
    if (name === "" || Array.from(name).length > MAX_NAME_LENGTH) return { kind: "invalid", args: raw };
    return named[1].toLowerCase() === "job" ? { kind: "rerun-job", name, debug } : { kind: "rerun-workflow", name, debug };
  }
  return { kind: "invalid", args: raw };
}

/** Commands in order, identical ones once, at most MAX_COMMANDS_PER_COMMENT. */
export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  const seen = new Set<string>();
  for (const line of commandLines(body)) {
    const m = COMMAND.exec(line);
    if (!m) continue;
    const command = parseArgs(m[1]);
    const key = JSON.stringify(command);
    if (seen.has(key)) continue;
    seen.add(key);
    commands.push(command);
    if (commands.length >= MAX_COMMANDS_PER_COMMENT) break;
  }
  return commands;
}

export function helpText(): string {
  const width = Math.max(...HELP.map((h) => h.usage.length));
  return HELP.map((h) => `${h.usage.padEnd(width)}  ${h.help}`).join("\n");
}
