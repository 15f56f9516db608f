// Connecting: every state listed, the secret nowhere, a wrong secret
// explained, server errors (500s, an HTML error page) survived.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { SECRET, launch, screenshot, startSim, watchedPage } from './lib/harness.mjs';
import { ConnectForm, ContainerList } from './lib/pages.mjs';

const STATES = ['ALLOCATING', 'ALLOCATED', 'STARTING', 'RUNNING', 'FAIL', 'RUNFAILED', 'STARTFAILED', 'STOPPING', 'STOPPED', 'LOGIN', 'STOPFAILED'];
let sim;
let browser;

before(async () => {
  sim = await startSim();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('connect lists every state, and the secret is nowhere to be found', async () => {
  const w = await watchedPage(browser);
  const list = new ContainerList(w.page);
  await w.page.goto(sim.url + '/');
  await new ConnectForm(w.page).connect();
  await list.waitForRows();
  assert.equal(await list.count('all'), 32);
  for (const s of STATES) assert.ok((await list.count(s)) >= 1, `no ${s} container counted`);
  // Every badge says its state in words.
  const badges = await w.page.getByTestId('status-badge').allTextContents();
  assert.ok(badges.every((b) => STATES.includes(b) || b.length > 0));
  // Each state is shown when filtered on.
  for (const s of STATES) {
    await list.filter(s);
    const statuses = await list.statuses();
    assert.ok(statuses.length >= 1 && statuses.every((x) => x === s), `${s}: ${statuses}`);
    await list.filter(s);
  }
  const html = await w.page.content();
  assert.ok(!html.includes(SECRET), 'the secret is in the DOM');
  assert.ok(!w.page.url().includes(SECRET));
  const stored = await w.page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes(SECRET), 'the secret was stored without asking');
  await screenshot(w.page, 'e2e-connected');
  w.assertClean();
  await w.close();
});

test('a wrong secret gives the right message', async () => {
  const w = await watchedPage(browser);
  w.expect(/\/api\/v1\/container/); // the refused call (HTTP 401, code 1004)
  const form = new ConnectForm(w.page);
  await w.page.goto(sim.url + '/');
  await form.connect({ secret: 'not-the-secret' });
  await form.error.waitFor();
  const msg = await form.error.textContent();
  assert.match(msg, /1004/);
  assert.match(msg, /secret key/);
  assert.match(msg, /sign method/);
  assert.ok(!msg.includes('not-the-secret'));
  // The wrong method is explained the same way.
  await form.connect({ method: 'sha1' });
  await w.page.waitForFunction(() => document.querySelector('[data-testid=connect-error]')?.textContent.includes('1004'));
  await screenshot(w.page, 'e2e-wrong-secret');
  w.assertClean();
  await w.close();
});

test('the server returning 500s and HTML keeps the last good list, then recovers', async () => {
  const w = await watchedPage(browser);
  const list = new ContainerList(w.page);
  await w.page.goto(sim.url + '/');
  await new ConnectForm(w.page).connect();
  await list.waitForRows();
  const ids = await list.ids();
  w.expect(/\/api\/v1\/container/); // provoked below
  await sim.faults({ error_5xx: 1, ops: ['list'] });
  await w.page.getByTestId('refresh').click();
  await list.error.waitFor();
  assert.match(await list.error.textContent(), /last good data/);
  assert.deepEqual(await list.ids(), ids, 'the last good rows are kept');
  await sim.faults({ error_5xx: 0, html: 1 });
  await w.page.getByTestId('refresh').click();
  await w.page.waitForFunction(() => /HTTP 502/.test(document.querySelector('[data-testid=list-error]')?.textContent));
  assert.match(await list.error.textContent(), /not an EWS API response|HTTP 502/);
  assert.deepEqual(await list.ids(), ids);
  await screenshot(w.page, 'e2e-server-error');
  await sim.faults({ html: 0, ops: [] });
  await list.refresh();
  await list.error.waitFor({ state: 'detached' });
  assert.deepEqual(await list.ids(), ids);
  w.assertClean();
  await w.close();
});

test('a clock 20 minutes off is corrected from the Date header, and said', async () => {
  const w = await watchedPage(browser);
  w.expect(/\/api\/v1\/container/); // the first, refused call (1004)
  await sim.faults({ clock_skew_ms: 20 * 60 * 1000 });
  try {
    const list = new ContainerList(w.page);
    await w.page.goto(sim.url + '/');
    await new ConnectForm(w.page).connect();
    await list.waitForRows();
    const notice = await w.page.getByTestId('skew-notice').textContent();
    assert.match(notice, /(1199|1200) s behind the server's; corrected automatically/);
    // Later calls are signed with the corrected clock: a refresh just works.
    await list.refresh();
    assert.equal(await list.error.count(), 0);
    await screenshot(w.page, 'e2e-clock-skew');
  } finally {
    await sim.faults({ clock_skew_ms: 0 });
  }
  w.assertClean();
  await w.close();
});
