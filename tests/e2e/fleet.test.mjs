// The fleet view: the containers of every account in one list, on three
// ews-sim instances with different keys. Each row carries its account; an
// action (one or bulk) reaches its own account's API only; an account that
// stops answering keeps its last rows and says why while the others stay
// fresh; after a reload, an account whose secret is in no memory says how
// to reach it instead of disappearing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ACCESS_KEY, SECRET, launch, screenshot, startSim, watchedPage } from './lib/harness.mjs';
import { ConnectForm, ContainerList } from './lib/pages.mjs';

const BETA = { accessKey: 'beta-access', secret: 'beta-secret-0123456789' };
const GAMMA = { accessKey: 'gamma-access', secret: 'gamma-secret-0123456789' };
let alpha;
let beta;
let gamma;
let browser;

before(async () => {
  alpha = await startSim();
  beta = await startSim(['--access-key', BETA.accessKey, '--secret-key', BETA.secret, '--containers', '12', '--seed', '7']);
  gamma = await startSim(['--access-key', GAMMA.accessKey, '--secret-key', GAMMA.secret, '--containers', '5', '--seed', '9']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await Promise.all([alpha, beta, gamma].map((s) => s?.stop()));
});

const pathOf = (page) => new URL(page.url()).pathname;
const countOf = (page) => page.evaluate(() => Number(document.querySelector('[data-testid=count-all]')?.dataset.count));
const stateOf = (page, name) => page.locator(`[data-testid=fleet-account][data-account="${name}"]`).getAttribute('data-state');

/** A page whose storage keeps the three accounts, each secret remembered. */
async function rememberingAll() {
  const w = await watchedPage(browser);
  const accounts = [
    { name: 'alpha', endpoint: alpha.url, accessKey: ACCESS_KEY, method: 'md5' },
    { name: 'beta', endpoint: beta.url, accessKey: BETA.accessKey, method: 'md5' },
    { name: 'gamma', endpoint: gamma.url, accessKey: GAMMA.accessKey, method: 'md5' },
  ];
  const secrets = {
    alpha: { accessKey: ACCESS_KEY, secret: SECRET },
    beta: BETA,
    gamma: GAMMA,
  };
  await w.context.addInitScript(([a, s]) => {
    if (!localStorage.getItem('ews.accounts')) {
      localStorage.setItem('ews.accounts', a);
      localStorage.setItem('ews.secrets', s);
    }
  }, [JSON.stringify(accounts), JSON.stringify(secrets)]);
  return w;
}

test('every account in one list; actions reach their own account; one down keeps its rows and says why', async () => {
  const w = await rememberingAll();
  // gamma is stopped half way: its list fetch fails, on purpose.
  w.expect(new RegExp(gamma.url.replace(/[.:/]/g, '\\$&')));
  const { page } = w;
  const list = new ContainerList(page);
  await page.goto(alpha.url + '/fleet');
  await page.waitForFunction(() => document.querySelector('[data-testid=count-all]')?.dataset.count === '49');
  for (const [name, n] of [['alpha', 32], ['beta', 12], ['gamma', 5]]) {
    assert.equal(await stateOf(page, name), 'ok');
    assert.equal(await page.locator(`[data-testid=fleet-account][data-account="${name}"]`).getAttribute('data-count'), String(n));
  }
  assert.equal(await page.getByTestId('account-switch').inputValue(), '/fleet');
  assert.equal(await list.table.locator('th.c-account').isVisible(), true, 'the account column');

  // A start on one of beta's: beta's API only, followed, in the fleet's log.
  await list.filter('STOPPED');
  const target = await page.locator('[data-testid=row][data-status=STOPPED][data-id^="beta/"]').first().getAttribute('data-id');
  const id = Number(target.split('/')[1]);
  const alphaBefore = await alpha.container(id).catch(() => null);
  await list.action(target, 'start').click();
  await page.locator(`[data-testid=activity-item][data-container="${target}"][data-state=ok]`).waitFor({ timeout: 15000 });
  assert.equal((await beta.container(id)).status, 'RUNNING');
  if (alphaBefore) assert.equal((await alpha.container(id)).status, alphaBefore.status);

  // A bulk stop of one of alpha's and one of gamma's: each in its own account.
  await list.filter('STOPPED');
  await list.filter('RUNNING');
  const a = await page.locator('[data-testid=row][data-status=RUNNING][data-id^="alpha/"]').first().getAttribute('data-id');
  const g = await page.locator('[data-testid=row][data-status=RUNNING][data-id^="gamma/"]').first().getAttribute('data-id');
  await list.select(a);
  await list.select(g);
  await list.bulk('stop');
  const targets = await page.getByTestId('bulk-item').evaluateAll((items) => items.map((i) => i.dataset.id));
  assert.deepEqual(targets.sort(), [a, g].sort());
  await page.getByTestId('confirm').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=bulk-summary]')?.textContent.includes('2 succeeded'), null, { timeout: 30000 });
  await page.getByTestId('close').click();
  assert.equal((await alpha.container(Number(a.split('/')[1]))).status, 'STOPPED');
  assert.equal((await gamma.container(Number(g.split('/')[1]))).status, 'STOPPED');

  // gamma stops answering: its rows stay, it says why; the others are fresh.
  await list.filter('RUNNING');
  await gamma.stop();
  gamma = null;
  await list.refresh();
  await page.waitForFunction(() => document.querySelector('[data-testid=fleet-account][data-account=gamma]')?.dataset.state === 'down');
  assert.match(await page.locator('[data-testid=fleet-account][data-account=gamma]').textContent(), /Not answering/);
  assert.equal(await countOf(page), 49);
  assert.equal(await stateOf(page, 'alpha'), 'ok');
  assert.equal(await stateOf(page, 'beta'), 'ok');
  await page.getByTestId('group').selectOption('account');
  await page.waitForFunction(() => location.search === '?group=account');
  assert.match(await page.getByTestId('group-row').first().textContent(), /alpha/);
  await screenshot(page, 'e2e-fleet');

  // A row's link opens its account; back returns to the fleet.
  await page.getByTestId('group').selectOption('');
  await list.search.fill(`#${id} beta`);
  await list.row(target).getByTestId('row-link').click();
  await page.getByTestId('container-page').waitFor();
  assert.equal(pathOf(page), `/a/beta/containers/${id}`);
  await page.goBack();
  await page.waitForFunction(() => location.pathname === '/fleet');
  await page.getByTestId('fleet').waitFor();
  w.assertClean();
  await w.close();
});

