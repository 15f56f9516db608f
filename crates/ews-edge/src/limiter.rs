//! Rate limiting of failed sign-ins: the arithmetic and the client keys.
//! The buckets themselves live in the Durable Object
//! ([`crate::durable`]), so every isolate everywhere sees one count, and an
//! attempt is reserved there, atomically, *before* its token is read.
//!
//! Each key has a leaky bucket of "debt": every attempt adds its refill
//! time, a successful one is refunded, and the debt drains in real time.
//! While the debt is above `(burst - 1) × refill`, the key is limited.
//!
//! **Whose bucket.** The client's address counts only when it comes from a
//! header the operator trusts ([`ClientIp`]): `CF-Connecting-IP` on
//! Cloudflare (which overwrites what a client sends), the header named by
//! `EWS_CLIENT_IP_HEADER` elsewhere (a proxy that sets it), and no address
//! at all otherwise — a made-up header is then just ignored. An IPv6
//! address is keyed by its /64 (one subscriber's whole network).
//!
//! - **With an address**: [`PER_CLIENT`], 5 attempts, then one every 12 s,
//!   per address. A parallel burst gets 5 attempts checked, not more; a
//!   valid token from another address is never affected.
//! - **Without one**: there is no way to tell one client from another, and
//!   a shared bucket could be filled by anyone to lock everyone out. So the
//!   worker keeps valid tokens working and limits only what fails: a token
//!   is checked, a valid one is always let in, and a wrong one is charged to
//!   one [`GLOBAL`] budget (20, then one every 3 s); past it, wrong tokens
//!   are answered 429. Guessing is then bounded by the tokens' strength
//!   (16+ random characters), not by the limit: configure a trusted address
//!   header wherever one exists.

/// A limit: attempts in a burst, then one per refill period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed in a burst.
    pub burst: u64,
    /// After the burst, one more every this many ms.
    pub refill_ms: u64,
}

/// Per trusted client address: 5, then one every 12 s.
pub const PER_CLIENT: Limit = Limit {
    burst: 5,
    refill_ms: 12_000,
};

/// Without a trusted address, wrong tokens from everyone: 20, then one
/// every 3 s.
pub const GLOBAL: Limit = Limit {
    burst: 20,
    refill_ms: 3_000,
};

/// The key of the global bucket.
pub const GLOBAL_KEY: &str = "global";

/// A bucket's state: debt in ms, as of `at_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bucket {
    /// Debt at `at_ms`.
    pub debt_ms: u64,
    /// When it was last written.
    pub at_ms: u64,
}

impl Bucket {
    /// The debt left at `now_ms`.
    pub fn debt_at(&self, now_ms: u64) -> u64 {
        self.debt_ms
            .saturating_sub(now_ms.saturating_sub(self.at_ms))
    }

    /// Whether it has drained completely by `now_ms` (it may be forgotten).
    pub fn drained(&self, now_ms: u64) -> bool {
        self.debt_at(now_ms) == 0
    }
}

impl Limit {
    /// `Ok(bucket after the charge)` when one more attempt may be made now,
    /// else the seconds to wait (at least 1). The debt is capped so a long
    /// attack never locks a key out for more than `2 × burst × refill`.
    pub fn reserve(self, bucket: Bucket, now_ms: u64) -> Result<Bucket, u64> {
        let debt = bucket.debt_at(now_ms);
        let allowed = (self.burst - 1) * self.refill_ms;
        if debt > allowed {
            return Err((debt - allowed).div_ceil(1000).max(1));
        }
        Ok(self.charge(bucket, now_ms))
    }

    /// The bucket with one more failure charged, whatever its state.
    pub fn charge(self, bucket: Bucket, now_ms: u64) -> Bucket {
        let cap = self.burst * self.refill_ms * 2;
        Bucket {
            debt_ms: (bucket.debt_at(now_ms) + self.refill_ms).min(cap),
            at_ms: now_ms,
        }
    }

    /// The bucket with one attempt given back (it succeeded).
    pub fn refund(self, bucket: Bucket, now_ms: u64) -> Bucket {
        Bucket {
            debt_ms: bucket.debt_at(now_ms).saturating_sub(self.refill_ms),
            at_ms: now_ms,
        }
    }

    /// Whether a key with `bucket` is over the limit at `now_ms`, and for
    /// how many seconds more.
    pub fn limited(self, bucket: Bucket, now_ms: u64) -> Option<u64> {
        let debt = bucket.debt_at(now_ms);
        let allowed = (self.burst - 1) * self.refill_ms;
        (debt > allowed).then(|| (debt - allowed).div_ceil(1000).max(1))
    }
}

/// Where the client's address comes from (`EWS_CLIENT_IP_HEADER`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClientIp {
    /// Not configured: `CF-Connecting-IP` when the runtime is Cloudflare
    /// (the request has a `cf` object), none elsewhere.
    #[default]
    Default,
    /// `none`: never trust an address.
    Untrusted,
    /// This header (lower case), set by a proxy the operator trusts.
    Header(String),
}

impl ClientIp {
    /// Parses `EWS_CLIENT_IP_HEADER`: `none`, or a header name.
    pub fn parse(text: &str) -> Result<ClientIp, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("none") {
            return Ok(ClientIp::Untrusted);
        }
        let ok = !t.is_empty()
            && t.len() <= 64
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(ClientIp::Header(t.to_ascii_lowercase()))
        } else {
            Err("give a header name such as CF-Connecting-IP or X-Real-IP, or none".into())
        }
    }

    /// The header to read, given whether the runtime is Cloudflare.
    pub fn header(&self, on_cloudflare: bool) -> Option<&str> {
        match self {
            ClientIp::Default if on_cloudflare => Some("cf-connecting-ip"),
            ClientIp::Default | ClientIp::Untrusted => None,
            ClientIp::Header(h) => Some(h),
        }
    }
}

