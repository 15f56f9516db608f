// The embedded console (dist/embed, `<ews-console>`) in someone else's page.
//
// The host page is tests/e2e/fixtures/hostile-host.html, served by
// Playwright's context.route() at /hostile/page on the simulator's origin
// (so direct mode is same-origin and dist/ stays untouched). It has
// conflicting CSS and scripts and counts every timer, animation frame and
// fetch from before the console loads. Also: read-only, columns, lang,
// a wrong secret, bad options, and the example page /examples/host.html.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { ACCESS_KEY, SECRET, launch, screenshot, startSim, watchedPage } from './lib/harness.mjs';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hostile-host.html');
const HOST_PATH = '/hostile/page?tab=ops#top';

let sim;
let browser;

before(async () => {
  sim = await startSim(['--containers', '40']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** A watched page showing the hostile host page. */
async function hostPage() {
  const w = await watchedPage(browser);
  await w.context.route(`${sim.url}/hostile/**`, (route) => route.fulfill({ path: FIXTURE, contentType: 'text/html; charset=utf-8' }));
  await w.page.goto(sim.url + HOST_PATH);
  return w;
}

/**
 * Loads the embed and appends `<ews-console>` with `attrs` to #slot, then
 * sets `credentials` right after appending (as a script would). Marks the
 * probe first, so everything the console creates counts.
 */
async function embed(page, attrs = {}, { secret = SECRET, credentials = true } = {}) {
  await page.evaluate(async ([attrs, accessKey, secret, credentials]) => {
    window.__probe.mark();
    await import('/embed/ews-console.js');
    const el = document.createElement('ews-console');
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    document.querySelector('#slot').append(el);
    if (credentials) el.credentials = () => Promise.resolve({ accessKey, secretKey: secret, signMethod: 'md5' });
    window.__el = el;
  }, [attrs, ACCESS_KEY, secret, credentials]);
}

/** Waits for the first `type` event the host saw (optionally matching). */
async function event(page, type, match = {}, timeout = 20000) {
  const handle = await page.waitForFunction(([type, match]) => window.__probe.events.find((e) => e.type === type
    && Object.entries(match).every(([k, v]) => e.detail?.[k] === v)), [type, match], { timeout });
  return handle.jsonValue();
}

/** Everything about the host page the console must leave alone. */
function hostState(page) {
  return page.evaluate(() => {
    const props = ['display', 'visibility', 'color', 'background-color', 'font-family', 'font-size', 'font-weight',
      'line-height', 'letter-spacing', 'text-transform', 'margin-top', 'margin-left', 'padding-top', 'padding-left',
      'border-top-width', 'border-top-style', 'border-top-color', 'outline-style', 'outline-width', 'outline-color',
      'box-sizing', 'cursor', 'opacity', 'position', 'z-index', 'overflow-x', 'overflow-y', 'color-scheme', 'direction',
      'pointer-events', 'user-select'];
    const styles = {};
    for (const sel of ['html', 'body', 'header.app', 'h1', '#search', '#host-link', 'main#main', 'table.host-table',
      'tr.row', 'td', '.badge', 'button.host-button', '#slot']) {
      const el = document.querySelector(sel);
      const cs = getComputedStyle(el);
      styles[sel] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
    }
    styles['#search'].width = getComputedStyle(document.querySelector('#search')).width;
    const attrs = (el) => Object.fromEntries([...el.attributes].map((a) => [a.name, a.value]));
    const storage = (s) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i))]));
    return {
      href: location.href,
      title: document.title,
      historyLength: history.length,
      html: attrs(document.documentElement),
      body: attrs(document.body),
      styles,
      // Every element outside <ews-console> (whose light DOM must stay empty too).
      outside: [...document.querySelectorAll('*')].filter((e) => e.tagName !== 'EWS-CONSOLE')
        .map((e) => e.tagName + (e.id ? '#' + e.id : '')).join(' '),
      consoleChildren: document.querySelector('ews-console')?.childNodes.length ?? 0,
      styleSheets: document.styleSheets.length,
      adopted: document.adoptedStyleSheets.length,
      local: storage(localStorage),
      session: storage(sessionStorage),
      globals: { wasm_bindgen: window.wasm_bindgen, init: window.init, mount: window.mount, App: window.App },
    };
  });
}

