// Restart: stop, seen STOPPED, then start — from a row, from the container
// page and in bulk — against ews-sim with slowed commands (--step-ms 400).
// The order of the requests is observed on the wire, and ews-sim's admin
// `fail-next` makes a stop fail: the container is then left alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { screenshot } from './lib/harness.mjs';
import { connectedConsole, ConnectForm } from './lib/pages.mjs';

let fixture;
let sim;
let w;
let list;
/** `POST /api/v1/container/{id}/{action}` requests, in order, as "id action". */
const acts = [];

before(async () => {
  fixture = await connectedConsole(['--step-ms', '400', '--containers', '40'], {
    onPage: (page) =>
      page.on('request', (r) => {
        const m = /\/api\/v1\/container\/(\d+)\/(start|stop)$/.exec(new URL(r.url()).pathname);
        if (m && r.method() === 'POST') acts.push(`${m[1]} ${m[2]}`);
      }),
  });
  ({ sim, w, list } = fixture);
});
after(() => fixture?.close());

/** The start and stop requests sent for `id`, in order. */
const sentTo = (id) => acts.filter((a) => a.startsWith(`${id} `));

/**
 * Selects the first `n` RUNNING containers nothing was sent to yet, with the
 * RUNNING filter on (its chip toggles: an earlier test may have left it on)
 * and no earlier selection; returns their ids in display order.
 */
async function selectFreshRunning(n) {
  if ((await w.page.getByTestId('count-RUNNING').getAttribute('aria-pressed')) !== 'true') await list.filter('RUNNING');
  if (await w.page.getByTestId('clear-selection').isVisible()) await w.page.getByTestId('clear-selection').click();
  await w.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=row]')].every((r) => r.dataset.status === 'RUNNING'));
  const ids = (await list.ids()).filter((x) => !sentTo(x).length).slice(0, n);
  assert.equal(ids.length, n);
  for (const id of ids) await list.select(id);
  await w.page.waitForFunction((n) => document.querySelector('[data-testid=selected-count]')?.textContent.includes(String(n)), n);
  return ids;
}

const toastFor = (id) => w.page.locator('[data-testid=toast]', { hasText: `Restart ${id}:` });

