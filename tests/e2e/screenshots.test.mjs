// Screenshots of the main views, light and dark, English and Chinese, saved
// to tests/artifacts/ (git-ignored). The language comes from the browser's
// locale and the theme from prefers-color-scheme: both detected, not set.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, screenshot, startSim, watchedPage } from './lib/harness.mjs';
import { ConnectForm, ContainerList } from './lib/pages.mjs';

let sim;
let browser;

before(async () => {
  sim = await startSim(['--containers', '60', '--step-ms', '2000']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sim?.stop();
});

for (const locale of ['en-US', 'zh-CN']) {
  for (const colorScheme of ['light', 'dark']) {
    const tag = `${locale.slice(0, 2)}-${colorScheme}`;
    test(`main views, ${tag}`, async () => {
      const w = await watchedPage(browser, { locale, colorScheme });
      const list = new ContainerList(w.page);
      await w.page.goto(sim.url + '/');
      await new ConnectForm(w.page).form.waitFor();
      assert.equal(await w.page.getAttribute('html', 'lang'), locale === 'zh-CN' ? 'zh-CN' : 'en');
      await screenshot(w.page, `connect-${tag}`);
      await new ConnectForm(w.page).connect();
      await list.waitForRows();
      const refresh = await w.page.getByTestId('refresh').textContent();
      assert.equal(refresh, locale === 'zh-CN' ? '刷新' : 'Refresh');
      const bg = await w.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, colorScheme === 'dark' ? 'rgb(15, 19, 24)' : 'rgb(246, 247, 249)');
      await screenshot(w.page, `list-${tag}`);
      // A command in flight (slow steps), the grouped list, the detail page.
      const id = await list.firstIdWithStatus('STOPPED');
      await list.action(id, 'start').click();
      await w.page.waitForFunction((id) => document.querySelector(`[data-testid=row][data-id="${id}"] [data-testid=row-op]`)?.textContent.length > 0, id);
      await screenshot(w.page, `list-running-${tag}`);
      await w.page.getByTestId('group').selectOption('node');
      await w.page.getByTestId('group-row').first().waitFor();
      await screenshot(w.page, `list-grouped-${tag}`);
      await list.search.fill(`#${id}`);
      await list.row(id).getByTestId('row-link').click();
      await w.page.getByTestId('fields').waitFor();
      await screenshot(w.page, `detail-${tag}`);
      await w.page.locator('[data-testid=history] a').first().click();
      await w.page.getByTestId('timeline').waitFor();
      await w.page.getByTestId('command-outcome').waitFor({ timeout: 30000 });
      await screenshot(w.page, `command-${tag}`);
      w.assertClean();
      await w.close();
    });
  }
}
