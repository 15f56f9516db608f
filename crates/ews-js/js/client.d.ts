import type { Action, Command, Container, ContainerList, ContainerStatus, FollowPolicy, Outcome, RolloutPlan, RolloutProgress } from "./ews_js.js";

/** Options of `new EwsClient(…)`. */
export interface EwsClientOptions {
  /** The API's base URL, without `/api/v1`, e.g. `https://open-ews.cloud.tmall.com`. */
  endpoint: string;
  accessKey: string;
  /** Kept inside the wasm module; never shown by `toString`, `JSON.stringify` or errors. */
  secretKey: string;
  /** HMAC-MD5 (`"md5"`, the default: what the real service checks) or HMAC-SHA1 (`"sha1"`). */
  signMethod?: "md5" | "sha1" | "hmac-md5" | "hmac-sha1" | "HMAC-MD5" | "HMAC-SHA1";
  /** Another `fetch` (default: the global one, looked up on each call). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** The local clock, ms since 1970 (default `Date.now`). The server's `Date` header corrects it. */
  now?: () => number;
  /** Give up on one request after this long, ms (default 30 000). */
  requestTimeoutMs?: number;
}

/** Options of every call. */
export interface CallOptions {
  /** Aborting rejects the call with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of `followCommand`. */
export interface FollowOptions {
  /** Called with each polled state of the command. What it throws rejects `followCommand`. */
  onUpdate?: (command: Command) => void;
  /** Aborting stops following and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Other polling knobs than the core's default. */
  policy?: Partial<FollowPolicy>;
}

/**
 * A client of the EWS container API: signs with the core, sends with
 * `fetch`, decodes into plain objects. Every call rejects with an `EwsError`
 * on failure.
 */
export declare class EwsClient {
  constructor(options: EwsClientOptions);
  /** The API's base URL. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly signMethod: "md5" | "sha1";
  /** Server clock minus local clock, ms, from the last `Date` header (0 when they agree). */
  readonly clockCorrectionMs: number;
  /** `GET /api/v1/container`. */
  /** Every container that could be read; `skipped` accounts for each list item that could not (its position, id, reason and raw JSON). */
  listContainers(options?: CallOptions): Promise<ContainerList>;
  /** `GET /api/v1/container/{id}`. */
  getContainer(id: number | string, options?: CallOptions): Promise<Container>;
  /** `POST /api/v1/container/{id}/start`: the command to follow. */
  start(id: number | string, options?: CallOptions): Promise<Command>;
  /** `POST /api/v1/container/{id}/stop`: the command to follow. */
  stop(id: number | string, options?: CallOptions): Promise<Command>;
  /** `DELETE /api/v1/container/{id}`: the command to follow. */
  delete(id: number | string, options?: CallOptions): Promise<Command>;
  /** `GET /api/v1/command/{id}`. */
  getCommand(commandId: string, options?: CallOptions): Promise<Command>;
  /**
   * Follows a command (its id, or the command start/stop/delete returned)
   * until it ends, with the core's polling policy — near the expected end
   * once this client has seen three commands of the same action succeed.
   * Resolves with the outcome, `commandId` and the last command seen set; a
   * command that could not be followed is the outcome `lost`, not a
   * rejection.
   */
  followCommand(
    command: string | Command,
    options?: FollowOptions,
  ): Promise<Outcome & { commandId: string; command: Command | null }>;
  /**
   * Restarts a container: stop, follow it, see it STOPPED, then start and
   * follow that. A stop that did not work leaves the container alone.
   */
  restart(
    id: number | string,
    options?: { signal?: AbortSignal; policy?: Partial<FollowPolicy>; onUpdate?: (step: "stop" | "start", command: Command) => void },
  ): Promise<{ ok: boolean; stop: Outcome; start: Outcome | null; message: string }>;
  /**
   * Follows many commands through the container list (read every 2 s; each
   * command read once, when its container settled): about ticks + N reads.
   */
  followMany(
    commands: Array<{ containerId: number; commandId: string; action: Action; from?: ContainerStatus }>,
    options?: { signal?: AbortSignal; onOutcome?: (r: Outcome & { containerId: number; commandId: string }) => void },
  ): Promise<Array<Outcome & { containerId: number; commandId: string }>>;
  /**
   * A rolling start, stop or restart in batches that halts at the first
   * failure (or past `tolerance`); `signal` cancels. Resolves with where
   * every container stands.
   */
  rollout(
    ids: number[],
    plan: Omit<RolloutPlan, "targets"> & { onProgress?: (p: RolloutProgress) => void; signal?: AbortSignal; policy?: Partial<FollowPolicy> },
  ): Promise<RolloutProgress>;
  /** What this client learned of how long its commands took, ms, per action (the last 16 each). */
  readonly durations: { start: number[]; stop: number[]; delete: number[] };
  /** `EwsClient(endpoint, accessKey …, HMAC-MD5)`. */
  toString(): string;
  /** `{endpoint, accessKey, signMethod}`. */
  toJSON(): { endpoint: string; accessKey: string; signMethod: "md5" | "sha1" };
}
