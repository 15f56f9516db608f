//! Signing and verification, exactly as PROTOCOL.md states the rule.
//!
//! 1. Take every signed parameter (query or form; never path parameters,
//!    never the secret) as name/value pairs.
//! 2. Sort by name in byte order and concatenate `name + value`, no separators.
//! 3. Wrap with the secret on both sides: `secret + params + secret` (UTF-8).
//! 4. HMAC that with the secret as the key: HMAC-MD5 (what the real service
//!    checks) or HMAC-SHA1.
//! 5. Hex-encode in upper case; it goes in the `Authorization` header.
//!
//! Verification (for the simulator and the edge worker) accepts upper- or
//! lower-case hex, compares in constant time, checks the timestamp against a
//! window around the caller's `now_ms`, and says precisely what failed.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use hmac::{Hmac, Mac};

/// The name of the access-key parameter.
pub const PARAM_ACCESS_KEY: &str = "accesskey";
/// The name of the timestamp parameter.
pub const PARAM_TIMESTAMP: &str = "timestamp";
/// The header that carries the signature.
pub const AUTHORIZATION: &str = "Authorization";
/// The timestamp window the simulator and the edge worker enforce: ±15 min.
pub const DEFAULT_WINDOW_MS: u64 = 15 * 60 * 1000;

/// Which HMAC the signature uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignMethod {
    /// HMAC-MD5: what the real EWS service checks. The default.
    #[default]
    HmacMd5,
    /// HMAC-SHA1: for gateways set up that way.
    HmacSha1,
}

impl SignMethod {
    /// Both methods, default first.
    pub const ALL: [SignMethod; 2] = [SignMethod::HmacMd5, SignMethod::HmacSha1];

    /// Short name used in configuration: `md5` or `sha1`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignMethod::HmacMd5 => "md5",
            SignMethod::HmacSha1 => "sha1",
        }
    }

    /// Human name: `HMAC-MD5` or `HMAC-SHA1`.
    pub fn label(self) -> &'static str {
        match self {
            SignMethod::HmacMd5 => "HMAC-MD5",
            SignMethod::HmacSha1 => "HMAC-SHA1",
        }
    }

    /// Parses `md5`, `sha1`, `hmac-md5`, `hmac-sha1` (any case).
    pub fn parse(text: &str) -> Option<SignMethod> {
        let t = text.trim();
        let t = t
            .strip_prefix("hmac-")
            .or_else(|| t.strip_prefix("HMAC-"))
            .or_else(|| t.strip_prefix("hmac"))
            .or_else(|| t.strip_prefix("HMAC"))
            .unwrap_or(t);
        if t.eq_ignore_ascii_case("md5") {
            Some(SignMethod::HmacMd5)
        } else if t.eq_ignore_ascii_case("sha1") {
            Some(SignMethod::HmacSha1)
        } else {
            None
        }
    }

    /// Length of the hex signature this method produces.
    pub fn hex_len(self) -> usize {
        match self {
            SignMethod::HmacMd5 => 32,
            SignMethod::HmacSha1 => 40,
        }
    }
}

impl fmt::Display for SignMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The parameters in signing order: sorted by name (byte order), then by
/// value so that a repeated name signs the same whatever the order.
fn sorted<'a>(params: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut sorted: Vec<(&str, &str)> = params.to_vec();
    sorted.sort_unstable_by(|a, b| {
        a.0.as_bytes()
            .cmp(b.0.as_bytes())
            .then(a.1.as_bytes().cmp(b.1.as_bytes()))
    });
    sorted
}

/// The exact string that is HMAC'd: `secret + name1 + value1 + … + secret`.
/// For tests and debugging; never log it, it contains the secret.
pub fn string_to_sign(secret: &str, params: &[(&str, &str)]) -> String {
    let mut s = String::with_capacity(
        secret.len() * 2 + params.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>(),
    );
    s.push_str(secret);
    for (name, value) in sorted(params) {
        s.push_str(name);
        s.push_str(value);
    }
    s.push_str(secret);
    s
}

