//! The simulator's one reader of the system clock, and the API's time format.
//!
//! Everything else takes `now_ms` as a parameter, so the state machine can be
//! driven by plain function calls in tests.

use std::time::{SystemTime, UNIX_EPOCH};

use ews_core::ApiTime;
use ews_core::time::{DEFAULT_SERVER_UTC_OFFSET_MIN, DateTime};

/// Milliseconds since the Unix epoch by the machine's clock (0 if the clock
/// is before 1970).
pub fn system_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// `now_ms` shifted by `skew_ms` (the injected clock skew), saturating.
pub fn shifted(now_ms: u64, skew_ms: i64) -> u64 {
    now_ms.saturating_add_signed(skew_ms)
}

/// An API time field (`YYYY-MM-DD hh:mm:ss`, server local time +08:00) for
/// an instant in ms since the Unix epoch.
pub fn api_time(unix_ms: u64) -> ApiTime {
    let ms = i64::try_from(unix_ms).unwrap_or(i64::MAX);
    ApiTime::from_datetime(DateTime::from_unix_ms(ms, DEFAULT_SERVER_UTC_OFFSET_MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_china_standard_time() {
        // 2016-01-28 06:22:35 UTC is 14:22:35 at +08:00.
        assert_eq!(api_time(1_453_962_155_000).raw(), "2016-01-28 14:22:35");
    }

    #[test]
    fn shift_saturates() {
        assert_eq!(shifted(1000, -5000), 0);
        assert_eq!(shifted(1000, 500), 1500);
        assert_eq!(shifted(u64::MAX, 1), u64::MAX);
    }
}
