/**
 * Probot starts with WEBHOOK_SECRET silently set to "development", which would accept forged
 * webhooks. In production the bot refuses to start without real credentials, naming what is missing.
 */
export function productionEnvProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  if (!env.APP_ID || !/^\d+$/.test(env.APP_ID)) problems.push("APP_ID is missing or not a number");
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) problems.push("PRIVATE_KEY (or PRIVATE_KEY_PATH) is missing");
  const secret = env.WEBHOOK_SECRET;
  if (!secret || secret === "development") problems.push("WEBHOOK_SECRET is missing or is Probot's default");
  else if (secret.length < 16) problems.push("WEBHOOK_SECRET is shorter than 16 characters");
  return problems;
}
