// The example host page's own script (host.html). Plain JavaScript.
const element = document.querySelector('#console');
const log = document.querySelector('#log');

/** Adds one line to the page's event log. */
function say(kind, text) {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()} ${kind}: ${text}`;
  log.prepend(item);
}

// Direct mode: the console calls this for the keys. The simulator's demo
// credentials; a real page would ask its own backend (or use edge mode,
// where no secret reaches the browser at all). It is a property, never an
// attribute, so the secret never sits in the DOM.
element.credentials = async () => ({ accessKey: 'ews-demo', secretKey: 'ews-demo-secret', signMethod: 'md5' });

element.addEventListener('ews-ready', (e) => say('ready', `${e.detail.containers} containers`));
element.addEventListener('ews-command-finished', (e) => {
  const d = e.detail;
  say(d.ok ? 'finished' : 'failed', `${d.action} ${d.containerId}: ${d.outcome} (command ${d.commandId}, ${d.status})`);
});
element.addEventListener('ews-error', (e) => {
  const d = e.detail;
  say('error', `${d.source}: ${d.message}${d.detail ? ` (${d.detail})` : ''}`);
});

// Unmounting is removing the element: every timer and request of the
// console stops. Putting it back mounts it again.
const slot = element.parentElement;
const unmountButton = document.querySelector('#unmount');
const remountButton = document.querySelector('#remount');
unmountButton.addEventListener('click', () => {
  element.remove();
  say('host', 'unmounted');
  unmountButton.disabled = true;
  remountButton.disabled = false;
});
remountButton.addEventListener('click', () => {
  slot.append(element);
  say('host', 'mounted again');
  unmountButton.disabled = false;
  remountButton.disabled = true;
});
