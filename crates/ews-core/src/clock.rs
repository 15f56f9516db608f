//! Clock skew from the server's `Date` header.
//!
//! The API rejects timestamps too far from the server's clock. A client whose
//! clock is off measures the skew from any response's `Date` header and adds
//! the correction to every later timestamp. The core reads no clock: the
//! caller passes its own `now_ms`.

use alloc::string::String;
use core::fmt::Write as _;

use crate::time::{civil_from_days, days_from_civil};

/// Below this, a measured skew is noise (the `Date` header has 1 s
/// resolution) and no correction is applied.
pub const SKEW_NOISE_MS: i64 = 2_000;

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an HTTP date (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`) into
/// ms since the Unix epoch. `None` for anything else.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let mut it = text.trim().split_ascii_whitespace();
    let _weekday = it.next()?;
    let day: u8 = it.next()?.parse().ok()?;
    let month_name = it.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u8 + 1;
    let year: u16 = it.next()?.parse().ok()?;
    let hms = it.next()?;
    if it.next()? != "GMT" || it.next().is_some() {
        return None;
    }
    let mut parts = hms.split(':');
    let h: u8 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let s: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some()
        || !(1..=crate::time::days_in_month(year, month)).contains(&day)
        || h > 23
        || m > 59
        || s > 60
    {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    Some((days * 86_400 + i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)) * 1000)
}

/// Formats ms since the Unix epoch as an IMF-fixdate, for `Date` headers.
pub fn format_http_date(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut s = String::with_capacity(29);
    let _ = write!(
        s,
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[usize::from(m - 1)],
        y,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    s
}

/// Server clock minus local clock, in ms, from a response's `Date` header and
/// the local time the response arrived. The header's second is taken at its
/// middle. `None` when the header is not an HTTP date.
pub fn skew_ms(date_header: &str, now_ms: u64) -> Option<i64> {
    let server = parse_http_date(date_header)? + 500;
    Some(server - i64::try_from(now_ms).ok()?)
}

/// The correction to add to local timestamps: the skew, or 0 when it is
/// within [`SKEW_NOISE_MS`].
pub fn correction_ms(date_header: &str, now_ms: u64) -> Option<i64> {
    skew_ms(date_header, now_ms).map(|s| if s.abs() < SKEW_NOISE_MS { 0 } else { s })
}

/// `now_ms + correction_ms`, saturating at the ends of `u64`.
pub fn corrected(now_ms: u64, correction_ms: i64) -> u64 {
    now_ms.saturating_add_signed(correction_ms)
}
