// EwsClient: the high-level client, a thin driver of the core's client
// brain. The wasm `ClientCore` begins each call and signs its request (the
// secret key stays in wasm memory), `fetch` sends it, the call's `answer`
// learns the clock from the `Date` header, decodes, and says whether to
// send once more; `CommandFollower` (the core's follower) says when to poll
// a command again and when it has ended. No protocol logic lives here: only
// fetch, timers and cancellation.

import { ClientCore, CommandWatch, RestartSteps, RolloutRun } from "./ews_js.js";
import { EwsError } from "./errors.js";
import { assertReady } from "./runtime.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const TIMED_OUT = Symbol("timed out");
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Resolves after `ms`, or rejects with the signal's reason on abort. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The runtime's words for a failed fetch, with its cause (Node puts the errno there). */
function describe(error) {
  if (error == null) return "";
  const text = error.message ?? String(error);
  const cause = error.cause?.message ?? error.cause?.code;
  return cause && !text.includes(cause) ? `${text}: ${cause}` : text;
}

/**
 * A client of the EWS container API.
 *
 * ```js
 * const ews = new EwsClient({ endpoint, accessKey, secretKey });
 * const containers = await ews.listContainers();
 * const command = await ews.start(containers[0].id);
 * const outcome = await ews.followCommand(command, { onUpdate: (c) => console.log(c.status) });
 * ```
 *
 * Every call rejects with an `EwsError` on failure. The secret key is kept
 * inside the wasm module; neither `toString`, `JSON.stringify`, a debugger
 * view nor any error shows it.
 */
export class EwsClient {
  #core;
  #fetch;
  #now;
  #timeoutMs;

