// Loading the wasm module, once, in whichever way the runtime allows:
// `init()` fetches it (browsers; by default from next to this file),
// `initSync({ module })` instantiates bytes or a compiled module at once
// (Node reads the file; edge runtimes import the .wasm as a module).

import initWasm, { initSync as initWasmSync } from "./ews_js.js";

let ready = false;
let pending = null;

/**
 * The URL of the .wasm file shipped next to this module. A function, so that
 * runtimes without a usable `import.meta.url` (some edge runtimes) can still
 * load this module and call `initSync`.
 */
export function wasmUrl() {
  return new URL("./ews_js_bg.wasm", import.meta.url);
}

/** Whether the wasm module is loaded. */
export function isReady() {
  return ready;
}

/**
 * Loads the wasm module synchronously from `{ module }`: a
 * `WebAssembly.Module` (edge runtimes: `import wasm from "@ews/sdk/ews_js_bg.wasm"`)
 * or its bytes. Does nothing when already loaded.
 */
export function initSync(options) {
  if (ready) return;
  if (options == null || options.module == null) {
    throw new TypeError("initSync needs { module }: a WebAssembly.Module or the bytes of ews_js_bg.wasm");
  }
  initWasmSync({ module: options.module });
  ready = true;
}

/**
 * Loads the wasm module: by default fetches `ews_js_bg.wasm` from next to
 * this file; `{ module_or_path }` may name another URL, a `Response`, bytes
 * or a compiled module. Does nothing when already loaded.
 */
export function init(options) {
  if (ready) return Promise.resolve();
  pending ??= initWasm({ module_or_path: options?.module_or_path ?? wasmUrl() }).then(
    () => {
      ready = true;
    },
    (e) => {
      pending = null;
      throw e;
    },
  );
  return pending;
}

/** Throws a helpful error unless the wasm module is loaded. */
export function assertReady() {
  if (!ready) {
    throw new Error(
      "@ews/sdk: the wasm module is not loaded yet: import the package's default entry (it loads itself), " +
        "or call `await init()` (browsers) or `initSync({ module })` (edge runtimes) first",
    );
  }
}

/** Loads the module the way this runtime allows: from the file in Node, Deno and Bun, else by fetch. */
export async function autoInit() {
  if (ready) return;
  const isNodeLike = typeof process === "object" && process !== null && process.versions?.node != null;
  if (isNodeLike) {
    try {
      const { readFileSync } = await import(/* webpackIgnore: true */ "node:fs");
      initSync({ module: readFileSync(wasmUrl()) });
      return;
    } catch {
      // Not a file system we can read (a bundle, a worker with a Node
      // shim): fall back to fetching.
    }
  }
  await init();
}
