//! Fault injection: what can go wrong between a client and the API, off by
//! default and deterministic for a seed.
//!
//! Set at start-up by flags and at run time by `PUT /__admin/faults` (with
//! `--admin`), as JSON with these keys (flag in brackets):
//!
//! | key | flag | effect |
//! |---|---|---|
//! | `latency_ms` | `--latency-ms N` | every API response waits N ms more |
//! | `latency_jitter_ms` | `--latency-jitter-ms N` | plus 0..=N ms more, seeded |
//! | `error_5xx` | `--fault-5xx P` | share answered 500/502/503 with an error envelope |
//! | `html` | `--fault-html P` | share answered 502 with a proxy's HTML page |
//! | `truncated` | `--fault-truncated P` | share whose real JSON answer is cut in half |
//! | `api_error` | `--fault-api-error P` | share answered HTTP 200 with code 1001 or 1009 |
//! | `drop` | `--fault-drop P` | share whose connection is closed without an answer |
//! | `hang` | `--fault-hang P` | share of new commands that never finish |
//! | `clock_skew_ms` | `--clock-skew-ms N` | the server's clock (and `Date`) is N ms off |
//! | `ops` | `--fault-ops LIST` | only these operations get response faults (`list,get,start,stop,delete,command`); empty: all |
//!
//! A share `P` is a fraction from 0 to 1. The response faults (`error_5xx`,
//! `html`, `truncated`, `api_error`, `drop`) are exclusive: one roll per
//! request picks at most one, so their shares may add up to 1 at most. All
//! but `truncated` replace the request before it is handled, so it has no
//! effect; `truncated` cuts the real answer, so a start/stop/delete *does*
//! happen (as when a proxy drops the end of a response).

use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// The operation names `ops` accepts (as `ews_core::Operation::name`).
pub const OPERATION_NAMES: [&str; 6] = ["list", "get", "start", "stop", "delete", "command"];

/// The longest injected latency, so no test can wait forever.
pub const MAX_LATENCY_MS: u64 = 120_000;
/// The largest clock skew: ten years.
pub const MAX_SKEW_MS: i64 = 10 * 366 * 24 * 3_600_000;

/// The fault configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added latency, ms.
    pub latency_ms: u64,
    /// Added random latency, 0..=N ms.
    pub latency_jitter_ms: u64,
    /// Share of 500/502/503 envelope answers.
    pub error_5xx: f64,
    /// Share of HTML error pages.
    pub html: f64,
    /// Share of truncated JSON answers.
    pub truncated: f64,
    /// Share of HTTP 200 answers with an error code.
    pub api_error: f64,
    /// Share of connections closed without an answer.
    pub drop: f64,
    /// Share of new commands that never finish.
    pub hang: f64,
    /// Server clock skew, ms (positive: ahead).
    pub clock_skew_ms: i64,
    /// Operations that get response faults; empty: all.
    pub ops: Vec<String>,
}

/// A partial update, as `PUT /__admin/faults` takes it: absent keys keep
/// their value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsPatch {
    latency_ms: Option<u64>,
    latency_jitter_ms: Option<u64>,
    error_5xx: Option<f64>,
    html: Option<f64>,
    truncated: Option<f64>,
    api_error: Option<f64>,
    drop: Option<f64>,
    hang: Option<f64>,
    clock_skew_ms: Option<i64>,
    ops: Option<Vec<String>>,
}

/// What one request gets instead of (or on top of) its normal answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    /// Close the connection without an answer.
    Drop,
    /// This HTTP status (500, 502 or 503) with an error envelope.
    Status5xx(u16),
    /// A proxy's HTML error page (502).
    Html,
    /// The real answer, cut in half.
    Truncated,
    /// HTTP 200 with this error code (1001 or 1009).
    ApiError(u16),
}