test('embedded in a hostile page: acts on a container, leaves the host alone, unmounts without a trace', async () => {
  const w = await hostPage();
  const { page } = w;
  const beforeMount = await hostState(page);

  await embed(page, { mode: 'direct', refresh: '5', theme: 'dark' });
  const ready = await event(page, 'ews-ready');
  assert.equal(ready.target, 'EWS-CONSOLE');
  assert.ok(ready.detail.containers > 0, JSON.stringify(ready));
  const rows = page.locator('ews-console [data-testid=row]');
  await rows.first().waitFor();
  assert.equal(await page.evaluate(() => window.__el.shadowRoot?.mode), 'open');

  // Act: start a STOPPED container from its row, inside the shadow root.
  const id = Number(await page.locator('ews-console [data-testid=row][data-status=STOPPED]').first().getAttribute('data-id'));
  const row = page.locator(`ews-console [data-testid=row][data-id="${id}"]`);
  await row.getByTestId('action-start').click();
  const finished = await event(page, 'ews-command-finished', { containerId: id });
  assert.equal(finished.detail.ok, true, JSON.stringify(finished));
  assert.equal(finished.detail.action, 'start');
  assert.ok(finished.detail.commandId, 'a command id');
  assert.equal(typeof finished.detail.outcome, 'string');
  await page.waitForFunction((id) => window.__el.shadowRoot.querySelector(`[data-testid=row][data-id="${id}"]`)?.dataset.status === 'RUNNING', id);
  assert.equal((await sim.container(id)).status, 'RUNNING');
  await screenshot(page, 'e2e-embed-hostile');
  // The toast saying how it ended is inside the element's box, not over the host page.
  const toast = await page.evaluate(() => {
    const box = window.__el.getBoundingClientRect();
    const t = window.__el.shadowRoot.querySelector('[data-testid=toast]')?.getBoundingClientRect();
    return t && { inside: t.left >= box.left && t.right <= box.right && t.top >= box.top && t.bottom <= box.bottom, t: [t.left, t.top, t.right, t.bottom], box: [box.left, box.top, box.right, box.bottom] };
  });
  assert.ok(toast?.inside, `toast ${JSON.stringify(toast)}`);

  // The host's CSS reaches nothing inside.
  const inside = await page.evaluate((id) => {
    const root = window.__el.shadowRoot;
    const cs = (sel) => getComputedStyle(root.querySelector(sel));
    const button = cs(`[data-testid=row][data-id="${id}"] [data-testid=action-stop]`);
    const cell = cs(`[data-testid=row][data-id="${id}"] td.num`);
    return {
      buttonFont: button.fontFamily, buttonSize: button.fontSize, buttonTransform: button.textTransform,
      buttonBackground: button.backgroundColor,
      cellFont: cell.fontFamily, cellColor: cell.color, cellPadding: cell.paddingTop,
      rowHeight: cs(`[data-testid=row][data-id="${id}"]`).height,
      rowOutline: cs(`[data-testid=row][data-id="${id}"]`).outlineStyle,
      badgeDisplay: cs('[data-testid=status-badge]').display,
      tableBorder: cs('[data-testid=container-table]').borderTopWidth,
      tableVisibility: cs('[data-testid=container-table]').visibility,
      searchWidth: cs('[data-testid=search]').width,
      testidDisplay: cs('[data-testid=refresh]').display,
    };
  }, id);
  const serif = /(^|,)\s*"?serif"?\s*(,|$)/;
  assert.doesNotMatch(inside.buttonFont, serif, `a console button: ${inside.buttonFont}`);
  assert.doesNotMatch(inside.cellFont, serif, `a console cell: ${inside.cellFont}`);
  assert.notEqual(inside.cellColor, 'rgb(255, 0, 0)', 'inherited colour from the host');
  assert.notEqual(inside.buttonSize, '31px');
  assert.notEqual(inside.buttonTransform, 'uppercase');
  assert.notEqual(inside.buttonBackground, 'rgb(255, 255, 0)');
  assert.notEqual(inside.cellPadding, '23px');
  assert.notEqual(inside.rowHeight, '99px');
  assert.notEqual(inside.rowOutline, 'dashed');
  assert.notEqual(inside.badgeDisplay, 'none');
  assert.notEqual(inside.tableBorder, '7px');
  assert.equal(inside.tableVisibility, 'visible');
  assert.notEqual(inside.searchWidth, '321px');
  assert.notEqual(inside.testidDisplay, 'none');

  // Navigate inside the console: a container's page and back. The host's
  // URL, title, history and <html> stay as they were.
  await row.getByTestId('row-link').click();
  await page.locator('ews-console [data-testid=container-page]').waitFor();
  await page.locator('ews-console [data-testid=back]').click();
  await rows.first().waitFor();

  // The console's own language switch: no remount, nothing on the host element or page.
  await page.locator('ews-console [data-testid=lang]').selectOption('zh-CN');
  await page.waitForFunction(() => /状态/.test(window.__el.shadowRoot.querySelector('[data-testid=sort-status]')?.textContent));
  const own = await page.evaluate(() => ({
    attrs: Object.fromEntries([...window.__el.attributes].map((a) => [a.name, a.value])),
    readies: window.__probe.events.filter((e) => e.type === 'ews-ready').length,
  }));
  assert.deepEqual(own, { attrs: { mode: 'direct', refresh: '5', theme: 'dark' }, readies: 1 });
  await page.locator('ews-console [data-testid=lang]').selectOption('en');

  // "/" on the host focuses the host's search, not the console's.
  await page.locator('header.app h1').click();
  const slashesBefore = await page.evaluate(() => window.__probe.slashes);
  await page.keyboard.press('/');
  const focus = await page.evaluate(() => ({
    active: document.activeElement?.id,
    inside: window.__el.shadowRoot.activeElement?.getAttribute('data-testid') ?? null,
    slashes: window.__probe.slashes,
  }));
  assert.equal(focus.slashes, slashesBefore + 1, 'the host saw its "/"');
  assert.equal(focus.active, 'search', 'the host search has the focus');
  assert.equal(focus.inside, null, 'nothing inside the console took the focus');
  // "/" inside the console focuses the console's search, not the host's.
  await page.locator('ews-console [data-testid=refresh]').focus();
  await page.keyboard.press('/');
  const focusInside = await page.evaluate(() => ({
    inside: window.__el.shadowRoot.activeElement?.getAttribute('data-testid') ?? null,
    slashes: window.__probe.slashes,
  }));
  assert.deepEqual(focusInside, { inside: 'search', slashes: slashesBefore + 1 });
  await page.evaluate(() => window.__el.shadowRoot.activeElement.blur());

  const mounted = await hostState(page);
  assert.deepEqual(mounted.styles, beforeMount.styles, 'host elements look the same');
  assert.equal(mounted.href, beforeMount.href);
  assert.equal(mounted.title, beforeMount.title);
  assert.equal(mounted.historyLength, beforeMount.historyLength);
  assert.deepEqual(mounted.html, beforeMount.html, '<html> attributes');
  assert.deepEqual(mounted.body, beforeMount.body, '<body> attributes');
  assert.equal(mounted.outside, beforeMount.outside, 'no node added outside the element');
  assert.equal(mounted.consoleChildren, 0, 'nothing in the light DOM of <ews-console>');
  assert.equal(mounted.styleSheets, beforeMount.styleSheets, 'no stylesheet added to the document');
  assert.equal(mounted.adopted, beforeMount.adopted);
  assert.deepEqual(mounted.local, beforeMount.local, 'localStorage');
  assert.deepEqual(mounted.session, beforeMount.session, 'sessionStorage');
  assert.deepEqual(mounted.globals, beforeMount.globals, 'the host\'s globals');
  const probe = await page.evaluate(() => ({ history: window.__probe.history, clicks: window.__probe.clicks }));
  assert.deepEqual(probe.history, [], 'the console never called pushState/replaceState');
  assert.ok(probe.clicks.length > 0 && probe.clicks.every((t) => t === 'EWS-CONSOLE' || t === 'H1'), `clicks: ${probe.clicks}`);

  // The probe does see the console's traffic (so the zeros below mean something).
  const created = await page.evaluate(() => window.__probe.counts());
  assert.ok(created.fetch > 0, `fetches seen: ${JSON.stringify(created)}`);
  assert.ok(created.timeout + created.interval > 0, `timers seen: ${JSON.stringify(created)}`);

  // Unmount by removing the element (what a host does). A request in
  // flight is cancelled: Chromium reports it as failed, which is the point.
  w.expect(/\/api\/v1\//);
  await page.evaluate(() => window.__el.remove());
  try {
    await page.waitForFunction(() => {
      const p = window.__probe.pending();
      return p.timers.length === 0 && p.frames.length === 0 && p.fetches.length === 0;
    }, null, { timeout: 2000 });
  } catch {
    // Say what is left.
  }
  const left = await page.evaluate(() => window.__probe.pending());
  assert.deepEqual(left.timers, [], 'timers and intervals created after mount still pending');
  assert.deepEqual(left.frames, [], 'animation frames still pending');
  assert.deepEqual(left.fetches, [], 'requests still in flight');
  assert.deepEqual(await page.evaluate(() => [window.__el.shadowRoot.childNodes.length, window.__el.shadowRoot.adoptedStyleSheets.length]),
    [0, 0], 'the shadow root is empty (no nodes, no adopted stylesheets)');

  // Longer than the refresh interval (5 s) later: nothing new at all.
  const atUnmount = await page.evaluate(() => window.__probe.counts());
  await page.waitForTimeout(6000);
  assert.deepEqual(await page.evaluate(() => window.__probe.counts()), atUnmount, 'nothing created after unmount');
  assert.deepEqual((await page.evaluate(() => window.__probe.pending())).timers, []);

  const unmounted = await hostState(page);
  assert.equal(unmounted.href, beforeMount.href);
  assert.equal(unmounted.title, beforeMount.title);
  assert.deepEqual(unmounted.html, beforeMount.html);
  assert.deepEqual(unmounted.local, beforeMount.local);
  assert.deepEqual(unmounted.session, beforeMount.session);
  assert.deepEqual(unmounted.styles, beforeMount.styles);
  w.assertClean();
  await w.close();
});

test('<ews-console>: credentials set before the element is defined are used, an attribute change remounts, a bad one is an ews-error', async () => {
  const w = await hostPage();
  const { page } = w;
  await page.evaluate(async ([accessKey, secretKey]) => {
    window.__probe.mark();
    const el = document.createElement('ews-console'); // not defined yet: a plain element
    el.credentials = () => ({ accessKey, secretKey });
    document.querySelector('#slot').append(el);
    window.__el = el;
    await import('/embed/ews-console.js'); // upgrades it
  }, [ACCESS_KEY, SECRET]);
  await event(page, 'ews-ready');
  await page.locator('ews-console [data-testid=row]').first().waitFor();
  assert.equal(await page.locator('ews-console [data-testid=connect-form]').count(), 0, 'connected with the credentials');
  assert.equal(await page.evaluate(() => typeof window.__el.credentials), 'function');
  assert.equal(await page.evaluate(() => window.__el.getAttribute('credentials')), null, 'never an attribute');

  await page.evaluate(() => window.__el.setAttribute('lang', 'zh'));
  await page.waitForFunction(() => window.__probe.events.filter((e) => e.type === 'ews-ready').length === 2);
  assert.match(await page.locator('ews-console [data-testid=sort-status]').textContent(), /状态/);
  assert.equal(await page.evaluate(() => window.__el.handle?.mounted), true);

  // Moved within the page: still the same console, not remounted.
  const moved = await page.evaluate(async () => {
    const before = window.__el.handle;
    document.querySelector('main').prepend(window.__el);
    await new Promise((r) => setTimeout(r, 200));
    return { same: window.__el.handle === before, mounted: before.mounted,
      readies: window.__probe.events.filter((e) => e.type === 'ews-ready').length };
  });
  assert.deepEqual(moved, { same: true, mounted: true, readies: 2 });
  await page.locator('ews-console [data-testid=row]').first().waitFor();

  w.expect(/option `mode`/); // logged too, since no listener handled the event
  await page.evaluate(() => window.__el.setAttribute('mode', 'sideways'));
  const error = await event(page, 'ews-error', { source: 'mount' });
  assert.match(error.detail.message, /mode/);
  assert.equal(await page.evaluate(() => window.__el.handle), null);

  w.expect(/\/api\/v1\//); // a request in flight at unmount is cancelled
  await page.evaluate(() => window.__el.remove());
  await page.waitForFunction(() => window.__probe.pending().timers.length === 0 && window.__probe.pending().fetches.length === 0, null, { timeout: 2000 });
  w.assertClean();
  await w.close();
});

test('read-only: rows but no action buttons', async () => {
  const w = await hostPage();
  await embed(w.page, { readonly: '' });
  await event(w.page, 'ews-ready');
  await w.page.locator('ews-console [data-testid=row]').first().waitFor();
  const buttons = await w.page.evaluate(() => window.__el.shadowRoot.querySelectorAll('[data-testid^=action-], [data-testid^=bulk-]').length);
  assert.equal(buttons, 0, 'no start/stop/delete or bulk buttons');
  assert.ok(await w.page.locator('ews-console [data-testid=row]').count() > 0);
  w.assertClean();
  await w.close();
});

test('columns: only those columns are shown', async () => {
  const w = await hostPage();
  await embed(w.page, { columns: 'id,status,host' });
  await event(w.page, 'ews-ready');
  await w.page.locator('ews-console [data-testid=row]').first().waitFor();
  const shown = await w.page.evaluate(() => {
    const root = window.__el.shadowRoot;
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const heads = [...root.querySelectorAll('[data-testid=container-table] thead th')].filter(visible);
    const cells = [...root.querySelector('[data-testid=row]').querySelectorAll('td')].filter(visible);
    return {
      heads: heads.length,
      sorts: heads.map((th) => th.querySelector('[data-testid^=sort-]')?.dataset.testid ?? null),
      cells: cells.length,
    };
  });
  assert.deepEqual(shown.sorts, ['sort-id', 'sort-status', 'sort-host'], JSON.stringify(shown));
  assert.equal(shown.cells, 3, JSON.stringify(shown));
  w.assertClean();
  await w.close();
});

test('query: the list starts filtered, and the host URL does not change', async () => {
  const w = await hostPage();
  await embed(w.page, { query: 'status=STOPPED&sort=id&dir=desc' });
  await event(w.page, 'ews-ready');
  await w.page.locator('ews-console [data-testid=row]').first().waitFor();
  const rows = await w.page.evaluate(() => [...window.__el.shadowRoot.querySelectorAll('[data-testid=row]')]
    .map((r) => [r.dataset.status, Number(r.dataset.id)]));
  assert.ok(rows.length > 0);
  assert.ok(rows.every(([status]) => status === 'STOPPED'), JSON.stringify(rows));
  const ids = rows.map(([, id]) => id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'sorted by id, descending');
  assert.equal(new URL(w.page.url()).search, '?tab=ops');
  w.assertClean();
  await w.close();
});

test('lang="zh": the console speaks Chinese, the host keeps its own lang', async () => {
  const w = await hostPage();
  await embed(w.page, { lang: 'zh' });
  await event(w.page, 'ews-ready');
  const status = await w.page.locator('ews-console [data-testid=sort-status]').textContent();
  assert.match(status, /状态/);
  assert.equal(await w.page.evaluate(() => document.documentElement.lang), 'fr');
  w.assertClean();
  await w.close();
});

test('a wrong secret: ews-error with the API\'s sign error, and no secret in the DOM', async () => {
  const w = await hostPage();
  w.expect(/\/api\/v1\//); // 401 from the simulator: the point of the test
  await embed(w.page, {}, { secret: 'not-the-secret' });
  const error = await event(w.page, 'ews-error');
  assert.equal(error.target, 'EWS-CONSOLE');
  assert.ok(error.detail.message, JSON.stringify(error));
  assert.match(`${error.detail.message} ${error.detail.detail ?? ''}`, /1004|secret|sign/i, JSON.stringify(error));
  assert.equal(typeof error.detail.source, 'string');
  const html = await w.page.evaluate(() => document.documentElement.outerHTML + window.__el.shadowRoot.innerHTML);
  assert.doesNotMatch(html, /not-the-secret/);
  w.assertClean();
  await w.close();
});

test('mount(): bad options reject with an Error that says which; unmount() of nothing is false', async () => {
  const w = await hostPage();
  w.expect(/\/api\/v1\//); // unmounted at once: its first request is cancelled
  const result = await w.page.evaluate(async () => {
    const { mount, unmount } = await import('/embed/ews-console.js');
    const div = document.createElement('div');
    document.querySelector('#slot').append(div);
    const outcome = {};
    try {
      await mount(div, { mode: 'sideways' });
      outcome.mode = 'mounted';
    } catch (e) {
      outcome.mode = { isError: e instanceof Error, message: e.message };
    }
    try {
      await mount(div, { columns: 'id,colour' });
      outcome.columns = 'mounted';
    } catch (e) {
      outcome.columns = { isError: e instanceof Error, message: e.message };
    }
    outcome.unmountNothing = unmount(document.createElement('div'));
    const handle = await mount(div, { credentials: () => ({ accessKey: 'ews-demo', secretKey: 'ews-demo-secret' }) });
    outcome.shadow = div.shadowRoot?.childNodes.length > 0;
    handle.unmount();
    outcome.emptied = div.shadowRoot.childNodes.length === 0;
    return outcome;
  });
  assert.equal(result.mode.isError, true, JSON.stringify(result));
  assert.match(result.mode.message, /mode/);
  assert.equal(result.columns.isError, true, JSON.stringify(result));
  assert.match(result.columns.message, /colour/);
  assert.equal(result.unmountNothing, false);
  assert.equal(result.shadow, true);
  assert.equal(result.emptied, true);
  w.assertClean();
  await w.close();
});

test('the example host page (/examples/host.html) shows containers, unmounts and remounts', async () => {
  const w = await watchedPage(browser);
  const { page } = w;
  const loaded = [];
  page.on('request', (r) => loaded.push(new URL(r.url()).pathname + new URL(r.url()).search));
  await page.goto(sim.url + '/examples/host.html');
  await page.locator('ews-console [data-testid=row]').first().waitFor({ timeout: 20000 });
  // The glue and the wasm come from next to the entry module, with the build's version.
  const glue = loaded.find((u) => u.startsWith('/embed/ews_console_embed.js'));
  const wasm = loaded.find((u) => u.startsWith('/embed/ews_console_embed_bg.wasm'));
  assert.match(glue ?? '', /\?v=[0-9a-f]{16}$/, loaded.join(' '));
  assert.equal(wasm?.split('?v=')[1], glue.split('?v=')[1]);
  assert.ok(await page.locator('ews-console [data-testid=row]').count() > 0);
  await page.locator('#log li.ready').waitFor();
  await screenshot(page, 'e2e-embed-example');
  w.expect(/\/api\/v1\//); // a refresh in flight at unmount is cancelled
  await page.locator('#unmount').click();
  assert.equal(await page.locator('ews-console').count(), 0);
  await page.locator('#remount').click();
  await page.locator('ews-console [data-testid=row]').first().waitFor({ timeout: 20000 });
  w.assertClean();
  await w.close();
});
