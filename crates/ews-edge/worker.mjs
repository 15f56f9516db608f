// The worker's entry point: load the wasm once per isolate, hand every
// request to Rust. Built next to `ews_edge.js` and `ews_edge_bg.wasm` by
// `cargo xtask edge-build` (wasm-bindgen --target web).
import wasm from "./ews_edge_bg.wasm";
import { initSync, handle, durable_init, durable_handle } from "./ews_edge.js";

initSync({ module: wasm });

export default {
  fetch(request, env, ctx) {
    return handle(request, env, ctx);
  },
};

// The worker's one Durable Object (binding EWS_STATE, SQLite storage): the
// sign-in limiter, revoked sessions and the audit trail, the same for every
// isolate. Each message is handled by Rust in one synchronous call against
// the object's SQL storage, so it is atomic.
export class EwsEdgeState {
  constructor(ctx) {
    this.sql = ctx.storage.sql;
    durable_init(this.sql);
  }

  async fetch(request) {
    const op = new URL(request.url).pathname.slice(1);
    const body = new Uint8Array(await request.arrayBuffer());
    const answer = durable_handle(this.sql, op, body, Date.now());
    return new Response(answer, { headers: { "content-type": "application/json" } });
  }
}
