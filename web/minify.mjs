// Trunk post_build hook (see Trunk.toml): in release builds, drops the
// wasm-bindgen classes nothing can ever create (see `unreachableClasses`),
// minifies the wasm-bindgen JS glue with esbuild (Trunk's own minifier
// cannot parse it) and rewrites the Subresource Integrity hashes in
// index.html to match. esbuild and binaryen's wasm-opt come from
// tests/node_modules (`cargo xtask install`).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) {
  console.error('minify.mjs: TRUNK_STAGING_DIR is not set (run me from Trunk)');
  process.exit(1);
}
const root = dirname(dirname(fileURLToPath(import.meta.url)));
let esbuild;
try {
  esbuild = createRequire(join(root, 'tests', 'package.json'))('esbuild');
} catch {
  console.error('minify.mjs: esbuild is missing: run `cargo xtask install` (npm ci in tests/)');
  process.exit(1);
}
const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const htmlPath = join(stage, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
const WASM_OPT = join(root, 'tests', 'node_modules', '.bin', 'wasm-opt');
const FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];

/**
 * The exported classes of the glue that nothing can ever create, with the
 * glue's text for each (the class, its dispose line, its finalization
 * registry). wasm-bindgen keeps every `#[wasm_bindgen]` export of every
 * linked crate: leptos links server_fn, which links wasm-streams' three
 * stream classes, and this console never streams. A class is unreachable
 * when it has no constructor and the rest of the glue never names it (so no
 * import can wrap a Rust value in it): then no instance can exist, and the
 * wasm functions only it calls are dead.
 */
function unreachableClasses(glue) {
  const found = [];
  for (const m of glue.matchAll(/^export class (\w+) \{\n[\s\S]*?^\}\n/gm)) {
    const name = m[1];
    const dispose = `if (Symbol.dispose) ${name}.prototype[Symbol.dispose] = ${name}.prototype.free;\n`;
    const fin = new RegExp(`^const ${name}Finalization = [^;]*;\n`, 'm').exec(glue)?.[0];
    if (!fin || !glue.includes(dispose) || /constructor\(/.test(m[0])) continue;
    const parts = [m[0], dispose, fin];
    let rest = glue;
    for (const p of parts) rest = rest.replace(p, '');
    if (new RegExp(`\\b${name}\\b`).test(rest)) continue;
    found.push({ name, parts });
  }
  return found;
}

/** `wasm` without the exports named in `names` (a wasm binary's export section rewritten). */
function withoutExports(wasm, names) {
  const leb = (b, i) => {
    let r = 0, shift = 0, x;
    do { x = b[i++]; r |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80);
    return [r >>> 0, i];
  };
  const enc = (n) => {
    const out = [];
    do { let x = n & 0x7f; n >>>= 7; if (n) x |= 0x80; out.push(x); } while (n);
    return Buffer.from(out);
  };
  const parts = [wasm.subarray(0, 8)];
  let removed = 0;
  for (let i = 8; i < wasm.length;) {
    const [size, body] = leb(wasm, i + 1);
    const end = body + size;
    if (wasm[i] !== 7) {
      parts.push(wasm.subarray(i, end));
    } else {
      let [n, k] = leb(wasm, body);
      const keep = [];
      for (; n > 0; n--) {
        const [len, at] = leb(wasm, k);
        const name = wasm.subarray(at, at + len).toString('utf8');
        const [, next] = leb(wasm, at + len + 1);
        if (names.has(name)) removed++;
        else keep.push(wasm.subarray(k, next));
        k = next;
      }
      const section = Buffer.concat([enc(keep.length), ...keep]);
      parts.push(Buffer.from([7]), enc(section.length), section);
    }
    i = end;
  }
  if (removed !== names.size) throw new Error(`minify.mjs: ${names.size - removed} of the exports to drop were not in the wasm`);
  return Buffer.concat(parts);
}

for (const name of readdirSync(stage).filter((f) => f.endsWith('.js'))) {
  const path = join(stage, name);
  const before = readFileSync(path);
  let glue = before.toString('utf8');
  const wasmPath = path.replace(/\.js$/, '_bg.wasm');
  const dead = unreachableClasses(glue);
  if (dead.length) {
    const exports = new Set();
    for (const { parts } of dead) {
      for (const p of parts) {
        for (const m of p.matchAll(/wasm\.(\w+)/g)) exports.add(m[1]);
        glue = glue.replace(p, '');
      }
    }
    // Nothing left in the glue may call what is dropped.
    for (const e of exports) {
      if (new RegExp(`wasm\\.${e}\\b`).test(glue)) throw new Error(`minify.mjs: ${e} is still called`);
    }
    const wasmBefore = readFileSync(wasmPath);
    writeFileSync(wasmPath, withoutExports(wasmBefore, exports));
    // The functions only those exports reached go too.
    execFileSync(WASM_OPT, ['--remove-unused-module-elements', '-Oz', ...FEATURES, wasmPath, '-o', wasmPath]);
    const wasmAfter = readFileSync(wasmPath);
    html = html.split(sri(wasmBefore)).join(sri(wasmAfter));
    console.log(`minify.mjs: dropped ${dead.map((d) => d.name).join(', ')} (${exports.size} wasm exports): wasm ${wasmBefore.length} -> ${wasmAfter.length} bytes`);
  }
  const { code } = esbuild.transformSync(glue, { minify: true, format: 'esm', target: 'es2022' });
  writeFileSync(path, code);
  html = html.split(sri(before)).join(sri(Buffer.from(code)));
  console.log(`minify.mjs: ${name} ${before.length} -> ${Buffer.byteLength(code)} bytes`);
}
writeFileSync(htmlPath, html);
