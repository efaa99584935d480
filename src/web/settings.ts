/**
 * The org view's settings, from the environment. It is on only with the app's OAuth client id and
 * secret and a session secret; without them the bot works as before and /dashboard says what to set.
 */
export const REQUIRED = ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "SESSION_SECRET"] as const;
export const MIN_SECRET = 32;

export interface WebSettings {
  clientId: string;
  clientSecret: string;
  sessionSecret: string;
  /** The bot's public address (no trailing slash), or null: built from the request's host. */
  publicUrl: string | null;
  /** GitHub's REST API (GHES: https://HOST/api/v3); the OAuth endpoints sit on the host's root. */
  apiBase: string;
}

export type WebConfig = { on: true; settings: WebSettings } | { on: false; problems: string[] };

export function webSettings(env: NodeJS.ProcessEnv): WebConfig {
  const missing = REQUIRED.filter((k) => !env[k]?.trim());
  const problems = missing.map((k) => `${k} is not set`);
  const secret = env.SESSION_SECRET?.trim() ?? "";
  if (secret && secret.length < MIN_SECRET) problems.push(`SESSION_SECRET must be at least ${MIN_SECRET} characters (it has ${secret.length})`);
  const publicUrl = env.PUBLIC_URL?.trim().replace(/\/+$/, "") || null;
  if (publicUrl && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicUrl)) problems.push("PUBLIC_URL must be an http(s) address, such as https://rerun-bot.example.com");
  if (problems.length > 0) return { on: false, problems };
  const host = env.GHE_HOST?.trim();
  return {
    on: true,
    settings: {
      clientId: env.GITHUB_CLIENT_ID!.trim(),
      clientSecret: env.GITHUB_CLIENT_SECRET!.trim(),
      sessionSecret: secret,
      publicUrl,
      apiBase: host ? `${env.GHE_PROTOCOL?.trim() || "https"}://${host}/api/v3` : "https://api.github.com",
    },
  };
}
