// EwsClient against a real ews-sim on 127.0.0.1: list, get, start/stop/
// delete and follow to the end, typed errors (a wrong secret is 1004), clock
// correction from the Date header, faults while following, cancellation,
// and the secret key never showing.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { inspect } from "node:util";
import { createServer } from "node:net";

import { DEMO, sdk, startSim } from "./harness.mjs";

const { EwsClient, EwsError, allowedActions } = await sdk();

/** Polls quickly: the simulator runs a command step every 20 ms. */
const FAST = { firstDelayMs: 20, minDelayMs: 20, maxDelayMs: 100 };
const SIM_ARGS = ["--containers", "16", "--step-ms", "20", "--fail-rate", "0"];

/** A fetch that counts calls and failures, around the global one. */
function countingFetch() {
  const stats = { calls: 0, failures: 0, urls: [] };
  const fetch = async (url, init) => {
    stats.calls += 1;
    stats.urls.push(url);
    try {
      return await globalThis.fetch(url, init);
    } catch (e) {
      stats.failures += 1;
      throw e;
    }
  };
  return { stats, fetch };
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("did not reject");
}

/** A container that allows `action` and is in no transition. */
async function pick(client, action, taken = new Set()) {
  const list = await client.listContainers();
  const c = list.find((x) => allowedActions(x.status).includes(action) && !taken.has(x.id));
  assert.ok(c, `no container allows ${action}: ${list.map((x) => x.status).join(",")}`);
  taken.add(c.id);
  return c;
}

describe("following on a learned schedule", () => {
  let sim;
  after(() => sim?.stop());

  test("after three commands of an action, the next is polled near its end", async () => {
    // Steps of 300 ms: a start takes 5 steps, 1.5 s.
    sim = await startSim({ args: ["--containers", "24", "--step-ms", "300", "--fail-rate", "0"] });
    const counting = countingFetch();
    const client = new EwsClient({ endpoint: sim.url, ...DEMO, fetch: counting.fetch });
    const taken = new Set();
    const follow = async () => {
      const c = await pick(client, "start", taken);
      const cmd = await client.start(c.id);
      const before = counting.stats.urls.filter((u) => u.includes("/command/")).length;
      const outcome = await client.followCommand(cmd);
      assert.equal(outcome.kind, "succeeded");
      return counting.stats.urls.filter((u) => u.includes("/command/")).length - before;
    };
    const untaught = [];
    for (let i = 0; i < 3; i++) untaught.push(await follow());
    assert.equal(client.durations.start.length, 3);
    for (const ms of client.durations.start) assert.ok(ms > 1_000 && ms < 3_000, `${ms}`);
    // The policy alone polls at 0.5 s, 1.5 s…; learned, it waits for the window.
    const taught = await follow();
    assert.ok(taught <= Math.min(...untaught), `learned ${taught} reads, untaught ${untaught}`);
    assert.equal(client.durations.start.length, 4);
    assert.deepEqual(client.durations.stop, []);
  });
});

