/**
 * Reads `.github/rerun.yml` the Probot way (default branch, org `.github` fallback, `_extends`),
 * validates it, and caches the answer per repo: a busy repo's stream of events then costs about one
 * read per TTL instead of one or two per event. `push` events that touch the file invalidate it.
 */
import type { ProbotOctokit } from "probot";
import { validateConfig } from "./validate.js";
import type { RerunConfig } from "./schema.js";
import { keys, TTL } from "../domain/keys.js";
import { Lru } from "../util/lru.js";

/** What the loader needs of a shared store (Redis): the state layer's Store fits. */
export interface SharedCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  release(key: string): Promise<void>;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

export const CONFIG_FILE = "rerun.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export type LoadedConfig =
  | { kind: "ok"; config: RerunConfig }
  | { kind: "invalid"; errors: string[] };

export interface ConfigCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** For new generation ids; injected so that tests and two apps in one process stay independent. */
  random?: () => number;
  /** Several instances share parsed configs and their invalidation through this store (Redis). */
  shared?: SharedCache;
}

export class ConfigLoader {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #entries: Lru<Promise<LoadedConfig>>;
  readonly #shared: SharedCache | undefined;
  readonly #inflight = new Map<string, Promise<LoadedConfig>>();

  constructor(options: ConfigCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 10 * 60 * 1000;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#entries = new Lru(options.maxEntries ?? 5_000, this.#now);
    this.#shared = options.shared;
  }

  static key(owner: string, repo: string): string {
    return `${owner}/${repo}`.toLowerCase();
  }

  /** Errors other than a bad file (GitHub down, 5xx) are thrown and never cached. */
  load(octokit: Octokit, owner: string, repo: string): Promise<LoadedConfig> {
    return this.#shared ? this.#loadShared(this.#shared, octokit, owner, repo) : this.#loadLocal(octokit, owner, repo);
  }

  /**
   * Shared: the parsed config lives in the store under the owner's current generation, so that
   * one instance's invalidation (a push it received) holds for all of them.
   */
  async #loadShared(shared: SharedCache, octokit: Octokit, owner: string, repo: string): Promise<LoadedConfig> {
    const key = await this.#sharedKey(shared, owner, repo);
    const hit = await shared.get(key);
    if (hit) return JSON.parse(hit) as LoadedConfig;
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = readConfig(octokit, owner, repo).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    const value = await pending;
    const ttlSeconds = Math.floor(this.#ttlMs / 1000);
    if (ttlSeconds > 0) await shared.set(key, JSON.stringify(value), ttlSeconds);
    return value;
  }

  async #sharedKey(shared: SharedCache, owner: string, repo: string): Promise<string> {
    const generation = (await shared.get(keys.configGeneration(owner))) ?? "0";
    return keys.config(generation, ConfigLoader.key(owner, repo));
  }

  #loadLocal(octokit: Octokit, owner: string, repo: string): Promise<LoadedConfig> {
    const key = ConfigLoader.key(owner, repo);
    const hit = this.#entries.get(key);
    if (hit) return hit;
    const value = readConfig(octokit, owner, repo);
    this.#entries.set(key, value, this.#ttlMs);
    value.catch(() => {
      if (this.#entries.get(key) === value) this.#entries.delete(key);
    });
    return value;
  }

  async invalidateRepo(owner: string, repo: string): Promise<void> {
    this.#entries.delete(ConfigLoader.key(owner, repo));
    if (this.#shared) await this.#shared.release(await this.#sharedKey(this.#shared, owner, repo));
  }

  /** A change to the org's `.github` repo can change every repo's config that falls back to it. */
  async invalidateOwner(owner: string): Promise<void> {
    const prefix = `${owner.toLowerCase()}/`;
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
    // A new generation orphans every shared entry of the owner; they expire by their TTL.
    if (this.#shared) {
      const generation = `${this.#now().toString(36)}${this.#random().toString(36).slice(2, 8)}`;
      await this.#shared.set(keys.configGeneration(owner), generation, TTL.configGeneration);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

async function readConfig(octokit: Octokit, owner: string, repo: string): Promise<LoadedConfig> {
  let raw: unknown;
  try {
    const { config, files } = await octokit.config.get({ owner, repo, path: CONFIG_PATH, defaults: (configs) => mergeConfigs(configs) as Record<string, unknown> });
    raw = files.some((f) => f.config !== null) ? config : {};
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The plugin's parse errors carry no HTTP status; GitHub errors do and are not the file's fault.
    if (typeof (err as { status?: unknown }).status === "number") throw err;
    if (/could not be parsed|not an object|extends|directory/i.test(message)) {
      return { kind: "invalid", errors: [message.replace("[@probot/octokit-plugin-config] ", "")] };
    }
    throw err;
  }
  const result = validateConfig(raw);
  return result.ok ? { kind: "ok", config: result.config } : { kind: "invalid", errors: result.errors };
}

type Json = unknown;
const isMap = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Files listed base first: mappings merge key by key, anything else (lists included) is replaced
 * by the file that extends, so a repo's `jobs: [...]` replaces the org's rather than adding to it.
 */
export function mergeConfigs(configs: Json[]): Json {
  const merge = (base: Json, over: Json): Json => {
    if (!isMap(base) || !isMap(over)) return over;
    const out: Record<string, Json> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  };
  return configs.reduce<Json>((acc, c) => merge(acc, c), {});
}

/** Does this push change the config of its repo (or, for an org `.github` repo, of the org)? */
export function pushTouchesConfig(payload: {
  ref?: string;
  repository?: { default_branch?: string; name?: string };
  commits?: { added?: string[]; modified?: string[]; removed?: string[] }[];
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
}): boolean {
  const branch = payload.repository?.default_branch;
  if (!branch || payload.ref !== `refs/heads/${branch}`) return false;
  const commits = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])];
  // GitHub lists at most 2,048 commits and may leave file lists out: no list means "maybe".
  if (commits.length === 0) return true;
  const orgRepo = payload.repository?.name === ".github";
  return commits.some((c) =>
    [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some(
      (f) => f === CONFIG_PATH || (orgRepo && f.endsWith(".yml")),
    ),
  );
}

/** Does any commit of this push (on any branch) add or change the repo's config file? Needs the file lists. */
export function pushChangesConfigFile(payload: {
  commits?: { added?: string[]; modified?: string[] }[];
  head_commit?: { added?: string[]; modified?: string[] } | null;
}): boolean {
  const commits = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])];
  return commits.some((c) => [...(c.added ?? []), ...(c.modified ?? [])].includes(CONFIG_PATH));
}
