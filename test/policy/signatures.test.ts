/**
 * Every signature and exclusion against the real texts it cites (Prow-style table; each case runs
 * twice, so a matcher that kept state between calls would show), and the near misses that must not
 * match: texts the code under test or a real failure writes.
 */
import { EXCLUSIONS, SIGNATURES, type Signature } from "../../src/policy/signatures.js";
import { judgeByPresets, PRESET_OF, scanText, type Evidence } from "../../src/policy/preset.js";
import type { FlakeCategory } from "../../src/policy/signatures.js";
import { RE2JS } from "re2js";
import { job } from "../helpers/facts.js";

const cases = (list: Signature[]) => list.flatMap((sig) => sig.examples.map((e, i) => [`${sig.id} #${i + 1} (${e.source})`, sig, e.text] as const));
const BOTH = ["infrastructure", "network"] as const;
const asLog = (text: string): Evidence => ({ annotations: [], log: text });

describe("every flake signature matches the text GitHub or the tool really writes", () => {
  test.each(cases(SIGNATURES))("%s", (_name, sig, text) => {
    for (let run = 0; run < 2; run++) {
      const r = scanText(text);
      expect(r.real).toBeUndefined();
      expect(r.flakes.map((h) => h.sig.id)).toContain(sig.id);
      // Through the judge: the preset the category belongs to re-runs it; the line is quoted.
      const v = judgeByPresets([PRESET_OF[sig.category as FlakeCategory]], job(), asLog(text));
      expect(v).toMatchObject({ finding: { outcome: sig.category === "network" ? "network" : "infrastructure", where: "log" } });
      expect("finding" in v && v.finding.quote && text.includes(v.finding.quote.replace(/…$/, "").slice(0, 40))).toBe(true);
    }
  });
});

describe("every exclusion matches its real text, and wins over any flake signature", () => {
  test.each(cases(EXCLUSIONS))("%s", (_name, sig, text) => {
    for (let run = 0; run < 2; run++) {
      const r = scanText(text);
      expect((r.real ?? r.last)?.sig.id).toBe(sig.id);
      const beside = `${text}\nThe runner has received a shutdown signal.\nnpm ERR! code ECONNRESET`;
      const v = judgeByPresets(BOTH, job(), { annotations: [{ level: "failure", message: beside, title: null }] });
      if (sig.order === "last") expect(v).toMatchObject({ finding: { outcome: "infrastructure" } });
      else expect(v).toMatchObject({ finding: { outcome: "real", signature: { id: sig.id }, where: "annotations" } });
    }
  });
});

