/**
 * Sign in with GitHub (the OAuth web flow, with the app's own client id and secret, through
 * @octokit/oauth-methods). The `state` is a random nonce, sealed into a short-lived cookie of the
 * browser that started the sign-in and claimed once in the store: a callback from another browser,
 * without state, or replayed, gets a 400 page and no session. The session cookie holds the person's
 * GitHub token sealed (AES-GCM), so the browser cannot read it; expiring tokens are refreshed with
 * their refresh token, or the person signs in again.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { exchangeWebFlowCode, getWebFlowAuthorizationUrl, refreshToken } from "@octokit/oauth-methods";
import { request as octokitRequest } from "@octokit/request";
import { keys } from "../domain/keys.js";
import type { Store } from "../state/store.js";
import { cookie, isHttps, readCookies } from "./cookies.js";
import type { GitHubUser } from "./github-user.js";
import { Sealer } from "./seal.js";
import type { WebSettings } from "./settings.js";

export const SESSION_COOKIE = "rerun_session";
const STATE_COOKIE = "rerun_oauth";
export const CALLBACK_PATH = "/dashboard/auth/callback";
const STATE_SECONDS = 10 * 60;
const SESSION_SECONDS = 7 * 24 * 60 * 60;
/** Refresh an expiring token this long before GitHub would refuse it. */
const REFRESH_MARGIN_MS = 60_000;

export interface Session {
  login: string;
  token: string;
  refreshToken?: string;
  /** Milliseconds since the epoch; absent for tokens that do not expire. */
  expiresAt?: number;
  refreshExpiresAt?: number;
}

interface PendingSignIn {
  nonce: string;
  next: string;
  exp: number;
}

export type SignInResult = { ok: true; setCookie: string[]; next: string } | { ok: false; status: 400 | 502; message: string; setCookie: string[] };

/** Only a path of the org view itself: never another site, never `//host`. */
export function safeNext(next: string | null | undefined): string {
  // No backslash, whitespace or control character: nothing a browser or a header could read otherwise.
  return next && /^\/dashboard(\/[^\\\s\x00-\x1f]*)?(\?[^\\\s\x00-\x1f]*)?$/.test(next) ? next : "/dashboard";
}

export class SignIn {
  readonly #sessions: Sealer;
  readonly #states: Sealer;
  readonly #request: typeof octokitRequest;

  constructor(
    private readonly settings: WebSettings,
    private readonly store: Store,
    private readonly user: GitHubUser,
    private readonly now: () => number,
  ) {
    this.#sessions = new Sealer(settings.sessionSecret, "session");
    this.#states = new Sealer(settings.sessionSecret, "sign-in state");
    this.#request = octokitRequest.defaults({ baseUrl: settings.apiBase, headers: { "user-agent": "rerun-bot org view" } });
  }

