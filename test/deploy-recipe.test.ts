/**
 * The container recipe is built from the steps the production-install test proves (nothing here can
 * build images, so these tests read the recipe): the Dockerfile runs tools/install-production.sh and
 * runs what it installed, as a non-root user, with DATA_DIR on a volume and a health check; compose
 * runs Redis with AOF persistence. The README's deployment commands are the same ones.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions by stage: continuation lines joined, comments dropped. */
function stages(text: string): Instruction[][] {
  const lines = text
    .replace(/\\\r?\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const out: Instruction[][] = [];
  for (const line of lines) {
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (op.toUpperCase() === "FROM") out.push([]);
    out.at(-1)!.push({ op: op.toUpperCase(), args: args.trim() });
  }
  return out;
}

const dockerfile = stages(readFileSync("Dockerfile", "utf8"));
const final = dockerfile.at(-1)!;
const all = (op: string, stage = final) => stage.filter((i) => i.op === op).map((i) => i.args);
/** ENV lines as a map (the `KEY=value KEY2=value` form). */
const envOf = (stage: Instruction[]) => Object.fromEntries(all("ENV", stage).flatMap((a) => [...a.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])));

describe("Dockerfile", () => {
  test("every stage is Node 24", () => {
    expect(dockerfile.length).toBeGreaterThan(0);
    for (const stage of dockerfile) expect(stage[0].args).toMatch(/^node:24[-.\w]*(\s+AS\s+\w+)?$/i);
  });

  test("it installs with the production-install test's script, and the image runs what that installed", () => {
    const installs = dockerfile.flatMap((s, i) => all("RUN", s).map((args) => ({ i, m: /sh tools\/install-production\.sh (\S+)/.exec(args) }))).filter((x) => x.m);
    expect(installs).toHaveLength(1);
    const { i, m } = installs[0];
    const dest = m![1];
    const stageName = /\s+AS\s+(\w+)$/i.exec(dockerfile[i][0].args)?.[1];
    // The final image copies exactly the installed directory, works in it and starts lib/main.js there.
    expect(all("COPY")).toContain(`--from=${stageName} ${dest} ${dest}`);
    expect(all("WORKDIR").at(-1)).toBe(dest);
    expect(JSON.parse(all("CMD").at(-1)!)).toEqual(["node", "lib/main.js"]);
    expect(envOf(final).NODE_ENV).toBe("production");
    // And lib/ was built before the script packed it.
    expect(all("RUN", dockerfile[i]).join("\n")).toMatch(/npm run build && sh tools\/install-production\.sh/);
  });

  test("it runs as a non-root user, keeps DATA_DIR on a volume the user owns, and checks /health", () => {
    const user = all("USER").at(-1);
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    const dataDir = envOf(final).DATA_DIR;
    expect(dataDir).toMatch(/^\//);
    expect(all("VOLUME")).toContain(dataDir);
    expect(all("RUN").join("\n")).toContain(`chown ${user}:${user} ${dataDir}`);
    const health = all("HEALTHCHECK").join("\n");
    expect(health).toMatch(/CMD .*\/health/);
    expect(health).toContain(`process.env.PORT || ${envOf(final).PORT}`);
  });
});

describe("compose.yaml", () => {
  const compose = parse(readFileSync("compose.yaml", "utf8"));
  const bot = compose.services.bot;
  const redisName = Object.keys(compose.services).find((n) => String(compose.services[n].image ?? "").startsWith("redis"))!;
  const redis = compose.services[redisName];

  test("Redis keeps queued work across its restarts: AOF on, its data on a volume, no eviction", () => {
    const command: string[] = redis.command;
    expect(command[0]).toBe("redis-server");
    expect(command[command.indexOf("--appendonly") + 1]).toBe("yes");
    expect(command[command.indexOf("--maxmemory-policy") + 1]).toBe("noeviction");
    expect(redis.volumes.some((v: string) => v.endsWith(":/data"))).toBe(true);
  });

  test("the bot is the Dockerfile's image, uses that Redis, and keeps DATA_DIR on a volume", () => {
    expect(bot.build).toBe(".");
    expect(bot.environment.REDIS_URL).toBe(`redis://${redisName}:6379`);
    expect(bot.depends_on[redisName].condition).toBe("service_healthy");
    expect(bot.volumes.some((v: string) => v.endsWith(`:${envOf(final).DATA_DIR}`))).toBe(true);
    // Longer than the bot's own 20 s grace for work in flight.
    expect(parseInt(bot.stop_grace_period, 10)).toBeGreaterThan(20);
  });
});

test("the README's deployment commands are the ones the production-install test and the image run", () => {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("\n## Deployment"), readme.indexOf("\n## ", readme.indexOf("\n## Deployment") + 1));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  expect(block).toMatch(/^npm ci && npm run build\b/m);
  expect(block).toMatch(/^sh tools\/install-production\.sh (\S+)/m);
  const dest = /^sh tools\/install-production\.sh (\S+)/m.exec(block)![1];
  expect(block).toMatch(new RegExp(`^cd ${dest.replace(/[/.]/g, "\\$&")} && NODE_ENV=production node lib/main\\.js`, "m"));
  expect(section).toContain("Nothing in this repository's tests builds or runs the image");
});
