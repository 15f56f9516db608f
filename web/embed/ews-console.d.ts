// Types of the embedded EWS console (dist/embed/ews-console.js).

/** A column of the container table. */
export type Column =
  | 'select' | 'id' | 'status' | 'command' | 'actions' | 'node' | 'host'
  | 'cpu' | 'mem' | 'disk' | 'health' | 'created' | 'started' | 'stopped';

/** The keys a direct-mode console signs with. */
export interface Credentials {
  accessKey: string;
  secretKey: string;
  /** `"md5"` (default; also `"HMAC-MD5"`) or `"sha1"`. */
  signMethod?: string;
}

/**
 * Direct mode: called when the console connects (and again when it needs the
 * keys); the secret stays in the wasm's memory and is never put in the DOM.
 */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

/** One account of the `accounts` option. */
export interface Account {
  /** Its name in the switcher: 1 to 40 characters, no `/`. */
  name: string;
  /** Its API's base URL. */
  endpoint: string;
  credentials: CredentialsProvider;
}

export interface MountOptions {
  /**
   * Direct mode: the API's base URL (it must allow the page's origin by
   * CORS, or be on the same origin). Edge mode: the edge worker's origin.
   * Default: the page's own origin.
   */
  endpoint?: string;
  /** Default `"direct"`. Edge mode: the worker signs; no key reaches the browser. */
  mode?: 'direct' | 'edge';
  /** Direct mode only. Without it, the element shows its own connection form. */
  credentials?: CredentialsProvider;
  /**
   * Direct mode, several accounts (instead of `endpoint` and `credentials`):
   * the console shows a switcher; each account's credentials are asked of
   * its own function when it is first shown.
   */
  accounts?: Account[];
  lang?: 'en' | 'zh';
  theme?: 'system' | 'light' | 'dark';
  /** Auto-refresh interval in seconds: 0 (off), 5, 10, 30, 60 or 300. */
  refresh?: number;
  /** No action buttons (start, stop, delete, bulk). */
  readOnly?: boolean;
  /** The columns to show, as an array or a comma-separated string. */
  columns?: Column[] | string;
  /** The list's initial query, e.g. `"status=RUNNING&sort=mem&dir=desc"`. */
  query?: string;
}

/** A mounted console. */
export interface EmbeddedConsole {
  /** Stops every timer and request and empties the shadow root; whether it was still mounted. */
  unmount(): boolean;
  /** Whether it is still mounted. */
  readonly mounted: boolean;
  /** `[timers, requests]` pending (diagnostics). */
  pending(): number[];
}

/** Renders the console in `element`'s open shadow root (loads the wasm on first use). */
export function mount(element: HTMLElement, options?: MountOptions): Promise<EmbeddedConsole>;

/** Unmounts the console in `element`; whether one was mounted there. */
export function unmount(element: HTMLElement): boolean;

export interface ReadyDetail {
  /** Containers in the first list. */
  containers: number;
}

export interface CommandFinishedDetail {
  containerId: number;
  /** In the fleet view ("All accounts"), the container's account. */
  account?: string;
  action: 'start' | 'stop' | 'delete';
  commandId: string;
  /** Whether the command succeeded. */
  ok: boolean;
  /**
   * How it ended, as the core's outcome kind: the same spelling as the
   * SDK's `Outcome.kind` and the activity export (snake_case).
   */
  result: 'succeeded' | 'failed' | 'publish_failed' | 'timed_out' | 'lost';
  /** The command's last status, e.g. `"DONE"`, when known. */
  status: string | null;
  /** The API's `resultMsg` (or why it could not be followed). */
  message: string;
  /** How it ended, in words (the console's toast). */
  outcome: string;
}

export interface ErrorDetail {
  /** What went wrong and what to do, in the console's language. */
  message: string;
  /** More detail (e.g. the API's code and message), or null. */
  detail: string | null;
  /** Where it happened: `"connect"`, `"list"`, `"action"`; `"decode"` when list items could not be read (the readable containers are shown; the message counts the others); `"panic"` for a bug (the element shows a "reload" banner); `"mount"` for a failed mount of `<ews-console>`. */
  source: string;
}

/** `<ews-console>`: attributes mirror {@link MountOptions} (`readonly` is a boolean attribute). */
export class EwsConsoleElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** Direct mode's keys: a property only, never an attribute. */
  credentials: CredentialsProvider | undefined;
  /** Several accounts, each with its credentials function: a property only. */
  accounts: Account[] | undefined;
  /** The mounted console, or null. */
  readonly handle: EmbeddedConsole | null;
  endpoint: string | null;
  mode: string | null;
  theme: string | null;
  refresh: string | null;
  readOnly: boolean;
  columns: string | null;
  query: string | null;
  /** The options the next mount uses. */
  options(): MountOptions;
}

declare global {
  interface HTMLElementTagNameMap {
    'ews-console': EwsConsoleElement;
  }
  interface HTMLElementEventMap {
    'ews-ready': CustomEvent<ReadyDetail>;
    'ews-command-finished': CustomEvent<CommandFinishedDetail>;
    'ews-error': CustomEvent<ErrorDetail>;
  }
}
