// Decoding into typed plain objects and typed errors, the follow policy and
// the state rule, through the wasm exports.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { FIXTURES, sdk } from "./harness.mjs";

const {
  decodeContainerList,
  decodeContainer,
  decodeCommand,
  decodeResponse,
  clockCorrectionMs,
  allowedActions,
  actionAllowed,
  usualActions,
  actionUsual,
  stateMeaning,
  outcomeOf,
  defaultFollowPolicy,
  CommandFollower,
  EwsError,
} = await sdk();

const fixture = (name) => readFileSync(join(FIXTURES, name));
const envelope = (data) => JSON.stringify({ code: "0", message: "success", data });

// The documented list elides entries with a bare `...`, which is not JSON.
const seedList = () => fixture("seed_list.json").toString("utf8").replace("    ...\n", "");

test("the seed list decodes into containers with the API's field names", () => {
  const raw = JSON.parse(seedList()).data;
  const list = decodeContainerList(200, seedList());
  assert.equal(list.length, 2);
  for (const [i, c] of list.entries()) {
    assert.deepEqual(Object.keys(c).sort(), [
      "cpu", "createTime", "disk", "health", "hostId", "id", "mem", "nodeId", "startTime", "status", "stopTime",
    ]);
    // Every documented field arrives as the server sent it.
    assert.deepEqual(c, raw[i]);
  }
});

test("one odd item never hides the fleet: readable containers plus a typed account of the rest", () => {
  const body = envelope([
    { id: 1, status: "RUNNING", hostId: -1, cpu: 0.5, mem: "2048", health: { ok: true }, startTime: null },
    "not an object",
    { status: "STOPPED" },
    { id: 4, status: "REBOOTING", zone: "cn-north" },
    { id: "x9" },
  ]);
  const list = decodeContainerList(200, body);
  assert.deepEqual(list.map((c) => c.id), [1, 4]);
  const [first, second] = list;
  assert.equal(first.hostId, -1);
  assert.equal(first.cpu, null);
  assert.equal(first.odd.cpu, "0.5");
  assert.equal(first.mem, 2048);
  assert.equal(first.health, '{"ok":true}');
  assert.equal(first.startTime, "");
  assert.equal(second.status, "REBOOTING");
  assert.equal(second.odd, undefined);
  assert.deepEqual(
    list.skipped.map(({ index, id }) => [index, id]),
    [[1, null], [2, null], [4, '"x9"']],
  );
  for (const s of list.skipped) {
    assert.equal(typeof s.reason, "string");
    assert.ok(s.reason.length > 0);
    assert.equal(typeof s.raw, "string");
  }
  assert.equal(list.skipped[0].raw, '"not an object"');
  // `data: null` on success is an empty fleet; a body that is not the envelope is an error.
  assert.deepEqual([...decodeContainerList(200, envelope(null))], []);
  assert.deepEqual(decodeContainerList(200, envelope(null)).skipped, []);
  assert.throws(() => decodeContainerList(200, "[1,2]"), (e) => e instanceof EwsError && e.kind === "malformed");
});

test("the seed list verbatim (with its ellipsis) is malformed, never a short list", () => {
  assert.throws(
    () => decodeContainerList(200, fixture("seed_list.json")),
    (e) => e instanceof EwsError && e.kind === "malformed" && /it is not JSON/.test(e.message),
  );
});

test("body as string, Uint8Array, ArrayBuffer or DataView decodes the same", () => {
  const text = fixture("seed_get.json").toString("utf8");
  const bytes = new TextEncoder().encode(text);
  const expected = decodeContainer(200, text);
  assert.deepEqual(decodeContainer(200, bytes), expected);
  assert.deepEqual(decodeContainer(200, bytes.buffer), expected);
  const padded = new Uint8Array(bytes.length + 6);
  padded.set(bytes, 3);
  assert.deepEqual(decodeContainer(200, new DataView(padded.buffer, 3, bytes.length)), expected);
  assert.deepEqual(decodeContainer(200, padded.subarray(3, 3 + bytes.length)), expected);
  assert.throws(() => decodeContainer(200, 42), TypeError);
});