describe("EwsClient against ews-sim", () => {
  let sim;
  let client;
  const taken = new Set();
  before(async () => {
    sim = await startSim({ args: [...SIM_ARGS, "--admin"] });
    client = new EwsClient({ endpoint: sim.url, ...DEMO, signMethod: "md5" });
  });
  after(() => sim?.stop());

  test("lists every container as typed plain objects, and gets one", async () => {
    const list = await client.listContainers();
    assert.equal(list.length, 16);
    for (const c of list) {
      assert.equal(typeof c.id, "number");
      assert.equal(typeof c.status, "string");
      assert.equal(typeof c.createTime, "string");
      assert.ok("health" in c && "nodeId" in c && "hostId" in c);
    }
    // From 11 containers on, every documented state appears.
    const states = new Set(list.map((c) => c.status));
    for (const s of ["ALLOCATED", "RUNNING", "STOPPED", "STARTFAILED"]) assert.ok(states.has(s), s);
    const one = list.find((c) => c.status === "RUNNING");
    assert.deepEqual(await client.getContainer(one.id), one);
    assert.deepEqual(await client.getContainer(String(one.id)), one);
  });

  test("start, then follow the command object to a succeeded outcome", async () => {
    const c = await pick(client, "start", taken);
    const cmd = await client.start(c.id);
    assert.equal(cmd.name, "container_start");
    assert.equal(typeof cmd.commandId, "string");
    const seen = [];
    const outcome = await client.followCommand(cmd, { onUpdate: (x) => seen.push(x), policy: FAST });
    assert.equal(outcome.kind, "succeeded");
    assert.equal(outcome.succeeded, true);
    assert.equal(outcome.failed, false);
    assert.match(outcome.message, /^succeeded/);
    assert.equal(outcome.commandId, cmd.commandId);
    assert.equal(outcome.command.status, "DONE");
    assert.equal(outcome.command.result, "200");
    assert.ok(outcome.command.activitys.length > 0);
    assert.ok(seen.length >= 1);
    assert.ok(seen.every((x) => x.commandId === cmd.commandId));
    assert.equal(seen.at(-1).status, "DONE");
    assert.equal((await client.getContainer(c.id)).status, "RUNNING");
  });

  test("stop, then follow by id with the default policy", async () => {
    const c = await pick(client, "stop", taken);
    const cmd = await client.stop(c.id);
    assert.equal(cmd.name, "container_stop");
    const started = Date.now();
    const outcome = await client.followCommand(cmd.commandId);
    assert.equal(outcome.kind, "succeeded");
    // The default policy's first poll comes after 500 ms.
    assert.ok(Date.now() - started >= 450, `${Date.now() - started} ms`);
    assert.equal((await client.getContainer(c.id)).status, "STOPPED");
  });

  test("delete, follow, and the container is gone (1005)", async () => {
    const c = await pick(client, "delete", taken);
    const cmd = await client.delete(c.id);
    assert.equal(cmd.name, "container_delete");
    assert.equal((await client.followCommand(cmd, { policy: FAST })).kind, "succeeded");
    const e = await rejection(client.getContainer(c.id));
    assert.ok(e instanceof EwsError);
    assert.equal(e.kind, "api");
    assert.equal(e.code, "1005");
    assert.equal(e.status, 404);
    assert.ok(!(await client.listContainers()).some((x) => x.id === c.id));
  });

  test("a failing command resolves with a failed outcome, a publish failure with publish_failed", async () => {
    const c = await pick(client, "start", taken);
    await sim.admin("POST", `/containers/${c.id}/fail-next?mode=fail`);
    const failed = await client.followCommand(await client.start(c.id), { policy: FAST });
    assert.equal(failed.kind, "failed");
    assert.equal(failed.failed, true);
    assert.equal(failed.succeeded, false);
    assert.match(failed.message, /^failed/);
    const d = await pick(client, "start", taken);
    await sim.admin("POST", `/containers/${d.id}/fail-next?mode=publish`);
    const unpublished = await client.followCommand(await client.start(d.id), { policy: FAST });
    assert.equal(unpublished.kind, "publish_failed");
  });

  test("an action the state does not allow is 1007, and an unknown command 1005", async () => {
    const list = await client.listContainers();
    const stopped = list.find((x) => x.status === "STOPPED" && !taken.has(x.id));
    const e = await rejection(client.stop(stopped.id));
    assert.equal(e.code, "1007");
    assert.equal(e.codeName, "StatusError");
    assert.equal(e.status, 409);
    assert.match(e.message, /^1007 StatusError/);
    const missing = await rejection(client.getCommand("00000000-0000-0000-0000-000000000000"));
    assert.equal(missing.code, "1005");
  });

  test("a bad id is refused before any request", async () => {
    const { stats, fetch } = countingFetch();
    const counted = new EwsClient({ endpoint: sim.url, ...DEMO, fetch });
    for (const call of [() => counted.getContainer("12a"), () => counted.start(-3), () => counted.getCommand("")]) {
      const e = await rejection(call());
      assert.equal(e.kind, "invalid_id");
    }
    await assert.rejects(counted.followCommand(""), (e) => e.kind === "invalid_id");
    assert.equal(stats.calls, 0);
  });

  test("a wrong secret rejects with the typed error 1004, and one request only", async () => {
    const wrongSecret = "not-the-secret-9f8e7d";
    const { stats, fetch } = countingFetch();
    const wrong = new EwsClient({ endpoint: sim.url, accessKey: DEMO.accessKey, secretKey: wrongSecret, fetch });
    const e = await rejection(wrong.listContainers());
    assert.ok(e instanceof EwsError);
    assert.equal(e.name, "EwsError");
    assert.equal(e.kind, "api");
    assert.equal(e.code, "1004");
    assert.equal(e.status, 401);
    assert.equal(e.signError, true);
    assert.match(e.message, /^1004 SignError.*check the secret key and the sign method/);
    assert.equal(stats.calls, 1, "no retry: the clocks agree");
    for (const text of [e.message, e.stack, JSON.stringify(e), inspect(e, { showHidden: true, depth: null })]) {
      assert.ok(!text.includes(wrongSecret), text);
    }
  });

  test("the secret key never shows: toString, JSON, inspect, keys, URLs", async () => {
    const secret = DEMO.secretKey;
    const { stats, fetch } = countingFetch();
    const c = new EwsClient({ endpoint: `${sim.url}/`, ...DEMO, fetch });
    await c.listContainers();
    assert.equal(String(c), `EwsClient(${sim.url}, accessKey ews-demo, HMAC-MD5)`);
    assert.deepEqual(JSON.parse(JSON.stringify(c)), { endpoint: sim.url, accessKey: "ews-demo", signMethod: "md5" });
    assert.deepEqual(Object.keys(c), []);
    for (const text of [
      String(c),
      JSON.stringify(c),
      inspect(c, { showHidden: true, depth: null, customInspect: false }),
      inspect(c, { showHidden: true, depth: null }),
      JSON.stringify(Object.getOwnPropertyNames(c).map((k) => c[k])),
      stats.urls.join(" "),
    ]) {
      assert.ok(!text.includes(secret), text);
    }
  });

  test("aborting a follow rejects with the signal's reason and leaves no timer behind", async () => {
    const c = await pick(client, "start", taken);
    await sim.admin("POST", `/containers/${c.id}/fail-next?mode=hang`);
    const cmd = await client.start(c.id);
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const controller = new AbortController();
    const updates = [];
    const following = client.followCommand(cmd, {
      signal: controller.signal,
      policy: FAST,
      onUpdate: (x) => {
        updates.push(x);
        if (updates.length === 3) controller.abort();
      },
    });
    const e = await rejection(following);
    assert.equal(e.name, "AbortError");
    assert.equal(updates.length, 3);
    assert.ok(updates.every((x) => x.status !== "DONE"));
    // Aborting during a long wait rejects at once and clears the wait's timer.
    const waiting = new AbortController();
    const t0 = Date.now();
    setTimeout(() => waiting.abort(), 30);
    const e2 = await rejection(
      client.followCommand(cmd, { signal: waiting.signal, policy: { firstDelayMs: 60_000, minDelayMs: 60_000 } }),
    );
    assert.equal(e2.name, "AbortError");
    assert.ok(Date.now() - t0 < 5000);
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    assert.ok(timersAfter <= timersBefore, `${timersBefore} timers before, ${timersAfter} after`);
    // An aborted call rejects at once too.
    await assert.rejects(client.listContainers({ signal: AbortSignal.abort() }), { name: "AbortError" });
  });

  test("what onUpdate throws rejects followCommand", async () => {
    const c = await pick(client, "start", taken);
    const cmd = await client.start(c.id);
    const boom = new RangeError("from onUpdate");
    await assert.rejects(
      client.followCommand(cmd, {
        policy: FAST,
        onUpdate: () => {
          throw boom;
        },
      }),
      (e) => e === boom,
    );
  });
});

