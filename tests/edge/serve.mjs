// `cargo xtask edge`: ews-sim with the demo credentials, the built worker in
// workerd in front of it serving the built console, until Ctrl-C.
//
//   node tests/edge/serve.mjs [--port N] [-- ews-sim flags…]   (port: 8787 if free)
//
// The worker holds the demo access and secret keys; the browser only ever
// sees the printed console token.

import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

import { edgeEnv, paths, startSim, startWorker } from "./harness.mjs";

const args = process.argv.slice(2);
const split = args.indexOf("--");
const own = split < 0 ? args : args.slice(0, split);
const simArgs = split < 0 ? [] : args.slice(split + 1);
const portAt = own.indexOf("--port");
const free = (p) =>
  new Promise((ok) => {
    const srv = createServer();
    srv.once("error", () => ok(false));
    srv.listen(p, "127.0.0.1", () => srv.close(() => ok(true)));
  });
// 8787 (wrangler's port) when it is free, else any free port.
const port = portAt >= 0 ? Number(own[portAt + 1]) : (await free(8787)) ? 8787 : undefined;

const accessKey = "ews-demo";
const secretKey = "ews-demo-secret";
const sim = await startSim({ accessKey, secretKey, args: simArgs });
const site = join(paths.build, "site");
const hasConsole = existsSync(join(site, "index.html"));
const { env, tokens } = edgeEnv({ upstream: sim.url, accessKey, secretKey });
const worker = await startWorker({ env, site, port });

console.log(`ews-sim (upstream):  ${sim.url}`);
console.log(`edge worker:         ${worker.url}/`);
if (!hasConsole) console.log("                     (no console in crates/ews-edge/build/site: build it into dist/ first)");
console.log(`sign in at:          ${worker.url}/edge/login`);
console.log(`operator token:      ${tokens.operator}   (user olga)`);
console.log(`viewer token:        ${tokens.viewer}   (user vic)`);
console.log(`API with a token:    curl -H 'Authorization: Bearer ${tokens.viewer}' ${worker.url}/api/v1/container`);
console.log("The worker's log (one JSON line per action) follows. Ctrl-C stops both.");

let shown = 0;
const timer = setInterval(() => {
  while (shown < worker.logs.length) console.log(worker.logs[shown++]);
}, 200);

async function stop() {
  clearInterval(timer);
  await worker.stop();
  await sim.stop();
  process.exit(0);
}
process.removeAllListeners("SIGINT");
process.removeAllListeners("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
