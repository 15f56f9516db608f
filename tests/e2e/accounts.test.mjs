// Several accounts in one console, on two ews-sim instances with different
// keys: each connected under its name, switched with the header's
// switcher, its name in the URL (links, reload, back/forward), its own
// secret, list and activity log; a wrong secret in one never touches the
// other.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ACCESS_KEY, SECRET, launch, screenshot, startSim, watchedPage } from './lib/harness.mjs';
import { ConnectForm, ContainerList } from './lib/pages.mjs';

const BETA = { accessKey: 'beta-access', secret: 'beta-secret-0123456789' };
let alpha;
let beta;
let browser;

before(async () => {
  // alpha serves the console; beta is another account's API (CORS open).
  alpha = await startSim();
  beta = await startSim(['--access-key', BETA.accessKey, '--secret-key', BETA.secret, '--containers', '12', '--seed', '7']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await alpha?.stop();
  await beta?.stop();
});

const pathOf = (page) => new URL(page.url()).pathname;

test('two accounts: switched, in the URL, each with its own secret, list and log', async () => {
  const w = await watchedPage(browser);
  // beta's wrong secret is answered 401 on purpose.
  w.expect(/\/api\/v1\/container\?/);
  const { page } = w;
  const list = new ContainerList(page);
  const form = new ConnectForm(page);
  const switcher = page.getByTestId('account-switch');
  await page.goto(alpha.url + '/');
  await form.connect({ account: 'alpha' });
  await list.waitForRows();
  assert.equal(await list.count('all'), 32);
  assert.equal(pathOf(page), '/a/alpha/');

  // A second account with a wrong secret: the error is beta's alone.
  await switcher.selectOption('/');
  await form.connect({ account: 'beta', endpoint: beta.url, accessKey: BETA.accessKey, secret: 'wrong-secret-value' });
  await form.error.waitFor();
  await switcher.selectOption('alpha');
  await page.waitForFunction(() => location.pathname === '/a/alpha/');
  await list.waitForRows();
  assert.equal(await list.count('all'), 32, 'alpha is untouched, and nothing was typed again');

  // beta, right this time: its own fleet.
  await switcher.selectOption('/');
  await form.connect({ account: 'beta', endpoint: beta.url, ...BETA });
  await page.waitForFunction(() => location.pathname === '/a/beta/');
  await page.waitForFunction(() => document.querySelector('[data-testid=count-all]')?.dataset.count === '12');
  assert.deepEqual(await switcher.locator('option').evaluateAll((o) => o.map((x) => x.value)), ['/fleet', 'alpha', 'beta', '/']);

  // A start on beta reaches beta's API only, and is in beta's log only.
  const id = await list.firstIdWithStatus('STOPPED');
  const alphaBefore = await alpha.container(id).catch(() => null);
  await list.action(id, 'start').click();
  await list.waitForStatus(id, 'RUNNING');
  assert.equal((await beta.container(id)).status, 'RUNNING');
  if (alphaBefore) assert.equal((await alpha.container(id)).status, alphaBefore.status);
  await page.getByTestId('activity-item').filter({ hasText: 'succeeded' }).waitFor();
  assert.equal(await list.row(id).getByTestId('row-link').getAttribute('href'), `/a/beta/containers/${id}`);
  await screenshot(page, 'e2e-accounts');
  await switcher.selectOption('alpha');
  await page.waitForFunction(() => location.pathname === '/a/alpha/' && !document.querySelector('[data-testid=activity-item]'));

  // Back returns to beta (its list and log); forward to alpha.
  await page.goBack();
  await page.waitForFunction(() => location.pathname === '/a/beta/');
  await page.getByTestId('activity-item').filter({ hasText: 'succeeded' }).waitFor();
  await page.goForward();
  await page.waitForFunction(() => location.pathname === '/a/alpha/');

  // A link to a container of beta opens in beta, after a reload too; the
  // secret was not remembered, so beta's form asks for it, filled in.
  await page.goto(`${alpha.url}/a/beta/containers/${id}`);
  await form.form.waitFor();
  assert.equal(await page.getByTestId('account-name').inputValue(), 'beta');
  assert.equal(await page.getByTestId('endpoint').inputValue(), beta.url);
  assert.equal(await page.getByTestId('access-key').inputValue(), BETA.accessKey);
  await form.connect({ secret: BETA.secret, accessKey: BETA.accessKey });
  await page.getByTestId('container-page').waitFor();
  assert.equal(pathOf(page), `/a/beta/containers/${id}`);
  assert.equal(await page.getByTestId('field-status').textContent(), 'RUNNING');
  // Away to alpha (its form: its secret was in memory only, before the
  // reload), then back: beta's container page, as the address says.
  await switcher.selectOption('alpha');
  await page.waitForFunction(() => location.pathname === '/a/alpha/');
  await page.goBack();
  await page.waitForFunction((id) => location.pathname === `/a/beta/containers/${id}`, id);
  await page.getByTestId('container-page').waitFor();
  assert.equal(await page.getByTestId('field-status').textContent(), 'RUNNING');

  // No secret anywhere: not in the page, not in storage, not in a URL.
  const html = await page.content();
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  for (const secret of [SECRET, BETA.secret]) {
    assert.ok(!html.includes(secret) && !stored.includes(secret) && !page.url().includes(secret), 'a secret leaked');
  }
  assert.ok(stored.includes(ACCESS_KEY) && stored.includes(BETA.accessKey), 'both accounts are kept');
  w.assertClean();
  await w.close();
});
