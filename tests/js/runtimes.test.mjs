// The package in each runtime it is for: its package.json, resolution by
// name in Node (default entry loads itself; the edge entry waits for
// initSync), an edge function in real workerd, and a web page in headless
// Chromium, the last two against ews-sim.

import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";

import { CHROMIUM_LAUNCH, DEMO, DIST, ROOT, startSim, stopChild, track } from "./harness.mjs";

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(DIST, "package.json"), "utf8"));
const SIM_ARGS = ["--containers", "12", "--step-ms", "20", "--fail-rate", "0"];

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

describe("package.json", () => {
  test("is an ES module package whose every entry and listed file exists", () => {
    assert.equal(pkg.name, "@ews/sdk");
    assert.equal(pkg.type, "module");
    assert.match(pkg.version, /^\d+\.\d+\.\d+/);
    assert.equal(pkg.types, "./index.d.ts");
    const targets = [];
    const walk = (v) => (typeof v === "string" ? targets.push(v) : Object.values(v).forEach(walk));
    walk(pkg.exports);
    assert.deepEqual(pkg.exports["."].default, "./index.js");
    assert.deepEqual(pkg.exports["."].workerd, "./sdk.js");
    for (const file of [...targets, ...pkg.files, pkg.main, pkg.types]) {
      assert.ok(existsSync(join(DIST, file)), `${file} is missing from ${DIST}`);
    }
    // Every .js module a runtime loads is listed, with its declarations.
    for (const js of ["index.js", "sdk.js", "client.js", "errors.js", "runtime.js", "ews_js.js"]) {
      assert.ok(pkg.files.includes(js), js);
      assert.ok(pkg.files.includes(js.replace(/\.js$/, ".d.ts")), `${js} types`);
    }
  });

  test("the declarations name the public API and the typed interfaces", () => {
    const dts = readFileSync(join(DIST, "ews_js.d.ts"), "utf8");
    for (const name of ["Container", "Command", "Activity", "Step", "SignedRequest", "Outcome", "FollowPolicy"]) {
      assert.match(dts, new RegExp(`export (interface|type) ${name}\\b`), name);
    }
    assert.match(dts, /export function signature\(method: SignMethodName \| null \| undefined, secret: string, params: SignParams\): string;/);
    assert.match(dts, /export function decodeContainerList\(.*\): ContainerList;/);
    assert.match(dts, /export type ContainerList = Container\[\] & \{ skipped: SkippedItem\[\] \};/);
    assert.match(dts, /export function buildRequest\(.*\): SignedRequest;/);
    // JavaScript names: camelCase parameters in every exported signature.
    const api = dts.slice(0, dts.indexOf("export type InitInput"));
    assert.deepEqual(api.match(/\b[a-z]+_[a-z_]+\??:/g), null);
    const sdkDts = readFileSync(join(DIST, "sdk.d.ts"), "utf8");
    for (const name of ["EwsClient", "EwsError", "initSync", "init", "Container", "Outcome"]) {
      assert.match(sdkDts, new RegExp(`\\b${name}\\b`), name);
    }
    assert.match(readFileSync(join(DIST, "client.d.ts"), "utf8"), /followCommand\(/);
  });
});

describe("Node resolves the package by name", () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ews-js-node-"));
    mkdirSync(join(dir, "node_modules/@ews"), { recursive: true });
    symlinkSync(DIST, join(dir, "node_modules/@ews/sdk"), "dir");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const node = async (code, args = []) => {
    const { stdout } = await run(process.execPath, [...args, "--input-type=module", "-e", code], { cwd: dir });
    return JSON.parse(stdout);
  };

  test("the default entry is ready on import", async () => {
    const out = await node(`
      import { isReady, signature, EwsClient, EwsError } from "@ews/sdk";
      const e = await new EwsClient({ endpoint: "http://127.0.0.1:9", accessKey: "a", secretKey: "b" })
        .getContainer("x").catch((e) => e);
      console.log(JSON.stringify({ ready: isReady(), sig: signature("md5", "s3cr3t", { accesskey: "t9xuit3pt202ou09", timestamp: "1453960955000" }), typed: e instanceof EwsError, kind: e.kind }));
    `);
    const expected = readFileSync(join(ROOT, "crates/ews-core/tests/vectors/protocol_example/hmac_md5.txt"), "utf8").trim();
    assert.deepEqual(out, { ready: true, sig: expected, typed: true, kind: "invalid_id" });
  });

  test("the edge entry (and the workerd condition) wait for initSync", async () => {
    const code = (spec) => `
      import { readFileSync } from "node:fs";
      import { isReady, initSync, EwsClient, signature } from "${spec}";
      const before = isReady();
      let refused = "";
      try { new EwsClient({ endpoint: "http://x", accessKey: "a", secretKey: "b" }); } catch (e) { refused = e.message; }
      const wasm = new WebAssembly.Module(readFileSync(new URL(import.meta.resolve("@ews/sdk/ews_js_bg.wasm"))));
      initSync({ module: wasm });
      console.log(JSON.stringify({ before, refused, after: isReady(), sig: signature("sha1", "k", []).length }));
    `;
    for (const [spec, args] of [
      ["@ews/sdk/edge", []],
      ["@ews/sdk", ["--conditions=workerd"]],
    ]) {
      const out = await node(code(spec), args);
      assert.equal(out.before, false, spec);
      assert.match(out.refused, /wasm module is not loaded yet.*initSync/, spec);
      assert.equal(out.after, true, spec);
      assert.equal(out.sig, 40, spec);
    }
  });
});