describe("clock correction from the Date header", () => {
  for (const skewMs of [3_600_000, -20 * 60_000]) {
    test(`a server clock ${skewMs / 60_000} min off: one retry, then corrected timestamps`, async (t) => {
      const sim = await startSim({ args: [...SIM_ARGS, "--clock-skew-ms", String(skewMs)] });
      t.after(() => sim.stop());
      const { stats, fetch } = countingFetch();
      const client = new EwsClient({ endpoint: sim.url, ...DEMO, fetch });
      assert.equal(client.clockCorrectionMs, 0);
      const list = await client.listContainers();
      assert.equal(list.length, 16);
      assert.equal(stats.calls, 2, "the first request is refused, the second one signed with the server's time");
      assert.ok(Math.abs(client.clockCorrectionMs - skewMs) < 3000, `${client.clockCorrectionMs}`);
      const ts = (url) => Number(new URL(url).searchParams.get("timestamp"));
      assert.ok(Math.abs(ts(stats.urls[1]) - (Date.now() + skewMs)) < 5000);
      // From now on the first attempt is right.
      const c = list.find((x) => allowedActions(x.status).includes("start"));
      const outcome = await client.followCommand(await client.start(c.id), { policy: FAST });
      assert.equal(outcome.kind, "succeeded");
      const callsAfterFirst = stats.calls - 2;
      assert.ok(callsAfterFirst >= 2);
      assert.equal(stats.failures, 0);
      // A fresh client with the wrong clock and the wrong secret still ends on 1004, after one retry.
      const wrong = new EwsClient({ endpoint: sim.url, accessKey: DEMO.accessKey, secretKey: "wrong", fetch });
      const before = stats.calls;
      const e = await rejection(wrong.listContainers());
      assert.equal(e.code, "1004");
      assert.equal(stats.calls - before, 2);
    });
  }
});

