/**
 * What GitHub says about the person, with their own user token: who they are (GET /user) and which
 * repos of this app's installations they can read (GET /user/installations, then each one's
 * repositories; paginated). The token is used for these calls only and never logged.
 */
import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";

const UserOctokit = Octokit.plugin(paginateRest);

export interface VisibleRepo {
  /** As GitHub spells it. */
  fullName: string;
  private: boolean;
}

export interface GitHubUser {
  login(token: string): Promise<string>;
  /** The repos of this app's installations the person can read, at most `max`. */
  visibleRepos(token: string, appId: number | null, max?: number): Promise<VisibleRepo[]>;
}

/** A GitHub answer the caller can act on: 401 (the token is refused) or any other status. */
export class GitHubRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const status = (err as { status?: number }).status;
    throw new GitHubRefused(typeof status === "number" ? status : 502, status === 401 ? "GitHub refused the token" : `GitHub answered ${status ?? "nothing"}`);
  }
}

export function githubUser(apiBase: string): GitHubUser {
  const octokit = (token: string) => new UserOctokit({ auth: token, baseUrl: apiBase, userAgent: "rerun-bot org view" });
  return {
    async login(token) {
      const { data } = await call(() => octokit(token).request("GET /user"));
      return data.login;
    },
    async visibleRepos(token, appId, max = 5_000) {
      const client = octokit(token);
      const installations = await call(() => client.paginate("GET /user/installations", { per_page: 100 }));
      const repos: VisibleRepo[] = [];
      for (const inst of installations) {
        // Another app's installation the person can reach is not ours to show.
        if (appId !== null && inst.app_id !== appId) continue;
        const list = await call(() =>
          client.paginate("GET /user/installations/{installation_id}/repositories", { installation_id: inst.id, per_page: 100 }, (response, done) => {
            if (repos.length + response.data.length >= max) done();
            return response.data;
          }),
        );
        for (const r of list) repos.push({ fullName: r.full_name, private: r.private });
        if (repos.length >= max) break;
      }
      return repos.slice(0, max);
    },
  };
}
