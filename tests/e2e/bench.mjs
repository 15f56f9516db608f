// `cargo xtask bench console`: the console's figures, in headless Chromium
// against ews-sim on loopback (release builds of both). Prints Markdown.
//
// - navigation → first table paint, 100 containers (remembered credentials,
//   so the page connects by itself; median of 7 loads)
// - the same with 10,000 containers (median of 3)
// - a refresh of 10,000 in which nothing changed, and one in which 1%
//   (100 containers) changed: response → painted, and table rows rebuilt
// - scrolling 10,000 rows: frame times
// - requests made to follow one start command to the end, against polling
//   every 3 s as public EWS scripts do
// - the fleet view over 3 accounts × 3,400 containers (three simulators,
//   each with its own keys): navigation → first table paint, and a refresh
//   in which nothing changed
// - the bundle: raw, gzip -9, brotli
//
// `node e2e/bench.mjs fleet` (`cargo xtask bench console fleet`): only the
// fleet view's rows and the bundle.
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

import { ACCESS_KEY, DIST, SECRET, launch, startSim, watchedPage } from './lib/harness.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const ms = (x) => `${x.toFixed(1)} ms`;

/** A signed call to the simulator's API (HMAC-MD5, PROTOCOL.md). */
async function api(sim, method, path) {
  const ts = String(Date.now());
  const toSign = SECRET + 'accesskey' + ACCESS_KEY + 'timestamp' + ts + SECRET;
  const sig = createHmac('md5', SECRET).update(toSign).digest('hex').toUpperCase();
  const res = await fetch(`${sim.url}${path}?accesskey=${ACCESS_KEY}&timestamp=${ts}`, { method, headers: { Authorization: sig } });
  return (await res.json()).data;
}

/**
 * A page whose local storage holds `items` before it loads (so that it
 * connects by itself), its first painted row observed from the start of
 * the navigation (`window.__firstRow`).
 */
async function pageWith(browser, items) {
  const w = await watchedPage(browser);
  await w.context.addInitScript((items) => {
    for (const [k, v] of Object.entries(items)) localStorage.setItem(k, v);
    window.__firstRow = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        if (document.querySelector('[data-testid=row]')) {
          obs.disconnect();
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
        }
      });
      obs.observe(document, { childList: true, subtree: true });
    });
  }, { 'ews.refresh': '0', ...items });
  return w;
}

/** A page whose storage remembers the connection, so loading it connects. */
async function rememberingPage(browser, sim) {
  return pageWith(browser, {
    'ews.connection': JSON.stringify({ endpoint: sim.url, accessKey: ACCESS_KEY, method: 'md5' }),
    'ews.secret': JSON.stringify({ accessKey: ACCESS_KEY, secret: SECRET }),
  });
}

async function firstPaint(browser, sim, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const w = await rememberingPage(browser, sim);
    await w.page.goto(sim.url + '/');
    times.push(await w.page.evaluate(() => window.__firstRow));
    w.assertClean();
    await w.close();
  }
  return times;
}

const metrics = async (page) => (await page.getByTestId('metrics').getAttribute('data-metrics')).split(' ').map(Number);

/** Clicks Refresh; returns the metrics after, plus click → painted (ms). */
async function refreshOnce(page) {
  const wall = await page.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector('[data-testid=metrics]');
    const n = Number(el.dataset.metrics.split(' ')[0]);
    const t0 = performance.now();
    document.querySelector('[data-testid=refresh]').click();
    const wait = () => {
      if (Number(el.dataset.metrics.split(' ')[0]) > n) requestAnimationFrame(() => resolve(performance.now() - t0));
      else requestAnimationFrame(wait);
    };
    wait();
  }));
  return [...(await metrics(page)), wall];
}

/** `n` refreshes one after another: each one's figures and what it rebuilt and replaced. */
async function refreshRun(page, n) {
  const out = [];
  let before = await metrics(page);
  for (let i = 0; i < n; i++) {
    const m = await refreshOnce(page);
    out.push({ us: m[3], wall: m[4], rebuilt: m[2] - before[2], replaced: m[1] - before[1] });
    before = m;
  }
  return out;
}

