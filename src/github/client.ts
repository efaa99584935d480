/**
 * The narrow GitHub interface the handlers use: one method per call the bot makes, bound to one
 * repository. Tests of the handlers fake HTTP with nock; this keeps the call list short and visible.
 */
import type { ProbotOctokit } from "probot";
import type { Annotation, JobFacts, Permission, RunFacts } from "../domain/facts.js";
import { annotationFacts, jobFacts, runFacts } from "./payload.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface CheckSuiteFacts {
  id: number;
  appSlug: string | null;
  appName: string | null;
  status: string | null;
  conclusion: string | null;
}

export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
  /** At most 50 per request (GitHub's limit). */
  annotations?: CheckRunAnnotation[];
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
  /** The button(s); the config check has none. */
  output: CheckRunOutput;
  actions: CheckRunAction[];
}

export interface GitHubClient {
  readonly owner: string;
  readonly repo: string;
  getRun(runId: number): Promise<RunFacts>;
  /** Jobs of the latest attempt, or of every attempt (each job carries its run_attempt). */
  listJobs(runId: number, filter?: "latest" | "all"): Promise<JobFacts[]>;
  /** The tail of a job's log, asked for with a Range request; GitHub's status when it has none (404, 410, 403). */
  jobLogTail(jobId: number, bytes: number): Promise<string | Unreadable>;
  /** A job's check-run annotations (a job's check run has the job's id); GitHub's status when unreadable. */
  listAnnotations(jobId: number): Promise<Annotation[] | Unreadable>;
  listRunsForSha(sha: string): Promise<RunFacts[]>;
  /** `quickRetries` false: a 5xx is answered at once, for a caller that asks again later itself. */
  rerunFailedJobs(runId: number, debug: boolean, quickRetries?: boolean): Promise<void>;
  rerunJob(jobId: number, debug: boolean, quickRetries?: boolean): Promise<void>;
  /** null when the user is not a collaborator (GitHub answers 404). */
  getPermission(username: string): Promise<Permission | null>;
  getPullHeadSha(pullNumber: number): Promise<string>;
  /** The same, or null when the pull request is gone (404). */
  findPullHeadSha(pullNumber: number): Promise<string | null>;
  /** Whether a pull request adds or changes the file (reads at most 3,000 files, GitHub's own cap). */
  pullChangesFile(pullNumber: number, path: string): Promise<boolean>;
  /** The file's text at a commit, or null when it does not exist there. */
  getFileText(path: string, ref: string): Promise<string | null>;
  addReaction(commentId: number, content: "eyes" | "+1" | "confused" | "rocket"): Promise<void>;
  /** Check suites of other apps on a commit (first 100). */
  listCheckSuites(sha: string): Promise<CheckSuiteFacts[]>;
  /** GitHub sends the owning app a `check_suite.rerequested` event. */
  rerequestCheckSuite(suiteId: number): Promise<void>;
  createComment(issueNumber: number, body: string): Promise<void>;
  /** The newest issue (open or closed, not a pull request) with this label whose body holds `marker`. */
  findIssue(label: string, marker: string): Promise<number | null>;
  /** GitHub creates a label that does not exist yet when an issue is created with it. */
  createIssue(title: string, body: string, labels: string[]): Promise<number>;
  /** null when the issue is gone (404, 410: deleted or transferred). */
  updateIssue(issueNumber: number, body: string): Promise<true | null>;
  /** Runs of a workflow created since the date (GitHub's total_count; one call). */
  countRuns(workflowId: number, sinceDate: string): Promise<number>;
  /**
   * Completed runs created in a range (GitHub's `created` syntax, e.g. `A..B`), page by page of 100,
   * each with GitHub's total_count (a query returns at most 1,000 runs: the caller splits the range).
   */
  completedRunPages(created: string): AsyncIterable<{ totalCount: number; runs: RunFacts[] }>;
  /** Jobs of one attempt of a run (each attempt keeps its own jobs). */
  listAttemptJobs(runId: number, attempt: number): Promise<JobFacts[]>;
  createCheckRun(check: CheckRunWrite): Promise<number>;
  updateCheckRun(checkRunId: number, check: CheckRunWrite): Promise<void>;
}

const MAX_RUN_PAGES = 3;

/**
 * The head of the pull request a pull request run was for, as it is now; null for other runs (and
 * for fork runs, whose payload names no pull request) or a PR that is gone.
 */
export function currentPullHead(gh: Pick<GitHubClient, "findPullHeadSha">, run: Pick<RunFacts, "pullRequests" | "event">): Promise<string | null> {
  return run.pullRequests.length > 0 && run.event.startsWith("pull_request") ? gh.findPullHeadSha(run.pullRequests[0]) : Promise.resolve(null);
}
const NO_QUICK_RETRY = { retries: 0 };

/** Annotations read per job: one page. */
export const MAX_ANNOTATIONS = 50;

/** Evidence GitHub would not give, and why: its HTTP status. */
export interface Unreadable {
  unreadable: number;
}

/**
 * Evidence GitHub no longer has (or never had) is no evidence: 404 (no log: the runner was lost),
 * 410 (expired), 403 (not readable here); the status is kept, for the report. Other errors are
 * GitHub's trouble and are thrown.
 */
