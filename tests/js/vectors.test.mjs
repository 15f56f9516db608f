// The SDK signs exactly like the core's golden vectors (computed by an
// independent Python script, crates/ews-core/tests/vectors/gen.py) and like
// Node's own crypto.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { VECTORS, sdk } from "./harness.mjs";

const { signature, stringToSign, EwsError } = await sdk();

const read = (dir, file) => readFileSync(join(VECTORS, dir, file), "utf8").replace(/\r?\n$/, "");
const cases = readdirSync(VECTORS).filter((d) => statSync(join(VECTORS, d)).isDirectory());

test("every vector folder is read", () => {
  assert.ok(cases.length >= 10, `only ${cases.length} vector folders in ${VECTORS}`);
  assert.ok(cases.includes("protocol_example"));
});

for (const name of cases) {
  test(`vector ${name}: string to sign, HMAC-MD5, HMAC-SHA1`, () => {
    const input = JSON.parse(read(name, "input.json"));
    assert.equal(stringToSign(input.secret, input.params), read(name, "string_to_sign.txt"));
    assert.equal(signature("md5", input.secret, input.params), read(name, "hmac_md5.txt"));
    assert.equal(signature("sha1", input.secret, input.params), read(name, "hmac_sha1.txt"));
    // HMAC-MD5 is the default.
    assert.equal(signature(undefined, input.secret, input.params), read(name, "hmac_md5.txt"));
    // The same parameters as an object sign the same (when no name repeats).
    const names = input.params.map(([n]) => n);
    if (new Set(names).size === names.length) {
      const object = Object.fromEntries(input.params);
      assert.equal(signature("hmac-sha1", input.secret, object), read(name, "hmac_sha1.txt"));
    }
  });
}

test("the worked example of PROTOCOL.md", () => {
  const params = { accesskey: "t9xuit3pt202ou09", timestamp: 1453960955000 };
  assert.equal(
    stringToSign("s3cr3t", params),
    "s3cr3taccesskeyt9xuit3pt202ou09timestamp1453960955000s3cr3t",
  );
  const expected = createHmac("md5", "s3cr3t")
    .update("s3cr3taccesskeyt9xuit3pt202ou09timestamp1453960955000s3cr3t")
    .digest("hex")
    .toUpperCase();
  assert.equal(signature("md5", "s3cr3t", params), expected);
});

test("signatures agree with node:crypto for many random inputs", () => {
  // Whole code points (a lone surrogate is not text and has no UTF-8 form).
  const alphabet = Array.from("abcXYZ019_-~ &=%+/?é密🔑");
  const pick = (n) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");
  for (let i = 0; i < 200; i += 1) {
    const secret = pick(i % 17);
    const params = Array.from({ length: 1 + (i % 5) }, (_, k) => [`p${k}${pick(2)}`, pick(i % 9)]);
    // The rule: sort by name (byte order; then value), name+value, wrapped in the secret.
    const bytes = (s) => Buffer.from(s, "utf8");
    const sorted = [...params].sort((a, b) => Buffer.compare(bytes(a[0]), bytes(b[0])) || Buffer.compare(bytes(a[1]), bytes(b[1])));
    const text = secret + sorted.map(([n, v]) => n + v).join("") + secret;
    for (const algo of ["md5", "sha1"]) {
      const expected = createHmac(algo, secret).update(text).digest("hex").toUpperCase();
      assert.equal(signature(algo, secret, params), expected, `${algo} ${JSON.stringify({ secret, params })}`);
    }
  }
});

test("bad arguments are TypeErrors, never EwsErrors, and never echo the secret", () => {
  const secret = "do-not-echo-this-secret";
  for (const [method, params] of [
    ["sha256", []],
    ["md5", "accesskey=x"],
    ["md5", [["only-a-name"]]],
    ["md5", [[{}, "x"]]],
  ]) {
    assert.throws(
      () => signature(method, secret, params),
      (e) => e instanceof TypeError && !(e instanceof EwsError) && !e.message.includes(secret),
    );
  }
});
