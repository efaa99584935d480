/**
 * Escaping for anything the bot echoes from users or workflow files into Markdown (comments,
 * check runs): no mentions of people or teams, no links, no breaking out of code spans, bounded.
 */
const ZWSP = "\u200b";

export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : s;
}

/** Plain text with every Markdown and HTML meaning removed; `@` can no longer notify anyone. */
export function mdText(s: string, max = 300): string {
  return (
    truncate(s.replace(/[\r\n\t]+/g, " "), max)
      // Inline meaning anywhere: emphasis, code, links, HTML, tables, entities (&#64; is an @).
      .replace(/[\\`*_{}[\]<>|~&]/g, (c) => `\\${c}`)
      // Block meaning only at the start: lists, headings, quotes.
      .replace(/^([-+#>])/, "\\$1")
      .replace(/^(\d+)([.)])/, "$1\\$2")
      // Mentions and autolinks.
      .replace(/@/g, `@${ZWSP}`)
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}${ZWSP}.`)
  );
}

/** An inline code span that holds any text safely: its fence is longer than any backtick run inside. */
export function mdCode(s: string, max = 100): string {
  const text = truncate(s.replace(/[\r\n\t]+/g, " "), max);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || text === "" ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A link whose text is escaped and whose target must be a plain http(s) URL (no spaces, brackets or
 * quotes that could end the link). Targets come from GitHub's own answers (html_url), never from users.
 */
export function mdLink(label: string, url: string | null | undefined): string {
  const text = mdText(label, 100);
  if (!url || !/^https?:\/\/[^\s()<>]+$/.test(url)) return text;
  return `[${text}](${url})`;
}
