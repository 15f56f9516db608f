// `cargo xtask bench edge`: the edge worker's size, the latency it adds over
// calling ews-sim directly, and its throughput, all on loopback in one run.
//
//   node tests/edge/bench.mjs [--samples N] [--seconds S] [--concurrency C]
//
// Latency: N sequential requests each way, interleaved (direct, worker,
// direct, …) so both see the same machine state; the direct calls are
// signed by this script like a client holding the secret. "command" is
// GET /api/v1/command/{id} (following a command); the list is also
// measured with a session cookie (the console's way: checked against the
// isolate's copy of the revocations, re-read from the Durable Object every
// 10 s) and with a bearer token from a trusted address (reserved in the
// object once, then remembered). Sign-in: POST /edge/login (the attempt
// reserved in the object before the token is read) against GET /edge/login
// (no object): the difference is the object's cost per sign-in.
// Throughput: C concurrent clients listing containers through the worker
// for S seconds.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { edgeEnv, paths, random, signDirect, startSim, startWorker } from "./harness.mjs";

const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SAMPLES = opt("samples", 1000);
const SECONDS = opt("seconds", 10);
const CONCURRENCY = opt("concurrency", 16);

const wasm = readFileSync(join(paths.build, "ews_edge_bg.wasm"));
const glue = readFileSync(join(paths.build, "ews_edge.js"));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const size = {
  raw: wasm.length,
  gz: gzipSync(wasm, { level: 9 }).length,
  glueGz: gzipSync(glue, { level: 9 }).length,
};

const accessKey = random("ak-");
const secretKey = random("sec-");
const sim = await startSim({ accessKey, secretKey, args: ["--fail-rate", "0", "--step-ms", "20"] });
const { env, tokens } = edgeEnv({ upstream: sim.url, accessKey, secretKey });
const worker = await startWorker({ env });
const auth = { authorization: `Bearer ${tokens.operator}` };

async function direct(path, method = "GET") {
  const { query, authorization } = signDirect({ accessKey, secretKey });
  const res = await fetch(`${sim.url}${path}?${query}`, { method, headers: { authorization } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`direct ${path}: ${res.status} ${body}`);
  return body;
}
async function viaWorker(path, method = "GET") {
  const res = await fetch(`${worker.url}${path}`, { method, headers: auth });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`worker ${path}: ${res.status} ${body}`);
  return body;
}

// A command to follow: start a stopped container.
const list = JSON.parse(await direct("/api/v1/container")).data;
const stopped = list.find((c) => ["STOPPED", "ALLOCATED"].includes(c.status));
const commandId = JSON.parse(await viaWorker(`/api/v1/container/${stopped.id}/start`, "POST")).data.commandId;
const commandPath = `/api/v1/command/${encodeURIComponent(commandId)}`;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
async function latency(path) {
  for (let i = 0; i < 100; i++) {
    await direct(path);
    await viaWorker(path);
  }
  const d = [];
  const w = [];
  for (let i = 0; i < SAMPLES; i++) {
    let t = performance.now();
    await direct(path);
    d.push(performance.now() - t);
    t = performance.now();
    await viaWorker(path);
    w.push(performance.now() - t);
  }
  const row = (xs) => ({ p50: pct(xs, 50), p99: pct(xs, 99) });
  return { direct: row(d), worker: row(w) };
}
const lat = { list: await latency("/api/v1/container"), command: await latency(commandPath) };

