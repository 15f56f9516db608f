// The worker's shared state in real workerd, its Durable Object stored on
// local disk, probed as an attacker would: a burst of parallel wrong
// sign-ins, made-up address headers, a copied cookie after sign-out, the
// audit trail across a restart, and command-id tricks.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { edgeEnv, fixtureSite, random, startSim, startWorker } from "./harness.mjs";

const accessKey = random("ak-");
const secretKey = random("sec-");
const form = { "content-type": "application/x-www-form-urlencoded" };
let sim;
let site;

before(async () => {
  sim = await startSim({ accessKey, secretKey, args: ["--step-ms", "30", "--fail-rate", "0", "--log"] });
  site = fixtureSite();
});

after(async () => {
  await sim?.stop();
  site?.remove();
});

/** A worker in front of the sim; `env` adds to (or, with undefined, removes from) its settings. */
async function worker(extra = {}, opts = {}) {
  const e = edgeEnv({ upstream: sim.url, accessKey, secretKey, extra });
  if (opts.tokens) Object.assign(e, { tokens: opts.tokens, sessionKey: opts.sessionKey });
  const env = opts.env ?? e.env;
  const w = await startWorker({ env, site: site.dir, stateDir: opts.stateDir });
  return { ...w, tokens: opts.tokens ?? e.tokens, env };
}

function call(w, path, { ip, origin, cookie, token, headers = {}, ...init } = {}) {
  const h = { ...headers };
  if (ip) h["cf-connecting-ip"] = ip;
  if (origin) h.origin = origin;
  if (cookie) h.cookie = cookie;
  if (token) h.authorization = `Bearer ${token}`;
  return fetch(w.url + path, { redirect: "manual", ...init, headers: h });
}

function login(w, token, ip) {
  return call(w, "/edge/login", { method: "POST", ip, origin: w.url, headers: form, body: `token=${encodeURIComponent(token)}` });
}

async function cookieOf(w, token, ip) {
  const r = await login(w, token, ip);
  assert.equal(r.status, 303, await r.text());
  return r.headers.get("set-cookie").split(";")[0];
}

describe("the sign-in limiter, in the Durable Object", () => {
  let w;
  before(async () => {
    w = await worker();
  });
  after(() => w?.stop());

  it("checks no more than the limit of a burst of parallel wrong sign-ins from one client", async () => {
    const ip = "203.0.113.40";
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => login(w, "wrong-token-0123456789", ip).then((r) => r.status)),
    );
    const checked = answers.filter((s) => s === 401).length;
    assert.equal(checked, 5, `statuses: ${answers.join(" ")}`);
    assert.equal(answers.filter((s) => s === 429).length, 25);
    // The same address now waits, even with the right token...
    const blocked = await login(w, w.tokens.operator, ip);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get("retry-after")) >= 1);
    // ...and a bearer guess from it too.
    assert.equal((await call(w, "/api/v1/container", { ip, token: "guess-guess-guess-guess" })).status, 429);
    // A valid token from another address is never affected.
    await cookieOf(w, w.tokens.operator, "203.0.113.41");
    const b = await call(w, "/api/v1/container", { ip: "203.0.113.42", token: w.tokens.viewer });
    assert.equal(b.status, 200);
  });

  it("keys an IPv6 client by its /64", async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await login(w, "wrong-token-0123456789", `2001:db8:7:7::${i + 1}`)).status, 401);
    }
    // Another address of the same /64: limited; of another /64: not.
    assert.equal((await login(w, w.tokens.operator, "2001:db8:7:7:ffff::9")).status, 429);
    assert.equal((await login(w, w.tokens.operator, "2001:db8:7:8::1")).status, 303);
  });
});

