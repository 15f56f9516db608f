// The list: filter, sort and search survive a refresh and a reload (they
// live in the URL); 10,000 containers are listed and scrolled smoothly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { launch, screenshot, startSim, watchedPage } from './lib/harness.mjs';
import { ConnectForm, ContainerList } from './lib/pages.mjs';

let sim;
let big;
let browser;

before(async () => {
  [sim, big] = await Promise.all([startSim(), startSim(['--containers', '10000'])]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await Promise.all([sim?.stop(), big?.stop()]);
});

const sorted = (xs, desc) => [...xs].sort((a, b) => (desc ? b - a : a - b));

test('filter, sort and search survive a refresh and a reload', async () => {
  const w = await watchedPage(browser);
  const list = new ContainerList(w.page);
  const form = new ConnectForm(w.page);
  await w.page.goto(sim.url + '/');
  await form.connect();
  await list.waitForRows();
  await list.filter('RUNNING');
  await list.sortBy('id');
  await list.search.fill('host 301');
  await w.page.waitForFunction(() => location.search.includes('q=host%20301'));
  const check = async () => {
    const ids = await list.ids();
    assert.ok(ids.length >= 1, 'no row left');
    assert.deepEqual(ids, sorted(ids, true), 'sorted by id, descending');
    assert.ok((await list.statuses()).every((s) => s === 'RUNNING'));
    for (const id of ids) assert.match(await list.row(id).textContent(), /301/);
    assert.equal(await list.search.inputValue(), 'host 301');
    assert.equal(await w.page.getByTestId('count-RUNNING').getAttribute('aria-pressed'), 'true');
    return ids;
  };
  const shown = await check();
  // Export gives exactly the filtered rows, in order, as CSV and JSON.
  const download = async (testid) => {
    const [dl] = await Promise.all([w.page.waitForEvent('download'), w.page.getByTestId(testid).click()]);
    return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
  };
  const csv = await download('export-csv');
  assert.equal(csv.name, 'ews-containers.csv');
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'id,nodeId,status,hostId,cpu,mem,disk,health,createTime,startTime,stopTime');
  assert.deepEqual(lines.slice(1).map((l) => Number(l.split(',')[0])), shown);
  assert.ok(lines.slice(1).every((l) => l.split(',')[2] === 'RUNNING'));
  const json = await download('export-json');
  assert.deepEqual(JSON.parse(json.text).map((c) => c.id), shown);
  // Sorting by id is the default, so only the direction shows.
  assert.equal(new URL(w.page.url()).search, '?status=RUNNING&q=host%20301&dir=desc');
  // A refresh (manual here; auto-refresh takes the same path) changes nothing.
  await list.refresh();
  assert.deepEqual(await check(), shown);
  // A reload keeps the URL; the secret was not remembered, so connect again.
  await w.page.reload();
  await form.connect();
  await list.waitForRows();
  assert.deepEqual(await check(), shown);
  // With "remember", a reload reconnects by itself.
  await w.page.getByTestId('disconnect').click();
  await form.connect({ remember: true });
  await list.waitForRows();
  await w.page.reload();
  await list.waitForRows();
  assert.deepEqual(await check(), shown);
  // Back and forward walk through the filters.
  await w.page.goBack();
  await w.page.goForward();
  assert.deepEqual(await check(), shown);
  await w.page.getByTestId('forget').click();
  await form.form.waitFor();
  assert.equal(await w.page.evaluate(() => localStorage.getItem('ews.secret')), null);
  w.assertClean();
  await w.close();
});

test('10,000 containers are listed and scrolled', async () => {
  const w = await watchedPage(browser);
  const list = new ContainerList(w.page);
  await w.page.goto(big.url + '/');
  await new ConnectForm(w.page).connect();
  await list.waitForRows();
  assert.equal(await list.count('all'), 10000);
  assert.equal(await list.table.getAttribute('aria-rowcount'), '10001');
  const inDom = await list.rows.count();
  assert.ok(inDom < 150, `${inDom} rows in the DOM`);
  // Scroll through with the wheel, then jump to the end.
  const wrap = w.page.getByTestId('table-wrap');
  await wrap.hover();
  const t0 = Date.now();
  for (let i = 0; i < 20; i++) await w.page.mouse.wheel(0, 2000);
  await w.page.waitForFunction(() => document.querySelector('[data-testid=table-wrap]').scrollTop > 30000);
  const wheelMs = Date.now() - t0;
  const mid = await list.ids();
  assert.ok(mid.length > 5 && mid[0] > 0, 'rows are rendered mid-list');
  await wrap.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  // The last line of the table is rendered (aria-rowindex counts the header).
  await w.page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=row]')];
    return rows.length > 0 && rows[rows.length - 1].getAttribute('aria-rowindex') === '10001';
  });
  const lastIds = await list.ids();
  assert.deepEqual(lastIds, sorted(lastIds, false), 'sorted by id');
  const maxId = lastIds[lastIds.length - 1];
  assert.ok((await list.rows.count()) < 150);
  await screenshot(w.page, 'e2e-10000-bottom');
  console.log(`# 20 wheel steps through 10,000 rows: ${wheelMs} ms; last id ${maxId}`);
  // Sorting 10,000 rows by memory, descending.
  await list.sortBy('mem');
  await list.sortBy('mem');
  await w.page.waitForFunction(() => location.search.includes('sort=mem&dir=desc'));
  w.assertClean();
  await w.close();
});