test('after a reload, an account whose secret is in no memory says how to reach it', async () => {
  const w = await watchedPage(browser);
  const { page } = w;
  const form = new ConnectForm(page);
  const switcher = page.getByTestId('account-switch');
  await page.goto(alpha.url + '/');
  await form.connect({ account: 'alpha' });
  await new ContainerList(page).waitForRows();
  await switcher.selectOption('/');
  await form.connect({ account: 'beta', endpoint: beta.url, ...BETA, remember: true });
  await page.waitForFunction(() => location.pathname === '/a/beta/');
  await switcher.selectOption('/fleet');
  await page.waitForFunction(() => location.pathname === '/fleet' && document.querySelector('[data-testid=count-all]')?.dataset.count === '44');
  await page.reload();
  // beta's secret was remembered, alpha's was in memory only.
  await page.waitForFunction(() => document.querySelector('[data-testid=fleet-account][data-account=alpha]')?.dataset.state === 'unreached');
  assert.match(await page.locator('[data-testid=fleet-account][data-account=alpha]').textContent(), /once/);
  await page.waitForFunction(() => document.querySelector('[data-testid=count-all]')?.dataset.count === '12');
  assert.equal(await stateOf(page, 'beta'), 'ok');
  // Opening alpha (its secret typed once) makes the fleet whole again.
  await page.locator('[data-testid=fleet-account][data-account=alpha] a').click();
  await form.connect({ account: 'alpha' });
  await new ContainerList(page).waitForRows();
  await switcher.selectOption('/fleet');
  await page.waitForFunction(() => document.querySelector('[data-testid=count-all]')?.dataset.count === '44');
  w.assertClean();
  await w.close();
});