describe("without a trusted address", () => {
  let w;
  before(async () => {
    // workerd is not Cloudflare: by default no header is trusted.
    w = await worker({ EWS_CLIENT_IP_HEADER: undefined });
  });
  after(() => w?.stop());

  it("ignores made-up address headers, limits wrong tokens globally, and never refuses a valid one", async () => {
    const statuses = [];
    for (let i = 0; i < 24; i++) {
      // A different made-up address each time: it dodges nothing.
      const r = await login(w, "wrong-token-0123456789", `198.51.100.${i + 1}`);
      statuses.push(r.status);
    }
    assert.deepEqual(statuses.slice(0, 19), Array(19).fill(401), statuses.join(" "));
    assert.ok(statuses.slice(20).every((s) => s === 429), statuses.join(" "));
    // Others' failures never lock a valid token out: form or bearer.
    await cookieOf(w, w.tokens.operator, "198.51.100.200");
    assert.equal((await call(w, "/api/v1/container", { token: w.tokens.viewer, ip: "198.51.100.1" })).status, 200);
    assert.equal((await call(w, "/api/v1/container", { token: "guess-guess-guess-guess" })).status, 429);
  });
});

describe("sessions that end", () => {
  let w;
  before(async () => {
    w = await worker();
  });
  after(() => w?.stop());

  it("refuses a copied cookie after sign-out, on the next request", async () => {
    const cookie = await cookieOf(w, w.tokens.operator, "192.0.2.60");
    assert.equal((await call(w, "/edge/session", { cookie })).status, 200);
    const out = await call(w, "/edge/logout", { method: "POST", cookie, origin: w.url });
    assert.equal(out.status, 303);
    // The copy an attacker kept is refused.
    const again = await call(w, "/api/v1/container", { cookie });
    assert.equal(again.status, 401);
    assert.match(again.headers.get("set-cookie"), /Max-Age=0/);
  });

  it("signs a user out everywhere, and no one else", async () => {
    const a = await cookieOf(w, w.tokens.operator, "192.0.2.61");
    const b = await cookieOf(w, w.tokens.operator, "192.0.2.62");
    const other = await cookieOf(w, w.tokens.viewer, "192.0.2.63");
    const out = await call(w, "/edge/logout", { method: "POST", cookie: a, origin: w.url, headers: form, body: "scope=everywhere" });
    assert.equal(out.status, 303);
    for (const cookie of [a, b]) assert.equal((await call(w, "/edge/session", { cookie })).status, 401);
    assert.equal((await call(w, "/edge/session", { cookie: other })).status, 200);
  });

  it("refuses sign-in and sign-out forms without our Origin or Sec-Fetch-Site: same-origin", async () => {
    const body = `token=${encodeURIComponent(w.tokens.operator)}`;
    for (const headers of [{ origin: "null" }, {}, { origin: "https://evil.example" }, { origin: "null", "sec-fetch-site": "cross-site" }]) {
      const r = await fetch(w.url + "/edge/login", { method: "POST", redirect: "manual", headers: { ...form, ...headers }, body });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal(r.headers.get("set-cookie"), null);
    }
    const ok = await fetch(w.url + "/edge/login", {
      method: "POST", redirect: "manual", headers: { ...form, origin: "null", "sec-fetch-site": "same-origin" }, body,
    });
    assert.equal(ok.status, 303);
  });
});

