// The built edge worker in real workerd on 127.0.0.1, with ews-sim as its
// upstream: authentication, roles, the allow-list, signing, the session
// cookie, Origin checks, headers, and that no secret ever leaves it.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { edgeEnv, fixtureSite, random, signDirect, startSim, startWorker } from "./harness.mjs";

const accessKey = random("ak-");
const secretKey = random("sec-");
let sim;
let worker;
let site;
let tokens;
let sessionKey;
/** Every response the worker gave in this file, for the secrets check. */
const seen = [];

async function call(path, { token, cookie, origin, ip, headers = {}, ...init } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  if (origin) h.origin = origin;
  if (ip) h["cf-connecting-ip"] = ip;
  const res = await fetch(worker.url + path, { redirect: "manual", ...init, headers: h });
  const text = await res.text();
  seen.push({ path, status: res.status, headers: [...res.headers], text });
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** Straight to the simulator, signed like a client holding the secret. */
async function direct(path, method = "GET") {
  const { query, authorization } = signDirect({ accessKey, secretKey });
  const res = await fetch(`${sim.url}${path}?${query}`, { method, headers: { authorization } });
  return res.json();
}

async function loginCookie(token, ip = "192.0.2.10") {
  const r = await call("/edge/login", {
    method: "POST",
    origin: worker.url,
    ip,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `token=${encodeURIComponent(token)}`,
  });
  assert.equal(r.status, 303, r.text);
  const set = r.headers.get("set-cookie");
  return { set, cookie: set.split(";")[0] };
}

/** A container whose state allows starting it. */
async function startable() {
  const list = await direct("/api/v1/container");
  const c = list.data.find((c) => ["STOPPED", "ALLOCATED"].includes(c.status));
  assert.ok(c, "the fleet has a stopped container");
  return c.id;
}

before(async () => {
  sim = await startSim({ accessKey, secretKey, args: ["--step-ms", "30", "--fail-rate", "0", "--admin"] });
  site = fixtureSite();
  const e = edgeEnv({ upstream: sim.url, accessKey, secretKey });
  tokens = e.tokens;
  sessionKey = e.sessionKey;
  worker = await startWorker({ env: e.env, site: site.dir });
});

after(async () => {
  await worker?.stop();
  await sim?.stop();
  site?.remove();
});

describe("authentication", () => {
  it("answers 401 without credentials, on the API and the session endpoint", async () => {
    const r = await call("/api/v1/container");
    assert.equal(r.status, 401);
    // A refusal of the gateway, not an EWS API error: no `code`.
    assert.equal(r.json().code, undefined);
    assert.equal(r.json().login, "/edge/login");
    assert.match(r.json().message, /sign in at \/edge\/login/);
    const s = await call("/edge/session");
    assert.equal(s.status, 401);
    assert.deepEqual(s.json(), { mode: "edge", login: "/edge/login" });
  });

  it("answers 401 for a wrong bearer token", async () => {
    const r = await call("/api/v1/container", { token: "not-a-token-0123456789", ip: "192.0.2.200" });
    assert.equal(r.status, 401);
    assert.match(r.json().message, /not valid/);
  });

  it("does not take an EWS signature as a login", async () => {
    const { query, authorization } = signDirect({ accessKey, secretKey });
    const r = await call(`/api/v1/container?${query}`, { headers: { authorization } });
    assert.equal(r.status, 401);
  });

  it("tells the console who is signed in with a bearer token", async () => {
    const r = await call("/edge/session", { token: tokens.viewer });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { mode: "edge", user: "vic", role: "viewer", audit: false, accounts: [{ name: "default", role: "viewer", base: "/a/default" }] });
  });
});

describe("roles", () => {
  it("lets a viewer list but not start (403), and nothing starts", async () => {
    const list = await call("/api/v1/container", { token: tokens.viewer });
    assert.equal(list.status, 200);
    assert.equal(list.json().code, "0");
    assert.ok(list.json().data.length > 0);
    const id = await startable();
    const before = (await direct(`/api/v1/container/${id}`)).data.status;
    for (const [method, path] of [
      ["POST", `/api/v1/container/${id}/start`],
      ["POST", `/api/v1/container/${id}/stop`],
      ["DELETE", `/api/v1/container/${id}`],
    ]) {
      const r = await call(path, { method, token: tokens.viewer });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json().code, undefined);
      assert.match(r.json().message, /vic is a viewer/);
    }
    assert.equal((await direct(`/api/v1/container/${id}`)).data.status, before);
  });

  it("lets an operator start a container and follow the command to DONE", async () => {
    const id = await startable();
    const start = await call(`/api/v1/container/${id}/start`, { method: "POST", token: tokens.operator });
    assert.equal(start.status, 200, start.text);
    const { commandId } = start.json().data;
    assert.ok(commandId);
    let command;
    for (let i = 0; i < 100; i++) {
      const r = await call(`/api/v1/command/${encodeURIComponent(commandId)}`, { token: tokens.operator });
      assert.equal(r.status, 200);
      command = r.json().data;
      if (command.status === "DONE") break;
      await new Promise((ok) => setTimeout(ok, 30));
    }
    assert.equal(command.status, "DONE");
    assert.equal(command.result, "200");
    const c = await call(`/api/v1/container/${id}`, { token: tokens.viewer });
    assert.equal(c.json().data.status, "RUNNING");
    // One structured log line for the action, naming the user, not the token.
    const line = worker.logs.map((l) => l.match(/\{"event":"action".*\}/)?.[0]).filter(Boolean).map((l) => JSON.parse(l))
      .find((l) => l.commandId === commandId);
    assert.deepEqual(line, {
      event: "action", user: "olga", role: "operator", account: "default", op: "start", container: id, commandId,
      upstreamStatus: 200, upstreamCode: "0", error: null,
    });
  });
});

