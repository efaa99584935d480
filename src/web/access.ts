/**
 * Who asks and what they may see. A person comes with the session cookie or with
 * `Authorization: Bearer <GitHub token>` (checked with GitHub, remembered for a minute by the token's
 * hash, never by the token). What they see is the repos of this app's installations GitHub lists for
 * their own token, cached for five minutes per person, and only those the ledger can speak of.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { Lru } from "../util/lru.js";
import { GitHubRefused, type GitHubUser, type VisibleRepo } from "./github-user.js";
import type { SignIn } from "./sign-in.js";

export const SCOPE_TTL_MS = 5 * 60_000;
const BEARER_TTL_MS = 60_000;

export interface Caller {
  login: string;
  token: string;
  via: "session" | "bearer";
  /** A refreshed session to hand back to the browser. */
  setCookie?: string;
}

export type Who = { caller: Caller } | { caller: null; status: 401; message: string };

export class Access {
  readonly #scopes: Lru<VisibleRepo[]>;
  readonly #bearers: Lru<string>;

  constructor(
    private readonly signIn: SignIn,
    private readonly user: GitHubUser,
    private readonly appId: number | null,
    now: () => number,
  ) {
    this.#scopes = new Lru(2_000, now);
    this.#bearers = new Lru(2_000, now);
  }

  async who(req: IncomingMessage): Promise<Who> {
    const auth = String(req.headers.authorization ?? "");
    const bearer = /^(?:bearer|token)\s+(\S+)$/i.exec(auth)?.[1];
    if (auth && !bearer) return { caller: null, status: 401, message: "Authorization must be `Bearer <GitHub token>`." };
    if (bearer) {
      const hash = createHash("sha256").update(bearer).digest("hex");
      let login = this.#bearers.get(hash);
      if (!login) {
        try {
          login = await this.user.login(bearer);
        } catch (err) {
          if (err instanceof GitHubRefused && err.status === 401) return { caller: null, status: 401, message: "GitHub refused this token." };
          throw err;
        }
        this.#bearers.set(hash, login, BEARER_TTL_MS);
      }
      return { caller: { login, token: bearer, via: "bearer" } };
    }
    const s = await this.signIn.session(req);
    if (!s) return { caller: null, status: 401, message: "Sign in at /dashboard, or send `Authorization: Bearer <GitHub token>`." };
    return { caller: { login: s.session.login, token: s.session.token, via: "session", setCookie: s.setCookie } };
  }

  /** The repos the caller can read, by lower-case name; `ledgerRepos` (lower case) when the app id is unknown. */
  async scope(caller: Caller, ledgerRepos: () => Promise<string[]>): Promise<Map<string, VisibleRepo>> {
    const key = `${caller.login.toLowerCase()}`;
    let visible = this.#scopes.get(key);
    if (!visible) {
      visible = await this.user.visibleRepos(caller.token, this.appId);
      this.#scopes.set(key, visible, SCOPE_TTL_MS);
    }
    const out = new Map(visible.map((r) => [r.fullName.toLowerCase(), r]));
    if (this.appId === null) {
      // Without the app id another app's installations cannot be told apart: the ledger's repos only.
      const kept = new Set(await ledgerRepos());
      for (const name of out.keys()) if (!kept.has(name)) out.delete(name);
    }
    return out;
  }

  /** After GitHub refused the caller's token: forget what it could see. */
  forget(caller: Caller): void {
    this.#scopes.delete(caller.login.toLowerCase());
  }
}
