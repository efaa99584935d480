/**
 * The org view in a real browser: Debian's Chromium driven by playwright-core, against the real
 * server and the fake GitHub (which signs the browser in through the OAuth web flow). Screenshots
 * land in test-output/ for a person to look at. In CI (CI=true) a missing Chromium fails the run;
 * on a developer's machine the suite is skipped with a loud message.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { FakeGitHub } from "./fake-github.js";
import { startBot, type Bot } from "./server.js";
import { EVIL_JOB, installOrg, orgViewEnv, SECRET_JOB, SECRET_REPO, seedOrg } from "./org-view-fixture.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === "true") throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium package`);
if (!hasChromium) console.warn(`\n\n*** SKIPPING the org view's browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH) ***\n\n`);

export const OUTPUT = join(process.cwd(), "test-output");
const github = new FakeGitHub();
let bot: Bot;
let browser: Browser;
const base = () => `http://127.0.0.1:${bot.port}`;

(hasChromium ? describe : describe.skip)("the org view in Chromium", () => {
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    await github.start();
    installOrg(github);
    bot = await startBot(github.port, orgViewEnv(github, await seedOrg()));
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await github.stop();
  });

  afterEach(() => expect(github.unknownRoutes).toEqual([]));

  /** A browser profile signed in to GitHub as `login`; console errors, page errors and dialogs are kept. */
  async function person(login: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    github.browserLogin = login;
    return { context, page, problems };
  }

  test("a person signs in, sees the overview with its charts, opens a repo and then a job; no console errors", async () => {
    const { context, page, problems } = await person("alice");
    try {
      // Signed out: sent to sign in with GitHub, and back to the overview.
      const response = await page.goto(`${base()}/dashboard`);
      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe("/dashboard");
      await expect(page.locator("h1").textContent()).resolves.toBe("Flaky jobs across your repositories");
      await expect(page.locator("header .who span").textContent()).resolves.toBe("alice");
      // The charts: SVG bars with a table holding the same numbers.
      expect(await page.locator("figure svg rect.bar").count()).toBeGreaterThan(8);
      expect(await page.locator("figure details table").count()).toBe(2);
      await expect(page.locator("figure svg title").first().textContent()).resolves.toMatch(/^Catches per week/);
      // The flakiest job first: acme/secret-payments' canary (11), then acme/web's e2e (8).
      const first = page.locator("section.panel").first().locator("tbody tr").first();
      await expect(first.textContent()).resolves.toContain(SECRET_JOB);
      await page.screenshot({ path: join(OUTPUT, "org-view-overview.png"), fullPage: true });

      await page.locator("section.panel").last().getByRole("link", { name: "acme/web", exact: true }).click();
      await page.waitForURL(/\/dashboard\/repos\/acme\/web$/);
      await expect(page.locator("h1").textContent()).resolves.toBe("acme/web");
      // The job name holding HTML and Markdown is shown as text, and ran nothing.
      await expect(page.getByText(EVIL_JOB, { exact: true }).first().isVisible()).resolves.toBe(true);
      await expect(page.locator(".badge.broken").first().textContent()).resolves.toBe("broken");
      // The repo's last catches and red runs link to their runs on GitHub.
      const last = page.locator("section.panel", { hasText: "Last catches and red runs" });
      expect(await last.locator('a[href^="https://github.com/acme/web/actions/runs/"]').count()).toBe(14);

      await page.getByRole("link", { name: "e2e (chrome)", exact: true }).first().click();
      await page.waitForURL(/\/job\?workflow=CI&job=e2e%20\(chrome\)$/);
      await expect(page.locator("h1").textContent()).resolves.toContain("e2e (chrome)");
      await expect(page.locator("p.sub").textContent()).resolves.toContain("flaky: 8 catches in 30 days (flaky from 2)");
      expect(await page.locator("figure svg rect.bar").count()).toBe(8);
      // The last catches link to their runs on GitHub.
      expect(await page.locator('section.panel a[href^="https://github.com/acme/web/actions/runs/"]').count()).toBe(8);
      await page.screenshot({ path: join(OUTPUT, "org-view-job.png"), fullPage: true });

      // Signing out ends it: the overview asks to sign in again.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/dashboard\/signed-out$/);
      expect((await context.cookies()).some((c) => c.name === "rerun_session")).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  test("a second person, without access to the private repo, never sees its name anywhere they can reach", async () => {
    const { context, page, problems } = await person("bob");
    const hidden = [SECRET_REPO, "secret-payments", SECRET_JOB, "ledger-sync"];
    try {
      await page.goto(`${base()}/dashboard`);
      // Every page bob can reach by following links from the overview.
      const seen = new Set<string>();
      const queue = [page.url()];
      while (queue.length > 0 && seen.size < 60) {
        const next = queue.shift()!;
        if (seen.has(next)) continue;
        seen.add(next);
        const res = await page.goto(next);
        expect([next, res?.status()]).toEqual([next, 200]);
        const html = await page.content();
        for (const name of hidden) expect([next, html.includes(name)]).toEqual([next, false]);
        for (const href of await page.locator("a[href]").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) {
          if (href.startsWith(`${base()}/dashboard`) && !seen.has(href)) queue.push(href);
        }
      }
      expect(seen.size).toBeGreaterThan(5); // the overview, two repos, their jobs
      for (const path of ["/api/v1/repos", "/api/v1/org", "/api/v1/repos/acme/web/jobs", "/api/v1/repos/acme/api/jobs"]) {
        const res = await page.request.get(`${base()}${path}`);
        expect([path, res.status()]).toEqual([path, 200]);
        const body = await res.text();
        for (const name of hidden) expect([path, body.includes(name)]).toEqual([path, false]);
      }
      // Asking for it by name is a plain 404, like a repo that does not exist.
      expect((await page.request.get(`${base()}/api/v1/repos/${SECRET_REPO}/jobs`)).status()).toBe(404);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
