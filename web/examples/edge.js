// The edge-mode example page's own script (edge.html): no credentials at
// all, only the console's events, logged in the page.
const element = document.querySelector('#console');
const log = document.querySelector('#log');

function say(kind, text) {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()} ${kind}: ${text}`;
  log.prepend(item);
}

element.addEventListener('ews-ready', (e) => say('ready', `${e.detail.containers} containers`));
element.addEventListener('ews-command-finished', (e) => {
  const d = e.detail;
  say(d.ok ? 'finished' : 'failed', `${d.action} ${d.containerId}: ${d.outcome}`);
});
element.addEventListener('ews-error', (e) => say('error', `${e.detail.source}: ${e.detail.message}`));
