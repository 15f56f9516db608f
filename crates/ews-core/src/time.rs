//! The API's time fields: `"YYYY-MM-DD hh:mm:ss"` in the server's local time,
//! or `""` when not set.
//!
//! A time is kept as the server's string plus its parsed value, so it can be
//! shown exactly as given and also compared or turned into "5 min ago". The
//! string carries no zone; turning it into an instant needs the server's UTC
//! offset, which the caller supplies ([`DEFAULT_SERVER_UTC_OFFSET_MIN`] is
//! China Standard Time, where the EWS service ran).

use alloc::string::String;
use core::fmt;

/// The UTC offset, in minutes, assumed for server times when nothing better
/// is known: +08:00.
pub const DEFAULT_SERVER_UTC_OFFSET_MIN: i32 = 8 * 60;

/// A calendar date and wall-clock time, without a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Year, e.g. 2016.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–60 (a leap second is accepted as given).
    pub second: u8,
}

/// A time field as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiTime {
    raw: String,
    parsed: Option<DateTime>,
}

impl ApiTime {
    /// Wraps a server string; `""` (or blanks) means "not set".
    pub fn new(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let parsed = DateTime::parse(raw.trim());
        ApiTime { raw, parsed }
    }

    /// A time that is not set (the server's `""`).
    pub fn unset() -> Self {
        ApiTime::default()
    }

    /// From a parsed value; the string is its canonical form.
    pub fn from_datetime(dt: DateTime) -> Self {
        let mut raw = String::new();
        let _ = fmt::write(&mut raw, format_args!("{dt}"));
        ApiTime {
            raw,
            parsed: Some(dt),
        }
    }

    /// The string exactly as the server sent it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Whether the server sent a value (anything but `""`).
    pub fn is_set(&self) -> bool {
        !self.raw.trim().is_empty()
    }

    /// The parsed value, when the string has the documented shape.
    pub fn parsed(&self) -> Option<DateTime> {
        self.parsed
    }

    /// The instant, in ms since the Unix epoch, given the server's UTC offset.
    pub fn unix_ms(&self, utc_offset_min: i32) -> Option<i64> {
        self.parsed.map(|dt| dt.unix_ms(utc_offset_min))
    }
}

impl DateTime {
    /// Parses `YYYY-MM-DD hh:mm:ss` (a `T` separator is accepted too).
    pub fn parse(text: &str) -> Option<DateTime> {
        let b = text.as_bytes();
        if b.len() != 19
            || b[4] != b'-'
            || b[7] != b'-'
            || !(b[10] == b' ' || b[10] == b'T')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |from: usize, to: usize| -> Option<u16> {
            let mut n: u16 = 0;
            for &c in &b[from..to] {
                if !c.is_ascii_digit() {
                    return None;
                }
                n = n * 10 + u16::from(c - b'0');
            }
            Some(n)
        };
        let dt = DateTime {
            year: num(0, 4)?,
            month: u8::try_from(num(5, 7)?).ok()?,
            day: u8::try_from(num(8, 10)?).ok()?,
            hour: u8::try_from(num(11, 13)?).ok()?,
            minute: u8::try_from(num(14, 16)?).ok()?,
            second: u8::try_from(num(17, 19)?).ok()?,
        };
        let valid = (1..=12).contains(&dt.month)
            && dt.day >= 1
            && dt.day <= days_in_month(dt.year, dt.month)
            && dt.hour < 24
            && dt.minute < 60
            && dt.second <= 60;
        valid.then_some(dt)
    }

    /// The wall-clock time at `unix_ms` in a zone `utc_offset_min` minutes
    /// east of UTC.
    pub fn from_unix_ms(unix_ms: i64, utc_offset_min: i32) -> DateTime {
        let local_s = unix_ms.div_euclid(1000) + i64::from(utc_offset_min) * 60;
        let days = local_s.div_euclid(86_400);
        let secs = local_s.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year: year.clamp(0, 9999) as u16,
            month,
            day,
            hour: (secs / 3600) as u8,
            minute: (secs % 3600 / 60) as u8,
            second: (secs % 60) as u8,
        }
    }

    /// The instant this wall-clock time names in a zone `utc_offset_min`
    /// minutes east of UTC, in ms since the Unix epoch.
    pub fn unix_ms(&self, utc_offset_min: i32) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(utc_offset_min) * 60;
        secs * 1000
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

pub(crate) fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// "just now", "5 min ago", "3 h ago", "2 d ago" (or "in 5 min" for the
/// future), from a difference in ms. Used by every UI so they agree.
pub fn humanize_ago(delta_ms: i64) -> String {
    let mut out = String::new();
    let future = delta_ms < 0;
    let s = delta_ms.unsigned_abs() / 1000;
    let (n, unit) = match s {
        0..=44 => {
            out.push_str("just now");
            return out;
        }
        45..=3599 => (s.div_ceil(60).max(1), "min"),
        3600..=86_399 => (s / 3600, "h"),
        _ => (s / 86_400, "d"),
    };
    let _ = if future {
        fmt::write(&mut out, format_args!("in {n} {unit}"))
    } else {
        fmt::write(&mut out, format_args!("{n} {unit} ago"))
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn parses_documented_shape() {
        let t = ApiTime::new("2016-01-28 14:22:35");
        let dt = t.parsed().unwrap();
        assert_eq!((dt.year, dt.month, dt.day), (2016, 1, 28));
        assert_eq!((dt.hour, dt.minute, dt.second), (14, 22, 35));
        assert_eq!(t.raw(), "2016-01-28 14:22:35");
        assert!(t.is_set());
    }

    #[test]
    fn empty_is_unset() {
        let t = ApiTime::new("");
        assert!(!t.is_set());
        assert_eq!(t.parsed(), None);
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2016-02-30 00:00:00",
            "2016-13-01 00:00:00",
            "2016-01-01 24:00:00",
            "2016-1-1 1:1:1",
            "yesterday",
        ] {
            assert_eq!(DateTime::parse(bad), None, "{bad}");
        }
        assert!(DateTime::parse("2016-02-29 00:00:00").is_some());
    }

    #[test]
    fn unix_round_trip() {
        // 2016-01-28 14:22:35 +08:00 == 2016-01-28 06:22:35 UTC == 1453962155 s
        let dt = DateTime::parse("2016-01-28 14:22:35").unwrap();
        assert_eq!(dt.unix_ms(480), 1_453_962_155_000);
        assert_eq!(DateTime::from_unix_ms(1_453_962_155_000, 480), dt);
        assert_eq!(
            DateTime::from_unix_ms(0, 0).to_string(),
            "1970-01-01 00:00:00"
        );
        assert_eq!(
            DateTime::from_unix_ms(-1000, 0).to_string(),
            "1969-12-31 23:59:59"
        );
    }

    #[test]
    fn humanizes() {
        assert_eq!(humanize_ago(3_000), "just now");
        assert_eq!(humanize_ago(5 * 60_000), "5 min ago");
        assert_eq!(humanize_ago(3 * 3_600_000), "3 h ago");
        assert_eq!(humanize_ago(2 * 86_400_000), "2 d ago");
        assert_eq!(humanize_ago(-10 * 60_000), "in 10 min");
    }
}
