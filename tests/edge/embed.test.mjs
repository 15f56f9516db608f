// The embedded console (<ews-console mode="edge">) in a host page served by
// the edge worker, under the worker's strict Content-Security-Policy:
// web/examples/edge.html, copied into the site by the console build
// (dist/examples → build/site/examples). Sign in with a token, open the
// page, start a stopped container from inside the element and get
// `ews-command-finished`; a viewer sees no action buttons. No key anywhere.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";

import { chromium } from "playwright-core";

import { CHROMIUM_LAUNCH, paths, startEdgeStack } from "./harness.mjs";

const SITE = join(paths.build, "site");
let stack;
let worker;
let tokens;
let accessKey;
let secretKey;
let browser;

before(async () => {
  for (const f of ["embed/ews-console.js", "embed/ews_console_embed_bg.wasm", "examples/edge.html"]) {
    assert.ok(existsSync(join(SITE, f)), `no ${f} in ${SITE}: build it (cargo xtask edge-build)`);
  }
  stack = await startEdgeStack({ site: SITE });
  ({ worker, tokens, accessKey, secretKey } = stack);
  browser = await chromium.launch(CHROMIUM_LAUNCH);
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Signs in with `token` at /edge/login, then opens the edge example page. */
async function openEmbedded(token) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  await ctx.addInitScript(() => {
    window.__events = [];
    for (const type of ["ews-ready", "ews-command-finished", "ews-error"]) {
      document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail }));
    }
  });
  await page.goto(`${worker.url}/edge/login`);
  await page.getByTestId("edge-login-token").fill(token);
  await Promise.all([page.waitForURL(`${worker.url}/`), page.getByTestId("edge-login-submit").click()]);
  await page.goto(`${worker.url}/examples/edge.html`);
  await page.locator("ews-console [data-testid=row]").first().waitFor({ timeout: 20000 });
  return { ctx, page, problems };
}

it("an operator acts from the embedded console in edge mode, styled under the worker's CSP", async () => {
  const { ctx, page, problems } = await openEmbedded(tokens.operator);
  const csp = (await page.request.get(`${worker.url}/examples/edge.html`)).headers()["content-security-policy"];
  assert.match(csp, /style-src 'self'/, "the page is served with the worker's strict CSP");
  await page.waitForFunction(() => window.__events.some((e) => e.type === "ews-ready"));
  // The console's stylesheet applies inside the shadow root (not blocked as inline style).
  const font = await page.evaluate(() => getComputedStyle(document.querySelector("ews-console").shadowRoot.querySelector("[data-testid=row] td.num")).fontFamily);
  assert.doesNotMatch(font, /Georgia/, `the console's own font, not the page's: ${font}`);
  const row = page.locator('ews-console [data-testid=row][data-status="STOPPED"]').first();
  const id = Number(await row.getAttribute("data-id"));
  await row.getByTestId("action-start").click();
  const finished = await page.waitForFunction((id) => window.__events.find((e) => e.type === "ews-command-finished" && e.detail.containerId === id), id, { timeout: 30000 });
  const detail = (await finished.jsonValue()).detail;
  assert.equal(detail.ok, true, JSON.stringify(detail));
  assert.equal(detail.action, "start");
  await page.locator(`ews-console [data-testid=row][data-id="${id}"][data-status="RUNNING"]`).waitFor({ timeout: 30000 });
  const line = worker.logs.find((l) => l.includes('"event":"action"') && l.includes(`"container":${id}`));
  assert.ok(line, "the worker logged the action");
  assert.equal(JSON.parse(line).user, "olga");
  const html = await page.evaluate(() => document.documentElement.outerHTML + document.querySelector("ews-console").shadowRoot.innerHTML);
  for (const secret of [secretKey, accessKey, tokens.operator]) assert.ok(!html.includes(secret), "a secret is in the page");
  assert.deepEqual(problems, []);
  await ctx.close();
});

it("a viewer sees the embedded list with no action buttons", async () => {
  const { ctx, page, problems } = await openEmbedded(tokens.viewer);
  assert.ok((await page.locator("ews-console [data-testid=row]").count()) > 0);
  assert.equal(await page.locator("ews-console [data-testid^=action-]").count(), 0);
  assert.deepEqual(problems, []);
  await ctx.close();
});