async function followRequests(browser, stepMs) {
  const sim = await startSim(['--containers', '40', '--step-ms', String(stepMs)]);
  try {
    const w = await rememberingPage(browser, sim);
    await w.page.goto(sim.url + '/');
    await w.page.evaluate(() => window.__firstRow);
    const id = Number(await w.page.locator('[data-testid=row][data-status=STOPPED]').first().getAttribute('data-id'));
    const log = [];
    w.page.on('request', (r) => log.push({ t: Date.now(), url: r.url(), method: r.method() }));
    const t0 = Date.now();
    await w.page.locator(`[data-testid=row][data-id="${id}"] [data-testid=action-start]`).click();
    await w.page.getByTestId('toast').filter({ hasText: `${id}` }).waitFor({ timeout: 120000 });
    const known = Date.now() - t0;
    const polls = log.filter((r) => r.url.includes('/api/v1/command/')).length;
    const all = log.filter((r) => r.url.includes('/api/v1/')).length;
    w.assertClean();
    await w.close();
    const duration = 5 * stepMs; // a start is 5 steps in the simulator
    // Polls at 3, 6, 9 s…: the first one at or after the end sees it.
    const threeS = Math.floor(duration / 3000) + 1;
    return { stepMs, duration, polls, all, known, threeS, threeKnown: threeS * 3000 };
  } finally {
    await sim.stop();
  }
}

/**
 * A run of `n` starts, one after another, on a simulator whose commands
 * take 5 steps of `stepMs` ± `jitter`: for each, the console's command
 * reads and how long after the command really ended its outcome showed,
 * against a client polling every 3 s, measured side by side. The real end
 * is observed from outside: this script polls the command every 25 ms.
 */
