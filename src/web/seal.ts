/**
 * Sealed cookie values: AES-256-GCM with a key derived from SESSION_SECRET, so the browser holds the
 * session but can neither read it (the person's GitHub token is inside) nor change it. node:crypto
 * does this in a few lines; a cookie-session library would add a dependency for the same thing.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export class Sealer {
  readonly #key: Buffer;

  constructor(secret: string, purpose: string) {
    // One key per purpose: a sealed sign-in state can never be replayed as a session.
    this.#key = Buffer.from(hkdfSync("sha256", secret, "rerun-bot org view", purpose, 32));
  }

  seal(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  }

  /** The value, or null for anything forged, changed, truncated or sealed with another secret. */
  open<T>(text: string | undefined): T | null {
    if (!text || text.length > 8_000) return null;
    try {
      const raw = Buffer.from(text, "base64url");
      if (raw.length < 29) return null;
      const decipher = createDecipheriv("aes-256-gcm", this.#key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8")) as T;
    } catch {
      return null;
    }
  }
}
