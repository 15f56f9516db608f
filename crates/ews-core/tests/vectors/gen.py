#!/usr/bin/env python3
"""Golden signing vectors for the EWS rule, computed independently of the Rust code.

One folder per case:
  input.json          {"secret": ..., "params": [[name, value], ...]} (order as a client might send them)
  string_to_sign.txt  secret + sorted(name + value) + secret, UTF-8
  hmac_md5.txt        upper-case hex HMAC-MD5(key=secret, string_to_sign)
  hmac_sha1.txt       upper-case hex HMAC-SHA1(key=secret, string_to_sign)

Run from anywhere: python3 crates/ews-core/tests/vectors/gen.py
Uses only Python's standard library (hmac, hashlib), so it shares no code with the crate.
"""
import hashlib
import hmac
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

rng = random.Random(20261127)
many = [[f"p{i:02d}", f"v{rng.randrange(10**6)}"] for i in range(50)]
rng.shuffle(many)

CASES = {
    # The worked example in PROTOCOL.md.
    "protocol_example": ("s3cr3t", [["accesskey", "t9xuit3pt202ou09"], ["timestamp", "1453960955000"]]),
    # Sent in the other order: signing must not depend on it.
    "reverse_order": ("s3cr3t", [["timestamp", "1453960955000"], ["accesskey", "t9xuit3pt202ou09"]]),
    "empty_values": ("k", [["timestamp", ""], ["accesskey", ""], ["x", ""]]),
    "empty_secret": ("", [["accesskey", "ak"], ["timestamp", "1700000000000"]]),
    "no_params": ("s3cr3t", []),
    "unicode": ("密钥🔑", [["accesskey", "用户-ключ"], ["timestamp", "1453960955000"], ["名字", "值"]]),
    # Sorting by name puts `a` before `ab`; sorting the joined strings would not ("ab1" < "az").
    "prefix_names": ("s3cr3t", [["ab", "1"], ["a", "z"], ["accesskey", "ak"], ["timestamp", "1"]]),
    # Byte order: upper case sorts before lower case.
    "byte_order": ("s3cr3t", [["b", "1"], ["B", "2"], ["_", "3"], ["a", "4"]]),
    "special_chars": ("s&c=r%t", [["accesskey", "a b&c=d%e+f"], ["timestamp", "1453960955000"]]),
    "long_secret": ("x" * 200, [["accesskey", "ak"], ["timestamp", "1453960955000"]]),
    "many_params": ("s3cr3t", many),
}


def main():
    for name, (secret, params) in CASES.items():
        d = os.path.join(HERE, name)
        os.makedirs(d, exist_ok=True)
        joined = "".join(n + v for n, v in sorted(params, key=lambda p: (p[0].encode(), p[1].encode())))
        sts = secret + joined + secret
        key = secret.encode()
        md5 = hmac.new(key, sts.encode(), hashlib.md5).hexdigest().upper()
        sha1 = hmac.new(key, sts.encode(), hashlib.sha1).hexdigest().upper()
        with open(os.path.join(d, "input.json"), "w", encoding="utf-8") as f:
            json.dump({"secret": secret, "params": params}, f, ensure_ascii=False, indent=1)
            f.write("\n")
        for fname, text in (("string_to_sign.txt", sts), ("hmac_md5.txt", md5), ("hmac_sha1.txt", sha1)):
            with open(os.path.join(d, fname), "w", encoding="utf-8") as f:
                f.write(text)


if __name__ == "__main__":
    main()