describe("sign methods", () => {
  let sim;
  before(async () => {
    sim = await startSim({ args: [...SIM_ARGS, "--sign-method", "sha1"] });
  });
  after(() => sim?.stop());

  test("a HMAC-SHA1 server works with signMethod sha1 and refuses md5 with 1004", async () => {
    const sha1 = new EwsClient({ endpoint: sim.url, ...DEMO, signMethod: "sha1" });
    assert.equal(sha1.signMethod, "sha1");
    assert.equal((await sha1.listContainers()).length, 16);
    const md5 = new EwsClient({ endpoint: sim.url, ...DEMO });
    const e = await rejection(md5.listContainers());
    assert.equal(e.code, "1004");
  });
});

describe("faults and failures", () => {
  test("dropped connections while following are retried; the outcome still arrives", async (t) => {
    const sim = await startSim({ args: [...SIM_ARGS, "--fault-drop", "0.5", "--fault-ops", "command", "--seed", "7"] });
    t.after(() => sim.stop());
    const { stats, fetch } = countingFetch();
    const client = new EwsClient({ endpoint: sim.url, ...DEMO, fetch });
    const c = await pick(client, "start");
    const outcome = await client.followCommand(await client.start(c.id), {
      policy: { ...FAST, maxConsecutiveErrors: 50 },
    });
    assert.equal(outcome.kind, "succeeded");
    assert.ok(stats.failures >= 1, `no dropped connection in ${stats.calls} calls`);
  });

  test("a command that cannot be polled at all ends as lost after five failures", async (t) => {
    const sim = await startSim({ args: [...SIM_ARGS, "--fault-drop", "1", "--fault-ops", "command"] });
    t.after(() => sim.stop());
    const { stats, fetch } = countingFetch();
    const client = new EwsClient({ endpoint: sim.url, ...DEMO, fetch });
    const c = await pick(client, "start");
    const before = stats.calls;
    const outcome = await client.followCommand(await client.start(c.id), { policy: FAST });
    assert.equal(outcome.kind, "lost");
    assert.equal(stats.calls - before - 1, 5, "five polls, each without an answer");
    assert.match(outcome.reason, /^no answer from the EWS API at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(outcome.message, /^could not follow the command/);
  });

  test("a proxy's HTML page is an http error; a slow server a network error after the timeout", async (t) => {
    const sim = await startSim({ args: [...SIM_ARGS, "--fault-html", "1", "--fault-ops", "list", "--latency-ms", "0"] });
    t.after(() => sim.stop());
    const client = new EwsClient({ endpoint: sim.url, ...DEMO });
    const e = await rejection(client.listContainers());
    assert.equal(e.kind, "http");
    assert.equal(e.status, 502);
    assert.equal(e.transient, true);
    const slowSim = await startSim({ args: [...SIM_ARGS, "--latency-ms", "1500"] });
    t.after(() => slowSim.stop());
    const impatient = new EwsClient({ endpoint: slowSim.url, ...DEMO, requestTimeoutMs: 200 });
    const slow = await rejection(impatient.listContainers());
    assert.equal(slow.kind, "network");
    assert.match(slow.message, /no answer within 0\.2 s/);
  });

  test("nothing listening is a transient network error", async () => {
    const port = await new Promise((ok) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const { port: p } = srv.address();
        srv.close(() => ok(p));
      });
    });
    const client = new EwsClient({ endpoint: `http://127.0.0.1:${port}`, ...DEMO });
    const e = await rejection(client.listContainers());
    assert.ok(e instanceof EwsError);
    assert.equal(e.kind, "network");
    assert.equal(e.status, null);
    assert.equal(e.transient, true);
    assert.match(e.message, new RegExp(`^no answer from the EWS API at http://127\\.0\\.0\\.1:${port} \\(fetch failed`));
    assert.ok(!e.message.includes(DEMO.secretKey));
  });

  test("constructor misuse is a TypeError without the secret", () => {
    const secretKey = "constructor-secret";
    for (const options of [
      {},
      { endpoint: "http://x", secretKey },
      { endpoint: "http://x", accessKey: "a" },
      { accessKey: "a", secretKey },
      { endpoint: "http://x", accessKey: "a", secretKey, signMethod: "rsa" },
      { endpoint: "ews.example.com", accessKey: "a", secretKey },
      { endpoint: "https://x/api/v1?accesskey=a", accessKey: "a", secretKey },
      { endpoint: "http://x", accessKey: "a", secretKey, requestTimeoutMs: 0 },
      { endpoint: "http://x", accessKey: "a", secretKey, fetch: "no" },
    ]) {
      assert.throws(() => new EwsClient(options), (e) => e instanceof TypeError && !e.message.includes(secretKey));
    }
  });
});

