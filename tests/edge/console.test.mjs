// The console's journey in edge mode, in headless Chromium, through the
// built worker (real workerd) in front of ews-sim: open the console, sign in
// with a token, list, start a stopped container and see it RUNNING — and no
// key is ever asked for or present in the page. Needs the console built
// into crates/ews-edge/build/site (`cargo xtask edge-build` does it).

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";

import { chromium } from "playwright-core";

import { CHROMIUM_LAUNCH, paths, startAccountsStack, startEdgeStack } from "./harness.mjs";

const SITE = join(paths.build, "site");
let stack;
let worker;
let tokens;
let accessKey;
let secretKey;
let browser;

before(async () => {
  assert.ok(existsSync(join(SITE, "index.html")), `no console in ${SITE}: build it (cargo xtask edge-build)`);
  assert.doesNotMatch(readFileSync(join(SITE, "index.html"), "utf8"), /<script(?![^>]*\bsrc=)[^>]*>\s*\S/,
    "the site still has an inline script, which the CSP forbids");
  stack = await startEdgeStack({ site: SITE });
  ({ worker, tokens, accessKey, secretKey } = stack);
  browser = await chromium.launch(CHROMIUM_LAUNCH);
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens the console, follows its sign-in link, signs in with `token`. */
async function signIn(token, { worker } = stack) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on("console", (m) => {
    const text = m.text();
    // The console's first probe of /edge/session is a 401 before signing in.
    if (/Content Security Policy|Refused to/.test(text)) problems.push(text);
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(`${worker.url}/`);
  await page.getByTestId("signin-link").click();
  await page.waitForURL(`${worker.url}/edge/login`);
  await page.getByTestId("edge-login-token").fill(token);
  await Promise.all([page.waitForURL(`${worker.url}/`), page.getByTestId("edge-login-submit").click()]);
  await page.getByTestId("container-table").waitFor();
  return { ctx, page, problems };
}

it("signs in with a token, lists, starts a container and sees it RUNNING, with no key entered", async () => {
  const { ctx, page, problems } = await signIn(tokens.operator);
  assert.match(await page.getByTestId("who").textContent(), /olga/);
  // Edge mode: the connection form (endpoint, access key, secret key) never shows.
  assert.equal(await page.getByTestId("connect-form").count(), 0);
  assert.equal(await page.getByTestId("secret-key").count(), 0);
  const row = page.locator('[data-testid="row"][data-status="STOPPED"]').first();
  const id = await row.getAttribute("data-id");
  // The button's handler is what is tested; the virtualised table's layout
  // is the console's own concern (a dispatched click does not depend on it).
  await row.getByTestId("action-start").dispatchEvent("click");
  await page.locator(`[data-testid="row"][data-id="${id}"][data-status="RUNNING"]`).waitFor({ timeout: 30000 });
  const line = worker.logs.find((l) => l.includes('"event":"action"') && l.includes(`"container":${id}`));
  assert.ok(line, "the worker logged the action");
  assert.equal(JSON.parse(line).user, "olga");
  const html = await page.content();
  for (const secret of [secretKey, accessKey, tokens.operator]) assert.ok(!html.includes(secret), "a secret is in the page");
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  for (const secret of [secretKey, accessKey, tokens.operator]) assert.ok(!storage.includes(secret), "a secret is in web storage");
  assert.deepEqual(problems, []);
  await ctx.close();
});

it("shows a viewer no action buttons", async () => {
  const { ctx, page, problems } = await signIn(tokens.viewer);
  assert.match(await page.getByTestId("who").textContent(), /vic/);
  assert.ok((await page.getByTestId("row").count()) > 0);
  assert.equal(await page.getByTestId("action-start").count(), 0);
  assert.deepEqual(problems, []);
  await ctx.close();
});

it("with several accounts, works on the first account the user reaches, with the role there", async () => {
  // prod (12 containers) first, staging (20) second: carol views prod.
  const accounts = await startAccountsStack({ site: SITE, containers: [12, 20] });
  try {
    const { ctx, page, problems } = await signIn(accounts.tokens.carol, accounts);
    assert.match(await page.getByTestId("who").textContent(), /carol/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="row"]').length === 12);
    assert.equal(await page.getByTestId("action-start").count(), 0, "a viewer on prod has no actions");
    // The switcher: staging, where carol operates (20 containers), its own URL.
    await page.getByTestId("account-switch").selectOption("staging");
    await page.waitForFunction(() => location.pathname === "/a/staging/" && document.querySelectorAll('[data-testid="row"]').length > 12);
    assert.ok((await page.locator('[data-testid^="action-"]').count()) > 0, "an operator on staging acts");
    assert.equal(await page.getByTestId("audit-link").count(), 0, "the audit trail is for operators of every account");
    // All accounts at once: each row through its own account's path.
    await page.getByTestId("account-switch").selectOption("/fleet");
    await page.waitForFunction(() => location.pathname === "/fleet" && document.querySelector('[data-testid="count-all"]')?.dataset.count === "32");
    for (const name of ["prod", "staging"]) {
      assert.equal(await page.locator(`[data-testid="fleet-account"][data-account="${name}"]`).getAttribute("data-state"), "ok");
    }
    await page.getByTestId("count-STOPPED").click();
    assert.equal(await page.locator('[data-testid="row"][data-id^="prod/"] [data-testid="action-start"]').count(), 0, "a viewer on prod has no actions");
    const target = await page.locator('[data-testid="row"][data-id^="staging/"]').first().getAttribute("data-id");
    const id = Number(target.split("/")[1]);
    await page.locator(`[data-testid="row"][data-id="${target}"] [data-testid="action-start"]`).dispatchEvent("click");
    await page.locator(`[data-testid="activity-item"][data-container="${target}"][data-state="ok"]`).waitFor({ timeout: 30000 });
    const line = accounts.worker.logs.find((l) => l.includes('"event":"action"') && l.includes(`"container":${id}`));
    assert.ok(line, "the worker logged the action");
    assert.equal(JSON.parse(line).account, "staging");
    assert.deepEqual(problems, []);
    await ctx.close();
    const olga = await signIn(accounts.tokens.olga, accounts);
    await olga.page.waitForFunction(() => document.querySelectorAll('[data-testid="row"]').length === 12);
    assert.ok((await olga.page.locator('[data-testid^="action-"]').count()) > 0, "an operator on prod acts");
    assert.equal(await olga.page.getByTestId("audit-link").count(), 1, "olga operates every account");
    await olga.ctx.close();
  } finally {
    await accounts.stop();
  }
});
