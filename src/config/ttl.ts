/** CONFIG_TTL_SECONDS: how long a repo's parsed config is trusted without asking GitHub (0..3600). */
export function configTtlMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env.CONFIG_TTL_SECONDS ?? 600);
  return Number.isFinite(s) ? Math.min(Math.max(s, 0), 3600) * 1000 : 600_000;
}
