/**
 * The check run on a commit that changes `.github/rerun.yml`: the checker's findings, each one as
 * `file:line: key: message` and as an annotation on its line, so a broken config shows in the pull
 * request before it is merged rather than when a run fails.
 */
import type { CheckedProblem } from "../config/check.js";
import type { CheckRunWrite } from "../github/client.js";
import { mdText } from "../util/markdown.js";

export const CONFIG_CHECK_NAME = "rerun-bot config";
/** GitHub takes at most 50 annotations per request. */
const MAX_ANNOTATIONS = 50;
const MAX_LISTED = 100;

export function renderConfigCheck(path: string, sha: string, problems: CheckedProblem[]): CheckRunWrite {
  const lines = problems.slice(0, MAX_LISTED).map((p) => `- ${mdText(`${path}:${p.line ?? "?"}: ${p.key}: ${p.message}`, 400)}`);
  const more = problems.length > MAX_LISTED ? `\n\n…and ${problems.length - MAX_LISTED} more.` : "";
  return {
    name: CONFIG_CHECK_NAME,
    headSha: sha,
    externalId: `config:${sha}`,
    conclusion: problems.length === 0 ? "success" : "failure",
    output: {
      title: problems.length === 0 ? `${path} is valid` : `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${path}`,
      summary:
        problems.length === 0
          ? `rerun-bot read ${mdText(path)} at this commit with its own parser, schema and pattern rules and found nothing wrong.`
          : `rerun-bot read ${mdText(path)} at this commit with its own parser, schema and pattern rules. Until this is fixed on the default branch, the bot does nothing automatic there.\n\n${lines.join("\n")}${more}`,
      annotations: problems
        .filter((p) => p.line !== null)
        .slice(0, MAX_ANNOTATIONS)
        .map((p) => ({ path, start_line: p.line!, end_line: p.line!, annotation_level: "failure" as const, title: p.key.slice(0, 200), message: p.message.slice(0, 1000) })),
    },
    actions: [],
  };
}