describe("near misses: what a real failure or the code under test writes is never a flake", () => {
  test.each([
    ["a database not started in a test", "Error: connect ECONNREFUSED 127.0.0.1:5432"],
    ["a .NET test asserting a status", "System.Net.Http.HttpRequestException: Response status code does not indicate success: 503 (Service Unavailable)."],
    ["git refused (403)", "fatal: unable to access 'https://github.com/o/r/': The requested URL returned error: 403"],
    ["a push too large", "error: RPC failed; HTTP 413 curl 22 The requested URL returned error: 413\nfatal: the remote end hung up unexpectedly"],
    ["a missing npm package", "npm ERR! code E404\nnpm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found"],
    ["a missing Maven artifact", "Could not find artifact com.acme:lib:jar:1.0 in central (https://repo.maven.apache.org/maven2)"],
    ["a Maven 401", "Could not transfer artifact com.acme:lib:pom:1.0 from/to github (https://maven.pkg.github.com/acme/lib): status code: 401, reason phrase: Unauthorized (401)"],
    ["a compile error", "error[E0308]: mismatched types"],
    ["a failing assertion mentioning a timeout", "AssertionError: expected request to time out"],
    ["a private action the token cannot read", "Error: Unable to resolve action `acme/private-action@v1`, repository not found"],
    ["an unanchored internal error", "Error: Internal server error"],
    ["the runner waiting for a runner", "Waiting for a runner to pick up this job..."],
    ["a local gem server that is not running", "Could not fetch specs from http://localhost:9292/"],
    ["the job's own server never answered (start-server-and-test)", "Error: Timeout awaiting 'request' for 30000ms"],
    ["Codecov refusing an upload without its token (404)", "Error: There was an error fetching the storage URL during POST: 404 - {'detail': ErrorDetail(string='Unable to locate build via Github Actions API.')}"],
    ["a registry refusing the push (403)", "failed to solve: rpc error: code = Unknown desc = unexpected status: 403 Forbidden"],
    ["a service container that never came up (its name)", "Error: getaddrinfo ENOTFOUND postgres"],
    ["a database container by name", 'psql: error: could not translate host name "db" to address: Name or service not known'],
    ["a service container by name, in Python", 'psycopg2.OperationalError: could not translate host name "postgres" to address: Temporary failure in name resolution'],
    ["a service container by name, through requests", "requests.exceptions.ConnectionError: HTTPConnectionPool(host='api', port=8000): Max retries exceeded with url: / (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution'))"],
    ["a push git's server refused (400), then hung up", "error: RPC failed; HTTP 400 curl 22 The requested URL returned error: 400\nsend-pack: unexpected disconnect while reading sideband packet\nfatal: the remote end hung up unexpectedly"],
    ["a server the job started, timing out", "Error: connect ETIMEDOUT 127.0.0.1:5432"],
    ["a local Redis, in Go", "dial tcp 127.0.0.1:6379: i/o timeout"],
    ["a push of a file over GitHub's limit, then the connection dropped", "remote: error: GH001: Large files detected. You may want to try Git Large File Storage - https://git-lfs.github.com.\nfatal: the remote end hung up unexpectedly"],
    ["a tool version that does not exist", "Error: Unexpected HTTP response: 404"],
    ["a yarn package that does not exist", 'error An unexpected error occurred: "https://registry.yarnpkg.com/left-padd: Request failed \\"404 Not Found\\"".'],
    ["an artifact name taken", "Error: Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run"],
    ["a git 404 from a missing repository", "remote: Repository not found.\nfatal: repository 'https://github.com/o/missing/' not found"],
    ["the job's own server, not GitHub, unreachable", "curl: Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server"],
    ["a look-alike host that is not GitHub's", "Failed to connect to notgithub.com.example port 443 after 75002 ms: Couldn't connect to server"],
    ["a setup download that broke off once, then went through", "aborted\nWaiting 13 seconds before trying again\nExtracting ...\nAdding to the cache ...\nFAIL src/app.test.ts"],
    ["a Gradle repository refusing the credentials (401)", "> Could not get resource 'https://maven.pkg.github.com/o/r/com/x/1.0/x-1.0.pom'.\n   > Could not GET 'https://maven.pkg.github.com/o/r/com/x/1.0/x-1.0.pom'. Received status code 401 from server: Unauthorized"],
    ["an action that does not exist (404)", "Failed to resolve action download info. Error: Not Found"],
  ])("%s", (_name, text) => {
    for (let run = 0; run < 2; run++) {
      const v = judgeByPresets(BOTH, job(), asLog(text));
      expect("finding" in v && v.finding.outcome).not.toMatch(/^(infrastructure|network)$/);
    }
  });
});

test("every entry names its source and quotes at least one real text", () => {
  for (const sig of [...SIGNATURES, ...EXCLUSIONS]) {
    expect(sig.examples.length).toBeGreaterThan(0);
    for (const e of sig.examples) expect(e.source).toMatch(/^([\w.-]+\/[\w.-]+#\d+|https:\/\/\S+)$/);
  }
  expect(new Set([...SIGNATURES, ...EXCLUSIONS].map((s) => s.id)).size).toBe(SIGNATURES.length + EXCLUSIONS.length);
});

describe("the patterns are safe to run natively (they are ours, not a config's)", () => {
  const all = [...SIGNATURES, ...EXCLUSIONS];
  // A quantifier on a group that holds an unbounded quantifier could backtrack without end.
  const NESTED = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/;

  test.each(all.map((s) => [s.id, s]))("%s is valid RE2 (no look-around, no back-reference) and has no nested repetition", (_id, sig) => {
    expect(() => RE2JS.compile(`(?im)${sig.pattern}`)).not.toThrow();
    expect(sig.pattern).not.toMatch(NESTED);
  });

  test("RE2 and the native engine agree on every example", () => {
    for (const sig of all) {
      const re2 = RE2JS.compile(`(?im)${sig.pattern}`);
      const js = new RegExp(sig.pattern, "im");
      for (const { text } of [...SIGNATURES, ...EXCLUSIONS].flatMap((s) => s.examples)) {
        expect([sig.id, js.test(text)]).toEqual([sig.id, re2.matcher(text).find()]);
      }
    }
  });
});
