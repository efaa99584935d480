/**
 * The flaky-jobs ledger and the dashboard issue against the real server and the fake GitHub: a
 * single instance with no server keeps its ledger in DATA_DIR across a kill -9, and edits the one
 * dashboard issue it created before.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "./fake-github.js";
import { type Bot } from "./server.js";
import { botSuite } from "./bot-suite.js";
import { apiJob, apiRun, commentEvent, workflowRunEvent } from "../helpers/events.js";

const github = new FakeGitHub();
const recent = () => new Date(Date.now() - 3_600_000).toISOString();
const { bot, killed } = botSuite(github);

/** Run `id` fails in `job`, the bot re-runs it, and the re-run passes: one catch. */
async function catchFlake(b: Bot, id: number, job: string) {
  const repo = github.repos.get("o/r")!;
  const created = recent();
  const run = apiRun({ id, run_number: id, head_sha: `sha${id}`, created_at: created, html_url: `https://github.com/o/r/actions/runs/${id}`, pull_requests: [{ number: 5 }] });
  repo.runs.push(run);
  repo.pulls[5] = `sha${id}`;
  repo.jobs[id] = [apiJob({ id: id * 10, run_id: id, name: job, started_at: created, completed_at: created })];
  const event = (over: Record<string, unknown>) => workflowRunEvent({ id, run_number: id, head_sha: `sha${id}`, created_at: created, html_url: run.html_url, ...over } as never);
  expect(await b.send("workflow_run", event({}))).toBe(200);
  expect(run.run_attempt).toBe(2); // the fake made the re-run
  Object.assign(run, { status: "completed", conclusion: "success" });
  repo.jobs[id].push(apiJob({ id: id * 10 + 1, run_id: id, name: job, run_attempt: 2, conclusion: "success" }));
  expect(await b.send("workflow_run", event({ run_attempt: 2, conclusion: "success" }))).toBe(200);
}

test("kill -9 and a restart on the same DATA_DIR: the ledger is kept and the same dashboard issue is edited", async () => {
  github.repo("o/r", { config: "auto:\n  enabled: true\ndashboard: true\n", permissions: { maint: "write" } });
  const dir = mkdtempSync(join(tmpdir(), "rerun-data-"));
  const first = await bot(dir);
  await catchFlake(first, 42, "e2e (chrome)");
  const repo = github.repos.get("o/r")!;
  expect(repo.issues).toHaveLength(1);
  expect(repo.issues[0].labels).toEqual([{ name: "rerun-bot" }]);
  expect(repo.issues[0].body).toContain("| CI | e2e (chrome) | 1 | 1 |");
  await killed(first);

  const second = await bot(dir);
  await catchFlake(second, 43, "lint");
  expect(repo.issues).toHaveLength(1);
  expect(repo.issues[0].body).toContain("| CI | e2e (chrome) |");
  expect(repo.issues[0].body).toContain("| CI | lint |");
  // The share of runs: one catch each over the workflow's 2 runs in 30 days.
  expect(repo.issues[0].body).toContain("| 50% |");
  expect(github.calls().filter((c) => c.startsWith("POST /repos/o/r/issues") && !c.includes("comments"))).toEqual(["POST /repos/o/r/issues"]);

  expect(await second.send("issue_comment", commentEvent("/rerun stats"))).toBe(200);
  const reply = github.comments.at(-1)!.body as string;
  expect(reply).toContain("2 catches in 2 jobs");
  expect(reply).toContain("e2e (chrome) (CI): 1 in 30 days");
}, 60_000);