async function orUnreadable<T>(read: () => Promise<T>, missing: number[] = [403, 404, 410]): Promise<T | Unreadable> {
  try {
    return await read();
  } catch (err) {
    const status = (err as { status?: number }).status ?? 0;
    if (missing.includes(status)) return { unreadable: status };
    throw err;
  }
}

export const isUnreadable = (x: unknown): x is Unreadable => typeof x === "object" && x !== null && !Array.isArray(x) && typeof (x as Unreadable).unreadable === "number";

async function orNull<T>(read: () => Promise<T>, missing?: number[]): Promise<T | null> {
  const got = await orUnreadable(read, missing);
  return isUnreadable(got) ? null : (got as T);
}

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
      return orUnreadable(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
          ...base,
          job_id: jobId,
          headers: { range: `bytes=-${bytes}` },
        });
        const text = typeof data === "string" ? data : Buffer.from(data as ArrayBuffer).toString("utf8");
        return text.length > bytes ? text.slice(-bytes) : text;
      });
    },
    async listAnnotations(jobId) {
      return orUnreadable(async () => {
        // One page: GitHub's own verdict comes first, and a failed job rarely has more than a few.
        const { data } = await octokit.rest.checks.listAnnotations({ ...base, check_run_id: jobId, per_page: MAX_ANNOTATIONS });
        return (Array.isArray(data) ? data : []).map((a) => annotationFacts(a as Record<string, unknown>));
      });
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
    // With a queue, the executor (execute/carry-out.ts) is the one that asks a re-run again, with
    // backoff and a report: Octokit's quick retries would hold the installation's write gate for
    // seconds. Without one (inline, the Action, a person waiting), the quick retries stay.
    async rerunFailedJobs(runId, debug, quickRetries = true) {
      await octokit.rest.actions.reRunWorkflowFailedJobs({ ...base, run_id: runId, ...(debug ? { enable_debug_logging: true } : {}), ...(quickRetries ? {} : { request: NO_QUICK_RETRY }) });
    },
    async rerunJob(jobId, debug, quickRetries = true) {
      await octokit.rest.actions.reRunJobForWorkflowRun({ ...base, job_id: jobId, ...(debug ? { enable_debug_logging: true } : {}), ...(quickRetries ? {} : { request: NO_QUICK_RETRY }) });
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
    async findPullHeadSha(pullNumber) {
      return orNull(async () => (await octokit.rest.pulls.get({ ...base, pull_number: pullNumber })).data.head.sha, [404]);
    },
    async pullChangesFile(pullNumber, path) {
      for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listFiles, { ...base, pull_number: pullNumber, per_page: 100 })) {
        if (page.data.some((f) => f.filename === path && f.status !== "removed")) return true;
      }
      return false;
    },
    async getFileText(path, ref) {
      return orNull(async () => {
        const { data } = await octokit.rest.repos.getContent({ ...base, path, ref, mediaType: { format: "raw" } });
        return typeof data === "string" ? data : null;
      }, [404]);
    },
    async addReaction(commentId, content) {
      await octokit.rest.reactions.createForIssueComment({ ...base, comment_id: commentId, content });
    },
    async listCheckSuites(sha) {
      const { data } = await octokit.rest.checks.listSuitesForRef({ ...base, ref: sha, per_page: 100 });
      return data.check_suites.map((cs) => ({
        id: cs.id,
        appSlug: cs.app?.slug ?? null,
        appName: cs.app?.name ?? null,
        status: cs.status ?? null,
        conclusion: cs.conclusion ?? null,
      }));
    },
    async rerequestCheckSuite(suiteId) {
      await octokit.rest.checks.rerequestSuite({ ...base, check_suite_id: suiteId });
    },
    async createComment(issueNumber, body) {
      await octokit.rest.issues.createComment({ ...base, issue_number: issueNumber, body });
    },
    async findIssue(label, marker) {
      // One page: the newest 100 issues with the bot's label.
      const { data } = await octokit.rest.issues.listForRepo({ ...base, labels: label, state: "all", sort: "created", direction: "desc", per_page: 100 });
      const found = data.find((i) => !i.pull_request && typeof i.body === "string" && i.body.includes(marker));
      return found ? found.number : null;
    },
    async createIssue(title, body, labels) {
      const { data } = await octokit.rest.issues.create({ ...base, title, body, labels });
      return data.number;
    },
    async updateIssue(issueNumber, body) {
      return orNull(async () => {
        await octokit.rest.issues.update({ ...base, issue_number: issueNumber, body });
        return true as const;
      }, [404, 410]);
    },
    async countRuns(workflowId, sinceDate) {
      const { data } = await octokit.rest.actions.listWorkflowRuns({ ...base, workflow_id: workflowId, created: `>=${sinceDate}`, per_page: 1 });
      return data.total_count;
    },
    async *completedRunPages(created) {
      for await (const page of octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, { ...base, created, status: "completed", per_page: 100 })) {
        // The paginate plugin lifts the list out of `workflow_runs` and keeps `total_count` beside it.
        const totalCount = (page.data as unknown as { total_count?: number }).total_count ?? page.data.length;
        yield { totalCount, runs: page.data.map((r) => runFacts(r, fullName)) };
      }
    },
    async listAttemptJobs(runId, attempt) {
      const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRunAttempt, { ...base, run_id: runId, attempt_number: attempt, per_page: 100 });
      return jobs.map(jobFacts);
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
