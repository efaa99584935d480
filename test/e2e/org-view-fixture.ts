/**
 * An org for the org view's end-to-end tests: a ledger written in DATA_DIR with the bot's own
 * FileLedger, an installation on the fake GitHub with who can read what, and signing in as a person
 * the way a browser does (following the redirects, keeping the cookies).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LedgerEntry } from "../../src/domain/ledger.js";
import { FileLedger, type Ledger } from "../../src/state/ledger.js";
import type { FakeGitHub } from "./fake-github.js";
import { E2E_APP_ID, type Bot } from "./server.js";

export const SESSION_SECRET = "e2e-session-secret-0123456789abcdef-xyz";
/** A job name that is HTML and Markdown at once: it must show as text everywhere. */
export const EVIL_JOB = `<img src=x onerror=alert(1)> **bold** [link](http://evil.example) <script>alert(2)</script>`;
/** The private repo only alice can read, and a job only it has: neither may reach bob. */
export const SECRET_REPO = "acme/secret-payments";
export const SECRET_JOB = "payments-canary";

const DAY = 86_400_000;
let seq = 0;

function entry(repo: string, job: string, daysAgo: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const runId = 9000 + seq++;
  const kind = over.kind ?? "catch";
  return {
    id: `${kind}:${runId}:2:${job}`,
    kind,
    at: Date.now() - daysAgo * DAY,
    workflow: "CI",
    workflowId: 7,
    job,
    runId,
    runNumber: runId - 8000,
    attempt: 2,
    sha: `sha${runId}`,
    url: `https://github.com/${repo}/actions/runs/${runId}`,
    category: "infrastructure",
    evidence: "runner lost",
    costSeconds: 300,
    ...over,
  };
}

const catches = (repo: string, job: string, days: number[], over: Partial<LedgerEntry> = {}) => days.map((d) => entry(repo, job, d, over));
const redRuns = (repo: string, job: string, days: number[], over: Partial<LedgerEntry> = {}) =>
  days.map((d) => entry(repo, job, d, { kind: "stayed-red", evidence: "failed on all 3 attempts", costSeconds: 600, ...over }));

/** Writes the org's ledger in a new DATA_DIR with the file ledger; returns the directory. */
export async function seedOrg(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "rerun-orgview-"));
  await seedLedger(new FileLedger(dir));
  return dir;
}

/** The org's ledger, written with the bot's own Ledger (file or Redis). */
export async function seedLedger(ledger: Ledger): Promise<void> {
  await ledger.add("acme/web", [
    ...catches("acme/web", "e2e (chrome)", [1, 2, 3, 5, 9, 12, 20, 26]),
    ...catches("acme/web", "lint", [4], { category: "any", evidence: "no rule asks about jobs" }),
    ...catches("acme/web", EVIL_JOB, [2, 6], { category: "rule", evidence: `log matches ${EVIL_JOB}` }),
    ...redRuns("acme/web", "deploy", [3, 2, 1]),
  ]);
  // acme/api's breaker trips after 5 red runs (its own breaker.after): 3 do not make "migrations" broken.
  await ledger.add("acme/api", [
    ...catches("acme/api", "integration", [1, 8, 15], { category: "rule", evidence: "log matches ETIMEDOUT", breakerAfter: 5 }),
    ...redRuns("acme/api", "migrations", [3, 2, 1], { breakerAfter: 5 }),
  ]);
  await ledger.add(SECRET_REPO, [...catches(SECRET_REPO, SECRET_JOB, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), ...redRuns(SECRET_REPO, "ledger-sync", [3, 2, 1])]);
  // A repo of another org that nobody here can read.
  await ledger.add("other/elsewhere", catches("other/elsewhere", "build", [1]));
}

/** alice reads all three repos; bob cannot read the private one. */
export function installOrg(github: FakeGitHub): void {
  github.person("alice");
  github.person("bob");
  github.installations.push({
    id: 1,
    app_id: E2E_APP_ID,
    account: "acme",
    repos: [
      { full_name: "acme/web", private: false, readers: ["alice", "bob"] },
      { full_name: "acme/api", private: false, readers: ["alice", "bob"] },
      { full_name: SECRET_REPO, private: true, readers: ["alice"] },
      // Installed, but the ledger never saw it.
      { full_name: "acme/docs", private: false, readers: ["alice", "bob"] },
    ],
  });
}

export function orgViewEnv(github: FakeGitHub, dataDir: string): Record<string, string> {
  return { DATA_DIR: dataDir, GITHUB_CLIENT_ID: github.oauth.clientId, GITHUB_CLIENT_SECRET: github.oauth.clientSecret, SESSION_SECRET };
}

/** Cookies as a browser keeps them (name=value), from Set-Cookie headers. */
export class Jar {
  readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair.indexOf("=");
      const maxAge = /max-age=(\d+)/i.exec(line)?.[1];
      if (maxAge === "0" || pair.slice(i + 1) === "") this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: this.header() } });
    this.take(res);
    return res;
  }
}

/** Signs in as `login` through the bot and the fake GitHub; returns the jar and the callback's answer (the bench uses it too). */
export async function signIn(bot: Bot, github: FakeGitHub, login: string, jar = new Jar()): Promise<{ jar: Jar; callback: Response; callbackUrl: string }> {
  github.browserLogin = login;
  const start = await jar.fetch(`http://127.0.0.1:${bot.port}/dashboard/auth/login`);
  if (start.status !== 302) throw new Error(`the sign-in did not start: ${start.status}`);
  const atGitHub = await fetch(start.headers.get("location")!, { redirect: "manual" });
  if (atGitHub.status !== 302) throw new Error(`GitHub did not send the browser back: ${atGitHub.status}`);
  const callbackUrl = atGitHub.headers.get("location")!;
  const callback = await jar.fetch(callbackUrl);
  return { jar, callback, callbackUrl };
}
