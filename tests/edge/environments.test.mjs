// The worker under other environments: missing configuration, a slow
// upstream, an upstream whose clock is off, a custom frame-ancestors, no
// ASSETS binding. Each gets its own workerd (and ews-sim where needed).

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";

import { edgeEnv, fixtureSite, random, startSim, startWorker } from "./harness.mjs";

const accessKey = random("ak-");
const secretKey = random("sec-");
const running = [];
const sites = [];
function newSite() {
  const s = fixtureSite();
  sites.push(s);
  return s;
}
const seen = [];
const secrets = new Set([secretKey]);

async function start(opts) {
  const w = await startWorker(opts);
  running.push(w);
  return w;
}

async function get(w, path, headers = {}) {
  const res = await fetch(w.url + path, { redirect: "manual", headers });
  const text = await res.text();
  seen.push({ path, headers: [...res.headers], text });
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

after(async () => {
  for (const r of running) await r.stop();
  for (const s of sites) s.remove();
});

describe("configuration", () => {
  it("answers 500 naming each missing variable, never a value", async () => {
    const site = newSite();
    const { env, tokens } = edgeEnv({ upstream: "http://127.0.0.1:9", accessKey, secretKey });
    delete env.EWS_SECRET_KEY;
    delete env.EWS_SESSION_KEY;
    const w = await start({ env, site: site.dir });
    for (const path of ["/api/v1/container", "/edge/session"]) {
      const r = await get(w, path, { authorization: `Bearer ${tokens.operator}` });
      assert.equal(r.status, 500, path);
      assert.equal(r.json().code, "1001");
      assert.match(r.json().message, /EWS_SECRET_KEY is missing/);
      assert.match(r.json().message, /EWS_SESSION_KEY is missing/);
    }
    const page = await get(w, "/");
    assert.equal(page.status, 500);
    assert.match(page.text, /EWS_SECRET_KEY is missing/);
    assert.match(page.headers.get("content-security-policy"), /script-src 'self' 'wasm-unsafe-eval'/);
    secrets.add(tokens.operator);
  });

  it("answers 500 naming an invalid variable, never its value", async () => {
    const { env } = edgeEnv({ upstream: "http://127.0.0.1:9", accessKey, secretKey });
    env.EWS_SIGN_METHOD = "sha256-of-something";
    env.EWS_CONSOLE_TOKENS = "eve:root:secret-token-value-123456";
    const w = await start({ env });
    const r = await get(w, "/api/v1/container");
    assert.equal(r.status, 500);
    assert.match(r.json().message, /EWS_SIGN_METHOD is invalid \(use md5 or sha1\)/);
    assert.match(r.json().message, /EWS_CONSOLE_TOKENS is invalid/);
    assert.doesNotMatch(r.text, /sha256-of-something|secret-token-value/);
  });

  it("answers 500 naming the ASSETS binding when it is missing", async () => {
    const { env } = edgeEnv({ upstream: "http://127.0.0.1:9", accessKey, secretKey });
    const w = await start({ env });
    const r = await get(w, "/");
    assert.equal(r.status, 500);
    assert.match(r.text, /ASSETS binding/);
  });

  it("uses EWS_FRAME_ANCESTORS for embedding", async () => {
    const site = newSite();
    const { env } = edgeEnv({
      upstream: "http://127.0.0.1:9", accessKey, secretKey,
      extra: { EWS_FRAME_ANCESTORS: "'self' https://portal.example.com" },
    });
    const w = await start({ env, site: site.dir });
    const r = await get(w, "/");
    assert.match(r.headers.get("content-security-policy"), /frame-ancestors 'self' https:\/\/portal\.example\.com$/);
  });
});

describe("upstream trouble", () => {
  it("answers 504 with an envelope when the upstream is too slow", async () => {
    const sim = await startSim({ accessKey, secretKey, args: ["--latency-ms", "3000"] });
    running.push(sim);
    const { env, tokens } = edgeEnv({
      upstream: sim.url, accessKey, secretKey, extra: { EWS_UPSTREAM_TIMEOUT_MS: "300" },
    });
    const w = await start({ env });
    const t0 = Date.now();
    const r = await get(w, "/api/v1/container", { authorization: `Bearer ${tokens.viewer}` });
    assert.equal(r.status, 504, r.text);
    assert.equal(r.json().code, "1009");
    assert.match(r.json().message, /did not answer within 300 ms/);
    assert.ok(Date.now() - t0 < 2500, "gave up at the timeout");
    secrets.add(tokens.viewer);
  });

  it("corrects for an upstream clock an hour off and signs at its time", async () => {
    for (const skew of ["3600000", "-3600000"]) {
      const sim = await startSim({ accessKey, secretKey, args: ["--clock-skew-ms", skew] });
      running.push(sim);
      const { env, tokens } = edgeEnv({ upstream: sim.url, accessKey, secretKey });
      const w = await start({ env });
      // The first request is refused for its timestamp, measured, and retried once.
      for (let i = 0; i < 3; i++) {
        const r = await get(w, "/api/v1/container", { authorization: `Bearer ${tokens.viewer}` });
        assert.equal(r.status, 200, `skew ${skew}, request ${i}: ${r.text}`);
        assert.equal(r.json().code, "0");
      }
      secrets.add(tokens.viewer);
    }
  });
});

describe("secrets", () => {
  it("never appear in any response of this file", () => {
    assert.ok(seen.length >= 10);
    for (const r of seen) {
      const all = `${r.text}\n${r.headers.map(([k, v]) => `${k}: ${v}`).join("\n")}`;
      for (const s of secrets) assert.ok(!all.includes(s), `a secret leaked in ${r.path}`);
      assert.ok(!all.includes(accessKey), `the access key leaked in ${r.path}`);
    }
  });
});