async function runOfStarts(browser, { n, stepMs, jitter }) {
  const sim = await startSim(['--containers', '200', '--step-ms', String(stepMs), '--step-jitter', String(jitter)]);
  try {
    const w = await rememberingPage(browser, sim);
    await w.page.goto(sim.url + '/?status=STOPPED');
    await w.page.evaluate(() => window.__firstRow);
    const ids = (await w.page.locator('[data-testid=row][data-status=STOPPED]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)))).slice(0, n);
    if (ids.length < n) throw new Error(`only ${ids.length} stopped containers`);
    const reads = [];
    w.page.on('request', (r) => {
      if (r.url().includes('/api/v1/command/')) reads.push(r.url());
    });
    // When each container's toast appeared, stamped inside the page (the
    // same clock as this script's): waiting for it from here would add
    // Playwright's own polling to the lag.
    await w.page.evaluate(() => {
      window.__shown = {};
      new MutationObserver(() => {
        for (const t of document.querySelectorAll('[data-testid=toast]')) {
          const id = t.textContent.match(/(\d+):/)?.[1];
          if (id && !(id in window.__shown)) window.__shown[id] = Date.now();
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const rows = [];
    for (const id of ids) {
      const started = new Promise((resolve) => {
        const on = async (res) => {
          if (res.url().includes(`/container/${id}/start`)) {
            w.page.off('response', on);
            resolve({ t: Date.now(), body: await res.json() });
          }
        };
        w.page.on('response', on);
      });
      const before = reads.length;
      await w.page.locator(`[data-testid=row][data-id="${id}"] [data-testid=action-start]`).click();
      const { t: issued, body } = await started;
      const commandId = body.data.commandId;
      // Outside: the real end (every 25 ms), and a client polling every 3 s.
      let realEnd = null;
      const watcher = (async () => {
        while (realEnd === null) {
          const c = await api(sim, 'GET', `/api/v1/command/${commandId}`);
          if (c.status === 'DONE' || c.status === 'PUBLISH_FAILED') realEnd = Date.now();
          else await new Promise((r) => setTimeout(r, 25));
        }
      })();
      const threeS = (async () => {
        let polls = 0;
        for (;;) {
          await new Promise((r) => setTimeout(r, 3000));
          polls += 1;
          const c = await api(sim, 'GET', `/api/v1/command/${commandId}`);
          if (c.status === 'DONE' || c.status === 'PUBLISH_FAILED') return { polls, seen: Date.now() };
        }
      })();
      await w.page.getByTestId('toast').filter({ hasText: `${id}` }).waitFor({ timeout: 120000 });
      const shown = await w.page.evaluate((id) => window.__shown[id], String(id));
      await watcher;
      const three = await threeS;
      rows.push({ reads: reads.length - before, lag: shown - realEnd, took: realEnd - issued, threeReads: three.polls, threeLag: three.seen - realEnd });
    }
    w.assertClean();
    await w.close();
    return rows;
  } finally {
    await sim.stop();
  }
}

/**
 * A bulk start of about `n` STOPPED containers through the console (its
 * Watch: the list read each tick, each command read once): the API reads
 * it took, against ticks + N.
 */
async function bulkRun(browser, { containers, n, stepMs, jitter }) {
  const sim = await startSim(['--containers', String(containers), '--step-ms', String(stepMs), '--step-jitter', String(jitter)]);
  try {
    const w = await rememberingPage(browser, sim);
    await w.page.goto(sim.url + '/?status=STOPPED');
    await w.page.evaluate(() => window.__firstRow);
    if (n <= 20) {
      const boxes = w.page.locator('[data-testid=row] [data-testid=row-select]');
      for (let i = 0; i < n; i++) await boxes.nth(i).click();
    } else {
      await w.page.getByTestId('select-all').click();
    }
    const selected = Number((await w.page.getByTestId('selected-count').textContent()).match(/\d+/)[0]);
    const reads = { commands: 0, lists: 0 };
    w.page.on('request', (r) => {
      if (r.url().includes('/api/v1/command/')) reads.commands += 1;
      else if (/\/api\/v1\/container\?/.test(r.url())) reads.lists += 1;
    });
    const t0 = Date.now();
    await w.page.getByTestId('bulk-start').click();
    await w.page.getByTestId('confirm').click();
    await w.page.waitForFunction(() => /succeeded/.test(document.querySelector('[data-testid=bulk-summary]')?.textContent ?? '') && !/…/.test(document.querySelector('[data-testid=close]')?.textContent ?? '…'), null, { timeout: 300000 });
    const wall = Date.now() - t0;
    w.assertClean();
    await w.close();
    return { selected, ...reads, wall };
  } finally {
    await sim.stop();
  }
}

/**
 * A rolling restart of `n` RUNNING containers in batches of `batch`
 * through the console (the bulk confirmation's batch size): the wall time
 * against the sum of the batch durations (each from its first container
 * starting to its last ending, stamped in the page), and the API reads.
 */
async function rollingRestart(browser, { containers, n, batch, stepMs, jitter }) {
  const sim = await startSim(['--containers', String(containers), '--step-ms', String(stepMs), '--step-jitter', String(jitter)]);
  try {
    const w = await rememberingPage(browser, sim);
    await w.page.goto(sim.url + '/?status=RUNNING');
    await w.page.evaluate(() => window.__firstRow);
    const ids = await w.page.locator('[data-testid=row]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
    const all = (await api(sim, 'GET', '/api/v1/container')).filter((c) => c.status === 'RUNNING').map((c) => c.id).sort((a, b) => a - b);
    if (all.length < n) throw new Error(`only ${all.length} running containers`);
    await w.page.locator(`[data-testid=row][data-id="${ids[0]}"] [data-testid=row-select]`).click();
    // The last target: scrolled into the virtual window, then shift-clicked.
    const last = all[n - 1];
    await w.page.evaluate((px) => { document.querySelector('[data-testid=table-wrap]').scrollTop = px; }, (n - 5) * 44);
    await w.page.locator(`[data-testid=row][data-id="${last}"] [data-testid=row-select]`).click({ modifiers: ['Shift'] });
    const selected = Number((await w.page.getByTestId('selected-count').textContent()).match(/\d+/)[0]);
    if (selected !== n) throw new Error(`selected ${selected}, not ${n}`);
    const reads = { commands: 0, containers: 0, lists: 0 };
    w.page.on('request', (r) => {
      if (r.url().includes('/api/v1/command/')) reads.commands += 1;
      else if (/\/api\/v1\/container\/\d+\?/.test(r.url()) && r.method() === 'GET') reads.containers += 1;
      else if (/\/api\/v1\/container\?/.test(r.url())) reads.lists += 1;
    });
    await w.page.getByTestId('bulk-restart').click();
    await w.page.getByTestId('roll-batch').fill(String(batch));
    await w.page.getByTestId('roll-batch').dispatchEvent('change');
    // Each item's first "running" and its end, stamped in the page.
    await w.page.evaluate(() => {
      window.__items = {};
      new MutationObserver(() => {
        for (const li of document.querySelectorAll('[data-testid=bulk-item]')) {
          const e = (window.__items[li.dataset.id] ??= {});
          if (li.dataset.state === 'running' && !e.began) e.began = Date.now();
          if ((li.dataset.state === 'ok' || li.dataset.state === 'failed') && !e.ended) { e.ended = Date.now(); e.ok = li.dataset.state === 'ok'; }
        }
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    const t0 = Date.now();
    await w.page.getByTestId('confirm').click();
    await w.page.waitForFunction(() => document.querySelector('[data-testid=roll-state]')?.dataset.state === 'done', null, { timeout: 900000 });
    const wall = Date.now() - t0;
    const items = await w.page.evaluate(() => window.__items);
    const order = await w.page.getByTestId('bulk-item').evaluateAll((l) => l.map((i) => i.dataset.id));
    let sum = 0;
    for (let k = 0; k < order.length; k += batch) {
      const b = order.slice(k, k + batch).map((id) => items[id]);
      sum += Math.max(...b.map((e) => e.ended)) - Math.min(...b.map((e) => e.began));
    }
    const failed = Object.values(items).filter((e) => !e.ok).length;
    w.assertClean();
    await w.close();
    return { n, batch, wall, sum, failed, ...reads };
  } finally {
    await sim.stop();
  }
}

/**
 * The fleet view over `n` simulators of `each` containers, each with its
 * own keys, all remembered on this device: navigation to `/fleet` → first
 * table paint (median of `runs`), then refreshes in which nothing changed.
 */
async function fleetRun(browser, { n, each, runs, refreshes }) {
  const sims = [];
  try {
    for (let i = 0; i < n; i++) {
      sims.push(await startSim(['--containers', String(each), '--seed', String(11 + i), '--access-key', `fleet-${i}`, '--secret-key', `fleet-secret-${i}-0123456789`]));
    }
    const accounts = sims.map((s, i) => ({ name: `account-${i}`, endpoint: s.url, accessKey: `fleet-${i}`, method: 'md5' }));
    const secrets = Object.fromEntries(sims.map((_, i) => [`account-${i}`, { accessKey: `fleet-${i}`, secret: `fleet-secret-${i}-0123456789` }]));
    const open = async () => {
      const w = await pageWith(browser, { 'ews.accounts': JSON.stringify(accounts), 'ews.secrets': JSON.stringify(secrets) });
      await w.page.goto(sims[0].url + '/fleet');
      const t = await w.page.evaluate(() => window.__firstRow);
      return { w, t };
    };
    const paints = [];
    for (let i = 0; i < runs; i++) {
      const { w, t } = await open();
      paints.push(t);
      w.assertClean();
      await w.close();
    }
    const { w } = await open();
    await w.page.waitForFunction((total) => document.querySelector('[data-testid=count-all]')?.dataset.count === String(total), n * each);
    const unchanged = await refreshRun(w.page, refreshes);
    w.assertClean();
    await w.close();
    return { n, each, paints, unchanged };
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
  }
}

function bundle() {
  const files = readFileSync(join(DIST, '.console-files'), 'utf8').split('\n').filter((f) => /\.(wasm|js|css)$/.test(f));
  const rows = files.map((f) => {
    const b = readFileSync(join(DIST, f));
    return {
      f,
      raw: b.length,
      // GNU gzip, as the budget check (node's zlib differs by a few KB).
      gz: execFileSync('gzip', ['-9', '-n', '-c', join(DIST, f)], { maxBuffer: 1 << 26 }).length,
      br: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const total = rows.reduce((a, r) => ({ f: 'total', raw: a.raw + r.raw, gz: a.gz + r.gz, br: a.br + r.br }), { raw: 0, gz: 0, br: 0 });
  return [...rows, total];
}

const browser = await launch();
const out = [];
const fleetRows = (f) => [
  `| fleet view, ${f.n} accounts × ${f.each.toLocaleString('en')}: navigation → first table paint (median of ${f.paints.length}) | ${ms(median(f.paints))} |`,
  `| fleet view, refresh of ${f.n} × ${f.each.toLocaleString('en')}, nothing changed: diff → painted / click → painted, incl. ${f.n} fetches + decode (median of ${f.unchanged.length}) | ${ms(median(f.unchanged.map((r) => r.us)) / 1000)} / ${ms(median(f.unchanged.map((r) => r.wall)))}; rows rebuilt: ${f.unchanged.map((r) => r.rebuilt).join(', ')}; data replaced: ${f.unchanged.reduce((a, r) => a + r.replaced, 0)} times |`,
];
if (process.argv.includes('fleet')) {
  // Side by side with one account of 10,000, measured the same way.
  const one = await startSim(['--containers', '10000']);
  try {
    const p10k = await firstPaint(browser, one, 3);
    const w = await rememberingPage(browser, one);
    await w.page.goto(one.url + '/');
    await w.page.evaluate(() => window.__firstRow);
    const unchanged = await refreshRun(w.page, 10);
    w.assertClean();
    await w.close();
    const f = await fleetRun(browser, { n: 3, each: 3400, runs: 3, refreshes: 10 });
    out.push('| measure | result |', '|---|---|');
    out.push(`| one account, 10,000: navigation → first table paint (median of 3) | ${ms(median(p10k))} |`);
    out.push(`| one account, refresh of 10,000, nothing changed: diff → painted / click → painted (median of 10) | ${ms(median(unchanged.map((r) => r.us)) / 1000)} / ${ms(median(unchanged.map((r) => r.wall)))}; rows rebuilt: ${unchanged.map((r) => r.rebuilt).join(', ')} |`);
    out.push(...fleetRows(f));
    out.push('', '| file | raw | gzip -9 | brotli 11 |', '|---|---:|---:|---:|');
    for (const r of bundle()) out.push(`| ${r.f} | ${r.raw} | ${r.gz} | ${r.br} |`);
  } finally {
    await browser.close();
    await one.stop();
  }
  console.log(out.join('\n'));
  process.exit(0);
}
const small = await startSim(['--containers', '100']);
const big = await startSim(['--containers', '10000']);
try {
  const p100 = await firstPaint(browser, small, 7);
  const p10k = await firstPaint(browser, big, 3);

  // Refreshes of 10,000.
  const w = await rememberingPage(browser, big);
  await w.page.goto(big.url + '/');
  await w.page.evaluate(() => window.__firstRow);
  const unchanged = await refreshRun(w.page, 10);
  let before = await metrics(w.page);
  const list = await api(big, 'GET', '/api/v1/container');
  const changed = [];
  for (let i = 0; i < 5; i++) {
    const picks = list.filter((_, k) => k % 100 === i); // 100 containers, spread over the list
    await Promise.all(picks.map((c) => big.setContainer(c.id, { health: `bench-${i}` })));
    const m = await refreshOnce(w.page);
    changed.push({ us: m[3], wall: m[4], rebuilt: m[2] - before[2], replaced: m[1] - before[1] });
    before = m;
  }
  // Scrolling: frame times while the table scrolls 40,000 px in 200 steps.
  const frames = await w.page.evaluate(async () => {
    const wrap = document.querySelector('[data-testid=table-wrap]');
    const deltas = [];
    let last = performance.now();
    for (let i = 0; i < 200; i++) {
      wrap.scrollTop += 200;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
    }
    return { deltas, rows: document.querySelectorAll('[data-testid=row]').length };
  });
  w.assertClean();
  await w.close();

  const follow = [await followRequests(browser, 800), await followRequests(browser, 6000)];
  const run = await runOfStarts(browser, { n: 10, stepMs: 1000, jitter: 0.15 });
  const bulks = [
    await bulkRun(browser, { containers: 120, n: 12, stepMs: 1000, jitter: 0.15 }),
    await bulkRun(browser, { containers: 750, n: 100, stepMs: 1000, jitter: 0.15 }),
  ];
  const rolling = await rollingRestart(browser, { containers: 200, n: 50, batch: 5, stepMs: 1000, jitter: 0.15 });
  const fleet = await fleetRun(browser, { n: 3, each: 3400, runs: 3, refreshes: 10 });
  const b = bundle();

  out.push('| measure | result |', '|---|---|');
  out.push(`| navigation → first table paint, 100 containers (median of 7) | ${ms(median(p100))} |`);
  out.push(`| navigation → first table paint, 10,000 containers (median of 3) | ${ms(median(p10k))} |`);
  out.push(`| refresh of 10,000, nothing changed: diff → painted / click → painted, incl. fetch + decode (median of 10) | ${ms(median(unchanged.map((r) => r.us)) / 1000)} / ${ms(median(unchanged.map((r) => r.wall)))}; rows rebuilt: ${unchanged.map((r) => r.rebuilt).join(', ')}; data replaced: ${unchanged.reduce((a, r) => a + r.replaced, 0)} times |`);
  out.push(`| refresh of 10,000, 1% (100) changed: diff → painted / click → painted (median of 5) | ${ms(median(changed.map((r) => r.us)) / 1000)} / ${ms(median(changed.map((r) => r.wall)))}; rows rebuilt: ${changed.map((r) => r.rebuilt).join(', ')} (only changed rows on screen) |`);
  out.push(`| scrolling 10,000 rows, 200 steps of 200 px: frame time median / p95 / max | ${ms(median(frames.deltas))} / ${ms(p95(frames.deltas))} / ${ms(Math.max(...frames.deltas))}; rows in the DOM: ${frames.rows} |`);
  for (const f of follow) {
    out.push(`| follow one start (${f.duration / 1000} s command, --step-ms ${f.stepMs}): command polls / all API requests / outcome shown after | ${f.polls} / ${f.all} / ${(f.known / 1000).toFixed(1)} s; polling every 3 s: ${f.threeS} polls, known after ${(f.threeKnown / 1000).toFixed(0)} s |`);
  }
  {
    const sum = (xs) => xs.reduce((a, b) => a + b, 0);
    const learned = run.slice(3); // the first three teach the schedule
    out.push(`| a run of 10 starts one after another (5 steps of 1 s ± 15%: ${(Math.min(...run.map((r) => r.took)) / 1000).toFixed(1)}–${(Math.max(...run.map((r) => r.took)) / 1000).toFixed(1)} s): command reads, all 10 / the 7 after learning | ${sum(run.map((r) => r.reads))} / ${sum(learned.map((r) => r.reads))}; polling every 3 s, measured alongside: ${sum(run.map((r) => r.threeReads))} / ${sum(learned.map((r) => r.threeReads))} |`);
    out.push(`| ditto: outcome shown after the real end (observed every 25 ms), median of all 10 / of the 7 after learning; max | ${ms(median(run.map((r) => r.lag)))} / ${ms(median(learned.map((r) => r.lag)))}; ${ms(Math.max(...run.map((r) => r.lag)))}; polling every 3 s: ${ms(median(run.map((r) => r.threeLag)))} / ${ms(median(learned.map((r) => r.threeLag)))} |`);
  }
  for (const b of bulks) {
    out.push(`| bulk start of ${b.selected} (steps of 1 s ± 15%), followed through the list: command reads + list reads (per container) / wall | ${b.commands} + ${b.lists} = ${b.commands + b.lists} (${((b.commands + b.lists) / b.selected).toFixed(2)}); ticks + N = ${b.lists} + ${b.selected} / ${(b.wall / 1000).toFixed(1)} s |`);
  }
  {
    const r = rolling;
    const reads = r.commands + r.containers + r.lists;
    out.push(`| rolling restart of ${r.n} in batches of ${r.batch} (steps of 1 s ± 15%), no pause: wall / sum of the batch durations (overhead) / failures | ${(r.wall / 1000).toFixed(1)} s / ${(r.sum / 1000).toFixed(1)} s (${((r.wall - r.sum) / 1000).toFixed(1)} s) / ${r.failed} |`);
    out.push(`| ditto: API reads, command + container + list (per container) | ${r.commands} + ${r.containers} + ${r.lists} = ${reads} (${(reads / r.n).toFixed(1)}) |`);
  }
  out.push(...fleetRows(fleet));
  out.push('', '| file | raw | gzip -9 | brotli 11 |', '|---|---:|---:|---:|');
  for (const r of b) out.push(`| ${r.f} | ${r.raw} | ${r.gz} | ${r.br} |`);
} finally {
  await browser.close();
  await Promise.all([small.stop(), big.stop()]);
}
console.log(out.join('\n'));
