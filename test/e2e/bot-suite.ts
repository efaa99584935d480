import { startBot, type Bot } from "./server.js";

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
