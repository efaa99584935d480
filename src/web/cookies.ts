/** Reading and writing the org view's cookies: HttpOnly, SameSite=Lax, Secure over https. */
import type { IncomingMessage } from "node:http";

export function readCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** Served over https: PUBLIC_URL says so, or the proxy in front does (X-Forwarded-Proto). */
export function isHttps(req: IncomingMessage, publicUrl: string | null): boolean {
  const forwarded = String(req.headers["x-forwarded-proto"] ?? "").split(",")[0].trim().toLowerCase();
  return publicUrl?.startsWith("https:") === true || forwarded === "https";
}

export function cookie(name: string, value: string, options: { path: string; maxAge: number; secure: boolean }): string {
  return `${name}=${value}; Path=${options.path}; Max-Age=${options.maxAge}; HttpOnly; SameSite=Lax${options.secure ? "; Secure" : ""}`;
}
