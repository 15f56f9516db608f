// The embedded EWS console: the entry module of dist/embed/ (copied and
// minified by `cargo xtask console build`). No framework, no bundler needed:
//
//   <script type="module" src="/embed/ews-console.js"></script>
//   <ews-console mode="edge" endpoint="https://console.example.com"></ews-console>
//
// or, from a script:
//
//   import { mount } from '/embed/ews-console.js';
//   const handle = await mount(element, { mode: 'edge', endpoint: 'https://console.example.com' });
//   handle.unmount();
//
// The wasm and its glue (ews_console_embed.js, ews_console_embed_bg.wasm) are
// fetched from next to this file, wherever it is served from, and only when
// the first console mounts. Types: ews-console.d.ts.

/**
 * A hash of the glue and the wasm, put here by the build: their URLs carry
 * it, so a browser never pairs a cached glue with a newer wasm.
 */
const VERSION = '@EMBED_VERSION@';
/** The glue module, once loaded and initialised. @type {any} */
let glue = null;
/** @type {Promise<any> | null} */
let loading = null;

/** `name` next to this module, with the version. */
const beside = (name) => new URL(`./${name}?v=${VERSION}`, import.meta.url).href;

/**
 * Loads and initialises the wasm (once; later calls share the promise).
 * A failed load is forgotten, so a later mount tries again.
 * @returns {Promise<any>} the glue module
 */
function load() {
  loading ??= import(beside('ews_console_embed.js'))
    .then(async (m) => {
      await m.default({ module_or_path: beside('ews_console_embed_bg.wasm') });
      glue = m;
      return m;
    })
    .catch((e) => {
      loading = null;
      throw e;
    });
  return loading;
}

/**
 * The latest mount request per element: a mount still waiting for the wasm
 * when a newer mount or an unmount comes for the same element is dropped.
 * @type {WeakMap<HTMLElement, object>}
 */
const requests = new WeakMap();

/**
 * Renders the console inside `element`'s (open) shadow root.
 *
 * @param {HTMLElement} element the host element (its shadow root is reused and cleared when it has one)
 * @param {import('./ews-console.d.ts').MountOptions} [options]
 * @returns {Promise<import('./ews-console.d.ts').EmbeddedConsole>} the handle; rejects with the
 *   console's `Error` on bad options, or with an `AbortError` `DOMException` when `unmount(element)`
 *   or another `mount(element)` came first
 */
export async function mount(element, options = {}) {
  const request = {};
  requests.set(element, request);
  const m = glue ?? (await load());
  if (requests.get(element) !== request) {
    throw new DOMException('mount() of this element was overtaken by a later mount() or unmount()', 'AbortError');
  }
  requests.delete(element);
  return m.mount(element, options);
}

/**
 * Unmounts the console in `element`: every timer and request stops and the
 * shadow root is emptied. Also cancels a `mount(element)` still loading.
 *
 * @param {HTMLElement} element
 * @returns {boolean} whether a console was mounted there
 */
export function unmount(element) {
  requests.delete(element);
  return glue ? Boolean(glue.unmount(element)) : false;
}

/** The attributes `<ews-console>` reads, as option names. */
const ATTRIBUTES = /** @type {const} */ ({
  endpoint: 'endpoint',
  mode: 'mode',
  lang: 'lang',
  theme: 'theme',
  refresh: 'refresh',
  readonly: 'readOnly',
  columns: 'columns',
  query: 'query',
});

/**
 * `<ews-console>`: the console as a custom element.
 *
 * Attributes (each change remounts the console): `endpoint`, `mode`
 * (`direct` | `edge`), `lang` (`en` | `zh`), `theme` (`system` | `light` |
 * `dark`), `refresh` (seconds, 0 = off), `readonly` (boolean: no action
 * buttons), `columns` (comma-separated keys), `query` (initial list query,
 * e.g. `status=RUNNING`). Property `credentials` (direct mode): a function
 * returning `{accessKey, secretKey, signMethod?}` or a promise of it — a
 * property only, never an attribute, so the secret never sits in the DOM.
 * Property `accounts` (direct mode, several accounts): `[{name, endpoint,
 * credentials}]`, shown with a switcher.
 *
 * Mounts when connected (one microtask later, so a script can set
 * `credentials` right after appending it), unmounts when removed (every
 * timer and request stops); moving it within the page keeps it mounted.
 *
 * Events (bubbling, composed): `ews-ready`, `ews-command-finished`,
 * `ews-error`. A failed mount (bad options, the wasm not loading) is
 * reported as `ews-error` with `source: "mount"`; when no listener calls
 * `preventDefault()` on it, it is also logged with `console.error`.
 */