describe("an edge function in workerd", () => {
  const workerd = [
    join(ROOT, "tests/node_modules/@cloudflare/workerd-linux-64/bin/workerd"),
    join(ROOT, "tests/node_modules/workerd/bin/workerd"),
  ].find((p) => existsSync(p));
  let sim;
  let child;
  let dir;
  let url;
  const logs = [];

  before(async () => {
    assert.ok(workerd, "no workerd: run `npm ci` in tests/ (cargo xtask install)");
    sim = await startSim({ args: SIM_ARGS });
    dir = mkdtempSync(join(tmpdir(), "ews-js-workerd-"));
    const modules = ["sdk.js", "client.js", "errors.js", "runtime.js", "ews_js.js"];
    for (const f of [...modules, "ews_js_bg.wasm"]) copyFileSync(join(DIST, f), join(dir, f));
    copyFileSync(new URL("./fixtures/edge-worker.mjs", import.meta.url), join(dir, "worker.mjs"));
    const port = await freePort();
    const text = (name, value) => `(name = "${name}", text = "${value}")`;
    writeFileSync(
      join(dir, "config.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .sdkWorker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const sdkWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
${modules.map((m) => `    (name = "${m}", esModule = embed "${m}"),`).join("\n")}
    (name = "ews_js_bg.wasm", wasm = embed "ews_js_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [
    ${text("EWS_ENDPOINT", sim.url)},
    ${text("EWS_ACCESS_KEY", DEMO.accessKey)},
    ${text("EWS_SECRET_KEY", DEMO.secretKey)},
  ],
  globalOutbound = "internet",
);
`,
    );
    child = track(spawn(workerd, ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "pipe", "pipe"] }));
    child.stdout.on("data", (d) => logs.push(String(d)));
    child.stderr.on("data", (d) => logs.push(String(d)));
    url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20000;
    for (;;) {
      assert.equal(child.exitCode, null, `workerd exited: ${logs.join("")}`);
      try {
        await fetch(`${url}/info`);
        break;
      } catch {
        assert.ok(Date.now() < deadline, `workerd did not answer: ${logs.join("")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
  after(async () => {
    if (child) await stopChild(child);
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("initSync with the imported module, then signing", async () => {
    const info = await (await fetch(`${url}/info`)).json();
    assert.equal(info.loadedBeforeInit, false);
    assert.equal(info.ready, true);
    const expected = readFileSync(join(ROOT, "crates/ews-core/tests/vectors/protocol_example/hmac_md5.txt"), "utf8").trim();
    assert.equal(info.signature, expected);
    assert.deepEqual(info.client, { endpoint: sim.url, accessKey: DEMO.accessKey, signMethod: "md5" });
  });

  test("lists, starts and follows through the SDK; a wrong secret is the typed 1004", async () => {
    const res = await fetch(`${url}/list`);
    assert.equal(res.status, 200, logs.join(""));
    const list = await res.json();
    assert.equal(list.length, 12);
    const c = list.find((x) => x.status === "STOPPED");
    const outcome = await (await fetch(`${url}/start-and-follow?id=${c.id}`)).json();
    assert.equal(outcome.kind, "succeeded", JSON.stringify(outcome));
    assert.equal(outcome.command.status, "DONE");
    const wrong = await fetch(`${url}/wrong-secret`);
    assert.equal(wrong.status, 502);
    const e = await wrong.json();
    assert.equal(e.instanceOfEwsError, true);
    assert.equal(e.code, "1004");
    assert.equal(e.status, 401);
  });
});

describe("a web page in headless Chromium", () => {
  let sim;
  let server;
  let browser;
  let origin;
  const MIME = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".ts": "text/plain" };

  before(async () => {
    assert.ok(existsSync("/usr/bin/chromium"), "no /usr/bin/chromium: apt-get install -y chromium");
    sim = await startSim({ args: SIM_ARGS });
    // The page and the package on one origin, the API (ews-sim, CORS *) on another.
    server = createHttpServer((req, res) => {
      const path = new URL(req.url, "http://x").pathname;
      if (path === "/") {
        res.writeHead(200, { "content-type": "text/html" });
        res.end('<!doctype html><link rel="icon" href="data:,"><title>sdk</title>');
        return;
      }
      const file = path.startsWith("/sdk/") ? join(DIST, path.slice(5)) : null;
      if (!file || file.includes("..") || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    });
    await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
    origin = `http://127.0.0.1:${server.address().port}`;
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch(CHROMIUM_LAUNCH);
  });
  after(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok()));
    await sim?.stop();
  });

  test("the default entry fetches the .wasm next to it; list, start, follow and typed errors work", async () => {
    const page = await browser.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    const wasmRequests = [];
    page.on("request", (r) => r.url().endsWith(".wasm") && wasmRequests.push(r.url()));
    await page.goto(origin);
    const out = await page.evaluate(
      async ({ endpoint, accessKey, secretKey }) => {
        const sdk = await import("/sdk/index.js");
        const client = new sdk.EwsClient({ endpoint, accessKey, secretKey });
        const list = await client.listContainers();
        const target = list.find((c) => sdk.allowedActions(c.status).includes("start"));
        const updates = [];
        const outcome = await client.followCommand(await client.start(target.id), {
          policy: { firstDelayMs: 20, minDelayMs: 20 },
          onUpdate: (c) => updates.push(c.status),
        });
        const after = await client.getContainer(target.id);
        const wrong = new sdk.EwsClient({ endpoint, accessKey, secretKey: "wrong-in-browser" });
        const e = await wrong.listContainers().catch((x) => x);
        return {
          ready: sdk.isReady(),
          count: list.length,
          outcome: outcome.kind,
          updates: updates.length,
          after: after.status,
          error: { typed: e instanceof sdk.EwsError, isError: e instanceof Error, name: e.name, code: e.code, status: e.status },
          correction: client.clockCorrectionMs,
          shown: String(client) + JSON.stringify(client),
        };
      },
      { endpoint: sim.url, ...DEMO },
    );
    assert.deepEqual(problems.filter((p) => !/401/.test(p)), []);
    assert.deepEqual(wasmRequests, [`${origin}/sdk/ews_js_bg.wasm`]);
    assert.equal(out.ready, true);
    assert.equal(out.count, 12);
    assert.equal(out.outcome, "succeeded");
    assert.ok(out.updates >= 1);
    assert.equal(out.after, "RUNNING");
    assert.deepEqual(out.error, { typed: true, isError: true, name: "EwsError", code: "1004", status: 401 });
    assert.equal(out.correction, 0);
    assert.ok(!out.shown.includes(DEMO.secretKey));
    await page.close();
  });
});
