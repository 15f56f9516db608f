// End-to-end harness: starts the release ews-sim serving the release console
// (dist/), launches /usr/bin/chromium through playwright-core, and watches
// every page: a console error or a failed request fails the test unless the
// test said it expects it. Every process started here is stopped here.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHROMIUM_LAUNCH, startSim as startSimProcess } from '../../lib/procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..', '..');
const require = createRequire(join(root, 'tests', 'package.json'));
const { chromium } = require('playwright-core');

export const SIM_BIN = process.env.EWS_SIM_BIN || join(root, 'target', 'release', 'ews-sim');
export const DIST = process.env.EWS_DIST || join(root, 'dist');
export const ARTIFACTS = join(root, 'tests', 'artifacts');
export const ACCESS_KEY = 'ews-demo';
export const SECRET = 'ews-demo-secret';

/**
 * Starts ews-sim on a free loopback port, serving the console, with the
 * admin API and fast, deterministic settings (no random failures).
 * @param {string[]} extra more flags (e.g. ['--containers', '10000'])
 */
export async function startSim(extra = []) {
  const { url, stop } = await startSimProcess(SIM_BIN, ['--static', DIST, '--admin', '--step-ms', '50', '--fail-rate', '0', ...extra]);
  const admin = async (method, path, body) => {
    const res = await fetch(url + '/__admin' + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json();
    if (json.code !== '0') throw new Error(`admin ${method} ${path}: ${JSON.stringify(json)}`);
    return json.data;
  };
  return {
    url,
    /** PUT /__admin/faults with a partial patch. */
    faults: (patch) => admin('PUT', '/faults', patch),
    /** The next action on `id` ends as `mode` (fail, runfailed, publish, hang, succeed). */
    failNext: (id, mode = 'fail') => admin('POST', `/containers/${id}/fail-next?mode=${mode}`),
    container: (id) => admin('GET', `/containers/${id}`),
    setContainer: (id, fields) => admin('PUT', `/containers/${id}`, fields),
    reset: () => admin('POST', '/reset'),
    stop,
  };
}

/** Launches headless Chromium. */
export async function launch() {
  return chromium.launch(CHROMIUM_LAUNCH);
}

/**
 * A page that records console errors, page errors and failed requests.
 * `expect(re)` allows matching failures (by URL or text) for this page.
 */
export async function watchedPage(browser, { viewport = { width: 1440, height: 900 }, colorScheme = 'light', locale = 'en-US', ...device } = {}) {
  // `device`: more context options, e.g. { isMobile: true, hasTouch: true }.
  const context = await browser.newContext({ viewport, colorScheme, locale, ...device });
  const page = await context.newPage();
  // Nothing is expected to fail unless a test says so (the console sends no
  // edge probe outside the edge worker, so not even a 404).
  const allowed = [];
  const problems = [];
  const ok = (text) => allowed.some((re) => re.test(text));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location()?.url || '';
    if (!ok(where) && !ok(m.text())) problems.push(`console error: ${m.text()} (${where})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!ok(r.url())) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !ok(r.url())) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return {
    page,
    context,
    expect(re) { allowed.push(re); },
    /** Throws when anything unexpected went wrong on the page. */
    assertClean() {
      if (problems.length) throw new Error(`unexpected failures:\n  ${problems.join('\n  ')}`);
    },
    close: () => context.close(),
  };
}

/** Saves a screenshot to tests/artifacts/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
