import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { parse } from "yaml";
import { isHttps } from "../../src/web/cookies.js";
import { esc, safeUrl } from "../../src/web/escape.js";
import { Sealer } from "../../src/web/seal.js";
import { REQUIRED, webSettings } from "../../src/web/settings.js";
import { CALLBACK_PATH, safeNext } from "../../src/web/sign-in.js";
import { columnChart, barChart } from "../../src/web/svg.js";

const SECRET = "s".repeat(32);

describe("sealed cookies", () => {
  const sealer = new Sealer(SECRET, "session");

  test("what is sealed opens again, and cannot be read without the secret", () => {
    const sealed = sealer.seal({ login: "alice", token: "ghu_secret" });
    expect(sealer.open(sealed)).toEqual({ login: "alice", token: "ghu_secret" });
    expect(Buffer.from(sealed, "base64url").toString("latin1")).not.toContain("ghu_secret");
    expect(sealer.seal({ a: 1 })).not.toBe(sealer.seal({ a: 1 })); // a fresh IV each time
  });

  test.each([
    ["a changed byte", (s: string) => s.slice(0, 20) + (s[20] === "A" ? "B" : "A") + s.slice(21)],
    ["cut short", (s: string) => s.slice(0, 30)],
    ["nothing", () => ""],
    ["not base64", () => "%%%%"],
    ["huge", () => "A".repeat(9_000)],
  ])("%s opens to null", (_name, change) => {
    expect(sealer.open(change(sealer.seal({ login: "alice" })))).toBeNull();
  });

  test("another secret, or another purpose (a sign-in state is no session), opens to null", () => {
    const sealed = sealer.seal({ login: "alice" });
    expect(new Sealer("t".repeat(32), "session").open(sealed)).toBeNull();
    expect(new Sealer(SECRET, "sign-in state").open(sealed)).toBeNull();
  });
});

describe("settings", () => {
  const full = { GITHUB_CLIENT_ID: "Iv1.x", GITHUB_CLIENT_SECRET: "y", SESSION_SECRET: SECRET };

  test.each([
    ["nothing set", {}, ["GITHUB_CLIENT_ID is not set", "GITHUB_CLIENT_SECRET is not set", "SESSION_SECRET is not set"]],
    ["a short secret", { ...full, SESSION_SECRET: "short" }, ["SESSION_SECRET must be at least 32 characters (it has 5)"]],
    ["a PUBLIC_URL that is no address", { ...full, PUBLIC_URL: "javascript:alert(1)" }, ["PUBLIC_URL must be an http(s) address, such as https://rerun-bot.example.com"]],
  ])("%s: off, saying why", (_name, env, problems) => {
    expect(webSettings(env as NodeJS.ProcessEnv)).toEqual({ on: false, problems });
  });

  test("GitHub.com, or GHES through GHE_HOST (the API under /api/v3)", () => {
    expect(webSettings(full)).toMatchObject({ on: true, settings: { apiBase: "https://api.github.com", publicUrl: null } });
    expect(webSettings({ ...full, GHE_HOST: "github.example.com", PUBLIC_URL: "https://bot.example.com/" })).toMatchObject({
      settings: { apiBase: "https://github.example.com/api/v3", publicUrl: "https://bot.example.com" },
    });
    expect(webSettings({ ...full, GHE_HOST: "127.0.0.1:8080", GHE_PROTOCOL: "http" })).toMatchObject({ settings: { apiBase: "http://127.0.0.1:8080/api/v3" } });
  });
});

test.each([
  ["/dashboard/repos/o/r", "/dashboard/repos/o/r"],
  ["/dashboard/repos/o/r/job?workflow=CI&job=x", "/dashboard/repos/o/r/job?workflow=CI&job=x"],
  ["https://evil.example/", "/dashboard"],
  ["//evil.example/dashboard", "/dashboard"],
  ["/dashboard\\@evil.example", "/dashboard"],
  ["/dashboardx", "/dashboard"],
  ["/dashboard/x\r\nSet-Cookie: a=b", "/dashboard"],
  ["/api/v1/repos", "/dashboard"],
  [null, "/dashboard"],
])("after sign-in, %p goes to %p (never another site)", (next, to) => {
  expect(safeNext(next)).toBe(to);
});

test("escaping: markup in names is text; only http(s) links", () => {
  expect(esc(`<a href="x" onclick='y'>&`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;");
  expect(safeUrl("https://github.com/o/r/actions/runs/1")).toBe("https://github.com/o/r/actions/runs/1");
  for (const bad of ["javascript:alert(1)", 'https://x" onmouseover="a', "", null]) expect(safeUrl(bad)).toBeNull();
});

test("charts: one bar per value, scaled to the largest, labels escaped", () => {
  const svg = columnChart("c", "Catches <per> week", [{ label: "<b>", value: 0 }, { label: "w2", value: 5 }, { label: "w3", value: 10 }], "catches");
  expect(svg.match(/<rect /g)).toHaveLength(3);
  expect(svg).toContain("&lt;b&gt;");
  expect(svg).not.toContain("<b>");
  expect(svg).toContain('role="img"');
  const heights = [...svg.matchAll(/height="([\d.]+)"/g)].map((m) => Number(m[1]));
  expect(heights[0]).toBe(0);
  expect(heights[2]).toBeCloseTo(heights[1] * 2, 0);
  expect(barChart("b", "t", [{ label: "rule", value: 3 }], "catches")).toContain(">rule</text>");
});

test.each([
  ["https PUBLIC_URL", "https://bot.example.com", {}, true],
  ["http PUBLIC_URL", "http://bot.example.com", {}, false],
  ["a proxy saying https", null, { "x-forwarded-proto": "https" }, true],
  ["a proxy chain starting with https", null, { "x-forwarded-proto": "https, http" }, true],
  ["plain http", null, {}, false],
])("cookies are Secure over https: %s", (_name, publicUrl, headers, secure) => {
  expect(isHttps({ headers } as IncomingMessage, publicUrl as string | null)).toBe(secure);
});

test("app.yml registers the callback for new installs, .env.example names every setting", () => {
  const manifest = parse(readFileSync("app.yml", "utf8"));
  expect(manifest.callback_urls.every((u: string) => u.endsWith(CALLBACK_PATH))).toBe(true);
  expect(manifest.request_oauth_on_install).toBe(false);
  const example = readFileSync(".env.example", "utf8");
  for (const name of [...REQUIRED, "PUBLIC_URL"]) expect(example).toContain(`# ${name}=`);
});