fn mac_bytes(method: SignMethod, secret: &str, params: &[(&str, &str)]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(secret: &str, params: &[(&str, &str)]) -> Vec<u8> {
        // HMAC takes keys of any length, so this never fails.
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(secret.as_bytes())
            .unwrap_or_else(|_| <M as hmac::digest::KeyInit>::new(&Default::default()));
        mac.update(secret.as_bytes());
        for (name, value) in sorted(params) {
            mac.update(name.as_bytes());
            mac.update(value.as_bytes());
        }
        mac.update(secret.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
    match method {
        SignMethod::HmacMd5 => run::<Hmac<md5::Md5>>(secret, params),
        SignMethod::HmacSha1 => run::<Hmac<sha1::Sha1>>(secret, params),
    }
}

/// The signature of `params` under `secret`: upper-case hex, ready for the
/// `Authorization` header. Path parameters must not be in `params`.
pub fn signature(method: SignMethod, secret: &str, params: &[(&str, &str)]) -> String {
    hex::encode_upper(mac_bytes(method, secret, params))
}

/// Compares a provided hex signature (either case) with the expected one in
/// time that depends only on the lengths.
pub fn signature_matches(
    method: SignMethod,
    secret: &str,
    params: &[(&str, &str)],
    provided: &str,
) -> bool {
    let expected = mac_bytes(method, secret, params);
    let provided = provided.trim().as_bytes();
    if provided.len() != expected.len() * 2 {
        return false;
    }
    let mut diff = 0u16;
    for (i, byte) in expected.iter().enumerate() {
        // An invalid digit has value 0x100, which leaves a bit set in `diff`.
        let got = (hex_val(provided[2 * i]) << 4) | hex_val(provided[2 * i + 1]);
        diff |= got ^ u16::from(*byte);
    }
    diff == 0
}

/// Whether two byte strings are equal, in time that depends only on their
/// lengths (never on where they differ). For secrets such as tokens: compare
/// fixed-length digests of them when the length itself must stay hidden.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Reading the accumulated difference through `black_box` keeps the
    // optimiser from turning the loop into an early-exit comparison.
    core::hint::black_box(diff) == 0
}

/// A hex digit's value, or 0x100 for anything else, without branching on the
/// digit's value.
fn hex_val(c: u8) -> u16 {
    let c = u16::from(c);
    let digit = c.wrapping_sub(u16::from(b'0'));
    let upper = c.wrapping_sub(u16::from(b'A'));
    let lower = c.wrapping_sub(u16::from(b'a'));
    let is_digit = ((digit < 10) as u16).wrapping_neg();
    let is_upper = ((upper < 6) as u16).wrapping_neg();
    let is_lower = ((lower < 6) as u16).wrapping_neg();
    let none = !(is_digit | is_upper | is_lower);
    (digit & is_digit)
        | (upper.wrapping_add(10) & is_upper)
        | (lower.wrapping_add(10) & is_lower)
        | (0x100 & none)
}

/// What a server needs to check one request's signature.
#[derive(Clone, Copy)]
pub struct VerifyInput<'a> {
    /// The method the server expects.
    pub method: SignMethod,
    /// The secret that belongs to the request's access key.
    pub secret: &'a str,
    /// Every signed parameter of the request (query and form), path parameters excluded.
    pub params: &'a [(&'a str, &'a str)],
    /// The `Authorization` header, if any.
    pub authorization: Option<&'a str>,
    /// The server's clock, ms since the Unix epoch.
    pub now_ms: u64,
    /// How far the timestamp may be from `now_ms`, either way.
    pub window_ms: u64,
}

impl fmt::Debug for VerifyInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyInput")
            .field("method", &self.method)
            .field("secret", &"***")
            .field("params", &self.params.len())
            .field("now_ms", &self.now_ms)
            .field("window_ms", &self.window_ms)
            .finish()
    }
}

