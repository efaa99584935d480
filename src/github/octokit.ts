import { ProbotOctokit } from "probot";
import type { Octokit } from "@octokit/core";
import { ConditionalCache, conditionalContents } from "./conditional.js";
import { WriteGate, writePriority } from "./write-gate.js";
import { limitedUntil, type Parking } from "./parking.js";
import { RetryAt } from "../queue/work-queue.js";
import type { SharedThrottling } from "./throttling.js";

type Options = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;
type RetryInfo = { request: { retryCount: number }; method: string; url: string };
export type CallObserver = (method: string, url: string, status: number | "error") => void;

/** Seconds the bot waits at most for GitHub's secondary rate limit before giving up on a call. */
export const MAX_SECONDARY_WAIT_S = 60;

/** Counts every call by route and status (for GET /metrics). */
function countCalls(observe: CallObserver) {
  return (octokit: Octokit) => {
    octokit.hook.after("request", (response, options) => observe(options.method, options.url, response.status));
    octokit.hook.error("request", (error, options) => {
      const status = (error as { status?: unknown }).status;
      observe(options.method, options.url, typeof status === "number" ? status : "error");
      throw error;
    });
    return {};
  };
}

/**
 * An installation's writes pass `gate` one at a time, re-runs first (github/write-gate.ts). With
 * `parking`, a call of a parked installation is not sent (RetryAt: the queue tries the work again
 * when the park lifts), and an answer that says "rate limited" parks the installation.
 */
function orderWrites(gate: WriteGate, parking?: Parking) {
  return (octokit: Octokit, options: { auth?: unknown }) => {
    const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
    if (typeof installationId !== "number") return {};
    octokit.hook.wrap("request", (request, opts) => {
      const send = async () => {
        if (!parking) return request(opts);
        const until = parking.until(installationId);
        if (until > 0) throw new RetryAt(until, "GitHub rate limit");
        try {
          return await request(opts);
        } catch (err) {
          const e = err as { status?: unknown; message?: unknown; response?: { headers?: Record<string, unknown> } };
          const limited = limitedUntil(Number(e.status), e.response?.headers ?? {}, String(e.message ?? ""), Date.now());
          if (limited !== null) parking.park(installationId, limited);
          throw err;
        }
      };
      const method = String(opts.method);
      if (method === "GET" || method === "HEAD") return send();
      return gate.run(String(installationId), writePriority(method, String(opts.url)), send);
    });
    return {};
  };
}

export interface OctokitState {
  /** ETags of config files, shared by every installation's Octokit of one app. */
  contents: ConditionalCache;
  onCall: CallObserver;
  /** The order of each installation's writes; one per app. */
  writes?: WriteGate;
  /** Installations GitHub asked to wait: their calls are held, not sent (with a queue to retry them). */
  parking?: Parking;
  /** With Redis, Probot's throttling groups, made here so that they can be rebuilt (throttling.ts). */
  throttling?: SharedThrottling;
}

/**
 * Probot's Octokit, plus conditional GETs of config files (a 304 costs no rate limit), calls counted,
 * and a secondary rate limit waited out once (GitHub's retry-after, when short) instead of failing
 * the call. A class per app, closing over that app's caches and observer: two apps in one process
 * share nothing. Probot sets `throttle` wholesale after `.defaults()`, so that is applied in the
 * constructor, on top of whatever Probot passed.
 */
export function rerunOctokit(state: OctokitState = { contents: new ConditionalCache(), onCall: () => {} }) {
  const gate = state.writes ?? new WriteGate();
  return class RerunOctokit extends ProbotOctokit.plugin(conditionalContents(state.contents), countCalls(state.onCall), orderWrites(gate, state.parking)) {
    constructor(options: Options = {}) {
      const throttle = (options as { throttle?: Record<string, unknown> }).throttle ?? {};
      const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
      const parked = state.parking !== undefined;
      super({
        ...options,
        throttle: {
          ...throttle,
          ...state.throttling?.groups(throttle as never),
          // GitHub's limits are per installation; Probot leaves every installation on one limiter
          // ("no-id"), so one installation's queued writes delayed every other's.
          ...(typeof installationId === "number" ? { id: `installation-${installationId}` } : {}),
          // Parked, a limited call is not waited for inside the request: the worker is freed, and
          // the work comes back when GitHub allows.
          onSecondaryRateLimit: (retryAfter: number, info: RetryInfo) =>
            !parked && info.request.retryCount < 1 && retryAfter <= MAX_SECONDARY_WAIT_S,
          ...(parked ? { onRateLimit: () => false } : {}),
        },
      } as Options);
    }
  };
}
