//! How long commands take, learned from the ones seen, so that following
//! one polls near its expected end instead of on a fixed backoff.
//!
//! [`Durations`] keeps the last [`SAMPLES`] durations per action (issue to
//! the end, as the follower estimates it: see
//! [`crate::follow::Follower::took_ms`]). From three on, it gives an
//! [`Expect`]: when the next one should end. A [`crate::follow::Follower`]
//! given one then
//!
//! - sleeps until the median duration, polling for progress at most every
//!   [`PROGRESS_MS`] on the way (half the rate of polling every 3 s); about
//!   half the commands have ended by then and take that one read;
//! - polls every [`WINDOW_STEP_MS`] after it until the late end (about the
//!   90th percentile), so the end shows at most that long after it happens;
//! - past that, falls back to the policy's backoff.
//!
//! Simulated over 2,000 commands of 5 s ± 5% (five steps of 1 s ± 15%):
//! 1.5 reads per command and the outcome known 0.36 s after the end
//! (median), against 2 reads and 1.03 s for polling every 3 s; the first
//! poll at the early end (10th percentile) with 900 ms steps and the middle
//! of the last two polls as the duration, as first written, gave 3.0 reads
//! and 0.51 s (BENCHMARKS.md has the measured figures).
//!
//! With nothing learned it follows the policy: a quick first poll, then
//! backoff. Pure data, no clock: the drivers say when things happened.

use alloc::vec::Vec;

use crate::action::Action;
use crate::json::{Obj, Value};

/// Durations kept per action.
pub const SAMPLES: usize = 16;
/// Durations needed before an expectation is given.
pub const MIN_SAMPLES: usize = 3;
/// The poll interval from the median duration to the late end, ms.
pub const WINDOW_STEP_MS: u64 = 600;
/// Before the window, a progress poll at most this often, ms.
pub const PROGRESS_MS: u64 = 6_000;

/// When a command of one action should end, from issue, ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expect {
    /// Early end (about the 10th percentile of those seen).
    pub lo_ms: u64,
    /// The median of those seen: the first poll.
    pub mid_ms: u64,
    /// Late end (about the 90th percentile).
    pub hi_ms: u64,
}

impl Expect {
    /// The delay before the next poll at `elapsed_ms` since issue, or
    /// `None` once past the window (the policy's backoff then).
    pub fn delay_at(&self, elapsed_ms: u64) -> Option<u64> {
        let close = self.hi_ms + WINDOW_STEP_MS;
        if elapsed_ms < self.mid_ms {
            Some((self.mid_ms - elapsed_ms).min(PROGRESS_MS))
        } else if elapsed_ms < close {
            Some(WINDOW_STEP_MS)
        } else {
            None
        }
    }
}

/// The durations of the commands seen, per action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Durations {
    by_action: [Vec<u64>; 3],
}

fn slot(action: Action) -> usize {
    match action {
        Action::Start => 0,
        Action::Stop => 1,
        Action::Delete => 2,
    }
}

impl Durations {
    /// Nothing learned.
    pub fn new() -> Durations {
        Durations::default()
    }

    /// A command of `action` took `took_ms` from issue to its end.
    pub fn record(&mut self, action: Action, took_ms: u64) {
        let v = &mut self.by_action[slot(action)];
        if v.len() == SAMPLES {
            v.remove(0);
        }
        v.push(took_ms);
    }

    /// How many durations of `action` are known.
    pub fn count(&self, action: Action) -> usize {
        self.by_action[slot(action)].len()
    }

    /// When the next command of `action` should end, once
    /// [`MIN_SAMPLES`] are known.
    pub fn expect(&self, action: Action) -> Option<Expect> {
        let v = &self.by_action[slot(action)];
        if v.len() < MIN_SAMPLES {
            return None;
        }
        // At most SAMPLES: an insertion sort, not the library's (whose
        // generic code would cost the wasm builds more than it saves).
        let mut sorted: Vec<u64> = Vec::with_capacity(v.len());
        for &ms in v {
            let at = sorted.iter().position(|x| *x > ms).unwrap_or(sorted.len());
            sorted.insert(at, ms);
        }
        let n = sorted.len();
        Some(Expect {
            lo_ms: sorted[n / 10],
            mid_ms: sorted[n / 2],
            hi_ms: sorted[(n * 9 / 10).min(n - 1)],
        })
    }

