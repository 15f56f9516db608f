// Starts ews-sim and the built edge worker in real workerd on 127.0.0.1,
// on free ports, and stops them again. The one place that knows how: the
// tests, the benchmark and `cargo xtask edge` (serve.mjs) all use it.
//
// Inputs (set by `cargo xtask`, with defaults for a manual run from the
// repository root):
//   EWS_SIM_BIN      the ews-sim binary        [target/release/ews-sim]
//   EWS_EDGE_BUILD   the built worker          [crates/ews-edge/build]
//   WORKERD_BIN      the workerd binary        [tests/node_modules/…/workerd]

import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { startSim as startSimProcess, stopChild, track } from "../lib/procs.mjs";

export { CHROMIUM_BIN, CHROMIUM_LAUNCH } from "../lib/procs.mjs";

export const ROOT = resolve(fileURLToPath(new URL("../../", import.meta.url)));

export const paths = {
  sim: process.env.EWS_SIM_BIN ?? join(ROOT, "target/release/ews-sim"),
  build: process.env.EWS_EDGE_BUILD ?? join(ROOT, "crates/ews-edge/build"),
  workerd:
    process.env.WORKERD_BIN ??
    [
      join(ROOT, "tests/node_modules/@cloudflare/workerd-linux-64/bin/workerd"),
      join(ROOT, "tests/node_modules/workerd/bin/workerd"),
    ].find((p) => existsSync(p)),
};

/** A random secret-looking string. */
export const random = (prefix, bytes = 18) => `${prefix}${randomBytes(bytes).toString("hex")}`;

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * Starts ews-sim on a free port with `accessKey`/`secretKey` and extra
 * flags. Returns { url, stop, output }.
 */
export async function startSim({ accessKey, secretKey, args = [] }) {
  const sim = await startSimProcess(paths.sim, ["--access-key", accessKey, "--secret-key", secretKey, ...args]);
  return { url: sim.url, output: sim.output, stop: sim.stop };
}

const capnpString = (s) => `"${String(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/**
 * The workerd configuration: the worker module, its env as text bindings,
 * ASSETS as a disk service, and the Durable Object (SQLite) stored on disk
 * in `stateDir`.
 */
export function capnpConfig({ port, build, site, env, dir, stateDir }) {
  // `embed` paths are relative to the config file (absolute ones mean the import path).
  const embed = (file) => capnpString(relative(dir, join(build, file)));
  const bindings = Object.entries(env)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([name, value]) => `    (name = ${capnpString(name)}, text = ${capnpString(value)}),`);
  if (site && existsSync(site)) bindings.push(`    (name = "ASSETS", service = "site"),`);
  bindings.push(`    (name = "EWS_STATE", durableObjectNamespace = "EwsEdgeState"),`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .edgeWorker),
${site && existsSync(site) ? `    (name = "site", disk = (path = ${capnpString(site)}, writable = false)),\n` : ""}    (name = "state", disk = (path = ${capnpString(stateDir)}, writable = true)),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = ${capnpString(`127.0.0.1:${port}`)}, http = (), service = "main") ],
);

const edgeWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed ${embed("worker.mjs")}),
    (name = "ews_edge.js", esModule = embed ${embed("ews_edge.js")}),
    (name = "ews_edge_bg.wasm", wasm = embed ${embed("ews_edge_bg.wasm")}),
  ],
  compatibilityDate = "2025-09-01",
  durableObjectNamespaces = [
    (className = "EwsEdgeState", uniqueKey = "ews-edge-state", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "state"),
  bindings = [
${bindings.join("\n")}
  ],
  globalOutbound = "internet",
);
`;
}

/**
 * Runs the built worker in workerd on a free port with `env` as its
 * bindings and `site` (a directory) as ASSETS. The Durable Object's storage
 * is `stateDir` (a fresh directory unless given: pass the same one to a
 * second worker to see that what it stored survives a restart). Returns
 * { url, logs, stop, stateDir }; `logs` collects what the worker printed.
 */
