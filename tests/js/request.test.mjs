// buildRequest: the six operations as signed requests, checked against the
// rule computed here with node:crypto.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";

import { sdk } from "./harness.mjs";

const { buildRequest, EwsError } = await sdk();

const creds = { accessKey: "t9xuit3pt202ou09", secretKey: "s3cr3t", endpoint: "https://open-ews.example.com/" };
const NOW = 1453960955000;

function expectedSignature(algo, secret, accessKey, timestamp) {
  return createHmac(algo, secret)
    .update(`${secret}accesskey${accessKey}timestamp${timestamp}${secret}`)
    .digest("hex")
    .toUpperCase();
}

const cases = [
  ["list", null, "GET", "/api/v1/container"],
  ["get", 2529, "GET", "/api/v1/container/2529"],
  ["start", "2529", "POST", "/api/v1/container/2529/start"],
  ["stop", 2529, "POST", "/api/v1/container/2529/stop"],
  ["delete", 2529, "DELETE", "/api/v1/container/2529"],
  ["command", "ec8364b4-6c58-4c42-b410-c77d3aa0a5fe", "GET", "/api/v1/command/ec8364b4-6c58-4c42-b410-c77d3aa0a5fe"],
];

for (const [operation, id, method, path] of cases) {
  test(`buildRequest ${operation}: ${method} ${path}`, () => {
    const req = buildRequest(operation, id, creds, NOW);
    const query = `accesskey=${creds.accessKey}&timestamp=${NOW}`;
    const sig = expectedSignature("md5", creds.secretKey, creds.accessKey, NOW);
    assert.deepEqual(req, {
      method,
      path,
      query,
      pathAndQuery: `${path}?${query}`,
      authorization: sig,
      headers: { Authorization: sig },
      url: `https://open-ews.example.com${path}?${query}`,
      timestamp: NOW,
      correctionMs: 0,
    });
  });
}

test("client method names are accepted as operation names", () => {
  const pairs = [
    ["listContainers", "list"],
    ["getContainer", "get"],
    ["startContainer", "start"],
    ["stopContainer", "stop"],
    ["deleteContainer", "delete"],
    ["getCommand", "command"],
  ];
  for (const [alias, name] of pairs) {
    const id = name === "command" ? "c-1" : 7;
    assert.deepEqual(buildRequest(alias, id, creds, NOW), buildRequest(name, id, creds, NOW));
  }
});

test("HMAC-SHA1 on request, and no url without an endpoint", () => {
  const req = buildRequest("list", undefined, { ...creds, endpoint: undefined, signMethod: "sha1" }, NOW);
  assert.equal(req.authorization, expectedSignature("sha1", creds.secretKey, creds.accessKey, NOW));
  assert.equal(req.authorization.length, 40);
  assert.equal(req.url, undefined);
});

test("the access key is percent-encoded (the signature covers the raw key); a command id with a path character is refused", () => {
  const odd = { accessKey: "a b&c", secretKey: "k" };
  const req = buildRequest("command", "x_y-z", odd, NOW);
  assert.equal(req.path, "/api/v1/command/x_y-z");
  for (const bad of ["x/y", "..", "a%2Fb", "x y?"]) {
    assert.throws(() => buildRequest("command", bad, odd, NOW), (e) => e.kind === "invalid_id" && /A-Z, a-z, 0-9/.test(e.message), bad);
  }
  assert.equal(req.query, `accesskey=a%20b%26c&timestamp=${NOW}`);
  assert.equal(req.authorization, expectedSignature("md5", "k", "a b&c", NOW));
});

test("bad ids throw an EwsError of kind invalid_id before anything is signed", () => {
  for (const [operation, id] of [
    ["get", "abc"],
    ["start", -1],
    ["stop", 1.5],
    ["delete", null],
    ["command", ""],
    ["command", "a\nb"],
    ["command", "x".repeat(129)],
  ]) {
    assert.throws(
      () => buildRequest(operation, id, creds, NOW),
      (e) => e instanceof EwsError && e.kind === "invalid_id" && e.status === null && e.code === null,
      `${operation} ${JSON.stringify(id)}`,
    );
  }
});

test("misuse is a TypeError that never shows the secret", () => {
  const secret = "never-show-me";
  const bad = [
    () => buildRequest("reboot", 1, { accessKey: "a", secretKey: secret }, NOW),
    () => buildRequest("list", null, { accessKey: "", secretKey: secret }, NOW),
    () => buildRequest("list", null, { accessKey: "a" }, NOW),
    () => buildRequest("list", null, { accessKey: "a", secretKey: secret, signMethod: "sha256" }, NOW),
    () => buildRequest("list", null, { accessKey: "a", secretKey: secret }, -5),
    () => buildRequest("list", null, "a:secret", NOW),
    () => buildRequest("get", {}, { accessKey: "a", secretKey: secret }, NOW),
  ];
  for (const f of bad) {
    assert.throws(f, (e) => e instanceof TypeError && !e.message.includes(secret), String(f));
  }
});
