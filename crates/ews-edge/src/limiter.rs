//! Rate limiting of failed logins, per client, best effort per isolate.
//!
//! Each client key has a leaky bucket of failures: every failed login (a
//! wrong token on the login page, or a wrong bearer token) adds
//! [`REFILL_MS`] of "debt", and the debt drains in real time. While the debt
//! is above `(ALLOWED_BURST - 1) × REFILL_MS`, every attempt from that
//! client, even with a right token, is refused with 429 and a
//! `Retry-After`. In numbers: **5 failures in a row, then one attempt every
//! 12 s**, so at most 5 guesses a minute per client per isolate.
//!
//! The client key is the `CF-Connecting-IP` header (set by Cloudflare, which
//! overwrites whatever the client sent); without it (local workerd, other
//! runtimes) every client shares the key `unknown`. The state lives in the
//! isolate's memory: a runtime with many isolates multiplies the limit by
//! their number, and a restart forgets it. It holds at most [`MAX_KEYS`]
//! clients; when full, drained entries are dropped first, and past that new
//! clients share one overflow bucket (so a flood of addresses cannot make it
//! grow without bound).

use std::collections::BTreeMap;

/// Failures allowed in a burst before the limit applies.
pub const ALLOWED_BURST: u64 = 5;
/// After the burst, one more attempt every this many ms.
pub const REFILL_MS: u64 = 12_000;
/// Most clients tracked at once.
pub const MAX_KEYS: usize = 4096;
/// The key shared by clients without `CF-Connecting-IP`.
pub const UNKNOWN_CLIENT: &str = "unknown";
/// The key shared by new clients once [`MAX_KEYS`] are tracked.
pub const OVERFLOW_CLIENT: &str = "overflow";

#[derive(Debug, Clone, Copy)]
struct Bucket {
    debt_ms: u64,
    at_ms: u64,
}

impl Bucket {
    fn debt_at(&self, now_ms: u64) -> u64 {
        self.debt_ms
            .saturating_sub(now_ms.saturating_sub(self.at_ms))
    }
}

/// The failed-login limiter of one isolate.
#[derive(Debug, Clone, Default)]
pub struct Limiter {
    buckets: BTreeMap<String, Bucket>,
}

impl Limiter {
    /// An empty limiter.
    pub fn new() -> Limiter {
        Limiter::default()
    }

    /// `Ok` when `client` may try to authenticate now; otherwise the seconds
    /// to wait (for `Retry-After`, at least 1).
    pub fn check(&self, client: &str, now_ms: u64) -> Result<(), u64> {
        let key = self.key_for(client);
        let debt = self.buckets.get(key).map_or(0, |b| b.debt_at(now_ms));
        let allowed = (ALLOWED_BURST - 1) * REFILL_MS;
        if debt <= allowed {
            Ok(())
        } else {
            Err((debt - allowed).div_ceil(1000).max(1))
        }
    }

    /// Records one failed attempt by `client`.
    pub fn record_failure(&mut self, client: &str, now_ms: u64) {
        if !self.buckets.contains_key(client) && self.buckets.len() >= MAX_KEYS {
            self.buckets.retain(|_, b| b.debt_at(now_ms) > 0);
        }
        let key = self.key_for(client).to_owned();
        let bucket = self.buckets.entry(key).or_insert(Bucket {
            debt_ms: 0,
            at_ms: now_ms,
        });
        // Cap the debt so a long attack does not lock a client out for hours.
        let cap = ALLOWED_BURST * REFILL_MS * 2;
        bucket.debt_ms = (bucket.debt_at(now_ms) + REFILL_MS).min(cap);
        bucket.at_ms = now_ms;
    }

    /// How many clients are tracked.
    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    /// Whether no client is tracked.
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    fn key_for<'a>(&self, client: &'a str) -> &'a str {
        if self.buckets.contains_key(client) || self.buckets.len() < MAX_KEYS {
            client
        } else {
            OVERFLOW_CLIENT
        }
    }
}

/// The limiter key of a request: its `CF-Connecting-IP`, else
/// [`UNKNOWN_CLIENT`]. Garbage is refused (at most 64 characters of an IP
/// address's alphabet), so the header cannot grow the map's keys.
pub fn client_key(cf_connecting_ip: Option<&str>) -> String {
    match cf_connecting_ip.map(str::trim) {
        Some(ip)
            if !ip.is_empty()
                && ip.len() <= 64
                && ip
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':') =>
        {
            ip.to_ascii_lowercase()
        }
        _ => UNKNOWN_CLIENT.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_000_000;

    #[test]
    fn five_failures_then_one_every_twelve_seconds() {
        let mut l = Limiter::new();
        for i in 0..ALLOWED_BURST {
            assert_eq!(l.check("1.2.3.4", T0), Ok(()), "attempt {i}");
            l.record_failure("1.2.3.4", T0);
        }
        assert_eq!(l.check("1.2.3.4", T0), Err(12));
        // Other clients are not affected.
        assert_eq!(l.check("5.6.7.8", T0), Ok(()));
        assert_eq!(l.check("1.2.3.4", T0 + 11_001), Err(1));
        assert_eq!(l.check("1.2.3.4", T0 + 12_000), Ok(()));
        l.record_failure("1.2.3.4", T0 + 12_000);
        assert_eq!(l.check("1.2.3.4", T0 + 12_000), Err(12));
        // Fully drained after a minute.
        l.record_failure("1.2.3.4", T0 + 12_000);
        assert_eq!(l.check("1.2.3.4", T0 + 200_000), Ok(()));
    }

    #[test]
    fn debt_is_capped() {
        let mut l = Limiter::new();
        for _ in 0..1000 {
            l.record_failure("ip", T0);
        }
        let wait = l.check("ip", T0).unwrap_err();
        assert_eq!(wait, (ALLOWED_BURST + 1) * REFILL_MS / 1000);
        assert_eq!(l.check("ip", T0 + wait * 1000), Ok(()));
    }

    #[test]
    fn bounded_size_with_overflow_bucket() {
        let mut l = Limiter::new();
        for i in 0..MAX_KEYS {
            l.record_failure(&format!("10.0.{}.{}", i / 256, i % 256), T0);
        }
        assert_eq!(l.len(), MAX_KEYS);
        for _ in 0..ALLOWED_BURST {
            l.record_failure("new-1", T0);
        }
        assert_eq!(l.len(), MAX_KEYS + 1, "overflow bucket added");
        // Every new client now shares the overflow bucket, which is full.
        assert!(l.check("new-2", T0).is_err());
        // Once the old entries drain they are pruned and new clients get their own.
        let later = T0 + ALLOWED_BURST * REFILL_MS * 3;
        l.record_failure("new-3", later);
        assert_eq!(l.len(), 1);
        assert_eq!(l.check("new-3", later), Ok(()));
    }

    #[test]
    fn client_keys() {
        assert_eq!(client_key(Some("203.0.113.9")), "203.0.113.9");
        assert_eq!(client_key(Some(" 2001:DB8::1 ")), "2001:db8::1");
        assert_eq!(client_key(None), UNKNOWN_CLIENT);
        assert_eq!(client_key(Some("")), UNKNOWN_CLIENT);
        assert_eq!(client_key(Some("<script>")), UNKNOWN_CLIENT);
        assert_eq!(client_key(Some(&"1".repeat(65))), UNKNOWN_CLIENT);
    }
}
