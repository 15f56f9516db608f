// The SDK's one error type. The wasm module imports this very file
// (`raw_module = "./errors.js"` in src/bindings.rs) and throws instances of
// this class, so `err instanceof EwsError` holds for the class the package
// exports. Every field comes from the Rust core; `message` is the core's
// user-facing text (what happened and what to do). Nothing here ever holds
// a secret key.

/**
 * A failure of an EWS API call, or an id refused before sending.
 *
 * - `kind`: `"http"` (a failing status without an API envelope), `"api"`
 *   (an error envelope; see `code`), `"malformed"` (a success status whose
 *   body is not an API response), `"invalid_id"` (refused before sending)
 *   or `"network"` (no answer at all).
 * - `code`: the API's error code, e.g. `"1004"` (api errors), else `null`.
 * - `status`: the HTTP status, when a response arrived, else `null`.
 * - `transient`: retrying later may succeed.
 */
export class EwsError extends Error {
  /** @param {object} info the plain error made by the wasm module */
  constructor(info) {
    const i = info ?? {};
    super(typeof i.message === "string" ? i.message : "EWS API error");
    this.name = "EwsError";
    this.kind = i.kind ?? "malformed";
    this.code = i.code ?? null;
    this.codeName = i.codeName ?? null;
    this.status = i.status ?? null;
    this.serverMessage = i.serverMessage ?? null;
    this.transient = Boolean(i.transient);
    this.signError = Boolean(i.signError);
    this.clockSkewMs = i.clockSkewMs ?? null;
  }

  /** Every field, `message` included (an Error's own `toJSON` would drop it). */
  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      code: this.code,
      codeName: this.codeName,
      status: this.status,
      message: this.message,
      serverMessage: this.serverMessage,
      transient: this.transient,
      signError: this.signError,
      clockSkewMs: this.clockSkewMs,
    };
  }

  /**
   * Whether `value` is an EwsError, also one from another copy of the
   * package (where `instanceof` cannot tell).
   */
  static is(value) {
    return (
      value instanceof EwsError ||
      (value instanceof Error && value.name === "EwsError" && typeof value.kind === "string")
    );
  }
}
