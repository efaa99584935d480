/**
 * The narrow GitHub interface the handlers use: one method per call the bot makes, bound to one
 * repository. Tests of the handlers fake HTTP with nock; this keeps the call list short and visible.
 */
import type { ProbotOctokit } from "probot";
import { jobFacts, runFacts, type JobFacts, type RunFacts } from "./facts.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunWrite {
  name: string;
  headSha: string;
  externalId: string;
  detailsUrl?: string;
  conclusion: "success" | "neutral" | "failure" | "action_required";
  output: CheckRunOutput;
  actions: CheckRunAction[];
}

export interface Permission {
  permission: string;
  roleName: string | null;
}

export interface GitHubClient {
  readonly owner: string;
  readonly repo: string;
  getRun(runId: number): Promise<RunFacts>;
  /** Jobs of the latest attempt, or of every attempt (each job carries its run_attempt). */
  listJobs(runId: number, filter?: "latest" | "all"): Promise<JobFacts[]>;
  /** The tail of a job's log, asked for with a Range request. */
  jobLogTail(jobId: number, bytes: number): Promise<string>;
  listRunsForSha(sha: string): Promise<RunFacts[]>;
  rerunFailedJobs(runId: number, debug: boolean): Promise<void>;
  rerunJob(jobId: number, debug: boolean): Promise<void>;
  /** null when the user is not a collaborator (GitHub answers 404). */
  getPermission(username: string): Promise<Permission | null>;
  getPullHeadSha(pullNumber: number): Promise<string>;
  addReaction(commentId: number, content: "eyes" | "+1" | "confused"): Promise<void>;
  createComment(issueNumber: number, body: string): Promise<void>;
  createCheckRun(check: CheckRunWrite): Promise<number>;
  updateCheckRun(checkRunId: number, check: CheckRunWrite): Promise<void>;
}

const MAX_RUN_PAGES = 3;

export function gitHubClient(octokit: Octokit, owner: string, repo: string): GitHubClient {
  const base = { owner, repo };
  const fullName = `${owner}/${repo}`;
  const checkParams = (check: CheckRunWrite) => ({
    ...base,
    name: check.name,
    external_id: check.externalId,
    details_url: check.detailsUrl,
    status: "completed" as const,
    conclusion: check.conclusion,
    output: check.output,
    actions: check.actions,
  });
  return {
    owner,
    repo,
    async getRun(runId) {
      const { data } = await octokit.rest.actions.getWorkflowRun({ ...base, run_id: runId });
      return runFacts(data, fullName);
    },
    async listJobs(runId, filter = "latest") {
      const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
        ...base,
        run_id: runId,
        filter,
        per_page: 100,
      });
      return jobs.map(jobFacts);
    },
    async jobLogTail(jobId, bytes) {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
        ...base,
        job_id: jobId,
        headers: { range: `bytes=-${bytes}` },
      });
      const text = typeof data === "string" ? data : Buffer.from(data as ArrayBuffer).toString("utf8");
      return text.length > bytes ? text.slice(-bytes) : text;
    },
    async listRunsForSha(sha) {
      const runs: RunFacts[] = [];
      for await (const page of octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, {
        ...base,
        head_sha: sha,
        per_page: 100,
      })) {
        runs.push(...page.data.map((r) => runFacts(r, fullName)));
        if (runs.length >= MAX_RUN_PAGES * 100) break;
      }
      return runs;
    },
    async rerunFailedJobs(runId, debug) {
      await octokit.rest.actions.reRunWorkflowFailedJobs({ ...base, run_id: runId, ...(debug ? { enable_debug_logging: true } : {}) });
    },
    async rerunJob(jobId, debug) {
      await octokit.rest.actions.reRunJobForWorkflowRun({ ...base, job_id: jobId, ...(debug ? { enable_debug_logging: true } : {}) });
    },
    async getPermission(username) {
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...base, username });
        const roleName = (data as { role_name?: unknown }).role_name;
        return { permission: data.permission, roleName: typeof roleName === "string" ? roleName : null };
      } catch (err) {
        if ((err as { status?: number }).status === 404) return null;
        throw err;
      }
    },
    async getPullHeadSha(pullNumber) {
      const { data } = await octokit.rest.pulls.get({ ...base, pull_number: pullNumber });
      return data.head.sha;
    },
    async addReaction(commentId, content) {
      await octokit.rest.reactions.createForIssueComment({ ...base, comment_id: commentId, content });
    },
    async createComment(issueNumber, body) {
      await octokit.rest.issues.createComment({ ...base, issue_number: issueNumber, body });
    },
    async createCheckRun(check) {
      const { data } = await octokit.rest.checks.create({ ...checkParams(check), head_sha: check.headSha });
      return data.id;
    },
    async updateCheckRun(checkRunId, check) {
      await octokit.rest.checks.update({ ...checkParams(check), check_run_id: checkRunId });
    },
  };
}
