import { ConfigLoader } from "../../src/config/load.js";
import { RedisStore } from "../../src/state/redis-store.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis.js";

describeWithRedis("RedisStore against a real redis-server", () => {
  let redis: RedisServer;
  let stores: RedisStore[] = [];
  const store = () => {
    const s = new RedisStore(redis.url);
    stores.push(s);
    return s;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("a claim is won once, across clients, and many racing claims yield one winner", async () => {
    const a = store();
    const b = store();
    expect(await a.claim("k1", 60)).toBe(true);
    expect(await b.claim("k1", 60)).toBe(false);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).claim("k2", 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test("release frees a claim; claims expire", async () => {
    const a = store();
    expect(await a.claim("k3", 60)).toBe(true);
    await a.release("k3");
    expect(await a.claim("k3", 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await a.claim("k3", 60)).toBe(true);
  });

  test("values are shared and expire", async () => {
    const a = store();
    const b = store();
    await a.set("v1", "555", 60);
    expect(await b.get("v1")).toBe("555");
    expect(await b.get("missing")).toBeNull();
    expect(await a.ping()).toBe(true);
  });

  test("configs are shared between instances, and so is their invalidation", async () => {
    const reads: string[] = [];
    const octokit = {
      config: {
        get: async ({ owner, repo }: { owner: string; repo: string }) => {
          reads.push(`${owner}/${repo}`);
          return { config: { auto: { enabled: true } }, files: [{ config: {} }] };
        },
      },
    } as never;
    const one = new ConfigLoader({ shared: store() });
    const two = new ConfigLoader({ shared: store() });
    expect((await one.load(octokit, "O", "r")).kind).toBe("ok");
    const fromShared = await two.load(octokit, "o", "R");
    expect(fromShared.kind === "ok" && fromShared.config.auto.enabled).toBe(true);
    expect(reads).toEqual(["O/r"]);
    await two.invalidateRepo("o", "r");
    await one.load(octokit, "o", "r");
    expect(reads).toHaveLength(2);
    await one.load(octokit, "o", "other");
    await two.invalidateOwner("o");
    await one.load(octokit, "o", "r");
    await two.load(octokit, "o", "other");
    expect(reads).toHaveLength(5);
  });
});

describe("RedisStore with Redis down", () => {
  test("a claim is never granted: it fails fast instead", async () => {
    const s = new RedisStore("redis://127.0.0.1:1"); // nothing listens on port 1
    const started = Date.now();
    await expect(s.claim("k", 60)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await s.ping()).toBe(false);
    await s.close();
  });
});
