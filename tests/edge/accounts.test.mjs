// One worker in front of two accounts, each its own ews-sim with its own
// keys, in real workerd: each account is signed with its own keys and
// reached by its own role, the session lists what a user reaches, the audit
// trail names the account, and a broken account's configuration is a 500
// naming the variable, never its value.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { fixtureSite, signDirect, startAccountsStack, startWorker } from "./harness.mjs";

let stack;
let site;

before(async () => {
  site = fixtureSite();
  // Different fleet sizes: a list shows which account answered.
  stack = await startAccountsStack({ site: site.dir, containers: [12, 20] });
});

after(async () => {
  await stack?.stop();
  site?.remove();
});

async function call(path, token, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(stack.worker.url + path, { redirect: "manual", ...init, headers });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, text, json };
}

/** Straight to one account's simulator, signed with its keys. */
async function direct(account, path) {
  const sim = stack.sims[account];
  const { query, authorization } = signDirect(sim);
  const res = await fetch(`${sim.url}${path}?${query}`, { headers: { authorization } });
  return res.json();
}

async function until(what, check, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("two accounts behind one worker", () => {
  it("lists each account from its own upstream, signed with its own keys", async () => {
    const { olga } = stack.tokens;
    const prod = await call("/a/prod/api/v1/container", olga);
    const staging = await call("/a/staging/api/v1/container", olga);
    assert.equal(prod.status, 200, prod.text);
    assert.equal(staging.status, 200, staging.text);
    assert.equal(prod.json.data.length, 12);
    assert.equal(staging.json.data.length, 20);
    assert.deepEqual(prod.json.data, (await direct("prod", "/api/v1/container")).data);
    // `/api/v1` names no account when there are several.
    const bare = await call("/api/v1/container", olga);
    assert.equal(bare.status, 404);
    assert.match(bare.json.message, /name one in the path, \/a\/\{name\}\/api\/v1/);
  });

  it("grants a role per account: carol operates staging, views prod; dave reaches prod only", async () => {
    const { carol, dave } = stack.tokens;
    const stopped = (await direct("staging", "/api/v1/container")).data.find((c) => c.status === "STOPPED");
    assert.ok(stopped, "staging has a stopped container");
    const started = await call(`/a/staging/api/v1/container/${stopped.id}/start`, carol, { method: "POST" });
    assert.equal(started.status, 200, started.text);
    const commandId = started.json.data.commandId;
    const done = await until("the command's end", async () => {
      const r = await call(`/a/staging/api/v1/command/${commandId}`, carol);
      return ["DONE", "FAILED"].includes(r.json?.data?.status) && r.json.data;
    });
    assert.equal(done.status, "DONE");
    const seen = (await direct("staging", `/api/v1/container/${stopped.id}`)).data;
    assert.equal(seen.status, "RUNNING");
    // On prod carol only looks; the refusal reaches no upstream.
    const prodBefore = (await direct("prod", "/api/v1/container")).data;
    const running = prodBefore.find((c) => c.status === "RUNNING");
    const refused = await call(`/a/prod/api/v1/container/${running.id}/stop`, carol, { method: "POST" });
    assert.equal(refused.status, 403);
    assert.match(refused.json.message, /viewer on account prod/);
    assert.equal(refused.json.code, undefined, "a refusal, not an API error");
    assert.equal((await direct("prod", `/api/v1/container/${running.id}`)).data.status, "RUNNING");
    assert.equal((await call("/a/prod/api/v1/container", carol)).status, 200);
    // dave reaches prod only.
    assert.equal((await call("/a/prod/api/v1/container", dave)).status, 200);
    const other = await call("/a/staging/api/v1/container", dave);
    assert.equal(other.status, 403);
    assert.match(other.json.message, /dave has no access to account staging/);
    const unknown = await call("/a/eu/api/v1/container", dave);
    assert.equal(unknown.status, 404);
    // Strangers learn nothing, not even which accounts exist.
    assert.equal((await call("/a/eu/api/v1/container")).status, 401);
    assert.equal((await call("/a/prod/api/v1/container")).status, 401);
  });

  it("lists in the session the accounts each user reaches, with the role on each", async () => {
    const session = async (token) => (await call("/edge/session", token)).json;
    assert.deepEqual(await session(stack.tokens.carol), {
      mode: "edge",
      user: "carol",
      role: "viewer",
      audit: false,
      accounts: [
        { name: "prod", role: "viewer", base: "/a/prod" },
        { name: "staging", role: "operator", base: "/a/staging" },
      ],
    });
    assert.deepEqual((await session(stack.tokens.dave)).accounts, [{ name: "prod", role: "viewer", base: "/a/prod" }]);
    assert.deepEqual(
      (await session(stack.tokens.olga)).accounts.map((a) => [a.name, a.role]),
      [["prod", "operator"], ["staging", "operator"]],
    );
  });

  it("names the account of each action in the audit trail, for operators of every account only", async () => {
    const { olga, carol } = stack.tokens;
    const trail = await until("carol's start in the audit trail", async () => {
      const r = await call("/edge/audit?account=staging&action=start", olga);
      return r.status === 200 && r.json.entries.find((e) => e.user === "carol" && e.outcome) && r.json;
    });
    const entry = trail.entries.find((e) => e.user === "carol");
    assert.equal(entry.account, "staging");
    assert.equal(entry.role, "operator");
    assert.equal(entry.outcome, "succeeded");
    const prodOnly = await call("/edge/audit?account=prod&action=start", olga);
    assert.equal(prodOnly.json.entries.filter((e) => e.user === "carol").length, 0);
    const csv = await call("/edge/audit?format=csv&account=staging", olga);
    assert.match(csv.text.split("\r\n")[0], /,message,account$/);
    assert.match(csv.text, /,staging\r\n/);
    const refused = await call("/edge/audit", carol);
    assert.equal(refused.status, 403);
    assert.match(refused.json.message, /operators on every account/);
    const line = stack.worker.logs.find((l) => l.includes('"event":"action"') && l.includes('"user":"carol"'));
    assert.equal(JSON.parse(line).account, "staging");
    // The object made its tables (with the audit's account column) without an error.
    assert.deepEqual(stack.worker.logs.filter((l) => l.includes('"event":"durable","ok":false')), []);
  });
});

describe("the configuration of several accounts", () => {
  it("answers 500 naming a missing or leftover variable, never its value", async () => {
    const env = { ...stack.env };
    delete env.EWS_SECRET_KEY_STAGING;
    env.EWS_SECRET_KEY = "left-over-secret-value";
    env.EWS_SIGN_METHOD_PROD = "sha256-secretish";
    const worker = await startWorker({ env });
    try {
      const res = await fetch(`${worker.url}/a/prod/api/v1/container`);
      const text = await res.text();
      assert.equal(res.status, 500);
      for (const name of ["EWS_SECRET_KEY_STAGING is missing", "EWS_SIGN_METHOD_PROD is invalid", "EWS_SECRET_KEY is invalid"]) {
        assert.ok(text.includes(name), `${name}: ${text}`);
      }
      for (const value of ["left-over-secret-value", "sha256-secretish", stack.sims.prod.secretKey]) {
        assert.ok(!text.includes(value), `a value is shown: ${text}`);
      }
    } finally {
      await worker.stop();
    }
  });
});
