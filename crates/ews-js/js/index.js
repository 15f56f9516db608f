// The default entry: everything in sdk.js, with the wasm module already
// loaded when the import resolves (top-level await). Node, Deno and Bun
// read ews_js_bg.wasm from next to this file; browsers fetch it from there
// (`new URL("./ews_js_bg.wasm", import.meta.url)`, which bundlers follow).

import { autoInit } from "./runtime.js";

export * from "./sdk.js";

await autoInit();
