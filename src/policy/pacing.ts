/**
 * Never hammer: during an outage many runs fail at once, and re-running them into it only burns
 * attempts. Re-runs of infrastructure failures are held while an installation sees more of them than
 * `holdAfter` within a window, and released spaced out once failures stop; budgets bound the re-runs
 * of one repo per hour and of one commit. Pure: the counts come from the store.
 */
import type { Refusal } from "./limits.js";

export interface HoldSettings {
  /** Infrastructure failures in one installation within `windowMs` above which re-runs are held. */
  holdAfter: number;
  windowMs: number;
  /** How long a held re-run waits before it is looked at again. */
  holdMs: number;
  /** Held re-runs are released this far apart, so they do not all land at once. */
  spacingMs: number;
  /** A re-run is held at most this many times; then it is made (the outage is taken to be over). */
  maxHolds: number;
}

export const DEFAULT_HOLD: HoldSettings = { holdAfter: 20, windowMs: 10 * 60_000, holdMs: 10 * 60_000, spacingMs: 5_000, maxHolds: 6 };

export function holdSettings(env: NodeJS.ProcessEnv): HoldSettings {
  const n = (v: string | undefined, d: number, min: number, max: number) => {
    const x = Number(v);
    return Number.isFinite(x) && v !== undefined && v !== "" ? Math.min(Math.max(x, min), max) : d;
  };
  return {
    holdAfter: n(env.HOLD_AFTER, DEFAULT_HOLD.holdAfter, 1, 10_000),
    windowMs: n(env.HOLD_WINDOW_MINUTES, DEFAULT_HOLD.windowMs / 60_000, 1, 120) * 60_000,
    holdMs: n(env.HOLD_MINUTES, DEFAULT_HOLD.holdMs / 60_000, 0.05, 120) * 60_000,
    spacingMs: n(env.HOLD_SPACING_SECONDS, DEFAULT_HOLD.spacingMs / 1000, 0, 600) * 1000,
    maxHolds: DEFAULT_HOLD.maxHolds,
  };
}

/** `count`: infrastructure failures seen in the current window, this one included. */
export function holdDelayMs(count: number, holds: number, s: HoldSettings): number {
  if (count <= s.holdAfter || holds >= s.maxHolds) return 0;
  return s.holdMs + (count - s.holdAfter) * s.spacingMs;
}

export interface Budget {
  "per-hour": number;
  "per-commit": number;
}

/** `repoHour` and `commit`: re-runs counted so far, this one included. */
export function budgetRefusal(repoHour: number, commit: number, budget: Budget): Refusal | null {
  if (repoHour > budget["per-hour"]) {
    return { reason: "budget", message: `this repo had ${budget["per-hour"]} automatic re-runs in the last hour already (auto.budget.per-hour)` };
  }
  if (commit > budget["per-commit"]) {
    return { reason: "budget", message: `this commit had ${budget["per-commit"]} automatic re-runs already (auto.budget.per-commit)` };
  }
  return null;
}
