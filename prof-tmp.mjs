import { spawn } from "node:child_process";
import { FakeGitHub } from "./build-bench/test/e2e/fake-github.js";
import { env, freePort, sign } from "./build-bench/test/e2e/server.js";
import { workflowRunEvent, commentEvent } from "./build-bench/test/helpers/events.js";
const g = new FakeGitHub(); await g.start();
const script = process.argv[2] ?? "lib/main.js";
const port = await freePort();
const proc = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/prof", script], { env: env(g.port, port), stdio: "inherit" });
for (;;) { try { if ((await fetch(`http://127.0.0.1:${port}/ping`)).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
const evs = [["workflow_run", workflowRunEvent({conclusion:"success"})], ["issue_comment", commentEvent("hello there")]].map(([e,p]) => [e, JSON.stringify(p)]);
let n = 0; const t = performance.now();
await Promise.all(Array.from({length: 16}, async () => { while (n < 4000) { const [e,body] = evs[n++ % 2];
  const r = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": e, "x-github-delivery": String(n), "x-hub-signature-256": sign(body) }, body }); await r.text(); } }));
console.log(script, (4000 / ((performance.now() - t)/1000)).toFixed(0), "ev/s");
proc.kill("SIGINT"); await new Promise(r => proc.on("exit", r)); await g.stop();
