// Trunk post_build hook (see Trunk.toml): in release builds, minifies the
// wasm-bindgen JS glue with esbuild (Trunk's own minifier cannot parse it)
// and rewrites its Subresource Integrity hash in index.html to match.
// esbuild comes from tests/node_modules (`cargo xtask install`).
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
for (const name of readdirSync(stage).filter((f) => f.endsWith('.js'))) {
  const path = join(stage, name);
  const before = readFileSync(path);
  const { code } = esbuild.transformSync(before.toString('utf8'), { minify: true, format: 'esm', target: 'es2022' });
  writeFileSync(path, code);
  html = html.split(sri(before)).join(sri(Buffer.from(code)));
  console.log(`minify.mjs: ${name} ${before.length} -> ${Buffer.byteLength(code)} bytes`);
}
writeFileSync(htmlPath, html);