export class EwsConsoleElement extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);

  /** @type {import('./ews-console.d.ts').CredentialsProvider | undefined} */
  #credentials;
  /** @type {import('./ews-console.d.ts').Account[] | undefined} */
  #accounts;
  /** @type {import('./ews-console.d.ts').EmbeddedConsole | null} */
  #handle = null;
  #scheduled = false;
  /** From a mount until the next unmount (also while the wasm loads). */
  #active = false;
  /** Bumped by every (re)mount and unmount: a late mount result is dropped. */
  #generation = 0;

  constructor() {
    super();
    // A `credentials` set on the element before this class was defined is
    // an own property that would hide the accessor: move it behind it.
    for (const name of ['credentials', 'accounts']) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = /** @type {any} */ (this)[name];
        delete (/** @type {any} */ (this)[name]);
        /** @type {any} */ (this)[name] = value;
      }
    }
  }

  /**
   * Direct mode: where the console gets its keys. Setting it while
   * connected remounts the console.
   * @returns {import('./ews-console.d.ts').CredentialsProvider | undefined}
   */
  get credentials() {
    return this.#credentials;
  }

  set credentials(provider) {
    if (provider != null && typeof provider !== 'function') {
      throw new TypeError('<ews-console>.credentials must be a function returning {accessKey, secretKey, signMethod?} (or a promise of it)');
    }
    this.#credentials = provider ?? undefined;
    if (this.isConnected) this.#schedule();
  }

  /**
   * Direct mode, several accounts: `[{name, endpoint, credentials}]` (the
   * console checks each and says what is wrong). Setting it remounts.
   * @returns {import('./ews-console.d.ts').Account[] | undefined}
   */
  get accounts() {
    return this.#accounts;
  }

  set accounts(list) {
    this.#accounts = list ?? undefined;
    if (this.isConnected) this.#schedule();
  }

  /** The handle of the mounted console, or null (not mounted yet, or failed). */
  get handle() {
    return this.#handle;
  }

  connectedCallback() {
    // Moved within the page (removed and inserted in one go): keep it as it is.
    if (this.#active) return;
    this.#schedule();
  }

  disconnectedCallback() {
    // One microtask later, so that a move does not unmount; a removal does.
    queueMicrotask(() => {
      if (!this.isConnected) this.#unmount();
    });
  }

  /**
   * @param {string} _name
   * @param {string | null} before
   * @param {string | null} after
   */
  attributeChangedCallback(_name, before, after) {
    if (before !== after && this.isConnected) this.#schedule();
  }

  /**
   * The options the attributes and `credentials` give (what the next mount uses).
   * @returns {import('./ews-console.d.ts').MountOptions}
   */
  options() {
    /** @type {Record<string, unknown>} */
    const options = {};
    for (const [attribute, option] of Object.entries(ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      if (value === null) continue;
      if (attribute === 'readonly') {
        options[option] = value !== 'false';
      } else if (attribute === 'refresh' && value.trim() !== '' && Number.isFinite(Number(value))) {
        options[option] = Number(value);
      } else {
        // Anything else (a refresh that is not a number too) goes as given:
        // the console checks it and says what is wrong.
        options[option] = value;
      }
    }
    if (this.#credentials) options.credentials = this.#credentials;
    if (this.#accounts) options.accounts = this.#accounts;
    return options;
  }

  /** Remounts one microtask later (so a script can set `credentials` right after appending). */
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.isConnected) this.#mount();
    });
  }

  #mount() {
    this.#unmount();
    this.#active = true;
    const generation = this.#generation;
    mount(this, this.options()).then(
      (handle) => {
        if (generation === this.#generation && this.isConnected) {
          this.#handle = handle;
        } else {
          handle.unmount();
        }
      },
      (error) => {
        if (generation !== this.#generation || error?.name === 'AbortError') return;
        this.#active = false;
        this.#fail(error);
      },
    );
  }

  #unmount() {
    this.#generation += 1;
    this.#active = false;
    const handle = this.#handle;
    this.#handle = null;
    if (handle) {
      requests.delete(this);
      handle.unmount();
    } else {
      unmount(this);
    }
  }

  /** @param {unknown} error */
  #fail(error) {
    const message = error instanceof Error ? error.message : String(error);
    const event = new CustomEvent('ews-error', {
      bubbles: true,
      composed: true,
      cancelable: true,
      detail: { message, detail: error instanceof Error ? error.name : '', source: 'mount' },
    });
    if (this.dispatchEvent(event)) console.error('<ews-console>:', error);
  }
}

// Simple reflecting properties for the attributes (`el.mode = 'edge'`).
for (const [attribute, option] of Object.entries(ATTRIBUTES)) {
  Object.defineProperty(EwsConsoleElement.prototype, option, {
    configurable: true,
    enumerable: true,
    get() {
      return attribute === 'readonly' ? this.hasAttribute(attribute) && this.getAttribute(attribute) !== 'false' : this.getAttribute(attribute);
    },
    set(value) {
      if (value === null || value === undefined || value === false) this.removeAttribute(attribute);
      else this.setAttribute(attribute, value === true ? '' : String(value));
    },
  });
}

if (typeof customElements !== 'undefined' && !customElements.get('ews-console')) {
  customElements.define('ews-console', EwsConsoleElement);
}