test('restart a RUNNING container: stop, STOPPED, then start, as one operation', async () => {
  const id = await list.firstIdWithStatus('RUNNING');
  assert.equal(await list.action(id, 'restart').getAttribute('data-usual'), 'true');
  const seen = [];
  const watching = (async () => {
    // The container's states, observed from outside (the simulator's admin API).
    for (let i = 0; i < 200; i++) {
      const s = (await sim.container(id)).status;
      if (seen[seen.length - 1] !== s) seen.push(s);
      if (s === 'RUNNING' && seen.includes('STOPPED')) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await list.action(id, 'restart').click();
  const toast = toastFor(id);
  await toast.waitFor({ timeout: 30000 });
  await watching;
  assert.match(await toast.textContent(), /succeeded/);
  assert.equal(await toast.getAttribute('data-kind'), 'ok');
  assert.deepEqual(sentTo(id), [`${id} stop`, `${id} start`]);
  const stopped = seen.indexOf('STOPPED');
  assert.ok(stopped > 0 && seen.indexOf('RUNNING', stopped) > stopped, `states seen: ${seen.join(' → ')}`);
  // Both commands, with their timelines, in the activity panel.
  const items = w.page.locator(`[data-testid=activity-item][data-container="${id}"]`);
  assert.equal(await items.count(), 2);
  assert.deepEqual(await items.evaluateAll((l) => l.map((i) => i.dataset.state)), ['ok', 'ok']);
  await screenshot(w.page, 'e2e-restart');
  w.assertClean();
});

test('a restart whose stop fails leaves the container alone and says so', async () => {
  const running = await w.page.locator('[data-testid=row][data-status=RUNNING]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
  const id = running.find((x) => !sentTo(x).length);
  assert.ok(id, 'a RUNNING container not acted on yet');
  await sim.failNext(id, 'fail');
  await list.action(id, 'restart').click();
  const toast = toastFor(id);
  await toast.waitFor({ timeout: 30000 });
  assert.equal(await toast.getAttribute('data-kind'), 'bad');
  assert.match(await toast.textContent(), /not started again/);
  assert.deepEqual(sentTo(id), [`${id} stop`], 'no start was sent');
  assert.equal((await sim.container(id)).status, 'STOPFAILED');
  w.assertClean();
});

test('restart from the container page', async () => {
  const running = await w.page.locator('[data-testid=row][data-status=RUNNING]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
  const id = running.find((x) => !sentTo(x).length);
  await list.search.fill(`#${id}`);
  await list.row(id).getByTestId('row-link').click();
  await w.page.getByTestId('fields').waitFor();
  await w.page.getByTestId('action-restart').click();
  const toast = toastFor(id);
  await toast.waitFor({ timeout: 30000 });
  assert.match(await toast.textContent(), /succeeded/);
  assert.deepEqual(sentTo(id), [`${id} stop`, `${id} start`]);
  await w.page.goBack();
  await list.search.fill('');
  w.assertClean();
});

test('bulk restart: every target stopped, seen STOPPED and started, each reported', async () => {
  const ids = await selectFreshRunning(3);
  await list.bulk('restart');
  const targets = await w.page.getByTestId('bulk-item').evaluateAll((items) => items.map((i) => Number(i.dataset.id)));
  assert.deepEqual(targets, ids);
  await w.page.getByTestId('confirm').click();
  await w.page.waitForFunction(() => document.querySelector('[data-testid=bulk-summary]')?.textContent.includes('3 succeeded'), null, { timeout: 40000 });
  await w.page.getByTestId('close').click();
  for (const id of ids) {
    assert.deepEqual(sentTo(id), [`${id} stop`, `${id} start`], `#${id}`);
    assert.equal((await sim.container(id)).status, 'RUNNING');
  }
  w.assertClean();
});

test('a rolling restart in batches of 2 halts at a seeded failure; the rest is never sent', async () => {
  const ids = await selectFreshRunning(6);
  // The second batch's first container: its stop fails.
  await sim.failNext(ids[2], 'fail');
  await list.bulk('restart');
  // The plan is confirmed up front with every target.
  assert.deepEqual(await w.page.getByTestId('bulk-item').evaluateAll((items) => items.map((i) => Number(i.dataset.id))), ids);
  await w.page.getByTestId('roll-batch').fill('2');
  await w.page.getByTestId('roll-batch').dispatchEvent('change');
  await w.page.getByTestId('confirm').click();
  await w.page.waitForFunction(() => document.querySelector('[data-testid=roll-state]')?.dataset.state === 'halted', null, { timeout: 60000 });
  // A batch-mate of the failure was already running: it finishes.
  await w.page.waitForFunction((id) => document.querySelector(`[data-testid=bulk-item][data-id="${id}"]`)?.dataset.state === 'ok', ids[3], { timeout: 30000 });
  const states = Object.fromEntries(await w.page.getByTestId('bulk-item').evaluateAll((items) => items.map((i) => [Number(i.dataset.id), i.dataset.state])));
  assert.equal(states[ids[0]], 'ok');
  assert.equal(states[ids[1]], 'ok');
  assert.equal(states[ids[2]], 'failed');
  await w.page.waitForFunction((ids) => ids.every((id) => document.querySelector(`[data-testid=bulk-item][data-id="${id}"]`)?.dataset.state === 'left'), ids.slice(4));
  for (const id of ids.slice(4)) assert.deepEqual(sentTo(id), [], `#${id} was never sent`);
  for (const id of [ids[0], ids[1], ids[3]]) assert.deepEqual(sentTo(id), [`${id} stop`, `${id} start`]);
  assert.match(await w.page.getByTestId('roll-state').textContent(), /Halted/);
  await screenshot(w.page, 'e2e-rolling-halted');
  await w.page.getByTestId('close').click();
  w.assertClean();
});

test('a rolling restart survives a reload: it is shown again, picks up each container where it was, and finishes', async () => {
  const ids = await selectFreshRunning(4);
  await list.bulk('restart');
  await w.page.getByTestId('roll-batch').fill('2');
  await w.page.getByTestId('roll-batch').dispatchEvent('change');
  await w.page.getByTestId('confirm').click();
  // Reload while the first batch is half way: its stops accepted (in the
  // activity log), no start sent yet. (A reload in the instant between a
  // request and its answer leaves the command unknown to the console: the
  // container is then sent it again, the service refuses, and the rollout
  // halts saying so.)
  const sent = (a) => acts.includes(a);
  const logged = (id) => w.page.locator(`[data-testid=activity-item][data-container="${id}"]`).count();
  for (let i = 0; i < 400 && !((await logged(ids[0])) && (await logged(ids[1]))); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(!sent(`${ids[0]} start`), 'reloaded before the first start');
  const kept = await w.page.evaluate(() => sessionStorage.getItem('ews.rollout'));
  assert.match(kept ?? '', /\nrestart 2 running /, 'the job is kept in this tab');
  await w.page.reload();
  // The secret lived in memory only: the user connects again, and the job is back.
  await new ConnectForm(w.page).connect();
  await w.page.getByTestId('roll-state').waitFor({ timeout: 10000 });
  assert.deepEqual(await w.page.getByTestId('bulk-item').evaluateAll((items) => items.map((i) => Number(i.dataset.id))), ids);
  await w.page.waitForFunction(() => document.querySelector('[data-testid=roll-state]')?.dataset.state === 'done', null, { timeout: 60000 });
  const states = await w.page.getByTestId('bulk-item').evaluateAll((items) => items.map((i) => i.dataset.state));
  assert.deepEqual(states, ['ok', 'ok', 'ok', 'ok']);
  // Each container was stopped once and started once: nothing sent twice, nothing left out.
  for (const id of ids) {
    assert.deepEqual(sentTo(id), [`${id} stop`, `${id} start`], `#${id}`);
    assert.equal((await sim.container(id)).status, 'RUNNING');
  }
  assert.equal(await w.page.evaluate(() => sessionStorage.getItem('ews.rollout')), null, 'forgotten once done');
  await screenshot(w.page, 'e2e-rolling-resumed');
  await w.page.getByTestId('close').click();
  w.assertClean();
});
