/**
 * The README's deployment, as an operator runs it: tools/install-production.sh (which the Dockerfile
 * runs too) packs the project and installs it in an empty directory without devDependencies; the bot
 * started there with NODE_ENV=production and no HOST listens on every interface and answers a
 * signed webhook, against the fake GitHub.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FakeGitHub } from "./fake-github.js";
import { env, freePort, serving, spawnMain, type Bot } from "./server.js";
import { apiRun, workflowRunEvent } from "../helpers/events.js";
import { waitFor } from "../helpers/net.js";

const github = new FakeGitHub();
const dest = join(mkdtempSync(join(tmpdir(), "rerun-prod-")), "app");
let install = "";
let bot: Bot | undefined;

beforeAll(async () => {
  await github.start();
  const r = await promisify(execFile)("sh", ["tools/install-production.sh", dest], { timeout: 100_000 });
  install = r.stdout + r.stderr;
}, 110_000);

afterAll(async () => {
  await bot?.stop();
  await github.stop();
});

test("the install has the built server and no devDependency, and its prepare step did not build", () => {
  expect(existsSync(join(dest, "lib", "main.js"))).toBe(true);
  expect(existsSync(join(dest, "src"))).toBe(false);
  const dev = Object.keys(JSON.parse(readFileSync("package.json", "utf8")).devDependencies);
  expect(dev).toContain("typescript");
  const installed = readdirSync(join(dest, "node_modules"));
  expect(dev.filter((d) => installed.includes(d.split("/")[0]) && existsSync(join(dest, "node_modules", d)))).toEqual([]);
  expect(install).toMatch(/no TypeScript here \(a production install\): using the built lib\//);
});

test("started with NODE_ENV=production and no HOST: listens on every interface, answers a signed webhook", async () => {
  const port = await freePort();
  const environment = env(github.port, port, {
    // Only what an operator sets: the defaults for where to listen, the queue and the data.
    HOST: undefined,
    WORK_QUEUE: undefined,
    RECOVERY_INTERVAL_MINUTES: undefined,
    LOG_LEVEL: "info",
  });
  // 127.0.0.2 is a loopback address a server bound to 127.0.0.1 or localhost never answers on.
  bot = await serving(spawnMain(environment, join(dest, "lib", "main.js"), dest), `http://127.0.0.2:${port}`);
  expect(bot.output()).toContain(`Listening on http://0.0.0.0:${port}`);
  // And on the machine's own network addresses, as a load balancer or a container's port mapping reaches it.
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === "IPv4" && !a.internal)
    .map((a) => a!.address);
  for (const address of external) expect((await fetch(`http://${address}:${port}/health`)).status).toBe(200);

  github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [apiRun({ created_at: new Date(Date.now() - 3_600_000).toISOString() })], pulls: { 5: "abc123" } });
  expect(await bot.send("workflow_run", workflowRunEvent({ created_at: new Date(Date.now() - 3_600_000).toISOString() }))).toBe(200);
  await waitFor(() => github.calls().includes("POST /repos/o/r/actions/runs/42/rerun-failed-jobs") && github.checkRuns.length === 1, 20_000);
  // The embedded queue kept the accepted work under the default DATA_DIR, in the install directory.
  expect(existsSync(join(dest, "data", "queue"))).toBe(true);
  expect(await bot.send("workflow_run", workflowRunEvent(), { signature: "sha256=00" })).toBe(400);
  expect(await bot.stop()).toBe(0);
  expect(github.unknownRoutes).toEqual([]);
}, 40_000);