// The console's way: a session cookie.
const signIn = (ip) =>
  fetch(`${worker.url}/edge/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: worker.url, "cf-connecting-ip": ip },
    body: `token=${encodeURIComponent(tokens.viewer)}`,
  });
const cookie = (await signIn("192.0.2.1")).headers.get("set-cookie").split(";")[0];
async function timed(fn) {
  for (let i = 0; i < 50; i++) await fn();
  const xs = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { p50: pct(xs, 50), p99: pct(xs, 99) };
}
const expect200 = async (res) => {
  await res.arrayBuffer();
  if (res.status !== 200 && res.status !== 303) throw new Error(`status ${res.status}`);
};
const sessionList = await timed(async () => expect200(await fetch(`${worker.url}/api/v1/container`, { headers: { cookie } })));
const trustedBearer = await timed(async () =>
  expect200(await fetch(`${worker.url}/api/v1/container`, { headers: { ...auth, "cf-connecting-ip": "192.0.2.2" } })),
);
let n = 0;
const signInLat = await timed(async () => expect200(await signIn(`192.0.2.${10 + (n++ % 200)}`)));
const loginPage = await timed(async () => expect200(await fetch(`${worker.url}/edge/login`)));

// Throughput through the worker: wrk when installed (as `bench sim` uses),
// else node's own fetch (which then limits the figure itself).
let ok = 0;
let errors = 0;
let tool;
let rps;
const wrk = spawnSync("wrk", ["--version"], { encoding: "utf8" });
if (!wrk.error) {
  tool = `wrk -t 2 -c ${CONCURRENCY} -d ${SECONDS}s`;
  const run = spawnSync(
    "wrk",
    ["-t", "2", "-c", String(CONCURRENCY), "-d", `${SECONDS}s`, "--latency", "-H", `Authorization: Bearer ${tokens.operator}`, `${worker.url}/api/v1/container`],
    { encoding: "utf8" },
  );
  const out = run.stdout;
  rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0);
  const total = Number(out.match(/(\d+) requests in/)?.[1] ?? 0);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const sock = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const sockErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  errors = non2xx + sockErrors + (run.status === 0 && total > 0 ? 0 : 1);
  ok = total - non2xx;
} else {
  tool = `node fetch, ${CONCURRENCY} concurrent clients, ${SECONDS} s`;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        try {
          const res = await fetch(`${worker.url}/api/v1/container`, { headers: auth });
          await res.arrayBuffer();
          if (res.status === 200) ok++;
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  rps = ok / SECONDS;
}
const load = os.loadavg()[0];

await worker.stop();
await sim.stop();

const ms = (x) => `${x.toFixed(2)} ms`;
const cpu = os.cpus();
console.log(`machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`);
console.log(`\nworker wasm: ${size.raw} bytes raw (${kb(size.raw)}), ${size.gz} bytes gzip -9 (${kb(size.gz)}); JS glue ${kb(size.glueGz)} gz`);
console.log(`\nlatency, ${SAMPLES} sequential requests each, interleaved, loopback (client: node fetch):`);
console.log("| request | direct p50 | direct p99 | via worker p50 | via worker p99 | added p50 | added p99 |");
console.log("|---|---|---|---|---|---|---|");
for (const [name, r] of Object.entries(lat)) {
  const label = name === "list" ? "list (GET /api/v1/container, 32 containers)" : "command (GET /api/v1/command/{id})";
  console.log(`| ${label} | ${ms(r.direct.p50)} | ${ms(r.direct.p99)} | ${ms(r.worker.p50)} | ${ms(r.worker.p99)} | ${ms(r.worker.p50 - r.direct.p50)} | ${ms(r.worker.p99 - r.direct.p99)} |`);
}
console.log(`| list with a session cookie (the console) | | | ${ms(sessionList.p50)} | ${ms(sessionList.p99)} | ${ms(sessionList.p50 - lat.list.direct.p50)} | |`);
console.log(`| list with a bearer token from a trusted address | | | ${ms(trustedBearer.p50)} | ${ms(trustedBearer.p99)} | ${ms(trustedBearer.p50 - lat.list.direct.p50)} | |`);
console.log(`\nsign-in (POST /edge/login: the attempt reserved in the Durable Object, refund and audit in the background): p50 ${ms(signInLat.p50)}, p99 ${ms(signInLat.p99)}; the login page (GET, no object): p50 ${ms(loginPage.p50)}; the object's cost per sign-in: ${ms(signInLat.p50 - loginPage.p50)} at p50`);
console.log(`\nthroughput through the worker: ${rps.toFixed(0)} requests/s (GET /api/v1/container with a bearer token, ${tool}), ${ok} ok, ${errors} errors`);
console.log(`1-minute load average at the end: ${load.toFixed(2)}`);
if (errors > 0) {
  console.error(`FAILED: ${errors} errors under load`);
  process.exit(1);
}
