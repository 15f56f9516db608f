// Processes for every Node test suite (tests/e2e, tests/edge, tests/js):
// starting `ews-sim` on a free loopback port, stopping children (SIGTERM,
// then SIGKILL), killing whatever is left when the test process ends, and
// the one set of headless Chromium flags (docs/TOOLCHAIN.md).

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

/** Chromium: Debian's, or $CHROMIUM_BIN. */
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

/** The Chromium flags of TOOLCHAIN.md, for headless runs on this machine. */
export const CHROMIUM_ARGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
]);

/** Options for playwright-core's `chromium.launch()`. */
export const CHROMIUM_LAUNCH = { executablePath: CHROMIUM_BIN, args: [...CHROMIUM_ARGS] };

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

/** Tracks a spawned child so that it is killed when the test process ends. */
export function track(child) {
  children.add(child);
  return child;
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

/**
 * Starts `bin` (an ews-sim) with `--listen 127.0.0.1:0` and `args` (plus
 * `--settle-ms 3600000` unless `args` sets it), and
 * waits for its first line, `ews-sim listening on URL`.
 * @param {string} bin the ews-sim binary
 * @param {string[]} args more flags
 * @returns {Promise<{url: string, output: string[], child: import("node:child_process").ChildProcess, stop: () => Promise<void>}>}
 */
export async function startSim(bin, args = []) {
  if (!existsSync(bin)) throw new Error(`no ews-sim at ${bin}: cargo build --release -p ews-sim`);
  // Passing states stay an hour unless a test says otherwise, so a test
  // that picks a STARTING container finds it still starting.
  const settle = args.includes("--settle-ms") ? [] : ["--settle-ms", "3600000"];
  const child = track(spawn(bin, ["--listen", "127.0.0.1:0", ...settle, ...args], { stdio: ["ignore", "pipe", "pipe"] }));
  const output = [];
  const url = await new Promise((ok, fail) => {
    let first = "";
    const timer = setTimeout(() => fail(new Error(`ews-sim did not start: ${output.join("")}`)), 20000);
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
  return { url, output, child, stop: () => stopChild(child) };
}
