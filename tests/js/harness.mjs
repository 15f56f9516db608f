// Shared by the SDK's Node tests: where the built package and the simulator
// are, and starting/stopping an `ews-sim` on 127.0.0.1 that is always killed
// again (after each suite, and on exit or a signal as a last resort).
//
// Inputs (set by `cargo xtask js test`, with defaults for a manual run of
// `node --test tests/js/` from the repository root):
//   EWS_JS_DIST   the built package   [dist/ews-js]
//   EWS_SIM_BIN   the ews-sim binary  [target/release/ews-sim]

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../../", import.meta.url)));
export const DIST = resolve(process.env.EWS_JS_DIST ?? join(ROOT, "dist/ews-js"));
export const SIM_BIN = resolve(process.env.EWS_SIM_BIN ?? join(ROOT, "target/release/ews-sim"));
export const VECTORS = join(ROOT, "crates/ews-core/tests/vectors");
export const FIXTURES = join(ROOT, "crates/ews-core/tests/fixtures");

/** The simulator's demo credentials. */
export const DEMO = { accessKey: "ews-demo", secretKey: "ews-demo-secret" };

/** Imports a module of the built package (`index.js` loads the wasm itself). */
export async function sdk(file = "index.js") {
  const path = join(DIST, file);
  if (!existsSync(path)) throw new Error(`no ${path}: run \`cargo xtask js\` first`);
  return import(pathToFileURL(path).href);
}

const children = new Set();
function killAll() {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Stops a child: SIGTERM, then SIGKILL after 3 s; resolves once it has exited. */
export async function stopChild(child) {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((ok) => child.once("exit", ok));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(timer);
  }
  children.delete(child);
}

/** Tracks a spawned child so that it is killed when the test process ends. */
export function track(child) {
  children.add(child);
  return child;
}

/**
 * Starts `ews-sim --listen 127.0.0.1:0` with the demo credentials (or
 * `accessKey`/`secretKey`) and `args`. Returns `{ url, stop, admin, output }`;
 * `admin(method, path, body)` calls an /__admin endpoint (pass `--admin`).
 */
export async function startSim({ accessKey = DEMO.accessKey, secretKey = DEMO.secretKey, args = [] } = {}) {
  if (!existsSync(SIM_BIN)) throw new Error(`no ews-sim at ${SIM_BIN}: cargo build --release -p ews-sim`);
  const child = track(
    spawn(SIM_BIN, ["--listen", "127.0.0.1:0", "--access-key", accessKey, "--secret-key", secretKey, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  const output = [];
  const url = await new Promise((ok, fail) => {
    let first = "";
    const timer = setTimeout(() => fail(new Error(`ews-sim did not start: ${output.join("")}`)), 15000);
    child.stdout.on("data", (d) => {
      output.push(String(d));
      first += d;
      const newline = first.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        const m = first.slice(0, newline).match(/^ews-sim listening on (http:\/\/\S+)$/);
        if (m) ok(m[1]);
        else fail(new Error(`unexpected first line from ews-sim: ${first.slice(0, newline)}`));
      }
    });
    child.stderr.on("data", (d) => output.push(String(d)));
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`ews-sim exited (${code}): ${output.join("")}`));
    });
  });
  child.stdout.resume();
  const admin = async (method, path, body) => {
    const res = await fetch(`${url}/__admin${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (json.code !== "0") throw new Error(`admin ${method} ${path}: ${JSON.stringify(json)}`);
    return json.data;
  };
  return { url, output, admin, child, stop: () => stopChild(child) };
}