test("commands decode with activities and optional step messages", () => {
  const cmd = decodeCommand(200, fixture("command_done.json"));
  assert.equal(cmd.status, "DONE");
  assert.equal(cmd.result, "200");
  assert.equal(cmd.activitys.length, 2);
  assert.deepEqual(cmd.activitys[0].steps[0], { stepName: "checkParams", status: "200", msg: "ok" });
  assert.deepEqual(cmd.activitys[0].steps[1], { stepName: "loadContainer", status: "200" });
  for (const name of ["seed_start.json", "seed_stop.json", "seed_delete.json"]) {
    const c = decodeCommand(200, fixture(name));
    assert.equal(typeof c.commandId, "string", name);
    assert.ok(Array.isArray(c.activitys), name);
  }
});

test("lenient where real data is odd: string ids, unknown states, nulls", () => {
  const [c] = decodeContainerList(
    200,
    envelope([{ id: "77", status: "HIBERNATING", cpu: "-1", mem: null, health: 3, extra: true }]),
  );
  assert.deepEqual(c, {
    id: 77,
    nodeId: null,
    status: "HIBERNATING",
    createTime: "",
    startTime: "",
    stopTime: "",
    hostId: null,
    cpu: -1,
    mem: null,
    disk: null,
    health: "3",
  });
});

test("decodeResponse picks the shape from the operation", () => {
  const list = seedList();
  assert.deepEqual(decodeResponse("list", 200, list), decodeContainerList(200, list));
  assert.deepEqual(decodeResponse("getContainer", 200, fixture("seed_get.json")), decodeContainer(200, fixture("seed_get.json")));
  assert.deepEqual(decodeResponse("stop", 200, fixture("seed_stop.json")), decodeCommand(200, fixture("seed_stop.json")));
  assert.throws(() => decodeResponse("reboot", 200, list), TypeError);
});

function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("did not throw");
}

test("an error envelope is an EwsError of kind api, whatever the HTTP status", () => {
  for (const status of [200, 401]) {
    const e = thrown(() => decodeContainerList(status, '{"code":"1004","message":"SignError"}'));
    assert.ok(e instanceof EwsError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, "EwsError");
    assert.equal(e.kind, "api");
    assert.equal(e.code, "1004");
    assert.equal(e.codeName, "SignError");
    assert.equal(e.status, status);
    assert.equal(e.signError, true);
    assert.equal(e.transient, false);
    assert.match(e.message, /^1004 SignError: the signature was refused; check the secret key and the sign method$/);
    assert.match(String(e), /^EwsError: 1004 SignError/);
    assert.ok(EwsError.is(e));
    const json = JSON.parse(JSON.stringify(e));
    assert.equal(json.message, e.message);
    assert.equal(json.code, "1004");
  }
  const gone = thrown(() => decodeContainer(404, '{"code":"1005","message":"container 9 does not exist"}'));
  assert.equal(gone.code, "1005");
  assert.equal(gone.serverMessage, "container 9 does not exist");
  assert.match(gone.message, /1005 ResourceNotExist \(container 9 does not exist\): .*refresh the list/);
  const busy = thrown(() => decodeCommand(200, '{"code":"1009","message":"Timeout"}'));
  assert.equal(busy.transient, true);
  const odd = thrown(() => decodeCommand(200, '{"code":"4242","message":"new"}'));
  assert.equal(odd.code, "4242");
  assert.equal(odd.codeName, "Error");
});

test("a sign error says how far off the clock is, from the Date header", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const date = new Date(now + 10 * 60_000).toUTCString();
  const e = thrown(() => decodeContainerList(401, '{"code":"1004","message":"SignError"}', date, now));
  assert.ok(e.clockSkewMs >= 600_000 && e.clockSkewMs <= 601_000, String(e.clockSkewMs));
  assert.match(e.message, /your clock is 600 s behind the server's$/);
  assert.ok(Math.abs(clockCorrectionMs(date, now) - 600_500) <= 500);
  assert.equal(clockCorrectionMs(new Date(now).toUTCString(), now + 1000), 0);
  assert.equal(clockCorrectionMs("not a date", now), undefined);
});

test("non-API answers: http for failing statuses, malformed for success statuses", () => {
  const html = thrown(() => decodeContainerList(502, "<html><body>Bad Gateway</body></html>"));
  assert.equal(html.kind, "http");
  assert.equal(html.status, 502);
  assert.equal(html.code, null);
  assert.equal(html.transient, true);
  assert.match(html.message, /^HTTP 502 without an API response: .*Bad Gateway/);
  const empty = thrown(() => decodeContainerList(200, ""));
  assert.equal(empty.kind, "malformed");
  assert.match(empty.message, /the body is empty/);
  const cut = thrown(() => decodeContainerList(200, '{"code":"0","data":[{"id":1'));
  assert.equal(cut.kind, "malformed");
  assert.match(cut.message, /cut short/);
  const shape = thrown(() => decodeContainer(200, envelope([{ id: 1 }])));
  assert.equal(shape.kind, "malformed");
  assert.match(shape.message, /does not have the documented shape/);
});

