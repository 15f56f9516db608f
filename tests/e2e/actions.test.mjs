// Acting: start shows progress then RUNNING; stop; delete with a
// confirmation naming the container; bulk start of several with one failure
// reported. Commands are slowed (--step-ms 600: a start takes 3 s) so that
// their progress can be seen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { screenshot } from './lib/harness.mjs';
import { connectedConsole } from './lib/pages.mjs';

let fixture;
let sim;
let w;
let list;

before(async () => {
  fixture = await connectedConsole(['--step-ms', '600', '--containers', '40']);
  ({ sim, w, list } = fixture);
});
after(() => fixture?.close());

/** Every distinct text the row's command cell shows until the row reaches `status`. */
async function watchOp(id, status) {
  return w.page.evaluate(([id, status]) => new Promise((resolve, reject) => {
    const seen = [];
    const t0 = performance.now();
    const tick = () => {
      const row = document.querySelector(`[data-testid=row][data-id="${id}"]`);
      const op = row?.querySelector('[data-testid=row-op]')?.textContent.trim();
      if (op && seen[seen.length - 1] !== op) seen.push(op);
      if (row?.dataset.status === status && !op) return resolve(seen);
      if (performance.now() - t0 > 20000) return reject(new Error(`stuck: ${seen.join(' | ')}`));
      requestAnimationFrame(tick);
    };
    tick();
  }), [id, status]);
}

test('start a STOPPED container: progress, then RUNNING and a toast', async () => {
  const id = await list.firstIdWithStatus('STOPPED');
  const watching = watchOp(id, 'RUNNING');
  await list.action(id, 'start').click();
  await w.page.waitForFunction((id) => document.querySelector(`[data-testid=row][data-id="${id}"] [data-testid=action-start]`)?.disabled, id);
  await w.page.waitForFunction((id) => /StartContainer|PrepareParams/.test(document.querySelector(`[data-testid=row][data-id="${id}"] [data-testid=row-op]`)?.textContent), id);
  await screenshot(w.page, 'e2e-start-progress');
  const seen = await watching;
  assert.ok(seen.some((t) => /RUNNING ·/.test(t)), `no running step seen: ${seen.join(' | ')}`);
  const toast = w.page.getByTestId('toast').filter({ hasText: `${id}` });
  await toast.waitFor();
  assert.match(await toast.textContent(), /succeeded/);
  assert.equal(await toast.getAttribute('data-kind'), 'ok');
  assert.equal((await sim.container(id)).status, 'RUNNING');
  w.assertClean();
});

test('stop a RUNNING container', async () => {
  const id = await list.firstIdWithStatus('RUNNING');
  const watching = watchOp(id, 'STOPPED');
  await list.action(id, 'stop').click();
  const seen = await watching;
  assert.ok(seen.length >= 1, 'no progress shown');
  assert.equal((await sim.container(id)).status, 'STOPPED');
  assert.equal(await list.action(id, 'start').getAttribute('data-usual'), 'true', 'start is the usual action again');
  assert.equal(await list.action(id, 'stop').getAttribute('data-usual'), 'false', 'stop is no longer usual (but not locked)');
  w.assertClean();
});

test('delete asks for confirmation naming the container', async () => {
  const id = await list.firstIdWithStatus('STOPPED');
  await list.action(id, 'delete').click();
  await list.dialog.waitFor();
  assert.match(await w.page.getByTestId('dialog-text').textContent(), new RegExp(`${id}`));
  await screenshot(w.page, 'e2e-delete-confirm');
  // Cancel first: nothing happens.
  await w.page.keyboard.press('Escape');
  await list.dialog.waitFor({ state: 'detached' });
  assert.equal((await sim.container(id)).status, 'STOPPED');
  await list.action(id, 'delete').click();
  await w.page.getByTestId('confirm').click();
  await list.row(id).waitFor({ state: 'detached', timeout: 20000 });
  w.expect(/__admin\/containers/); // the admin GET below answers 404
  await assert.rejects(sim.container(id));
  w.assertClean();
});

test('bulk start of several, one failing, reports each', async () => {
  await list.filter('STOPPED');
  await w.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=row]')].every((r) => r.dataset.status === 'STOPPED'));
  const ids = await list.ids();
  assert.ok(ids.length >= 2, `only ${ids.length} stopped`);
  const failing = ids[1];
  await sim.failNext(failing, 'fail');
  await list.select(ids[0]);
  await list.select(ids[ids.length - 1], { shift: true });
  await w.page.waitForFunction((n) => document.querySelector('[data-testid=selected-count]')?.textContent.includes(String(n)), ids.length);
  await list.bulk('start');
  const targets = await w.page.getByTestId('bulk-item').evaluateAll((items) => items.map((i) => Number(i.dataset.id)));
  assert.deepEqual(targets, ids, 'the confirmation lists every target');
  await screenshot(w.page, 'e2e-bulk-confirm');
  await w.page.getByTestId('confirm').click();
  await w.page.waitForFunction((n) => document.querySelector('[data-testid=bulk-summary]')?.textContent.includes(`${n - 1} succeeded, 1 failed`), ids.length, { timeout: 30000 });
  const failed = await w.page.locator('[data-testid=bulk-item][data-state=failed]').evaluateAll((items) => items.map((i) => Number(i.dataset.id)));
  assert.deepEqual(failed, [failing]);
  await screenshot(w.page, 'e2e-bulk-result');
  await w.page.getByTestId('close').click();
  assert.equal((await sim.container(failing)).status, 'STARTFAILED');
  for (const id of ids.filter((x) => x !== failing)) assert.equal((await sim.container(id)).status, 'RUNNING');
  w.assertClean();
});
