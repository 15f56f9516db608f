// Shared by the SDK's Node tests: where the built package and the simulator
// are, and starting/stopping an `ews-sim` on 127.0.0.1 that is always killed
// again (after each suite, and on exit or a signal as a last resort).
//
// Inputs (set by `cargo xtask js test`, with defaults for a manual run of
// `node --test tests/js/` from the repository root):
//   EWS_JS_DIST   the built package   [dist/ews-js]
//   EWS_SIM_BIN   the ews-sim binary  [target/release/ews-sim]

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { startSim as startSimProcess } from "../lib/procs.mjs";

export { CHROMIUM_LAUNCH, stopChild, track } from "../lib/procs.mjs";

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

/**
 * Starts `ews-sim --listen 127.0.0.1:0` with the demo credentials (or
 * `accessKey`/`secretKey`) and `args`. Returns `{ url, stop, admin, output }`;
 * `admin(method, path, body)` calls an /__admin endpoint (pass `--admin`).
 */
export async function startSim({ accessKey = DEMO.accessKey, secretKey = DEMO.secretKey, args = [] } = {}) {
  const { url, output, stop } = await startSimProcess(SIM_BIN, ["--access-key", accessKey, "--secret-key", secretKey, ...args]);
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
  return { url, output, admin, stop };
}
