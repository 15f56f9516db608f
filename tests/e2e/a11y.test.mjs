// An automated accessibility audit: axe-core (pinned in tests/package.json)
// run inside real Chromium on the connect form, the container list (with
// odd rows, an unknown state, a stuck container and a command in flight),
// a container page, a command page and the fleet view (one account down),
// light and dark, on a desktop and on a phone-sized touch viewport. A serious or critical WCAG 2.1 A/AA
// violation fails the test and names the rule, the element and the fix.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ACCESS_KEY, SECRET, launch, root, startSim, watchedPage } from './lib/harness.mjs';
import { ConnectForm, ContainerList } from './lib/pages.mjs';

const require = createRequire(join(root, 'tests', 'package.json'));
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let sim;
let browser;

before(async () => {
  // Slow steps keep a command in flight long enough to be audited; quirks
  // give odd rows and the unreadable-items notice; two stuck containers.
  sim = await startSim(['--containers', '40', '--step-ms', '4000', '--quirks', '0.2', '--stuck', '2']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** Runs axe on the page as it is now; returns the serious and critical violations. */
async function audit(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n      ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`).join('\n      ')}`);
}

function assertNone(found, view) {
  assert.deepEqual(found, [], `${view}: ${found.length} serious/critical WCAG 2.1 AA violations:\n    ${found.join('\n    ')}`);
}

const LAYOUTS = {
  desktop: { viewport: { width: 1440, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

for (const [layout, device] of Object.entries(LAYOUTS)) {
  for (const colorScheme of ['light', 'dark']) {
    test(`no serious or critical WCAG 2.1 AA violation, ${layout}, ${colorScheme}`, async () => {
      const w = await watchedPage(browser, { ...device, colorScheme });
      const { page } = w;
      const list = new ContainerList(page);
      await sim.reset();
      await page.goto(sim.url + '/');
      await new ConnectForm(page).form.waitFor();
      // The audit can fail: grey on grey is found, then taken away again.
      await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p id="a11y-probe" style="color:#999;background:#aaa">low contrast</p>'));
      assert.match((await audit(page)).join('\n'), /color-contrast/);
      await page.evaluate(() => document.getElementById('a11y-probe').remove());
      assertNone(await audit(page), 'connect form');

      // A state the documentation does not list: its chip must be legible too.
      const ids = await (async () => {
        await new ConnectForm(page).connect();
        await list.waitForRows();
        return list.ids();
      })();
      await sim.setContainer(ids[0], { status: 'MIGRATING' });
      await list.refresh();
      await page.waitForFunction((id) => document.querySelector(`[data-testid=row][data-id="${id}"] [data-testid=status-badge]`)?.textContent.includes('MIGRATING'), ids[0]);
      const stopped = await list.firstIdWithStatus('STOPPED');
      await list.action(stopped, 'start').click();
      await page.waitForFunction((id) => document.querySelector(`[data-testid=row][data-id="${id}"] [data-testid=row-op]`)?.textContent.length > 0, stopped);
      assertNone(await audit(page), 'container list');

      await list.search.fill(`#${stopped}`);
      await list.row(stopped).getByTestId('row-link').click();
      await page.getByTestId('fields').waitFor();
      assertNone(await audit(page), 'container page');

      await page.locator('[data-testid=history] a').first().click();
      await page.getByTestId('timeline').waitFor();
      assertNone(await audit(page), 'command page (following)');
      await page.getByTestId('command-outcome').waitFor({ timeout: 30000 });
      assertNone(await audit(page), 'command page (ended)');

      // The fleet view: two accounts on the simulator and one that does
      // not answer (nothing listens on port 9), its error shown.
      w.expect(/127\.0\.0\.1:9\//);
      await page.evaluate(([url, ak, secret]) => {
        const accounts = ['one', 'two', 'down'].map((name) => ({ name, endpoint: name === 'down' ? 'http://127.0.0.1:9' : url, accessKey: ak, method: 'md5' }));
        localStorage.setItem('ews.accounts', JSON.stringify(accounts));
        localStorage.setItem('ews.secrets', JSON.stringify(Object.fromEntries(accounts.map((a) => [a.name, { accessKey: ak, secret }]))));
      }, [sim.url, ACCESS_KEY, SECRET]);
      await page.goto(sim.url + '/fleet');
      await page.waitForFunction(() => document.querySelector('[data-testid=fleet-account][data-account=down]')?.dataset.state === 'down', null, { timeout: 30000 });
      await list.waitForRows();
      assertNone(await audit(page), 'fleet view');
      w.assertClean();
      await w.close();
    });
  }
}