  #secure(req: IncomingMessage): boolean {
    return isHttps(req, this.settings.publicUrl);
  }

  /** PUBLIC_URL, else the address the request came to (GitHub checks it against the app's callback URLs). */
  callbackUrl(req: IncomingMessage): string | null {
    if (this.settings.publicUrl) return `${this.settings.publicUrl}${CALLBACK_PATH}`;
    const host = String(req.headers.host ?? "");
    if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(host) && !/^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host)) return null;
    return `${this.#secure(req) ? "https" : "http"}://${host}${CALLBACK_PATH}`;
  }

  /** Where to send the browser to sign in, and the cookie that binds the state to it. */
  start(req: IncomingMessage, next: string): { location: string; setCookie: string } | null {
    const redirectUrl = this.callbackUrl(req);
    if (!redirectUrl) return null;
    const nonce = randomBytes(24).toString("base64url");
    const pending: PendingSignIn = { nonce, next: safeNext(next), exp: this.now() + STATE_SECONDS * 1000 };
    const { url } = getWebFlowAuthorizationUrl({ clientType: "github-app", clientId: this.settings.clientId, redirectUrl, state: nonce, request: this.#request });
    return { location: url, setCookie: cookie(STATE_COOKIE, this.#states.seal(pending), { path: "/dashboard/auth", maxAge: STATE_SECONDS, secure: this.#secure(req) }) };
  }

  async callback(req: IncomingMessage, query: URLSearchParams): Promise<SignInResult> {
    const secure = this.#secure(req);
    const clear = [cookie(STATE_COOKIE, "", { path: "/dashboard/auth", maxAge: 0, secure })];
    const fail = (message: string, status: 400 | 502 = 400): SignInResult => ({ ok: false, status, message, setCookie: clear });
    const state = query.get("state");
    const pending = this.#states.open<PendingSignIn>(readCookies(req).get(STATE_COOKIE));
    if (!state) return fail("The answer from GitHub has no state parameter, so it cannot be tied to a sign-in started here.");
    if (!pending || pending.exp < this.now()) return fail("No sign-in was started from this browser in the last 10 minutes (or its cookie was blocked).");
    if (pending.nonce.length !== state.length || pending.nonce !== state) return fail("The state parameter does not match the sign-in this browser started.");
    // Single use, across instances when the store is Redis.
    if (!(await this.store.claim(keys.oauthState(state), STATE_SECONDS, randomUUID()))) return fail("This sign-in answer was already used.");
    const code = query.get("code");
    if (!code) return fail(query.get("error_description") ?? "GitHub sent no code (the sign-in was cancelled or refused).");
    const redirectUrl = this.callbackUrl(req) ?? undefined;
    let session: Session;
    try {
      const { authentication } = await exchangeWebFlowCode({ clientType: "github-app", clientId: this.settings.clientId, clientSecret: this.settings.clientSecret, code, redirectUrl, request: this.#request });
      session = { login: "", ...this.#tokens(authentication) };
    } catch (err) {
      const status = (err as { status?: number }).status;
      // GitHub answers 200 with an `error` field; oauth-methods turns it into a 400.
      if (status === 400) return fail(`GitHub refused the sign-in code: ${(err as Error).message.replace(/\s*\(.*$/, "")}.`);
      return fail("GitHub could not be reached to finish the sign-in. Try again in a moment.", 502);
    }
    try {
      session.login = await this.user.login(session.token);
    } catch {
      return fail("GitHub did not accept the new token.", 502);
    }
    return { ok: true, next: pending.next, setCookie: [...clear, this.sessionCookie(session, secure)] };
  }

  #tokens(a: { token: string; refreshToken?: string; expiresAt?: string; refreshTokenExpiresAt?: string }): Omit<Session, "login"> {
    const out: Omit<Session, "login"> = { token: a.token };
    if (a.refreshToken) out.refreshToken = a.refreshToken;
    if (a.expiresAt) out.expiresAt = Date.parse(a.expiresAt);
    if (a.refreshTokenExpiresAt) out.refreshExpiresAt = Date.parse(a.refreshTokenExpiresAt);
    return out;
  }

  sessionCookie(session: Session, secure: boolean): string {
    return cookie(SESSION_COOKIE, this.#sessions.seal(session), { path: "/", maxAge: SESSION_SECONDS, secure });
  }

  clearSession(req: IncomingMessage): string {
    return cookie(SESSION_COOKIE, "", { path: "/", maxAge: 0, secure: this.#secure(req) });
  }

  /**
   * The request's session, refreshed when its token is about to expire (with a new cookie to set);
   * null without one, or when it expired and cannot be refreshed.
   */
  async session(req: IncomingMessage): Promise<{ session: Session; setCookie?: string } | null> {
    const session = this.#sessions.open<Session>(readCookies(req).get(SESSION_COOKIE));
    if (!session || typeof session.token !== "string" || typeof session.login !== "string") return null;
    if (session.expiresAt === undefined || session.expiresAt - REFRESH_MARGIN_MS > this.now()) return { session };
    if (!session.refreshToken || (session.refreshExpiresAt !== undefined && session.refreshExpiresAt <= this.now())) return null;
    try {
      const { authentication } = await refreshToken({ clientType: "github-app", clientId: this.settings.clientId, clientSecret: this.settings.clientSecret, refreshToken: session.refreshToken, request: this.#request });
      const fresh: Session = { login: session.login, ...this.#tokens(authentication) };
      return { session: fresh, setCookie: this.sessionCookie(fresh, this.#secure(req)) };
    } catch {
      return null;
    }
  }
}
