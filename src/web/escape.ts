/** HTML escaping: every name shown comes from workflow files or GitHub and may hold markup. */
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A link target from GitHub's own answers (html_url): only plain http(s), else none. */
export function safeUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\/[^\s"'<>]+$/.test(url) ? url : null;
}
