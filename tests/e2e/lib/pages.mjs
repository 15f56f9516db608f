// Page objects for the console (the style of Leptos' examples/counters/e2e):
// tests say what a user does, these know the data-testid hooks.
import { ACCESS_KEY, SECRET, launch, startSim, watchedPage } from './harness.mjs';

export class ConnectForm {
  constructor(page) {
    this.page = page;
    this.form = page.getByTestId('connect-form');
    this.error = page.getByTestId('connect-error');
  }

  async connect({ accessKey = ACCESS_KEY, secret = SECRET, method, remember = false, account, endpoint } = {}) {
    await this.form.waitFor();
    if (account !== undefined) await this.page.getByTestId('account-name').fill(account);
    if (endpoint !== undefined) await this.page.getByTestId('endpoint').fill(endpoint);
    await this.page.getByTestId('access-key').fill(accessKey);
    await this.page.getByTestId('secret-key').fill(secret);
    if (method) await this.page.getByTestId('sign-method').selectOption(method);
    if (remember) await this.page.getByTestId('remember').check();
    await this.page.getByTestId('connect').click();
  }
}

export class ContainerList {
  constructor(page) {
    this.page = page;
    this.table = page.getByTestId('container-table');
    this.rows = page.getByTestId('row');
    this.search = page.getByTestId('search');
    this.error = page.getByTestId('list-error');
    this.toasts = page.getByTestId('toast');
    this.dialog = page.getByTestId('dialog');
  }

  async open(url) {
    await this.page.goto(url);
  }

  async waitForRows() {
    await this.rows.first().waitFor();
  }

  row(id) {
    return this.page.locator(`[data-testid=row][data-id="${id}"]`);
  }

  async status(id) {
    return this.row(id).getAttribute('data-status');
  }

  /** Ids of the rows in the DOM, in display order. */
  async ids() {
    return this.rows.evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
  }

  async statuses() {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.dataset.status));
  }

  async count(key) {
    return Number(await this.page.getByTestId(`count-${key}`).getAttribute('data-count'));
  }

  async filter(key) {
    await this.page.getByTestId(`count-${key}`).click();
  }

  async sortBy(column) {
    await this.page.getByTestId(`sort-${column}`).click();
  }

  async refresh() {
    const before = await this.refreshes();
    await this.page.getByTestId('refresh').click();
    await this.page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid=metrics]').dataset.metrics.split(' ')[0]) > n,
      before,
    );
  }

  /** Successful refreshes so far (metrics). */
  async refreshes() {
    const m = await this.page.getByTestId('metrics').getAttribute('data-metrics');
    return Number(m.split(' ')[0]);
  }

  async firstIdWithStatus(status) {
    return Number(await this.page.locator(`[data-testid=row][data-status=${status}]`).first().getAttribute('data-id'));
  }

  action(id, action) {
    return this.row(id).getByTestId(`action-${action}`);
  }

  op(id) {
    return this.row(id).getByTestId('row-op');
  }

  async select(id, { shift = false } = {}) {
    await this.row(id).getByTestId('row-select').click({ modifiers: shift ? ['Shift'] : [] });
  }

  async bulk(action) {
    await this.page.getByTestId(`bulk-${action}`).click();
    await this.dialog.waitFor();
  }

  async waitForStatus(id, status, timeout = 15000) {
    await this.page.waitForFunction(
      ([id, status]) => document.querySelector(`[data-testid=row][data-id="${id}"]`)?.dataset.status === status,
      [id, status],
      { timeout },
    );
  }
}

/**
 * The set-up several suites share: ews-sim started with `simArgs`,
 * Chromium, a watched page (given to `onPage` before it loads) connected
 * with the demo credentials, its rows shown. `close()` ends whatever was
 * started, and runs by itself when the set-up fails half way.
 */
export async function connectedConsole(simArgs, { onPage } = {}) {
  const c = {
    async close() {
      await c.w?.close();
      await c.browser?.close();
      await c.sim?.stop();
    },
  };
  try {
    c.sim = await startSim(simArgs);
    c.browser = await launch();
    c.w = await watchedPage(c.browser);
    c.list = new ContainerList(c.w.page);
    onPage?.(c.w.page);
    await c.w.page.goto(c.sim.url + '/');
    await new ConnectForm(c.w.page).connect();
    await c.list.waitForRows();
  } catch (e) {
    await c.close();
    throw e;
  }
  return c;
}