/// Why a request's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required parameter (`accesskey` or `timestamp`) is missing or empty.
    MissingParam(&'static str),
    /// The `Authorization` header is missing or empty.
    MissingSignature,
    /// The timestamp is not a decimal number of milliseconds.
    BadTimestamp,
    /// The timestamp is outside the window; `skew_ms` is request − server
    /// (positive: the client's clock is ahead).
    StaleTimestamp {
        /// Request timestamp minus server time, ms.
        skew_ms: i64,
        /// The window that was enforced, ms.
        window_ms: u64,
    },
    /// The signature does not match.
    BadSignature {
        /// The signature does match under the other method: the client uses
        /// the wrong sign method.
        other_method: Option<SignMethod>,
        /// The signature has the wrong length for the expected method.
        wrong_length: bool,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingParam(name) => {
                write!(f, "the required parameter `{name}` is missing: send accesskey and timestamp (ms since 1970) in the query string")
            }
            VerifyError::MissingSignature => {
                f.write_str("the Authorization header is missing: send the request signature in it")
            }
            VerifyError::BadTimestamp => {
                f.write_str("timestamp is not a number: send milliseconds since 1970-01-01 UTC")
            }
            VerifyError::StaleTimestamp { skew_ms, window_ms } => {
                let dir = if *skew_ms > 0 { "ahead of" } else { "behind" };
                write!(
                    f,
                    "timestamp is {} s {dir} the server's clock (allowed: ±{} s): correct the client's clock or use the server's Date header",
                    skew_ms.unsigned_abs() / 1000,
                    window_ms / 1000
                )
            }
            VerifyError::BadSignature {
                other_method: Some(m),
                ..
            } => write!(
                f,
                "signature mismatch: the request was signed with {m}, this server expects the other method; change the sign method"
            ),
            VerifyError::BadSignature {
                wrong_length: true, ..
            } => f.write_str(
                "signature mismatch: the signature has the wrong length for this server's sign method; check the sign method",
            ),
            VerifyError::BadSignature { .. } => f.write_str(
                "signature mismatch: check the secret key, the access key and the sign method",
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VerifyError {}

/// Finds the single value of a parameter.
pub fn param<'a>(params: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// Checks one request: required parameters, timestamp window, signature.
/// The caller has already looked up `secret` from the `accesskey` parameter.
pub fn verify(input: &VerifyInput<'_>) -> Result<(), VerifyError> {
    let present = |name: &'static str| match param(input.params, name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(VerifyError::MissingParam(name)),
    };
    present(PARAM_ACCESS_KEY)?;
    let ts = present(PARAM_TIMESTAMP)?;
    let provided = match input.authorization.map(str::trim) {
        Some(s) if !s.is_empty() => s,
        _ => return Err(VerifyError::MissingSignature),
    };
    if !ts.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VerifyError::BadTimestamp);
    }
    let ts: u64 = ts.parse().map_err(|_| VerifyError::BadTimestamp)?;
    let skew_ms = i128::from(ts) - i128::from(input.now_ms);
    if skew_ms.unsigned_abs() > u128::from(input.window_ms) {
        return Err(VerifyError::StaleTimestamp {
            skew_ms: skew_ms.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
            window_ms: input.window_ms,
        });
    }
    if signature_matches(input.method, input.secret, input.params, provided) {
        return Ok(());
    }
    let other = SignMethod::ALL.into_iter().find(|m| *m != input.method);
    let other_method =
        other.filter(|m| signature_matches(*m, input.secret, input.params, provided));
    Err(VerifyError::BadSignature {
        other_method,
        wrong_length: other_method.is_none() && provided.len() != input.method.hex_len(),
    })
}

#[cfg(test)]
mod tests {
    use super::ct_eq;

    #[test]
    fn ct_eq_is_equality() {
        assert!(ct_eq(b"", b""));
        assert!(ct_eq(b"token-123", b"token-123"));
        assert!(!ct_eq(b"token-123", b"token-124"));
        assert!(!ct_eq(b"xoken-123", b"token-123"));
        assert!(!ct_eq(b"token-123", b"token-12"));
        assert!(!ct_eq(b"", b"a"));
        // Every single-bit difference is seen, in any position.
        let base = [0x5au8; 16];
        for i in 0..16 {
            for bit in 0..8 {
                let mut other = base;
                other[i] ^= 1 << bit;
                assert!(!ct_eq(&base, &other), "byte {i} bit {bit}");
            }
        }
    }
}
