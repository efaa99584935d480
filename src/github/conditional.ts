/**
 * Conditional GETs for config files: GitHub answers an unchanged file with 304 Not Modified, which
 * does not count against the installation's rate limit. An Octokit plugin, so it serves every reader
 * of `contents` (Probot's config plugin, `_extends` and the org fallback included) without changing it.
 */
import type { Octokit } from "@octokit/core";
import type { OctokitResponse } from "@octokit/types";
import { Lru } from "../util/lru.js";

type Response = OctokitResponse<unknown>;
type Entry = { etag: string; response: Response };

/** Bodies larger than this are not kept (a config file is a few hundred bytes). */
export const MAX_CACHED_BODY = 64 * 1024;

/** ETags and answers of config files, for one app: each app builds its own (see app.ts). */
export class ConditionalCache {
  readonly #entries: Lru<Entry>;
  hits = 0;

  constructor(maxEntries = 2_000) {
    this.#entries = new Lru(maxEntries);
  }

  get(url: string): Entry | undefined {
    return this.#entries.get(url);
  }

  set(url: string, entry: Entry): void {
    this.#entries.set(url, entry);
  }

  get size(): number {
    return this.#entries.size;
  }
}

const CONTENTS = /^\/repos\/[^/]+\/[^/]+\/contents\//;

export function conditionalContents(cache: ConditionalCache) {
  return (octokit: Octokit) => {
    octokit.hook.wrap("request", async (request, options) => {
      const { method, url } = octokit.request.endpoint.parse(options);
      const path = new URL(url).pathname.replace(/^\/api\/v3/, "");
      if (method !== "GET" || !CONTENTS.test(path)) return request(options);
      // The media type is part of the key: raw and JSON answers of one path differ.
      const key = `${url} ${JSON.stringify(options.mediaType ?? {})}`;
      const cached = cache.get(key);
      if (cached) options.headers = { ...options.headers, "if-none-match": cached.etag };
      try {
        const response: Response = await request(options);
        const etag = response.headers.etag;
        const size = typeof response.data === "string" ? response.data.length : JSON.stringify(response.data ?? "").length;
        if (typeof etag === "string" && size <= MAX_CACHED_BODY) cache.set(key, { etag, response });
        return response;
      } catch (err) {
        if (cached && (err as { status?: number }).status === 304) {
          cache.hits++;
          return cached.response;
        }
        throw err;
      }
    });
    return {};
  };
}