export async function startWorker({ env, site = null, build = paths.build, port: wanted, stateDir: keptState }) {
  for (const f of ["worker.mjs", "ews_edge.js", "ews_edge_bg.wasm"]) {
    if (!existsSync(join(build, f))) throw new Error(`no ${f} in ${build}: cargo xtask edge-build`);
  }
  if (!paths.workerd) throw new Error("no workerd: run `npm ci` in tests/ (cargo xtask install)");
  const port = wanted ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "ews-edge-"));
  const stateDir = keptState ?? mkdtempSync(join(tmpdir(), "ews-edge-state-"));
  const config = join(dir, "config.capnp");
  writeFileSync(config, capnpConfig({ port, build: resolve(build), site: site && resolve(site), env, dir, stateDir }), { mode: 0o600 });
  const child = track(spawn(paths.workerd, ["serve", config], { stdio: ["ignore", "pipe", "pipe"] }));
  const logs = [];
  const collect = (d) => logs.push(...String(d).split("\n").filter((l) => l.trim() !== ""));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`workerd exited (${child.exitCode}): ${logs.join("\n")}`);
    }
    try {
      await fetch(`${url}/edge/login.css`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`workerd did not answer: ${logs.join("\n")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    logs,
    stateDir,
    /** Stops workerd; `keepState` leaves the Durable Object's files for another worker. */
    stop: async ({ keepState = false } = {}) => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      if (!keepState && !keptState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * ews-sim (steps of `stepMs`, no random failures) behind the worker serving
 * `site` in workerd, with fresh keys and tokens.
 * Returns { sim, worker, tokens, accessKey, secretKey, stop }.
 */
export async function startEdgeStack({ site, stepMs = 50 }) {
  const accessKey = random("ak-");
  const secretKey = random("sec-");
  const sim = await startSim({ accessKey, secretKey, args: ["--step-ms", String(stepMs), "--fail-rate", "0"] });
  const e = edgeEnv({ upstream: sim.url, accessKey, secretKey });
  const worker = await startWorker({ env: e.env, site });
  const stop = async () => {
    await worker.stop();
    await sim.stop();
  };
  return { sim, worker, tokens: e.tokens, accessKey, secretKey, stop };
}

/**
 * The worker's env for a sim at `upstream`, with fresh tokens and keys.
 * `CF-Connecting-IP` stands for the address header of a proxy the operator
 * trusts (workerd has no Cloudflare in front): tests send it as the
 * client's address. Pass `extra: { EWS_CLIENT_IP_HEADER: undefined }` for a
 * worker that trusts no address.
 */
export function edgeEnv({ upstream, accessKey, secretKey, extra = {} }) {
  const tokens = {
    operator: random("op-"),
    viewer: random("vw-"),
  };
  const sessionKey = random("sk-", 32);
  return {
    tokens,
    sessionKey,
    env: {
      EWS_UPSTREAM: upstream,
      EWS_ACCESS_KEY: accessKey,
      EWS_SECRET_KEY: secretKey,
      EWS_SIGN_METHOD: "md5",
      EWS_CONSOLE_TOKENS: `olga:operator:${tokens.operator},vic:viewer:${tokens.viewer}`,
      EWS_SESSION_KEY: sessionKey,
      EWS_CLIENT_IP_HEADER: "cf-connecting-ip",
      ...extra,
    },
  };
}

/**
 * One worker in front of several accounts, each its own ews-sim with its
 * own keys (`names`, in `EWS_ACCOUNTS` order; `containers[i]` the fleet
 * size of the i-th). Tokens: olga operates every account, carol operates
 * the second and views the first, dave views the first only.
 * Returns { sims: {name: {url, accessKey, secretKey, …}}, worker, tokens, env, stop }.
 */
export async function startAccountsStack({ site = null, names = ["prod", "staging"], containers = [], stepMs = 30, extra = {} } = {}) {
  const sims = {};
  const env = {
    EWS_ACCOUNTS: names.join(","),
    EWS_SESSION_KEY: random("sk-", 32),
    EWS_CLIENT_IP_HEADER: "cf-connecting-ip",
  };
  try {
    for (const [i, name] of names.entries()) {
      const accessKey = random(`ak-${name}-`);
      const secretKey = random(`sec-${name}-`);
      const args = ["--step-ms", String(stepMs), "--fail-rate", "0", "--seed", String(100 + i)];
      if (containers[i]) args.push("--containers", String(containers[i]));
      sims[name] = { ...(await startSim({ accessKey, secretKey, args })), accessKey, secretKey };
      const suffix = name.toUpperCase().replace(/-/g, "_");
      Object.assign(env, {
        [`EWS_UPSTREAM_${suffix}`]: sims[name].url,
        [`EWS_ACCESS_KEY_${suffix}`]: accessKey,
        [`EWS_SECRET_KEY_${suffix}`]: secretKey,
        [`EWS_SIGN_METHOD_${suffix}`]: "md5",
      });
    }
  } catch (e) {
    for (const sim of Object.values(sims)) await sim.stop();
    throw e;
  }
  const tokens = { olga: random("op-"), carol: random("ca-"), dave: random("da-") };
  const [first, second = first] = names;
  env.EWS_CONSOLE_TOKENS = [
    `olga:operator:${tokens.olga}`,
    `carol:operator@${second}+viewer@${first}:${tokens.carol}`,
    `dave:viewer@${first}:${tokens.dave}`,
  ].join(",");
  Object.assign(env, extra);
  const stopSims = async () => {
    for (const sim of Object.values(sims)) await sim.stop();
  };
  let worker;
  try {
    worker = await startWorker({ env, site });
  } catch (e) {
    await stopSims();
    throw e;
  }
  return {
    sims,
    worker,
    tokens,
    env,
    stop: async () => {
      await worker.stop();
      await stopSims();
    },
  };
}

/** A tiny stand-in console: an HTML page, a script, a wasm file. */
export function fixtureSite() {
  const dir = mkdtempSync(join(tmpdir(), "ews-edge-site-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><html><head><link rel="icon" href="data:,"><script type="module" src="/app.js"></script></head><body>fixture console</body></html>\n',
  );
  writeFileSync(join(dir, "app.js"), "document.body.dataset.loaded = 'yes';\n");
  writeFileSync(join(dir, "assets", "tiny.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Signs a direct API call the way a client that holds the secret would (HMAC-MD5, PROTOCOL.md). */
export function signDirect({ accessKey, secretKey, timestamp = Date.now() }) {
  const params = `accesskey${accessKey}timestamp${timestamp}`;
  const sig = createHmac("md5", secretKey).update(`${secretKey}${params}${secretKey}`).digest("hex").toUpperCase();
  return { query: `accesskey=${encodeURIComponent(accessKey)}&timestamp=${timestamp}`, authorization: sig };
}
