/**
 * Probot's write throttling, shared between instances through Redis (Bottleneck groups, one per
 * kind of call, as @octokit/plugin-throttling builds them), made here so that they can be rebuilt.
 * A Redis that lost its data (a restart without persistence, a failover to an empty replica) leaves
 * every limiter without its settings key: each call then fails with `ERR SETTINGS_KEY_NOT_FOUND`,
 * and calls already waiting in a limiter never settle. Bottleneck would re-initialise on that error,
 * but it looks for the message without Redis 7's `ERR ` prefix. `rebuild` does what it would have:
 * runs each limiter's `init` and `register_client` scripts again (Bottleneck 2.19's datastore, which
 * Probot pins), so waiting calls go on and new ones work.
 */
interface Store {
  runScript(name: string, args: unknown[]): Promise<unknown>;
  prepareInitSettings(clear: boolean): unknown[];
}
type Limiter = { _store?: Partial<Store>; queued(): number };
type Group = { limiters(): { key: string; limiter: Limiter }[] };
type GroupClass = new (options: Record<string, unknown>) => Group;

/** @octokit/plugin-throttling's groups and their settings (its createGroups). */
const GROUPS: Record<string, Record<string, number>> = {
  global: { maxConcurrent: 10 },
  auth: { maxConcurrent: 1 },
  search: { maxConcurrent: 1, minTime: 2_000 },
  write: { maxConcurrent: 1, minTime: 1_000 },
  notifications: { maxConcurrent: 1, minTime: 3_000 },
};
/** The plugin's default: a limiter's keys expire two minutes after its last use. */
const TIMEOUT_MS = 120_000;

export class SharedThrottling {
  #groups: Record<string, Group> | null = null;

  /** The groups for Probot's throttle options, made once per app from its Bottleneck and connection. */
  groups(throttle: { Bottleneck?: { Group: GroupClass }; connection?: unknown }): Record<string, Group> {
    if (!throttle.Bottleneck || !throttle.connection) return {};
    const { Group } = throttle.Bottleneck;
    this.#groups ??= Object.fromEntries(
      Object.entries(GROUPS).map(([name, settings]) => [name, new Group({ id: `octokit-${name}`, timeout: TIMEOUT_MS, connection: throttle.connection, ...settings })]),
    );
    return this.#groups;
  }

  /** Writes every limiter's settings to Redis again; returns how many were rebuilt. */
  async rebuild(): Promise<number> {
    let n = 0;
    for (const group of Object.values(this.#groups ?? {})) {
      for (const { limiter } of group.limiters()) {
        const store = limiter._store;
        if (!store?.runScript || !store.prepareInitSettings) continue; // not on Redis
        const ok = await store
          .runScript("init", store.prepareInitSettings(false))
          .then(() => store.runScript!("register_client", [limiter.queued()]))
          .then(
            () => true,
            () => false,
          );
        if (ok) n++;
      }
    }
    return n;
  }
}
