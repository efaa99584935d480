/**
 * `push` and fork `pull_request` events: a push to the default branch that changes the config
 * refreshes the cached config; any commit that changes `.github/rerun.yml` gets a check run with the
 * checker's findings. Other pushes never reach here (prefilter.ts).
 */
import type { Context } from "probot";
import { checkConfigText } from "../config/check.js";
import { CONFIG_PATH, pushChangesConfigFile, pushTouchesConfig } from "../config/load.js";
import { keys } from "../domain/keys.js";
import { gitHubClient, type GitHubClient } from "../github/client.js";
import { renderConfigCheck } from "../report/config-check.js";
import { withClaim } from "../state/claims.js";
import type { Deps } from "../state/deps.js";

export async function handlePush(context: Context<"push">, deps: Deps): Promise<void> {
  const payload = context.payload;
  const { repository } = payload;
  if (!repository?.owner) return;
  const owner = repository.owner.login ?? repository.owner.name ?? "";
  if (pushTouchesConfig(payload)) {
    if (repository.name === ".github") await deps.configs.invalidateOwner(owner);
    else await deps.configs.invalidateRepo(owner, repository.name);
  }
  const sha = payload.after;
  if (!payload.deleted && typeof sha === "string" && /^[0-9a-f]{40}$/.test(sha) && pushChangesConfigFile(payload)) {
    await checkConfigAt(gitHubClient(context.octokit, owner, repository.name), deps, sha, context.id);
  }
}

/** Pull requests from forks: their pushes do not reach this repo's `push` webhook. */
export async function handleForkPullRequest(context: Context<"pull_request">, deps: Deps): Promise<void> {
  const { pull_request: pr, repository } = context.payload;
  if (!pr?.head?.sha || !repository?.owner?.login || pr.head.repo?.full_name === repository.full_name) return;
  const gh = gitHubClient(context.octokit, repository.owner.login, repository.name);
  if (await gh.pullChangesFile(pr.number, CONFIG_PATH)) await checkConfigAt(gh, deps, pr.head.sha, context.id);
}

async function checkConfigAt(gh: GitHubClient, deps: Deps, sha: string, delivery: string): Promise<void> {
  await withClaim(deps.store, keys.configCheck(`${gh.owner}/${gh.repo}`, sha), delivery, async () => {
    const text = await gh.getFileText(CONFIG_PATH, sha);
    if (text === null) return; // removed at this commit: nothing to check
    await gh.createCheckRun(renderConfigCheck(CONFIG_PATH, sha, checkConfigText(text)));
  });
}
