// The console on a phone: a 390×844 touch viewport (an iPhone 12-14's CSS
// size), English and Chinese, light and dark. Nothing scrolls sideways, the
// header folds into a menu, each container is a card with its actions in
// reach, every touch target is at least 44 px, the activity panel is on the
// screen, and an action started from a card is followed to its end; the
// fleet view's accounts and cards fit too.
// Screenshots go to tests/artifacts/phone-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ACCESS_KEY, SECRET, launch, screenshot, startSim, watchedPage } from './lib/harness.mjs';
import { ConnectForm, ContainerList } from './lib/pages.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let sim;
let browser;

before(async () => {
  sim = await startSim(['--containers', '60', '--step-ms', '300']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** Fails when the page is wider than the screen. */
async function assertNoSidewaysScroll(page, view) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, `${view}: the page is ${scroll}px wide on a ${client}px screen`);
}

/**
 * Every visible control (buttons, links outside running text, selects,
 * inputs, summaries) smaller than 44×44 px, as "selector WxH".
 */
async function smallTargets(page) {
  return page.evaluate(() => {
    const small = [];
    for (const el of document.querySelectorAll('button, a[href], select, input, summary, label.menu-button')) {
      if (el.closest('p, .sr-only') || (el.tagName === 'INPUT' && getComputedStyle(el).opacity === '0')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (r.width < 44 || r.height < 44) {
        small.push(`${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''} "${el.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
      }
    }
    return small;
  });
}

for (const locale of ['en-US', 'zh-CN']) {
  for (const colorScheme of ['light', 'dark']) {
    const tag = `${locale.slice(0, 2)}-${colorScheme}`;
    test(`the console on a phone, ${tag}`, async () => {
      await sim.reset();
      const w = await watchedPage(browser, { ...PHONE, locale, colorScheme });
      const { page } = w;
      const list = new ContainerList(page);
      await page.goto(sim.url + '/');
      const form = new ConnectForm(page);
      await form.form.waitFor();
      await assertNoSidewaysScroll(page, 'connect form');
      assert.deepEqual(await smallTargets(page), [], 'connect form: touch targets under 44 px');
      await screenshot(page, `phone-connect-${tag}`);

      await form.connect();
      await list.waitForRows();
      await assertNoSidewaysScroll(page, 'list');
      assert.deepEqual(await smallTargets(page), [], 'list: touch targets under 44 px');

      // The header is folded: language and theme are behind the menu button.
      const lang = page.getByTestId('lang');
      assert.equal(await lang.isVisible(), false, 'the language menu is folded away');
      await page.locator('.menu-button').tap();
      await lang.waitFor();
      assert.equal(await page.getByTestId('theme').isVisible(), true);
      assert.equal(await page.getByTestId('disconnect').isVisible(), true);
      await screenshot(page, `phone-menu-${tag}`);
      await page.locator('.menu-button').tap();
      await lang.waitFor({ state: 'hidden' });

      // One card per container: three 44 px lines, its actions on screen.
      const stopped = await list.firstIdWithStatus('STOPPED');
      const card = list.row(stopped);
      await card.scrollIntoViewIfNeeded();
      const box = await card.boundingBox();
      assert.equal(Math.round(box.height), 132, 'a card is three lines');
      for (const action of ['start', 'stop', 'delete']) {
        const b = await list.action(stopped, action).boundingBox();
        assert.ok(b.x >= 0 && b.x + b.width <= 390, `${action} is on the screen (x ${b.x}, width ${b.width})`);
        assert.ok(b.height >= 44 && b.width >= 44, `${action} is ${b.width}x${b.height}`);
      }
      await screenshot(page, `phone-list-${tag}`);

      // Started from the card with a tap, followed to its end; the activity
      // panel shows it on the screen.
      await list.action(stopped, 'start').tap();
      await list.waitForStatus(stopped, 'RUNNING');
      const item = page.locator(`[data-testid=activity-item][data-container="${stopped}"][data-state=ok]`);
      await item.waitFor({ timeout: 15000 });
      await item.scrollIntoViewIfNeeded();
      const a = await page.getByTestId('activity').boundingBox();
      assert.ok(a.x >= 0 && a.x + a.width <= 390 && a.height > 0, `the activity panel is on the screen: ${JSON.stringify(a)}`);
      assert.deepEqual(await smallTargets(page), [], 'list with activity: touch targets under 44 px');
      await screenshot(page, `phone-activity-${tag}`);

      // The container page and the command page fit too.
      await list.search.fill(`#${stopped}`);
      await list.row(stopped).getByTestId('row-link').tap();
      await page.getByTestId('fields').waitFor();
      await assertNoSidewaysScroll(page, 'container page');
      assert.deepEqual(await smallTargets(page), [], 'container page: touch targets under 44 px');
      await screenshot(page, `phone-detail-${tag}`);
      await page.locator('[data-testid=history] a').first().tap();
      await page.getByTestId('command-outcome').waitFor({ timeout: 15000 });
      await assertNoSidewaysScroll(page, 'command page');
      assert.deepEqual(await smallTargets(page), [], 'command page: touch targets under 44 px');
      await screenshot(page, `phone-command-${tag}`);

      // The fleet view (two accounts on the simulator): the accounts'
      // lines and the cards, each naming its account, fit as well.
      await page.evaluate(([url, ak, secret]) => {
        const accounts = ['one', 'two'].map((name) => ({ name, endpoint: url, accessKey: ak, method: 'md5' }));
        localStorage.setItem('ews.accounts', JSON.stringify(accounts));
        localStorage.setItem('ews.secrets', JSON.stringify({ one: { accessKey: ak, secret }, two: { accessKey: ak, secret } }));
      }, [sim.url, ACCESS_KEY, SECRET]);
      await page.goto(sim.url + '/fleet');
      await page.waitForFunction(() => document.querySelector('[data-testid=count-all]')?.dataset.count === '120');
      await assertNoSidewaysScroll(page, 'fleet view');
      assert.deepEqual(await smallTargets(page), [], 'fleet view: touch targets under 44 px');
      const first = list.rows.first();
      assert.equal(Math.round((await first.boundingBox()).height), 132, 'a fleet card is three lines');
      assert.equal(await first.locator('td.c-account').isVisible(), true, 'a card names its account');
      const start = await first.getByTestId('action-start').boundingBox();
      assert.ok(start.x >= 0 && start.x + start.width <= 390 && start.height >= 44, `start is on the screen: ${JSON.stringify(start)}`);
      await screenshot(page, `phone-fleet-${tag}`);
      w.assertClean();
      await w.close();
    });
  }
}

test('a wide screen keeps the table and the unfolded header', async () => {
  const w = await watchedPage(browser, { viewport: { width: 1280, height: 800 } });
  const { page } = w;
  const list = new ContainerList(page);
  await page.goto(sim.url + '/');
  await new ConnectForm(page).connect();
  await list.waitForRows();
  assert.equal(await page.getByTestId('lang').isVisible(), true);
  assert.equal(await page.locator('.menu-button').isVisible(), false);
  const id = (await list.ids())[0];
  assert.equal(Math.round((await list.row(id).boundingBox()).height), 44, 'a row is one line');
  w.assertClean();
  await w.close();
});
