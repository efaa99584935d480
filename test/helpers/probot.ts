import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { rerunBot } from "../../src/app.js";
import { ConfigLoader } from "../../src/config/load.js";
import { MemoryStore, type Store } from "../../src/state/store.js";
import { MemoryLedger, type Ledger } from "../../src/state/ledger.js";
import { Metrics } from "../../src/metrics.js";
import { NOW } from "./facts.js";
import type { Work, WorkQueue } from "../../src/queue/work-queue.js";
import { recordingQueue } from "./queue.js";
import type { HoldSettings } from "../../src/policy/pacing.js";

/** A queue that keeps what is added, and hands it to the app's worker when the test says so. */
export function memoryQueue() {
  const added: { key: string; work: Work; delayMs: number }[] = [];
  const parked: [number, number][] = [];
  let worker: ((work: Work) => Promise<void>) | null = null;
  const queue: WorkQueue = {
    ...recordingQueue(
      (key, work, opts) => void added.push({ key, work, delayMs: opts.delayMs ?? 0 }),
      (handler) => void (worker = handler),
    ),
    park: async (installationId, untilMs) => void parked.push([installationId, untilMs]),
  };
  let reported = 0;
  /** Runs the check-run reports handed to later work so far (the executor's re-runs first), once each. */
  const drainReports = async () => {
    const reports = added.filter((a) => a.work.kind === "report");
    for (const r of reports.slice(reported)) await worker!(r.work);
    reported = reports.length;
  };
  return { queue, added, parked, run: (work: Work) => worker!(work), drainReports };
}

export { APP_ID, example, examples } from "./examples.js";
import { APP_ID } from "./examples.js";
export const API = "https://api.github.com";

let privateKey: string | null = null;
function key(): string {
  privateKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return privateKey;
}

/**
 * Probot replaces the `throttle` option wholesale with its own, so `.defaults()` cannot turn it
 * off: force it in the constructor instead. Unit tests need neither throttling nor retries.
 */
class QuickOctokit extends ProbotOctokit {
  constructor(options: ConstructorParameters<typeof ProbotOctokit>[0] = {}) {
    super({ ...options, throttle: { ...options.throttle, enabled: false }, retry: { enabled: false } } as never);
  }
}

export interface Harness {
  probot: Probot;
  store: Store;
  ledger: Ledger;
  metrics: Metrics;
  configs: ConfigLoader;
  /** Every GitHub call but installation tokens, as "METHOD /path?query". */
  calls: string[];
  bodies: Record<string, unknown[]>;
  headers: Record<string, Record<string, string>[]>;
}

export async function harness(options: { now?: Date; queue?: WorkQueue; hold?: HoldSettings; ledger?: Ledger; store?: Store } = {}): Promise<Harness> {
  const store = options.store ?? new MemoryStore();
  const ledger = options.ledger ?? new MemoryLedger(() => (options.now ?? NOW).getTime());
  const configs = new ConfigLoader();
  const probot = new Probot({
    appId: APP_ID,
    privateKey: key(),
    Octokit: QuickOctokit,
    log: (await import("pino")).pino({ level: "silent" }) as never,
  });
  const metrics = new Metrics();
  await probot.load(rerunBot({ appId: APP_ID, store, ledger, metrics, configs, now: () => options.now ?? NOW, queue: options.queue, hold: options.hold }));
  const h: Harness = { probot, store, ledger, metrics, configs, calls: [], bodies: {}, headers: {} };
  nock(API)
    .persist()
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, { token: "test-token", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
  return h;
}

/** Registers one expected call; the reply is recorded in `calls` (and the request body in `bodies`). */
export function expectCall(
  h: Harness,
  method: "GET" | "POST" | "PATCH",
  path: string,
  status: number,
  body: unknown = {},
  headers: Record<string, string> = {},
) {
  const [pathOnly, query] = path.split("?");
  return nock(API)
    .intercept((uri) => decodeURIComponent(uri.split("?")[0]) === pathOnly && (query === undefined || uri.split("?")[1] === query), method)
    .reply(function (uri, requestBody) {
      const key = `${method} ${decodeURIComponent(uri)}`;
      h.calls.push(key);
      (h.bodies[key] ??= []).push(requestBody);
      (h.headers[key] ??= []).push(this.req.headers as Record<string, string>);
      return [status, body as nock.Body, headers];
    });
}

export function config(h: Harness, yaml: string | null, repo = "o/r") {
  const path = `/repos/${repo}/contents/.github/rerun.yml`;
  if (yaml === null) {
    expectCall(h, "GET", path, 404, { message: "Not Found" });
    expectCall(h, "GET", `/repos/${repo.split("/")[0]}/.github/contents/.github/rerun.yml`, 404, { message: "Not Found" });
  } else {
    expectCall(h, "GET", path, 200, yaml, { "content-type": "text/plain; charset=utf-8" });
  }
}


export function setupNock() {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks().filter((m) => !m.includes("access_tokens"));
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}
