//! The follow policy's knobs as JavaScript passes them. Following itself is
//! the core's [`ews_core::follow::Follower`], which `CommandFollower`
//! (JavaScript) wraps and `EwsClient.followCommand` drives with `fetch` and
//! `setTimeout`; `CommandFollower` counts time from 0, so its `elapsedMs`
//! arguments are the core's `now_ms`.

use ews_core::Command;
use ews_core::command::FollowPolicy;
use ews_core::json::{Obj, ToJson};

/// The knobs' names, as JavaScript spells them, in [`PolicyInit`]'s order.
pub const FIELDS: [&str; 6] = [
    "firstDelayMs",
    "minDelayMs",
    "elapsedPercent",
    "maxDelayMs",
    "timeoutMs",
    "maxConsecutiveErrors",
];

/// The policy's knobs, as JavaScript sees them (`FollowPolicy` in the
/// TypeScript types). On input every field is optional: missing ones keep
/// the core's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyInit {
    /// Delay before the first poll, ms.
    pub first_delay_ms: Option<u64>,
    /// Shortest delay after the first poll, ms.
    pub min_delay_ms: Option<u64>,
    /// The delay grows to this share (percent) of the time elapsed so far.
    pub elapsed_percent: Option<u64>,
    /// Longest delay, ms.
    pub max_delay_ms: Option<u64>,
    /// Give up after this long without a final status, ms.
    pub timeout_ms: Option<u64>,
    /// Give up after this many transient failures in a row.
    pub max_consecutive_errors: Option<u32>,
}

impl PolicyInit {
    /// Every field of `policy`.
    pub fn of(policy: &FollowPolicy) -> Self {
        PolicyInit {
            first_delay_ms: Some(policy.first_delay_ms),
            min_delay_ms: Some(policy.min_delay_ms),
            elapsed_percent: Some(policy.elapsed_percent),
            max_delay_ms: Some(policy.max_delay_ms),
            timeout_ms: Some(policy.timeout_ms),
            max_consecutive_errors: Some(policy.max_consecutive_errors),
        }
    }

    /// The core's default with the given fields replaced.
    pub fn policy(&self) -> FollowPolicy {
        let d = FollowPolicy::default();
        FollowPolicy {
            first_delay_ms: self.first_delay_ms.unwrap_or(d.first_delay_ms),
            min_delay_ms: self.min_delay_ms.unwrap_or(d.min_delay_ms),
            elapsed_percent: self.elapsed_percent.unwrap_or(d.elapsed_percent),
            max_delay_ms: self.max_delay_ms.unwrap_or(d.max_delay_ms),
            timeout_ms: self.timeout_ms.unwrap_or(d.timeout_ms),
            max_consecutive_errors: self
                .max_consecutive_errors
                .unwrap_or(d.max_consecutive_errors),
        }
    }

    /// A (partial) policy from the fields JavaScript gave: each name with
    /// its number (`None`: not a number). Unknown names and values that are
    /// not whole numbers of 0 or more are refused, naming them. (Read field
    /// by field rather than with serde: serde's errors would bring the
    /// float printer, ~2 KB gzip, into the wasm.)
    pub fn from_fields(
        fields: impl IntoIterator<Item = (String, Option<f64>)>,
    ) -> Result<FollowPolicy, String> {
        let mut init = PolicyInit::default();
        for (name, value) in fields {
            let index = FIELDS.iter().position(|f| *f == name).ok_or_else(|| {
                format!(
                    "invalid follow policy: unknown field `{name}`, expected one of {}",
                    FIELDS.join(", ")
                )
            })?;
            let n = value
                .filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n <= 9.0e15)
                .ok_or_else(|| {
                    format!("invalid follow policy: `{name}` must be a whole number, 0 or more")
                })? as u64;
            match index {
                0 => init.first_delay_ms = Some(n),
                1 => init.min_delay_ms = Some(n),
                2 => init.elapsed_percent = Some(n),
                3 => init.max_delay_ms = Some(n),
                4 => init.timeout_ms = Some(n),
                _ => {
                    init.max_consecutive_errors = Some(
                        u32::try_from(n)
                            .map_err(|_| format!("invalid follow policy: `{name}` is too large"))?,
                    )
                }
            }
        }
        Ok(init.policy())
    }
}

impl ToJson for PolicyInit {
    fn write_json(&self, out: &mut String) {
        let mut o = Obj::new(out);
        let values = [
            self.first_delay_ms,
            self.min_delay_ms,
            self.elapsed_percent,
            self.max_delay_ms,
            self.timeout_ms,
            self.max_consecutive_errors.map(u64::from),
        ];
        for (name, value) in FIELDS.iter().zip(values) {
            if let Some(v) = value {
                o.uint(name, v);
            }
        }
        o.end();
    }
}