describe("login page and session cookie", () => {
  it("serves a login page without inline script", async () => {
    const r = await call("/edge/login");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /text\/html/);
    assert.match(r.text, /<form method="post" action="\/edge\/login">/);
    assert.doesNotMatch(r.text, /<script|style=/);
  });

  it("logs in, sets a strict cookie, and lists with it", async () => {
    const { set, cookie } = await loginCookie(tokens.operator);
    for (const flag of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age="]) {
      assert.ok(set.includes(flag), `${flag} in ${set}`);
    }
    assert.ok(cookie.startsWith("__Host-ews_session=v2.olga."), cookie);
    const s = await call("/edge/session", { cookie });
    assert.deepEqual(s.json(), { mode: "edge", user: "olga", role: "operator", audit: true, accounts: [{ name: "default", role: "operator", base: "/a/default" }] });
    const list = await call("/api/v1/container", { cookie });
    assert.equal(list.status, 200);
    assert.equal(list.json().code, "0");
  });

  it("refuses a wrong token with 401 and sets no cookie", async () => {
    const r = await call("/edge/login", {
      method: "POST", origin: worker.url, ip: "192.0.2.11",
      headers: { "content-type": "application/x-www-form-urlencoded" }, body: "token=wrong-token-0123456789",
    });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("set-cookie"), null);
    assert.match(r.text, /not valid/);
  });

  it("refuses a forged or altered cookie", async () => {
    const { cookie } = await loginCookie(tokens.viewer);
    const forged = cookie.replace(".vic.", ".olga.");
    const r = await call("/api/v1/container", { cookie: forged });
    assert.equal(r.status, 401);
    assert.match(r.headers.get("set-cookie"), /Max-Age=0/);
  });

  it("needs our own Origin for a state change made with the cookie (else 403)", async () => {
    const { cookie } = await loginCookie(tokens.operator);
    const id = await startable();
    const path = `/api/v1/container/${id}/start`;
    const stateBefore = (await direct(`/api/v1/container/${id}`)).data.status;
    const foreign = await call(path, { method: "POST", cookie, origin: "https://evil.example" });
    assert.equal(foreign.status, 403);
    assert.match(foreign.json().message, /Origin/);
    const none = await call(path, { method: "POST", cookie });
    assert.equal(none.status, 403);
    assert.equal((await direct(`/api/v1/container/${id}`)).data.status, stateBefore, "nothing started");
    const ok = await call(path, { method: "POST", cookie, origin: worker.url });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(ok.json().data.commandId);
  });

  it("logs out by clearing the cookie", async () => {
    const { cookie } = await loginCookie(tokens.viewer);
    const r = await call("/edge/logout", { method: "POST", cookie, origin: worker.url });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get("location"), "/edge/login");
    assert.match(r.headers.get("set-cookie"), /Max-Age=0/);
  });

  it("rate-limits failed logins per client address", async () => {
    const ip = "203.0.113.77";
    for (let i = 0; i < 5; i++) {
      const r = await call("/edge/login", {
        method: "POST", ip, origin: worker.url, headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "token=guess-guess-guess-guess",
      });
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const blocked = await call("/edge/login", {
      method: "POST", ip, origin: worker.url, headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${encodeURIComponent(tokens.operator)}`,
    });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get("retry-after")) >= 1);
    const bearer = await call("/api/v1/container", { token: tokens.operator, ip });
    assert.equal(bearer.status, 429);
    // Another address is not affected.
    await loginCookie(tokens.operator, "203.0.113.78");
  });

  it("refuses a login body over 4 KB, declared or streamed without Content-Length (413), and reads a streamed one within it", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const big = `token=${"x".repeat(5000)}`;
    // Chunks of `size` bytes with no Content-Length (chunked transfer encoding).
    const stream = (text, size) => new ReadableStream({
      start(c) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size));
        c.close();
      },
    });
    const post = (ip, body) => call("/edge/login", {
      method: "POST", origin: worker.url, ip, headers: form, body, duplex: "half",
    });
    const declared = await post("198.51.100.1", big);
    assert.equal(declared.status, 413, declared.text);
    // Refused before the upload ends: a 413, or the connection closed under
    // the client's upload (undici's "fetch failed"); never a session.
    const streamed = await post("198.51.100.2", stream(big, 1000)).catch((e) => {
      assert.match(String(e), /fetch failed/);
      return null;
    });
    if (streamed) {
      assert.equal(streamed.status, 413, streamed.text);
      assert.equal(streamed.headers.get("set-cookie"), null);
    }
    const small = await post("198.51.100.3", stream(`token=${encodeURIComponent(tokens.operator)}`, 7));
    assert.equal(small.status, 303, small.text);
    assert.match(small.headers.get("set-cookie"), /__Host-ews_session=/);
  });
});

describe("the allow-list and signing", () => {
  it("answers 404 for paths outside the six operations, and never forwards them", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/node"],
      ["GET", "/api/v1/service"],
      ["GET", "/api/v1/host/1"],
      ["POST", "/api/v1/node/1/uploadStart"],
      ["POST", "/api/v1/container/1/restart"],
      ["GET", "/api/v2/container"],
      ["GET", "/api/v1/container/1/start/again"],
    ]) {
      const r = await call(path, { method, token: tokens.operator });
      assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
      assert.equal(r.json().code, "1008");
    }
    // Encoded traversal stays a (bad) id: refused, never a path upstream.
    const traversal = await call("/api/v1/container/..%2F..%2F__admin%2Ffaults", { token: tokens.operator });
    assert.equal(traversal.status, 400, traversal.text);
    assert.equal(traversal.json().code, "1002");
    const wrongMethod = await call("/api/v1/container", { method: "POST", token: tokens.operator });
    assert.equal(wrongMethod.status, 405);
    // The simulator's admin endpoints are not reachable through the worker.
    const admin = await call("/__admin/reset", { method: "POST", token: tokens.operator });
    assert.equal(admin.status, 405);
    const adminGet = await call("/__admin/faults", { token: tokens.operator });
    assert.doesNotMatch(adminGet.text, /latency_ms/);
  });

  it("ignores a client-supplied accesskey, timestamp and Authorization and signs afresh", async () => {
    // Stale and foreign values that the simulator would refuse if forwarded.
    const r = await call("/api/v1/container?accesskey=someone-else&timestamp=1", { token: tokens.viewer });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().code, "0");
    const { cookie } = await loginCookie(tokens.viewer);
    const withSig = await call("/api/v1/container?accesskey=someone-else&timestamp=1", {
      cookie,
      headers: { authorization: "0123456789ABCDEF0123456789ABCDEF" },
    });
    assert.equal(withSig.status, 200, withSig.text);
  });
});

describe("the console's files", () => {
  it("serves them with strict security headers and an SPA fallback", async () => {
    for (const [path, type] of [
      ["/", /text\/html/],
      ["/containers/2529", /text\/html/],
      ["/app.js", /javascript/],
      ["/assets/tiny.wasm", /application\/wasm/],
    ]) {
      const r = await call(path);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get("content-type"), type, path);
      const csp = r.headers.get("content-security-policy");
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
      assert.match(csp, /style-src 'self';/);
      assert.match(csp, /connect-src 'self';/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.match(r.headers.get("strict-transport-security"), /max-age=\d+/);
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
      assert.equal(r.headers.get("referrer-policy"), "same-origin");
    }
    assert.equal((await call("/missing.js")).status, 404);
  });

  it("puts security headers on API answers and pages too", async () => {
    for (const r of [await call("/api/v1/container", { token: tokens.viewer }), await call("/edge/login")]) {
      assert.ok(r.headers.get("content-security-policy"));
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
      assert.equal(r.headers.get("referrer-policy"), "same-origin");
      assert.ok(r.headers.get("strict-transport-security"));
    }
  });
});

describe("the upstream going away", () => {
  it("answers 502 with an envelope that says so", async () => {
    await sim.stop();
    const r = await call("/api/v1/container", { token: tokens.viewer });
    assert.equal(r.status, 502);
    assert.equal(r.json().code, "1001");
    assert.match(r.json().message, /could not be reached/);
    assert.match(r.json().message, /retry/);
  });
});

describe("secrets", () => {
  it("never appear in any response body or header of this suite", () => {
    assert.ok(seen.length > 40, `only ${seen.length} responses recorded`);
    const secrets = { secretKey, accessKey, sessionKey, operator: tokens.operator, viewer: tokens.viewer };
    for (const r of seen) {
      const all = `${r.text}\n${r.headers.map(([k, v]) => `${k}: ${v}`).join("\n")}`;
      for (const [name, value] of Object.entries(secrets)) {
        assert.ok(!all.includes(value), `${name} leaked in ${r.status} ${r.path}`);
      }
    }
    for (const line of worker.logs) {
      for (const value of [secretKey, sessionKey, tokens.operator, tokens.viewer]) {
        assert.ok(!line.includes(value), `secret in the worker's log: ${line}`);
      }
    }
  });
});
