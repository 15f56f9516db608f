// The worker's entry point: load the wasm once per isolate, hand every
// request to Rust. Built next to `ews_edge.js` and `ews_edge_bg.wasm` by
// `cargo xtask edge-build` (wasm-bindgen --target web).
import wasm from "./ews_edge_bg.wasm";
import { initSync, handle } from "./ews_edge.js";

initSync({ module: wasm });

export default {
  fetch(request, env, ctx) {
    return handle(request, env, ctx);
  },
};
