/** What went wrong, in one word. */
export type EwsErrorKind = "http" | "api" | "malformed" | "invalid_id" | "network";

/**
 * A failure of an EWS API call, or an id refused before sending. Thrown by
 * every decode function and rejected by every `EwsClient` call. `message`
 * says what happened and what to do.
 */
export declare class EwsError extends Error {
  constructor(info: {
    kind: EwsErrorKind;
    message: string;
    code?: string | null;
    codeName?: string | null;
    status?: number | null;
    serverMessage?: string | null;
    transient?: boolean;
    signError?: boolean;
    clockSkewMs?: number | null;
  });
  readonly name: "EwsError";
  /** `http`, `api`, `malformed`, `invalid_id` or `network`. */
  readonly kind: EwsErrorKind;
  /** The API's error code, e.g. `"1004"` (SignError); `null` unless `kind` is `"api"`. */
  readonly code: string | null;
  /** The documented name of the code, e.g. `"SignError"`. */
  readonly codeName: string | null;
  /** The HTTP status, when a response arrived. */
  readonly status: number | null;
  /** The server's own message (api errors). */
  readonly serverMessage: string | null;
  /** Retrying the same request later may succeed. */
  readonly transient: boolean;
  /** The server refused the signature (code 1004). */
  readonly signError: boolean;
  /** Server clock minus local clock, ms, when measured on a sign error. */
  readonly clockSkewMs: number | null;
  toJSON(): Record<string, unknown>;
  /** `instanceof`, or the same shape from another copy of the package. */
  static is(value: unknown): value is EwsError;
}
