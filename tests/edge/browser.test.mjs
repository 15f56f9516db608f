// The worker in headless Chromium: the login form sets a cookie the browser
// keeps on http://127.0.0.1 (a secure context, so `Secure` and `__Host-`
// work), page scripts can use the API with it, state changes from the page
// carry our Origin, and the strict CSP lets the console's own script run.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, it } from "node:test";

import { chromium } from "playwright-core";

import { CHROMIUM_BIN, CHROMIUM_LAUNCH, edgeEnv, fixtureSite, random, signDirect, startSim, startWorker } from "./harness.mjs";

const accessKey = random("ak-");
const secretKey = random("sec-");
let sim;
let worker;
let site;
let tokens;
let browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM_BIN), `no Chromium at ${CHROMIUM_BIN}: apt-get install chromium`);
  sim = await startSim({ accessKey, secretKey, args: ["--step-ms", "30", "--fail-rate", "0"] });
  site = fixtureSite();
  const e = edgeEnv({ upstream: sim.url, accessKey, secretKey });
  tokens = e.tokens;
  worker = await startWorker({ env: e.env, site: site.dir });
  browser = await chromium.launch(CHROMIUM_LAUNCH);
});

after(async () => {
  await browser?.close();
  await worker?.stop();
  await sim?.stop();
  site?.remove();
});

async function signIn(token) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(`${worker.url}/edge/login`);
  await page.fill('[data-testid="edge-login-token"]', token);
  await Promise.all([page.waitForURL(`${worker.url}/`), page.click('[data-testid="edge-login-submit"]')]);
  return { ctx, page, problems };
}

it("signs in with the form; the browser keeps a Secure, HttpOnly, SameSite=Strict cookie", async () => {
  const { ctx, page, problems } = await signIn(tokens.operator);
  const cookies = await ctx.cookies();
  assert.equal(cookies.length, 1);
  const [c] = cookies;
  assert.equal(c.name, "__Host-ews_session");
  assert.deepEqual([c.secure, c.httpOnly, c.sameSite, c.path], [true, true, "Strict", "/"]);
  // The console page loaded its own script under the CSP; page scripts cannot read the cookie.
  assert.equal(await page.evaluate(() => document.body.dataset.loaded), "yes");
  assert.equal(await page.evaluate(() => document.cookie), "");
  const session = await page.evaluate(async () => (await fetch("/edge/session")).json());
  assert.deepEqual(session, { mode: "edge", user: "olga", role: "operator", audit: true, accounts: [{ name: "default", role: "operator", base: "/a/default" }] });
  assert.deepEqual(problems, []);
  await ctx.close();
});

it("lists and starts from the page with the cookie alone, no key in the browser", async () => {
  const { ctx, page, problems } = await signIn(tokens.operator);
  const list = await page.evaluate(async () => {
    const r = await fetch("/api/v1/container");
    return { status: r.status, body: await r.json() };
  });
  assert.equal(list.status, 200);
  assert.equal(list.body.code, "0");
  const stopped = list.body.data.find((c) => c.status === "STOPPED" || c.status === "ALLOCATED");
  const started = await page.evaluate(async (id) => {
    const r = await fetch(`/api/v1/container/${id}/start`, { method: "POST" });
    return { status: r.status, body: await r.json() };
  }, stopped.id);
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.ok(started.body.data.commandId);
  // It really started, as the simulator sees it.
  const { query, authorization } = signDirect({ accessKey, secretKey });
  const seen = await (await fetch(`${sim.url}/api/v1/container/${stopped.id}?${query}`, { headers: { authorization } })).json();
  assert.ok(["STARTING", "RUNNING"].includes(seen.data.status), seen.data.status);
  const html = await page.content();
  for (const secret of [secretKey, accessKey, tokens.operator]) assert.ok(!html.includes(secret));
  assert.deepEqual(problems, []);
  await ctx.close();
});

it("a viewer's page cannot start anything", async () => {
  const { ctx, page } = await signIn(tokens.viewer);
  const status = await page.evaluate(async () => (await fetch("/api/v1/container/2529/start", { method: "POST" })).status);
  assert.equal(status, 403);
  await ctx.close();
});

it("signs out with a form post from the page", async () => {
  const { ctx, page } = await signIn(tokens.viewer);
  await page.evaluate(() => {
    const f = document.createElement("form");
    f.method = "post";
    f.action = "/edge/logout";
    document.body.append(f);
    f.submit();
  });
  await page.waitForURL(`${worker.url}/edge/login`);
  assert.deepEqual(await ctx.cookies(), []);
  await ctx.close();
});
