/** The URL of the .wasm file shipped next to the package's modules. */
export declare function wasmUrl(): URL;
/** Whether the wasm module is loaded. */
export declare function isReady(): boolean;
/**
 * Loads the wasm module synchronously: `module` is a `WebAssembly.Module`
 * (edge runtimes: `import wasm from "@ews/sdk/ews_js_bg.wasm"`) or its bytes.
 * Does nothing when already loaded.
 */
export declare function initSync(options: { module: WebAssembly.Module | BufferSource }): void;
/**
 * Loads the wasm module, by default by fetching `ews_js_bg.wasm` from next
 * to the package's modules. Does nothing when already loaded.
 */
export declare function init(options?: {
  module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module | Promise<RequestInfo | URL | Response | BufferSource | WebAssembly.Module>;
}): Promise<void>;
/** Throws a helpful error unless the wasm module is loaded. */
export declare function assertReady(): void;
/** Loads the module the way this runtime allows (file in Node, fetch elsewhere). */
export declare function autoInit(): Promise<void>;