impl Faults {
    /// Checks every value: shares in `[0, 1]` and the response shares
    /// together at most 1, bounded latency and skew, known operation names.
    pub fn validate(&self) -> Result<(), String> {
        for (name, p) in self.shares() {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("`{name}` is {p}: a share must be between 0 and 1"));
            }
        }
        if !(0.0..=1.0).contains(&self.hang) {
            return Err(format!(
                "`hang` is {}: a share must be between 0 and 1",
                self.hang
            ));
        }
        let sum: f64 = self.shares().iter().map(|(_, p)| p).sum();
        if sum > 1.0 + 1e-9 {
            return Err(format!(
                "the response fault shares (error_5xx, html, truncated, api_error, drop) add up to {sum}: at most 1"
            ));
        }
        if self.latency_ms.saturating_add(self.latency_jitter_ms) > MAX_LATENCY_MS {
            return Err(format!(
                "latency_ms + latency_jitter_ms is at most {MAX_LATENCY_MS}"
            ));
        }
        if self.clock_skew_ms.unsigned_abs() > MAX_SKEW_MS.unsigned_abs() {
            return Err(format!(
                "clock_skew_ms is at most ±{MAX_SKEW_MS} (ten years)"
            ));
        }
        if let Some(bad) = self
            .ops
            .iter()
            .find(|o| !OPERATION_NAMES.contains(&o.as_str()))
        {
            return Err(format!(
                "`{bad}` in ops is not an operation: use {}",
                OPERATION_NAMES.join(", ")
            ));
        }
        Ok(())
    }

    fn shares(&self) -> [(&'static str, f64); 5] {
        [
            ("error_5xx", self.error_5xx),
            ("html", self.html),
            ("truncated", self.truncated),
            ("api_error", self.api_error),
            ("drop", self.drop),
        ]
    }

    /// This configuration with `patch` applied, validated.
    pub fn patched(&self, patch: FaultsPatch) -> Result<Faults, String> {
        let mut f = self.clone();
        macro_rules! set {
            ($($field:ident),*) => { $( if let Some(v) = patch.$field { f.$field = v; } )* };
        }
        set!(
            latency_ms,
            latency_jitter_ms,
            error_5xx,
            html,
            truncated,
            api_error,
            drop,
            hang,
            clock_skew_ms,
            ops
        );
        f.validate()?;
        Ok(f)
    }

    /// Whether any response fault or latency is on.
    pub fn any_response_fault(&self) -> bool {
        self.latency_ms > 0
            || self.latency_jitter_ms > 0
            || self.shares().iter().any(|(_, p)| *p > 0.0)
    }

    /// Decides the latency (ms) and the fault, if any, for one request to
    /// operation `op` (`None`: a path that is no operation). Draws the same
    /// number of values whatever the configuration, so the stream of
    /// decisions depends only on the seed and the request order.
    pub fn decide(&self, rng: &mut Rng, op: Option<&str>) -> (u64, Option<Injected>) {
        let roll = rng.unit();
        let detail = rng.below(6);
        let jitter = rng.below(self.latency_jitter_ms.saturating_add(1));
        let latency = self.latency_ms.saturating_add(jitter);
        let applies = self.ops.is_empty() || op.is_some_and(|op| self.ops.iter().any(|o| o == op));
        if !applies {
            return (0, None);
        }
        let mut edge = 0.0;
        for (name, p) in self.shares() {
            edge += p;
            if p > 0.0 && roll < edge {
                let injected = match name {
                    "error_5xx" => Injected::Status5xx([500, 502, 503][(detail % 3) as usize]),
                    "html" => Injected::Html,
                    "truncated" => Injected::Truncated,
                    "api_error" => {
                        Injected::ApiError(if detail.is_multiple_of(2) { 1001 } else { 1009 })
                    }
                    _ => Injected::Drop,
                };
                return (latency, Some(injected));
            }
        }
        (latency, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default() {
        let f = Faults::default();
        assert!(!f.any_response_fault());
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            assert_eq!(f.decide(&mut rng, Some("list")), (0, None));
        }
    }

    #[test]
    fn full_share_always_fires() {
        let f = Faults {
            drop: 1.0,
            ..Faults::default()
        };
        let mut rng = Rng::new(1);
        for _ in 0..100 {
            assert_eq!(f.decide(&mut rng, None).1, Some(Injected::Drop));
        }
    }

    #[test]
    fn shares_are_roughly_respected_and_deterministic() {
        let f = Faults {
            error_5xx: 0.1,
            html: 0.1,
            api_error: 0.2,
            ..Faults::default()
        };
        let count = |seed| {
            let mut rng = Rng::new(seed);
            let mut n = [0u32; 3];
            for _ in 0..10_000 {
                match f.decide(&mut rng, Some("get")).1 {
                    Some(Injected::Status5xx(_)) => n[0] += 1,
                    Some(Injected::Html) => n[1] += 1,
                    Some(Injected::ApiError(_)) => n[2] += 1,
                    None => {}
                    other => panic!("{other:?}"),
                }
            }
            n
        };
        let n = count(9);
        assert_eq!(n, count(9));
        assert!(
            (800..1200).contains(&n[0])
                && (800..1200).contains(&n[1])
                && (1700..2300).contains(&n[2]),
            "{n:?}"
        );
    }

    #[test]
    fn ops_filter() {
        let f = Faults {
            error_5xx: 1.0,
            latency_ms: 5,
            ops: vec!["list".into()],
            ..Faults::default()
        };
        let mut rng = Rng::new(2);
        assert!(matches!(
            f.decide(&mut rng, Some("list")),
            (5, Some(Injected::Status5xx(_)))
        ));
        assert_eq!(f.decide(&mut rng, Some("start")), (0, None));
        assert_eq!(f.decide(&mut rng, None), (0, None));
    }

    #[test]
    fn jitter_stays_in_bounds_and_varies() {
        let f = Faults {
            latency_ms: 10,
            latency_jitter_ms: 5,
            ..Faults::default()
        };
        let mut rng = Rng::new(4);
        let seen: std::collections::BTreeSet<u64> =
            (0..200).map(|_| f.decide(&mut rng, None).0).collect();
        assert_eq!(seen.first(), Some(&10));
        assert_eq!(seen.last(), Some(&15));
        assert_eq!(seen.len(), 6);
    }

    #[test]
    fn validation() {
        let bad = [
            Faults {
                drop: 1.5,
                ..Faults::default()
            },
            Faults {
                drop: 0.6,
                html: 0.6,
                ..Faults::default()
            },
            Faults {
                hang: -0.1,
                ..Faults::default()
            },
            Faults {
                latency_ms: MAX_LATENCY_MS + 1,
                ..Faults::default()
            },
            Faults {
                ops: vec!["explode".into()],
                ..Faults::default()
            },
            Faults {
                clock_skew_ms: i64::MIN,
                ..Faults::default()
            },
            Faults {
                error_5xx: f64::NAN,
                ..Faults::default()
            },
        ];
        for f in bad {
            assert!(f.validate().is_err(), "{f:?}");
        }
        assert!(Faults::default().validate().is_ok());
    }

    #[test]
    fn patch_merges_and_rejects_unknown_keys() {
        let base = Faults {
            latency_ms: 10,
            ..Faults::default()
        };
        let patch: FaultsPatch = serde_json::from_str(r#"{"drop":0.5}"#).unwrap();
        let f = base.patched(patch).unwrap();
        assert_eq!((f.latency_ms, f.drop), (10, 0.5));
        assert!(serde_json::from_str::<FaultsPatch>(r#"{"dorp":0.5}"#).is_err());
        let patch: FaultsPatch = serde_json::from_str(r#"{"drop":2}"#).unwrap();
        assert!(base.patched(patch).is_err());
    }
}
