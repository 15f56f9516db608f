// Trust against an odd service: ews-sim in its quirks mode (a share of rows
// written oddly, two list items that are not containers) with three
// containers stuck in a passing state. Every readable container shows, the
// unreadable ones are counted with details, no state blocks an action, and
// a refusal says plainly what happened.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { screenshot } from './lib/harness.mjs';
import { connectedConsole } from './lib/pages.mjs';

const FLEET = 32;
let fixture;
let sim;
let w;
let list;

before(async () => {
  fixture = await connectedConsole(['--containers', String(FLEET), '--quirks', '0.3', '--stuck', '3', '--step-ms', '100']);
  ({ sim, w, list } = fixture);
});
after(() => fixture?.close());

test('odd rows never hide the fleet: every container shows, the unreadable are counted', async () => {
  assert.equal(await list.count('all'), FLEET, 'every container the service has is listed');
  const notice = w.page.getByTestId('unreadable');
  assert.equal(await notice.getAttribute('data-count'), '2');
  assert.match(await notice.locator('summary').textContent(), /^2 containers could not be read/);
  await notice.locator('summary').click();
  const details = await notice.textContent();
  assert.match(details, /it has no id/);
  assert.match(details, /"c-7f3a9"/);
  // Odd fields show what was sent, marked, instead of breaking the row.
  const odd = w.page.locator('[data-testid=row] td.odd');
  assert.ok((await odd.count()) > 0, 'some odd field is on screen');
  assert.match((await odd.first().getAttribute('title')) ?? '', /Sent as/);
  await screenshot(w.page, 'e2e-quirks');
  w.assertClean();
});

test('a container stuck in STARTING can still be stopped, after a warning', async () => {
  await list.filter('STARTING');
  await w.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=row]')].every((r) => r.dataset.status === 'STARTING'));
  const id = (await list.ids())[0];
  const stop = list.action(id, 'stop');
  assert.equal(await stop.getAttribute('data-usual'), 'false', 'stopping is not the usual thing for STARTING');
  assert.equal(await stop.isEnabled(), true, 'but nothing is locked');
  await stop.click();
  await list.dialog.waitFor();
  assert.match(await w.page.getByTestId('dialog-unusual').textContent(), /may refuse it \(1007 StatusError\)/);
  assert.equal(await w.page.getByTestId('confirm').textContent(), 'Stop anyway');
  await screenshot(w.page, 'e2e-unusual-confirm');
  await w.page.getByTestId('confirm').click();
  // The filter hides it once it leaves STARTING: follow it through the service.
  const toast = w.page.getByTestId('toast').filter({ hasText: `${id}` });
  await toast.waitFor({ timeout: 20000 });
  assert.equal(await toast.getAttribute('data-kind'), 'ok', await toast.textContent());
  assert.equal((await sim.container(id)).status, 'STOPPED');
  await list.filter('STARTING');
  w.assertClean();
});

test('a container stuck allocating for hours is flagged', async () => {
  await list.filter('ALLOCATING');
  await w.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=row]')].every((r) => r.dataset.status === 'ALLOCATING'));
  const flagged = w.page.locator('[data-testid=row] [data-testid=stuck]');
  assert.ok((await flagged.count()) >= 1, 'the stuck one is flagged');
  assert.match((await flagged.first().getAttribute('title')) ?? '', /ALLOCATING for 5 min or more/);
  await list.filter('ALLOCATING');
  w.assertClean();
});

test('a refusal is shown plainly, with what to do, and nothing changes', async () => {
  await list.filter('STOPPING');
  await w.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=row]')].every((r) => r.dataset.status === 'STOPPING'));
  const id = (await list.ids())[0];
  // Deleting a container that is stopping: the service refuses (1007).
  w.expect(new RegExp(`/api/v1/container/${id}(\\?|$)`));
  await list.action(id, 'delete').click();
  await list.dialog.waitFor();
  assert.match(await w.page.getByTestId('dialog-unusual').textContent(), /STOPPING/);
  await w.page.getByTestId('confirm').click();
  const toast = w.page.locator('[data-testid=toast][data-kind=bad]').filter({ hasText: `${id}` });
  await toast.waitFor();
  const text = await toast.textContent();
  assert.match(text, /1007 StatusError/);
  assert.match(text, /nothing changed/);
  await screenshot(w.page, 'e2e-refusal');
  assert.equal((await sim.container(id)).status, 'STOPPING');
  await list.filter('STOPPING');
  w.assertClean();
});