/// A command given as JSON with the API's field names (what the SDK hands
/// out), read as tolerantly as an answer's. Fails when it is not one.
pub fn command_from_json(json: &str) -> Result<Command, String> {
    let value = ews_core::json::parse(json.as_bytes()).map_err(|e| {
        format!(
            "not a command ({{commandId, status, result, …}}): {}",
            e.reason()
        )
    })?;
    Command::from_json(&value)
        .map_err(|why| format!("not a command ({{commandId, status, result, …}}): {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::CommandStatus;
    use ews_core::command::{Next, Outcome};
    use ews_core::follow::Follower;

    /// The core's follower with time counted from 0, as `CommandFollower`.
    fn follower(policy: FollowPolicy) -> Follower {
        Follower::new(policy, 0)
    }

    fn seen(f: &mut Follower, elapsed: u64, json: &str) -> Result<Next, String> {
        Ok(f.on_command(elapsed, &command_from_json(json)?))
    }

    fn cmd(status: &str, result: &str) -> String {
        format!(r#"{{"commandId":"c-1","status":"{status}","result":"{result}","resultMsg":"m"}}"#)
    }

    #[test]
    fn policy_from_partial_fields() {
        let d = FollowPolicy::default();
        let fields = |pairs: &[(&str, Option<f64>)]| {
            PolicyInit::from_fields(pairs.iter().map(|(n, v)| (n.to_string(), *v)))
        };
        assert_eq!(fields(&[]), Ok(d));
        let p = fields(&[("firstDelayMs", Some(10.0)), ("timeoutMs", Some(2000.0))]).unwrap();
        assert_eq!((p.first_delay_ms, p.timeout_ms), (10, 2000));
        assert_eq!(p.max_delay_ms, d.max_delay_ms);
        let e = fields(&[("firstDelay", Some(10.0))]).unwrap_err();
        assert!(e.contains("unknown field `firstDelay`"), "{e}");
        for bad in [Some(-1.0), Some(1.5), Some(f64::NAN), None] {
            assert!(fields(&[("timeoutMs", bad)]).is_err(), "{bad:?}");
        }
        let round: serde_json::Value = serde_json::from_str(&PolicyInit::of(&d).to_json()).unwrap();
        let back: Vec<(String, Option<f64>)> = FIELDS
            .iter()
            .map(|f| (f.to_string(), round[*f].as_f64()))
            .collect();
        assert_eq!(PolicyInit::from_fields(back), Ok(d));
        assert_eq!(round["maxConsecutiveErrors"], 5);
    }

    #[test]
    fn follows_to_success() {
        let mut f = follower(FollowPolicy::default());
        assert_eq!(f.clone().start(0, None), Next::PollIn(500));
        let first = command_from_json(&cmd("CREATED", "")).unwrap();
        assert_eq!(f.start(0, Some(&first)), Next::PollIn(500));
        assert_eq!(
            seen(&mut f, 500, &cmd("RUNNING", "")),
            Ok(Next::PollIn(1000))
        );
        assert_eq!(
            seen(&mut f, 1500, &cmd("DONE", "200")),
            Ok(Next::Done(Outcome::Succeeded {
                message: "m".into()
            }))
        );
        assert!(seen(&mut f, 0, "[]").is_err());
    }

    #[test]
    fn failures_count_until_a_status_resets_them() {
        let policy = FollowPolicy {
            max_consecutive_errors: 2,
            ..FollowPolicy::default()
        };
        let mut f = follower(policy);
        seen(&mut f, 0, &cmd("RUNNING", "")).unwrap();
        assert!(matches!(
            f.on_failure(600, true, "x".into()),
            Next::PollIn(_)
        ));
        seen(&mut f, 1600, &cmd("RUNNING", "")).unwrap();
        assert!(matches!(
            f.on_failure(2600, true, "x".into()),
            Next::PollIn(_)
        ));
        assert_eq!(
            f.on_failure(3600, true, "twice".into()),
            Next::Done(Outcome::Lost {
                reason: "twice".into()
            })
        );
        // A lasting error stops at once.
        let mut g = follower(FollowPolicy::default());
        assert!(matches!(
            g.on_failure(600, false, "gone".into()),
            Next::Done(Outcome::Lost { .. })
        ));
    }

    #[test]
    fn a_timeout_reports_the_last_status() {
        let policy = FollowPolicy {
            timeout_ms: 1_000,
            ..FollowPolicy::default()
        };
        let mut f = follower(policy);
        seen(&mut f, 0, &cmd("PUBLISHED", "")).unwrap();
        let next = f.on_failure(1_000, true, "slow".into());
        assert_eq!(
            next,
            Next::Done(Outcome::TimedOut {
                last_status: Some(CommandStatus::Published),
                after_ms: 1_000
            })
        );
    }
}
