import { startBot, type Bot } from "./server.js";
import { startRedis } from "../helpers/redis.js";

/**
 * A suite's fake GitHub and the bots it starts: the fake starts once, is reset before each test,
 * and every bot still running after a test is stopped; no test may call a route GitHub lacks.
 */
export function botSuite(github: { start(): Promise<number>; stop(): Promise<void>; reset(): void; port: number; unknownRoutes: string[] }) {
  const bots: Bot[] = [];
  beforeAll(() => github.start());
  afterAll(() => github.stop());
  beforeEach(() => github.reset());
  afterEach(async () => {
    await Promise.all(bots.map((b) => (b.proc.exitCode === null ? b.stop() : null)));
    bots.length = 0;
    expect(github.unknownRoutes).toEqual([]);
  });
  return {
    bots,
    /** Starts a bot on DATA_DIR `dataDir`, stopped after the test. */
    async bot(dataDir: string, extra: Record<string, string> = {}): Promise<Bot> {
      const b = await startBot(github.port, { DATA_DIR: dataDir, ...extra });
      bots.push(b);
      return b;
    },
    /** kill -9, resolved once the process is gone. */
    killed(b: Bot): Promise<void> {
      return new Promise<void>((resolve) => {
        b.proc.on("exit", () => resolve());
        b.proc.kill("SIGKILL");
      });
    },
  };
}

/**
 * A describe block's fake GitHub, a throwaway redis-server and two bots sharing it (the queue on
 * BullMQ): either instance takes webhooks, both do the work. Filled in before the block's tests.
 */
export function twoInstancesOnRedis(github: { start(): Promise<number>; stop(): Promise<void>; port: number }) {
  const bots: Bot[] = [];
  const redis = { url: "", stop: async () => {} };
  beforeAll(async () => {
    await github.start();
    const server = await startRedis();
    Object.assign(redis, { url: server.url, stop: () => server.stop() });
    const shared = { REDIS_URL: server.url, WORK_QUEUE: "redis" };
    bots.push(...(await Promise.all([startBot(github.port, shared), startBot(github.port, shared)])));
  }, 30_000);
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await redis.stop();
    await github.stop();
  });
  return { bots, redis };
}