    /// The durations as JSON: `{"start":[…],"stop":[…],"delete":[…]}`.
    pub fn write_json(&self, out: &mut alloc::string::String) {
        let mut o = Obj::new(out);
        for action in Action::ALL {
            let mut list = alloc::string::String::from("[");
            for (i, ms) in self.by_action[slot(action)].iter().enumerate() {
                if i > 0 {
                    list.push(',');
                }
                let _ = core::fmt::Write::write_fmt(&mut list, format_args!("{ms}"));
            }
            list.push(']');
            o.raw(action.as_str(), &list);
        }
        o.end();
    }

    /// Reads what [`Durations::write_json`] wrote (anything else is
    /// nothing learned; odd items are skipped).
    pub fn from_json(v: &Value<'_>) -> Durations {
        let mut d = Durations::new();
        for action in Action::ALL {
            if let Some(Value::Arr(items)) = v.get(action.as_str()) {
                for item in items.iter().rev().take(SAMPLES).rev() {
                    if let Value::Num(n) = item
                        && let Ok(ms) = n.parse::<u64>()
                    {
                        d.record(action, ms);
                    }
                }
            }
        }
        d
    }
}

/// When a command probably ended: between the last poll that saw it
/// running (`before_ms`, local) and the one that saw it ended (`seen_ms`).
pub fn end_between(before_ms: u64, seen_ms: u64) -> u64 {
    before_ms + seen_ms.saturating_sub(before_ms) / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_learned_until_three() {
        let mut d = Durations::new();
        assert_eq!(d.expect(Action::Start), None);
        d.record(Action::Start, 5_000);
        d.record(Action::Start, 5_200);
        assert_eq!(d.expect(Action::Start), None);
        d.record(Action::Start, 4_900);
        assert_eq!(
            d.expect(Action::Start),
            Some(Expect {
                lo_ms: 4_900,
                mid_ms: 5_000,
                hi_ms: 5_200
            })
        );
        assert_eq!(d.expect(Action::Stop), None, "per action");
    }

    #[test]
    fn only_the_last_samples_count() {
        let mut d = Durations::new();
        for _ in 0..SAMPLES {
            d.record(Action::Stop, 60_000);
        }
        for _ in 0..SAMPLES {
            d.record(Action::Stop, 4_000);
        }
        assert_eq!(d.count(Action::Stop), SAMPLES);
        assert_eq!(d.expect(Action::Stop).unwrap().hi_ms, 4_000);
    }

    #[test]
    fn the_window_schedule() {
        let e = Expect {
            lo_ms: 19_500,
            mid_ms: 20_000,
            hi_ms: 21_000,
        };
        // Progress at most every 6 s until the median...
        assert_eq!(e.delay_at(0), Some(PROGRESS_MS));
        assert_eq!(e.delay_at(18_000), Some(2_000));
        // ...then every 600 ms to the late end and one step past it...
        assert_eq!(e.delay_at(20_000), Some(WINDOW_STEP_MS));
        assert_eq!(e.delay_at(21_500), Some(WINDOW_STEP_MS));
        // ...then the policy's backoff.
        assert_eq!(e.delay_at(21_600), None);
    }

    #[test]
    fn json_round_trip() {
        let mut d = Durations::new();
        d.record(Action::Start, 5_000);
        d.record(Action::Delete, 7);
        let mut text = alloc::string::String::new();
        d.write_json(&mut text);
        assert_eq!(text, r#"{"start":[5000],"stop":[],"delete":[7]}"#);
        let back = Durations::from_json(&crate::json::parse(text.as_bytes()).unwrap());
        assert_eq!(back, d);
        let odd = crate::json::parse(br#"{"start":[1,"x",-3,2.5,9],"stop":{}}"#).unwrap();
        assert_eq!(Durations::from_json(&odd).count(Action::Start), 2);
        assert_eq!(end_between(1_000, 2_000), 1_500);
    }
}