  /**
   * @param {object} options
   * @param {string} options.endpoint the API's base URL, without `/api/v1`
   * @param {string} options.accessKey
   * @param {string} options.secretKey
   * @param {"md5"|"sha1"} [options.signMethod] HMAC-MD5 (default) or HMAC-SHA1
   * @param {typeof fetch} [options.fetch] another fetch (default: the global one, looked up per call)
   * @param {() => number} [options.now] the local clock, ms since 1970 (default `Date.now`)
   * @param {number} [options.requestTimeoutMs] give up on one request after this long (default 30 s)
   */
  constructor(options) {
    assertReady();
    const o = options ?? {};
    // Only these four reach the core; `options` itself is not kept.
    this.#core = new ClientCore({
      endpoint: o.endpoint,
      accessKey: o.accessKey,
      secretKey: o.secretKey,
      signMethod: o.signMethod,
    });
    if (o.fetch != null && typeof o.fetch !== "function") throw new TypeError("fetch must be a function");
    if (o.now != null && typeof o.now !== "function") throw new TypeError("now must be a function");
    const timeout = o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(timeout > 0)) throw new TypeError("requestTimeoutMs must be a positive number");
    this.#fetch = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#now = o.now ?? (() => Date.now());
    this.#timeoutMs = timeout;
  }

  /** The API's base URL. */
  get endpoint() {
    return this.#core.endpoint;
  }

  /** The access key (an identifier, not a secret). */
  get accessKey() {
    return this.#core.accessKey;
  }

  /** `"md5"` or `"sha1"`. */
  get signMethod() {
    return this.#core.signMethod;
  }

  /** Server clock minus local clock, ms, as measured from the last `Date` header (0 when they agree). */
  get clockCorrectionMs() {
    return this.#core.correctionMs;
  }

  /** `GET /api/v1/container`: every container. */
  listContainers(options) {
    return this.#call("list", null, options);
  }

  /** `GET /api/v1/container/{id}`. */
  getContainer(id, options) {
    return this.#call("get", id, options);
  }

  /** `POST /api/v1/container/{id}/start`: resolves with the command to follow. */
  start(id, options) {
    return this.#call("start", id, options);
  }

  /** `POST /api/v1/container/{id}/stop`: resolves with the command to follow. */
  stop(id, options) {
    return this.#call("stop", id, options);
  }

  /** `DELETE /api/v1/container/{id}`: resolves with the command to follow. */
  delete(id, options) {
    return this.#call("delete", id, options);
  }

  /** `GET /api/v1/command/{id}`: the command with its activities. */
  getCommand(commandId, options) {
    return this.#call("command", commandId, options);
  }

  /**
   * Follows a command until it ends, polling with the core's policy (first
   * poll after 500 ms, then backing off to every 5 s, giving up after 10
   * minutes; transient failures are retried, five in a row end it). Once
   * this client has seen three commands of the same action succeed, it
   * polls near the end they say instead (progress at most every 6 s, the
   * first read at their median duration, then every 600 ms to the late
   * end): the outcome shows soon after the command ends, for fewer reads. `durations` shows what it learned.
   * `command` is a command id, or the command start/stop/delete returned.
   * Resolves with the outcome (never rejects for an API failure: a lost
   * command is the outcome `lost`); rejects with the signal's reason when
   * aborted, or with what `onUpdate` threw.
   *
   * @param {string | {commandId: string}} command
   * @param {{onUpdate?: (command: object) => void, signal?: AbortSignal, policy?: object}} [options]
   */
  async followCommand(command, options) {
    const { onUpdate, signal, policy } = options ?? {};
    if (onUpdate != null && typeof onUpdate !== "function") throw new TypeError("onUpdate must be a function");
    const first = typeof command === "object" && command !== null ? command : null;
    const commandId = first ? first.commandId : command;
    // A bad id is refused here, before any waiting.
    this.#core.begin("command", commandId, this.#now()).free();
    // The client's follower: it learns how long commands take and polls
    // near the expected end of the next ones.
    const follower = this.#core.follower(policy);
    try {
      const startedAt = this.#now();
      const elapsed = () => Math.max(0, Math.round(this.#now() - startedAt));
      let last = first;
      let next = first ? follower.afterStatus(0, first) : follower.start();
      while (!next.done) {
        await sleep(next.pollInMs, signal);
        let seen;
        try {
          seen = await this.getCommand(commandId, { signal });
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          next = follower.afterError(elapsed(), e);
          continue;
        }
        last = seen;
        next = follower.afterStatus(elapsed(), seen);
        onUpdate?.(seen);
      }
      return { ...next.outcome, commandId: String(commandId), command: last };
    } finally {
      follower.free();
    }
  }

  /**
   * Restarts container `id`: stop, follow it to its end, see the container
   * STOPPED, then start and follow that. A stop that did not work leaves
   * the container alone. Resolves with `{ok, stop, start, message}` (`start`
   * is null when it was not sent); never rejects for an API failure.
   *
   * @param {number | string} id
   * @param {{signal?: AbortSignal, policy?: object, onUpdate?: (step: "stop" | "start", command: object) => void}} [options]
   */
  async restart(id, options) {
    const { signal, policy, onUpdate } = options ?? {};
    const step = async (name) => {
      let command;
      try {
        command = await this[name](id, { signal });
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        return { kind: e.kind === "api" ? "failed" : "lost", succeeded: false, failed: true, message: e.message };
      }
      return this.followCommand(command, { signal, policy, onUpdate: (c) => onUpdate?.(name, c) });
    };
    const stop = await step("stop");
    // The core decides: look until the container is seen STOPPED (the
    // service may lag its command), then start — or leave it alone.
    const steps = new RestartSteps(stop);
    let next = steps.next();
    try {
      while (next.look !== undefined) {
        if (next.look > 0) await sleep(next.look, signal);
        const c = await this.getContainer(id, { signal }).catch(() => null);
        next = steps.onStatus(c?.status ?? null);
      }
    } finally {
      steps.free();
    }
    if (next.leaveAlone) return { ok: false, stop, start: null, message: next.leaveAlone };
    const start = await step("start");
    return { ok: start.succeeded, stop, start, message: start.message };
  }

  /**
   * Follows many commands at once through the container list: the list is
   * read every 2 s and each command once, when its container settled —
   * about ticks + N reads instead of ticks × N. `commands` are
   * `{containerId, commandId, action, from?}` (`from`: the container's
   * state before the action). Resolves with one outcome per command, in
   * order; `onOutcome` hears each as it ends.
   *
   * @param {Array<{containerId: number, commandId: string, action: "start" | "stop" | "delete", from?: string}>} commands
   * @param {{signal?: AbortSignal, onOutcome?: (r: object) => void}} [options]
   */
  async followMany(commands, options) {
    const { signal, onOutcome } = options ?? {};
    const watch = new CommandWatch();
    try {
      const order = new Map();
      for (const [i, c] of commands.entries()) {
        watch.add(c, this.#now());
        order.set(Number(c.containerId), i);
      }
      const results = new Array(commands.length);
      const ended = (r) => {
        if (!r) return;
        const i = order.get(r.containerId);
        results[i] = { ...r.outcome, containerId: r.containerId, commandId: String(commands[i].commandId) };
        onOutcome?.(results[i]);
      };
      while (watch.active) {
        await sleep(watch.tickMs, signal);
        let list;
        try {
          list = await this.listContainers({ signal });
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          continue;
        }
        for (const commandId of watch.onList(Array.from(list), this.#now())) {
          try {
            ended(watch.onCommand(await this.getCommand(commandId, { signal }), this.#now()));
          } catch (e) {
            if (signal?.aborted) throw signal.reason;
            ended(watch.onFailure(commandId, e));
          }
        }
      }
      return results;
    } finally {
      watch.free();
    }
  }

  /**
   * A rolling operation: `start`, `stop` or `restart` the containers `ids`
   * in batches (`batch`: a count, or a share such as "25%"), with
   * `pauseMs` between batches, halting once more than `tolerance` (default
   * 0) containers failed. A container counts as done when it reached its
   * target state (RUNNING, or STOPPED for stop) within
   * `containerTimeoutMs`. `onProgress` hears where every container stands;
   * `signal` cancels (no other container starts; the running ones finish
   * and say how). Resolves with the last progress.
   *
   * @param {Array<number>} ids
   * @param {{op: "start" | "stop" | "restart", batch?: number | string, pauseMs?: number, tolerance?: number, containerTimeoutMs?: number, onProgress?: (p: object) => void, signal?: AbortSignal, policy?: object}} plan
   */
  async rollout(ids, plan) {
    const { op, batch, pauseMs, tolerance, containerTimeoutMs, onProgress, signal, policy } = plan ?? {};
    const run = new RolloutRun({ op, targets: Array.from(ids), batch, pauseMs, tolerance, containerTimeoutMs });
    const target = op === "stop" ? "STOPPED" : "RUNNING";
    const running = new Set();
    const one = async (id) => {
      try {
        let outcome;
        if (op === "restart") {
          const r = await this.restart(id, { policy });
          outcome = r.ok ? null : r.message;
        } else {
          const r = await this.followCommand(await this[op](id), { policy });
          outcome = r.succeeded ? null : r.message;
        }
        if (outcome === null) {
          const c = await this.getContainer(id).catch(() => null);
          if (c?.status !== target) outcome = `the command succeeded but the container is ${c?.status ?? "unknown"}, not ${target}`;
        }
        run.onResult(this.#now(), id, outcome ?? undefined);
      } catch (e) {
        run.onResult(this.#now(), id, e?.message ?? String(e));
      } finally {
        running.delete(id);
      }
    };
    const onAbort = () => run.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        const step = run.next(this.#now());
        onProgress?.(run.progress(this.#now()));
        if (step.act) {
          for (const id of step.act) {
            running.add(id);
            one(id);
          }
          continue;
        }
        if (step.idle && running.size === 0) break;
        await new Promise((r) => setTimeout(r, Math.min(step.waitMs ?? 200, 1000)));
      }
      return run.progress(this.#now());
    } finally {
      signal?.removeEventListener("abort", onAbort);
      run.free();
    }
  }

  /** What this client learned of how long commands take, ms, per action: `{start, stop, delete}`. */
  get durations() {
    return this.#core.durations;
  }

  /** `EwsClient(endpoint, access key, sign method)`: never the secret key. */
  toString() {
    return `EwsClient(${this.endpoint}, accessKey ${this.accessKey}, ${this.signMethod === "sha1" ? "HMAC-SHA1" : "HMAC-MD5"})`;
  }

  /** `{endpoint, accessKey, signMethod}`: never the secret key. */
  toJSON() {
    return { endpoint: this.endpoint, accessKey: this.accessKey, signMethod: this.signMethod };
  }

  [INSPECT]() {
    return this.toString();
  }

  /** One call: sends what the core says, hands it every answer, until the core says it is done. */
  async #call(operation, id, options) {
    const signal = options?.signal;
    signal?.throwIfAborted();
    const call = this.#core.begin(operation, id, this.#now());
    try {
      let request = call.request;
      for (;;) {
        const answer = await this.#send(call, request, signal);
        const got = call.answer(answer.status, answer.body, answer.date, this.#now());
        if (got.done && got.ok) return got.value;
        if (got.done) throw got.error;
        signal?.throwIfAborted();
        request = got.request;
      }
    } finally {
      call.free();
    }
  }

  /** One fetch, with the request timeout and the caller's signal; no answer becomes the core's `network` EwsError. */
  async #send(call, request, signal) {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(TIMED_OUT), this.#timeoutMs);
    try {
      const response = await this.#fetch(request.url, {
        method: request.method,
        headers: request.headers,
        signal: controller.signal,
      });
      const body = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, date: response.headers.get("date"), body };
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (e instanceof EwsError) throw e;
      const timedOut = controller.signal.reason === TIMED_OUT;
      throw call.noAnswer(timedOut ? `no answer within ${this.#timeoutMs / 1000} s` : describe(e), timedOut);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