describe("the audit trail", () => {
  it("records sign-ins, actions and their outcomes, and keeps them across a restart", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "ews-edge-kept-"));
    try {
      const first = await worker({}, { stateDir });
      const tokens = first.tokens;
      const env = first.env;
      assert.equal((await login(first, "wrong-token-0123456789", "192.0.2.80")).status, 401);
      const cookie = await cookieOf(first, tokens.operator, "192.0.2.81");
      const list = await (await call(first, "/api/v1/container", { cookie })).json();
      const target = list.data.find((c) => c.status === "STOPPED");
      const start = await call(first, `/api/v1/container/${target.id}/start`, { method: "POST", cookie, origin: first.url });
      const { commandId } = (await start.json()).data;
      // Follow it through the worker, as the console does, to its end.
      for (let i = 0; i < 100; i++) {
        const cmd = await (await call(first, `/api/v1/command/${commandId}`, { cookie })).json();
        if (cmd.data.status === "DONE") break;
        await new Promise((r) => setTimeout(r, 30));
      }
      // Background writes land shortly after the answers.
      let entries = [];
      for (let i = 0; i < 50; i++) {
        entries = (await (await call(first, "/edge/audit", { cookie })).json()).entries;
        if (entries.some((e) => e.outcome)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const action = entries.find((e) => e.event === "action");
      assert.equal(action.user, "olga");
      assert.equal(action.action, "start");
      assert.equal(action.container, target.id);
      assert.equal(action.commandId, commandId);
      assert.equal(action.upstreamStatus, 200);
      assert.equal(action.outcome, "succeeded");
      assert.ok(entries.some((e) => e.event === "login" && e.user === "olga" && e.client === "ip:192.0.2.81"));
      assert.ok(entries.some((e) => e.event === "login_failed" && e.user === null));
      assert.ok(!JSON.stringify(entries).includes(tokens.operator), "no token in the trail");
      // A viewer may not read it; filters and pages work.
      const viewer = await cookieOf(first, tokens.viewer, "192.0.2.82");
      assert.equal((await call(first, "/edge/audit", { cookie: viewer })).status, 403);
      const mine = await (await call(first, `/edge/audit?action=start&container=${target.id}&limit=1`, { cookie })).json();
      assert.equal(mine.entries.length, 1);
      assert.equal(mine.entries[0].commandId, commandId);
      // The same trail as the worker's own page, for people: filtered by
      // the form's fields, in the browser's language.
      const page = await call(first, `/audit?action=start&container=${target.id}`, { cookie, headers: { "accept-language": "zh-CN,zh;q=0.9" } });
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type"), /^text\/html/);
      const html = await page.text();
      assert.ok(html.includes("审计记录"), "in Chinese");
      assert.equal((html.match(/data-testid="audit-row"/g) || []).length, 1);
      assert.ok(html.includes(`href="/a/default/commands/${commandId}"`));
      assert.ok(html.includes(`format=csv`));
      assert.equal((await call(first, "/audit", { cookie: viewer })).status, 403);
      const anonymous = await call(first, "/audit");
      assert.equal(anonymous.status, 303);
      assert.equal(anonymous.headers.get("location"), "/edge/login");
      await first.stop({ keepState: true });

      // A new worker process on the same storage: the trail is still there.
      const second = await worker({}, { stateDir, tokens, env });
      try {
        const c2 = await cookieOf(second, tokens.operator, "192.0.2.83");
        const kept = (await (await call(second, "/edge/audit", { cookie: c2 })).json()).entries;
        assert.ok(kept.some((e) => e.commandId === commandId && e.outcome === "succeeded"), JSON.stringify(kept));
      } finally {
        await second.stop({ keepState: true });
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe("command ids", () => {
  let w;
  before(async () => {
    w = await worker();
  });
  after(() => w?.stop());

  it("refuses path tricks before anything goes upstream", async () => {
    const seen = sim.output.length;
    for (const path of [
      "/api/v1/command/..%2F..%2Fcontainer",
      "/api/v1/command/%2E%2E%2F%2E%2E%2Fcontainer",
      "/api/v1/command/a%2Fb",
      "/api/v1/command/a%252Fb",
      "/api/v1/command/a.b",
    ]) {
      const r = await call(w, path, { token: w.tokens.viewer, ip: "192.0.2.90" });
      assert.equal(r.status, 400, path);
      assert.match((await r.json()).message, /A-Z, a-z, 0-9/);
    }
    const upstream = sim.output.slice(seen).join("");
    assert.doesNotMatch(upstream, /command/, "nothing reached the simulator");
  });
});
