// The core's exchange traces (crates/ews-core/tests/traces/*.json), replayed
// through the SDK's public EwsClient: its `fetch` answers from the trace and
// checks every request (path, signed timestamp, signature, and when it is
// sent), its clock is node:test's mocked Date and setTimeout, so the core's
// waits are checked to the millisecond. The core replays the same files
// natively and in wasm (tests/traces.rs): the two bodies cannot drift apart.
// Edge-mode traces (unsigned requests) are the console's; EwsClient always
// signs, so it replays the direct-mode ones.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mock, test } from "node:test";

import { ROOT, sdk } from "./harness.mjs";

const { EwsClient, EwsError } = await sdk();

const DIR = join(ROOT, "crates/ews-core/tests/traces");
const CREDS = { accessKey: "ews-demo", secretKey: "ews-demo-secret" };

/** HMAC-MD5 of the protocol's string to sign, by Node's crypto (an independent oracle). */
function signature(timestamp) {
  const text = `${CREDS.secretKey}accesskey${CREDS.accessKey}timestamp${timestamp}${CREDS.secretKey}`;
  return createHmac("md5", CREDS.secretKey).update(text, "utf8").digest("hex").toUpperCase();
}

/** Lets every pending promise and microtask run (setImmediate is not mocked). */
async function flush() {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

const METHODS = {
  list: (c) => c.listContainers(),
  get: (c, id) => c.getContainer(id),
  start: (c, id) => c.start(id),
  stop: (c, id) => c.stop(id),
  delete: (c, id) => c.delete(id),
  command: (c, id) => c.getCommand(id),
};

const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

test("there are traces to replay", () => {
  assert.ok(files.length >= 15, `${files.length} trace files in ${DIR}`);
});

for (const file of files) {
  const trace = JSON.parse(readFileSync(join(DIR, file), "utf8"));
  if (trace.mode === "edge") continue;
  test(`${file}: ${trace.about}`, async () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"], now: trace.start });
    try {
      await replay(trace);
    } finally {
      mock.timers.reset();
    }
  });
}

async function replay(trace) {
  const at = () => Date.now() - trace.start;
  const problems = [];
  let pending = [];
  let commandPolls = 0;
  // Answers from the trace; a mismatch is recorded (a throw here would
  // become the client's "no answer" and hide it) and answered with a 500.
  const fetch = async (url, init) => {
    const u = new URL(url);
    const x = pending.shift();
    const what = `${init.method} ${u.pathname} at ${at()}`;
    if (!x) {
      problems.push(`an unexpected request: ${what}`);
      return new Response("unexpected", { status: 500 });
    }
    if (u.pathname.startsWith("/api/v1/command/")) commandPolls += 1;
    const want = x.send;
    const timestamp = String(trace.start + want.timestamp);
    const checks = [
      [at(), x.at, "sent at"],
      [init.method, want.method, "method"],
      [u.pathname, want.path, "path"],
      [u.searchParams.get("accesskey"), CREDS.accessKey, "accesskey"],
      [u.searchParams.get("timestamp"), timestamp, "timestamp"],
      [init.headers.Authorization, signature(timestamp), "signature"],
    ];
    for (const [got, expected, name] of checks) {
      if (got !== expected) problems.push(`${what}: ${name} ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    }
    const answer = x.answer;
    if (answer.after) mock.timers.tick(answer.after);
    if (answer.none) throw new TypeError("fetch failed");
    const headers = {};
    if (typeof answer.date === "string") headers.date = answer.date;
    else if (typeof answer.skew === "number") headers.date = new Date(Date.now() + answer.skew).toUTCString();
    const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.json ?? null);
    return new Response(body, { status: answer.status, headers });
  };
  const client = new EwsClient({ endpoint: trace.endpoint, ...CREDS, fetch, requestTimeoutMs: 60_000 });

  for (const [i, call] of trace.calls.entries()) {
    const name = `call ${i} (${call.call.op})`;
    if (call.at > at()) mock.timers.tick(call.at - at());
    pending = [...call.exchanges];
    commandPolls = 0;
    let settled = null;
    const run =
      call.call.op === "follow"
        ? client.followCommand(call.call.first ?? call.call.id, { policy: trace.policy })
        : METHODS[call.call.op](client, call.call.id);
    run.then(
      (value) => (settled = { value }),
      (error) => (settled = { error }),
    );
    // Time moves only when the client waits: to 1 ms before each expected
    // request (a request sent then is early: mocked timers run with the
    // clock already at the end of the tick), then that last ms (nothing
    // sent by then is late).
    await flush();
    while (!settled && pending.length > 0) {
      const due = pending[0].at;
      const left = pending.length;
      if (due - at() > 1) {
        mock.timers.tick(due - at() - 1);
        await flush();
      }
      if (pending.length === left && !settled && due > at()) {
        mock.timers.tick(due - at());
        await flush();
      }
      if (pending.length === left && !settled) {
        problems.push(`${name}: the request due at ${due} was not sent then`);
        break;
      }
    }
    // A client that wants more than the trace has gets 500s until it stops.
    for (let n = 0; !settled && n < 200; n += 1) {
      mock.timers.tick(60_000);
      await flush();
    }
    assert.deepEqual(problems, [], `${name}: the requests differ from the trace`);
    assert.equal(pending.length, 0, `${name}: ${pending.length} request(s) of the trace were never sent`);
    assert.ok(settled, `${name} never ended`);

    const expect = call.expect;
    if (expect.value !== undefined) {
      assert.ok(!settled.error, `${name}: ${settled.error}`);
      if (Array.isArray(settled.value)) {
        // A list: its containers, and the account of what could not be read.
        assert.deepEqual([...settled.value], expect.value, `${name}: value`);
        assert.deepEqual(settled.value.skipped, expect.skipped ?? [], `${name}: skipped items`);
      } else {
        assert.deepEqual(settled.value, expect.value, `${name}: value`);
      }
    } else if (expect.error) {
      const e = settled.error;
      assert.ok(e instanceof EwsError, `${name}: expected an EwsError, got ${e ?? JSON.stringify(settled.value)}`);
      for (const [key, want] of Object.entries(expect.error)) {
        if (key === "says") assert.ok(e.message.includes(want), `${name}: ${JSON.stringify(e.message)} lacks ${JSON.stringify(want)}`);
        else assert.deepEqual(e[key], want, `${name}: error field ${key}`);
      }
    } else {
      const o = settled.value;
      assert.ok(o && !settled.error, `${name}: ${settled.error}`);
      assert.equal(o.kind, expect.outcome.kind, `${name}: outcome ${JSON.stringify(o)}`);
      if (expect.outcome.polls !== undefined) assert.equal(commandPolls, expect.outcome.polls, `${name}: polls`);
      if (expect.outcome.says) assert.ok(o.message.includes(expect.outcome.says), `${name}: ${JSON.stringify(o.message)} lacks ${JSON.stringify(expect.outcome.says)}`);
    }
    assert.equal(client.clockCorrectionMs, call.clock, `${name}: the clock correction after it`);
  }
}