/// The bucket key of an address from a trusted header: `ip:` and the IPv4
/// address, or the /64 of an IPv6 one (`ip:2001:db8:1:2::/64`). `None` for
/// anything that is not an IP address (the header is then ignored).
pub fn client_key(address: &str) -> Option<String> {
    let a = address.trim();
    // A proxy may list a chain: the first is the client.
    let a = a.split(',').next().unwrap_or("").trim();
    if a.is_empty() || a.len() > 64 {
        return None;
    }
    if a.contains(':') {
        // An IPv4 client written as IPv6 (::ffff:192.0.2.1) is that IPv4 client.
        if let Some(v4) = a.rsplit(':').next().filter(|t| t.contains('.')) {
            return ipv4(v4).map(|v| format!("ip:{v}"));
        }
        ipv6_prefix(a).map(|p| format!("ip:{p}::/64"))
    } else {
        ipv4(a).map(|p| format!("ip:{p}"))
    }
}

fn ipv4(a: &str) -> Option<String> {
    let mut n = 0;
    for part in a.split('.') {
        n += 1;
        if n > 4 || part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if part.parse::<u16>().ok()? > 255 {
            return None;
        }
    }
    (n == 4).then(|| a.to_owned())
}

/// The first four hextets of an IPv6 address, normalised (`2001:db8:0:1`).
fn ipv6_prefix(a: &str) -> Option<String> {
    let (head, tail) = match a.split_once("::") {
        Some((h, t)) => (h, Some(t)),
        None => (a, None),
    };
    let parse = |s: &str| -> Option<Vec<u16>> {
        if s.is_empty() {
            return Some(Vec::new());
        }
        s.split(':')
            .map(|h| {
                (!h.is_empty() && h.len() <= 4)
                    .then(|| u16::from_str_radix(h, 16).ok())
                    .flatten()
            })
            .collect()
    };
    let head = parse(head)?;
    let groups = match tail {
        None if head.len() == 8 => head,
        None => return None,
        Some(t) => {
            let tail = parse(t)?;
            if head.len() + tail.len() > 7 {
                return None;
            }
            let mut all = head;
            all.resize(8 - tail.len(), 0);
            all.extend(tail);
            all
        }
    };
    Some(
        groups[..4]
            .iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_000_000;

    #[test]
    fn five_attempts_then_one_every_twelve_seconds() {
        let l = PER_CLIENT;
        let mut b = Bucket::default();
        for i in 0..l.burst {
            b = l.reserve(b, T0).unwrap_or_else(|_| panic!("attempt {i}"));
        }
        assert_eq!(l.reserve(b, T0), Err(12));
        assert_eq!(l.reserve(b, T0 + 11_001), Err(1));
        let b = l.reserve(b, T0 + 12_000).unwrap();
        assert_eq!(l.limited(b, T0 + 12_000), Some(12));
        assert_eq!(l.limited(b, T0 + 200_000), None);
        assert!(b.drained(T0 + 200_000));
    }

    #[test]
    fn a_success_gives_its_attempt_back() {
        let l = PER_CLIENT;
        let mut b = Bucket::default();
        for _ in 0..l.burst {
            b = l.reserve(b, T0).unwrap();
            b = l.refund(b, T0);
        }
        assert_eq!(b.debt_ms, 0, "successes never accumulate");
        assert!(l.reserve(b, T0).is_ok());
    }

    #[test]
    fn debt_is_capped() {
        let l = PER_CLIENT;
        let mut b = Bucket::default();
        for _ in 0..1000 {
            b = l.charge(b, T0);
        }
        let wait = l.limited(b, T0).unwrap();
        assert_eq!(wait, (l.burst + 1) * l.refill_ms / 1000);
        assert_eq!(l.limited(b, T0 + wait * 1000), None);
    }

    #[test]
    fn keys_from_trusted_addresses() {
        assert_eq!(client_key("203.0.113.9").as_deref(), Some("ip:203.0.113.9"));
        assert_eq!(
            client_key("203.0.113.9, 10.0.0.1").as_deref(),
            Some("ip:203.0.113.9"),
            "the first of a proxy chain"
        );
        // One /64: every address of a subscriber's network shares a bucket.
        let a = client_key("2001:DB8:0:1:aaaa::1").unwrap();
        assert_eq!(a, "ip:2001:db8:0:1::/64");
        assert_eq!(
            client_key("2001:db8::1:ffff:0:0:7").unwrap(),
            "ip:2001:db8:0:1::/64"
        );
        assert_eq!(client_key("2001:db8:0:1:ffff:ffff:ffff:ffff").unwrap(), a);
        assert_ne!(client_key("2001:db8:0:2::1").unwrap(), a);
        assert_eq!(client_key("::1").unwrap(), "ip:0:0:0:0::/64");
        assert_eq!(client_key("::ffff:192.0.2.1").unwrap(), "ip:192.0.2.1");
        for bad in [
            "",
            "unknown",
            "<script>",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1:2:3",
            "1::2::3",
            "g::1",
        ] {
            assert_eq!(client_key(bad), None, "{bad}");
        }
        assert_eq!(client_key(&"1".repeat(65)), None);
    }

    #[test]
    fn which_header_is_trusted() {
        assert_eq!(ClientIp::Default.header(true), Some("cf-connecting-ip"));
        assert_eq!(ClientIp::Default.header(false), None);
        assert_eq!(ClientIp::parse("none").unwrap().header(true), None);
        let h = ClientIp::parse("X-Real-IP").unwrap();
        assert_eq!(h.header(false), Some("x-real-ip"));
        assert!(ClientIp::parse("x real ip").is_err());
        assert!(ClientIp::parse("").is_err());
    }
}