describe("fleet operations", () => {
  let sim;
  let client;
  const taken = new Set();
  before(async () => {
    sim = await startSim({ args: ["--containers", "40", "--step-ms", "30", "--fail-rate", "0", "--admin"] });
    client = new EwsClient({ endpoint: sim.url, ...DEMO });
  });
  after(() => sim?.stop());

  const admin = (path, method = "POST") => fetch(`${sim.url}/__admin${path}`, { method });

  test("restart: stop, seen STOPPED, then start", async () => {
    const c = await pick(client, "stop", taken);
    const steps = [];
    const r = await client.restart(c.id, { policy: FAST, onUpdate: (step) => steps.push(step) });
    assert.equal(r.ok, true, r.message);
    assert.equal(r.stop.kind, "succeeded");
    assert.equal(r.start.kind, "succeeded");
    assert.ok(steps.includes("stop") && steps.includes("start"));
    assert.equal((await client.getContainer(c.id)).status, "RUNNING");
  });

  test("restart: a stop that fails leaves the container alone", async () => {
    const c = await pick(client, "stop", taken);
    await admin(`/containers/${c.id}/fail-next?mode=fail`);
    const r = await client.restart(c.id, { policy: FAST });
    assert.equal(r.ok, false);
    assert.equal(r.start, null, "never started");
    assert.match(r.message, /left as it is/);
    assert.equal((await client.getContainer(c.id)).status, "STOPFAILED");
  });

  test("followMany: N commands for about ticks + N reads", async () => {
    const counting = countingFetch();
    const many = new EwsClient({ endpoint: sim.url, ...DEMO, fetch: counting.fetch });
    const commands = [];
    for (let i = 0; i < 6; i++) {
      const c = await pick(many, "start", taken);
      const cmd = await many.start(c.id);
      commands.push({ containerId: c.id, commandId: cmd.commandId, action: "start", from: c.status });
    }
    const before = { commands: counting.stats.urls.filter((u) => u.includes("/command/")).length, lists: counting.stats.urls.filter((u) => /\/container\?/.test(u)).length };
    const seen = [];
    const outcomes = await many.followMany(commands, { onOutcome: (o) => seen.push(o.containerId) });
    assert.deepEqual(outcomes.map((o) => o.kind), Array(6).fill("succeeded"));
    assert.deepEqual(outcomes.map((o) => o.containerId), commands.map((c) => c.containerId));
    assert.equal(seen.length, 6);
    const reads = counting.stats.urls.filter((u) => u.includes("/command/")).length - before.commands;
    const lists = counting.stats.urls.filter((u) => /\/container\?/.test(u)).length - before.lists;
    assert.equal(reads, 6, "one confirming read per command");
    assert.ok(lists <= 3, `${lists} list reads`);
  });

  test("rollout: batches halt at the first failure and say where each container stands", async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await pick(client, "stop", taken)).id);
    // The third container's stop fails: its batch finishes, no other starts.
    await admin(`/containers/${ids[2]}/fail-next?mode=fail`);
    const seen = [];
    const p = await client.rollout(ids, { op: "restart", batch: 2, policy: FAST, onProgress: (x) => seen.push(x.state) });
    assert.equal(p.state, "halted");
    const steps = p.containers.map((c) => c.step);
    assert.deepEqual(steps, ["succeeded", "succeeded", "failed", "succeeded", "not_started", "not_started"]);
    assert.match(p.containers[2].reason, /left as it is/);
    assert.ok(seen.includes("running"));
    for (const id of ids.slice(4)) assert.notEqual((await client.getContainer(id)).status, "STOPPING");
    // Cancelled by a signal: nothing after the running batch.
    const more = [];
    for (let i = 0; i < 4; i++) more.push((await pick(client, "start", taken)).id);
    const ctl = new AbortController();
    const cancelled = await client.rollout(more, {
      op: "start", batch: 1, policy: FAST,
      onProgress: (x) => { if (x.containers[0].step === "succeeded") ctl.abort(); },
      signal: ctl.signal,
    });
    assert.equal(cancelled.state, "cancelled");
    assert.equal(cancelled.containers[0].step, "succeeded");
    assert.ok(cancelled.containers.slice(2).every((c) => c.step === "not_started"));
    assert.throws(() => new (Object.getPrototypeOf(client).constructor)({}), TypeError);
  });
});
