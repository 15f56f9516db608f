// Everything the package offers, without loading the wasm module: the entry
// for edge runtimes (`@ews/sdk/edge`), which call `initSync({ module })`
// with the .wasm they imported before using anything else. The default
// entry (index.js) is this plus loading the module by itself.

export {
  signature,
  stringToSign,
  buildRequest,
  decodeContainerList,
  decodeContainer,
  decodeCommand,
  decodeResponse,
  clockCorrectionMs,
  actionUsual,
  usualActions,
  stateMeaning,
  outcomeOf,
  defaultFollowPolicy,
  CommandFollower,
  CommandWatch,
  RolloutRun,
  restartMayStart,
  ClientCore,
  Call,
} from "./ews_js.js";
// The names before the state rule became advice (kept so code written
// against them still runs).
export { actionUsual as actionAllowed, usualActions as allowedActions } from "./ews_js.js";
export { EwsError } from "./errors.js";
export { EwsClient } from "./client.js";
export { init, initSync, isReady, wasmUrl } from "./runtime.js";
