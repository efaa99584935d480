/**
 * Where the flaky-jobs ledger lives. One process without a server: a JSON-lines file per repo under
 * DATA_DIR (appended and fsynced, so it survives a restart or kill -9). Several instances: Redis
 * (state/redis-ledger.ts). Reads are bounded and deduplicated (domain/ledger.ts), so a fact recorded
 * twice by a redelivery counts once.
 */
import { mkdir, open, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { boundEntries, LEDGER_CAP_PER_REPO, parseEntry, type LedgerEntry } from "../domain/ledger.js";
import { Lru } from "../util/lru.js";

export interface Ledger {
  /** False where nothing outlives the process (the Action: one short job per event). */
  readonly kept: boolean;
  add(repo: string, entries: LedgerEntry[]): Promise<void>;
  /** The repo's entries: the newest, younger than 90 days, each id once, oldest first. */
  list(repo: string): Promise<LedgerEntry[]>;
  /** Every repo with a ledger, as kept (lower case), sorted: what the org view reads. */
  repos(): Promise<string[]>;
  /** Small durable facts beside the ledger (the dashboard issue's number). */
  getMeta(repo: string, key: string): Promise<string | null>;
  setMeta(repo: string, key: string, value: string): Promise<void>;
}

const repoKey = (repo: string) => repo.toLowerCase();

/** For tests, and for the Action (`kept: false`: one job per event, nothing outlives it). */
export class MemoryLedger implements Ledger {
  readonly #entries = new Map<string, LedgerEntry[]>();
  readonly #meta = new Map<string, string>();
  constructor(
    private readonly now: () => number = Date.now,
    readonly kept = true,
  ) {}

  async add(repo: string, entries: LedgerEntry[]): Promise<void> {
    const key = repoKey(repo);
    this.#entries.set(key, boundEntries([...(this.#entries.get(key) ?? []), ...entries], this.now()));
  }
  async list(repo: string): Promise<LedgerEntry[]> {
    return boundEntries(this.#entries.get(repoKey(repo)) ?? [], this.now());
  }
  async repos(): Promise<string[]> {
    return [...this.#entries].filter(([, e]) => e.length > 0).map(([repo]) => repo).sort();
  }
  async getMeta(repo: string, key: string): Promise<string | null> {
    return this.#meta.get(`${repoKey(repo)}\u0000${key}`) ?? null;
  }
  async setMeta(repo: string, key: string, value: string): Promise<void> {
    this.#meta.set(`${repoKey(repo)}\u0000${key}`, value);
  }
}

/** A file per repo; this process is its only writer (several instances use Redis). */
export class FileLedger implements Ledger {
  readonly kept = true;
  readonly #dir: string;
  /** Repos read since start: the file is read once, then kept in step with every append. */
  readonly #cache = new Lru<LedgerEntry[]>(2_000);
  /** One write at a time per repo, so appends and compactions never interleave. */
  readonly #chains = new Map<string, Promise<unknown>>();
  #made: Promise<unknown> | null = null;

  constructor(dataDir: string, private readonly now: () => number = Date.now) {
    this.#dir = join(dataDir, "ledger");
  }

  #file(repo: string, ext: string): string {
    return join(this.#dir, `${encodeURIComponent(repoKey(repo))}.${ext}`);
  }

  #serial<T>(repo: string, fn: () => Promise<T>): Promise<T> {
    const key = repoKey(repo);
    const next = (this.#chains.get(key) ?? Promise.resolve()).catch(() => {}).then(fn);
    this.#chains.set(key, next);
    void next.finally(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    }).catch(() => {});
    return next;
  }

  async #read(repo: string): Promise<LedgerEntry[]> {
    const cached = this.#cache.get(repoKey(repo));
    if (cached) return cached;
    let text = "";
    try {
      text = await readFile(this.#file(repo, "jsonl"), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    const entries = text.split("\n").flatMap((line) => {
      const e = line.trim() === "" ? null : parseEntry(line);
      return e ? [e] : [];
    });
    this.#cache.set(repoKey(repo), entries);
    return entries;
  }

  add(repo: string, entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.#serial(repo, async () => {
      const before = await this.#read(repo);
      this.#made ??= mkdir(this.#dir, { recursive: true });
      await this.#made;
      const all = [...before, ...entries];
      if (all.length > LEDGER_CAP_PER_REPO + 1_000) {
        // Compact: rewrite the bounded list, then swap it in (a crash leaves the old or the new file).
        const kept = boundEntries(all, this.now());
        const tmp = this.#file(repo, `jsonl.${process.pid}.tmp`);
        await writeFile(tmp, kept.map((e) => JSON.stringify(e) + "\n").join(""));
        await rename(tmp, this.#file(repo, "jsonl"));
        this.#cache.set(repoKey(repo), kept);
        return;
      }
      const file = await open(this.#file(repo, "jsonl"), "a");
      try {
        await file.write(entries.map((e) => JSON.stringify(e) + "\n").join(""));
        await file.sync();
      } finally {
        await file.close();
      }
      this.#cache.set(repoKey(repo), all);
    });
  }

  async list(repo: string): Promise<LedgerEntry[]> {
    await this.#chains.get(repoKey(repo))?.catch(() => {});
    return boundEntries(await this.#read(repo), this.now());
  }

  /** A repo has a ledger once its file exists (files are named by the encoded repo). */
  async repos(): Promise<string[]> {
    let names: string[] = [];
    try {
      names = await readdir(this.#dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    return names.filter((n) => n.endsWith(".jsonl")).map((n) => decodeURIComponent(n.slice(0, -".jsonl".length))).sort();
  }

  async getMeta(repo: string, key: string): Promise<string | null> {
    try {
      const meta = JSON.parse(await readFile(this.#file(repo, "meta.json"), "utf8")) as Record<string, string>;
      return typeof meta[key] === "string" ? meta[key] : null;
    } catch {
      return null;
    }
  }

  setMeta(repo: string, key: string, value: string): Promise<void> {
    return this.#serial(repo, async () => {
      let meta: Record<string, string> = {};
      try {
        meta = JSON.parse(await readFile(this.#file(repo, "meta.json"), "utf8")) as Record<string, string>;
      } catch {
        // none yet, or unreadable: start again
      }
      meta[key] = value;
      this.#made ??= mkdir(this.#dir, { recursive: true });
      await this.#made;
      const tmp = this.#file(repo, `meta.json.${process.pid}.tmp`);
      await writeFile(tmp, JSON.stringify(meta));
      await rename(tmp, this.#file(repo, "meta.json"));
    });
  }
}