test("outcomeOf and the state rule", () => {
  const done = decodeCommand(200, fixture("command_done.json"));
  const outcome = outcomeOf(done);
  assert.equal(outcome.kind, "succeeded");
  assert.equal(outcome.succeeded, true);
  assert.equal(outcome.message, "succeeded: success");
  assert.equal(outcomeOf({ ...done, result: "500", resultMsg: "no docker" }).message, "failed (result 500): no docker");
  assert.equal(outcomeOf({ ...done, status: "RUNNING" }), undefined);
  assert.equal(outcomeOf({ ...done, status: "PUBLISH_FAILED" }).kind, "publish_failed");
});

test("the state rule is advice: usual actions per state, and what each state means", () => {
  assert.deepEqual(usualActions("STOPPED"), ["start", "delete"]);
  assert.deepEqual(usualActions("RUNNING"), ["stop"]);
  assert.deepEqual(usualActions("RUNFAILED"), ["start", "stop"]);
  assert.deepEqual(usualActions("STARTING"), []);
  assert.deepEqual(usualActions("STARTING", true), ["stop"], "a stuck start is stopped");
  assert.equal(actionUsual("stop", "STOPPING", true), true);
  assert.equal(actionUsual("stop", "ALLOCATING", true), false);
  assert.deepEqual(usualActions("SOMETHING_NEW"), []);
  assert.equal(actionUsual("delete", "RUNNING"), false);
  assert.equal(actionUsual("delete", "ALLOCATED"), true);
  assert.throws(() => actionUsual("reboot", "RUNNING"), TypeError);
  // The old names still answer the same.
  assert.equal(allowedActions, usualActions);
  assert.equal(actionAllowed, actionUsual);
  assert.match(stateMeaning("RUNFAILED"), /docker process exists/);
  assert.match(stateMeaning("STARTFAILED", "zh"), /docker 进程也不存在/);
  assert.match(stateMeaning("SOMETHING_NEW"), /does not list/);
});

test("CommandFollower applies the core's policy", () => {
  assert.deepEqual(defaultFollowPolicy(), {
    firstDelayMs: 500,
    minDelayMs: 1000,
    elapsedPercent: 50,
    maxDelayMs: 5000,
    timeoutMs: 600000,
    maxConsecutiveErrors: 5,
  });
  const f = new CommandFollower();
  const running = { commandId: "c", status: "RUNNING", result: "" };
  assert.deepEqual(f.start(), { done: false, pollInMs: 500 });
  assert.deepEqual(f.afterStatus(500, running), { done: false, pollInMs: 1000 });
  assert.deepEqual(f.afterStatus(20_000, running), { done: false, pollInMs: 5000 });
  const transient = new EwsError({ kind: "http", status: 503, message: "HTTP 503", transient: true });
  for (let i = 1; i < 5; i += 1) assert.equal(f.afterError(21_000, transient).done, false);
  const lost = f.afterError(22_000, transient);
  assert.equal(lost.done, true);
  assert.equal(lost.outcome.kind, "lost");
  assert.equal(lost.outcome.reason, "HTTP 503");
  f.free();

  const g = new CommandFollower({ timeoutMs: 1000, firstDelayMs: 10 });
  assert.equal(g.policy.timeoutMs, 1000);
  assert.deepEqual(g.start(), { done: false, pollInMs: 10 });
  const late = g.afterStatus(1000, running);
  assert.equal(late.outcome.kind, "timed_out");
  assert.equal(late.outcome.lastStatus, "RUNNING");
  assert.match(late.outcome.message, /^no result after 1 s \(last status RUNNING\)/);
  // A lasting error (not transient) or anything that is not an EwsError stops at once.
  const h = new CommandFollower();
  assert.equal(h.afterError(1, new EwsError({ kind: "api", code: "1005", message: "gone" })).outcome.kind, "lost");
  assert.equal(new CommandFollower().afterError(1, new RangeError("bug")).outcome.reason, "bug");
  assert.throws(() => new CommandFollower({ firstDelay: 1 }), TypeError);
  assert.throws(() => h.afterStatus(1, { status: "DONE" }), TypeError);
});
