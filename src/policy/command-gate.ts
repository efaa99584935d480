/**
 * Who may ask, and whether a comment's commands are acted on at all: decided here from plain facts
 * (the config, the pull request's state, the commenter's permission), so the comment handler only
 * reads those facts and carries the answer out.
 */
import type { CommandsConfig } from "../config/schema.js";
import type { Permission } from "../domain/facts.js";
import { mayUse } from "./permission.js";

/** Who is asking, and with what right: the role, or the PR author's small budget. */
export type Asker = { kind: "role" } | { kind: "author"; budget: number };

export type Gate =
  /** A closed or merged pull request: its checks decide nothing any more. */
  | { kind: "closed"; merged: boolean }
  | { kind: "no-permission" }
  | { kind: "proceed"; asker: Asker };

export function gateCommands(f: {
  config: Pick<CommandsConfig, "permission" | "allow-author" | "author-budget">;
  /** The comment asks for re-runs (not only the ledger's commands). */
  asksForRuns: boolean;
  pullState: string | null;
  merged: boolean;
  permission: Permission | null;
  commenterIsAuthor: boolean;
}): Gate {
  if (f.pullState === "closed" && f.asksForRuns) return { kind: "closed", merged: f.merged };
  if (mayUse(f.permission, f.config.permission)) return { kind: "proceed", asker: { kind: "role" } };
  if (f.config["allow-author"] && f.commenterIsAuthor) return { kind: "proceed", asker: { kind: "author", budget: f.config["author-budget"] } };
  return { kind: "no-permission" };
}

/** The breaker is reset only by someone with the role, never on the author's allowance. */
export function mayResetBreaker(asker: Asker): boolean {
  return asker.kind === "role";
}
