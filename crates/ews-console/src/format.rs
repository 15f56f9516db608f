//! Humanised values: cpu `-1` → "shared", MB → GiB where it reads better,
//! times as given plus "x min ago", command progress in one line.

use ews_core::time::DEFAULT_SERVER_UTC_OFFSET_MIN;
use ews_core::{ApiTime, Command};

use crate::i18n::{Lang, M};

/// The text shown for an unset value.
pub const NONE: &str = "—";

/// CPU cores: `-1` is "shared".
pub fn cpu(cpu: Option<i64>, lang: Lang) -> String {
    match cpu {
        None => NONE.into(),
        Some(-1) => M::Shared.text(lang).into(),
        Some(n) => n.to_string(),
    }
}

/// Megabytes, as GiB from 1024 MB up (one decimal, dropped when whole).
pub fn megabytes(mb: Option<i64>) -> String {
    match mb {
        None => NONE.into(),
        Some(mb) if mb.unsigned_abs() >= 1024 => {
            let tenths = (mb as f64 / 1024.0 * 10.0).round() as i64;
            if tenths % 10 == 0 {
                format!("{} GiB", tenths / 10)
            } else {
                format!("{}.{} GiB", tenths / 10, (tenths % 10).abs())
            }
        }
        Some(mb) => format!("{mb} MB"),
    }
}

/// An optional node or host id; a negative one (`-1`: not placed) shows
/// as unset.
pub fn opt_id(id: Option<i64>) -> String {
    match id {
        Some(n) if n >= 0 => n.to_string(),
        _ => NONE.into(),
    }
}

/// A server time relative to `now_ms` (already corrected for skew): "5 min
/// ago", or `None` when the time is unset or unparseable.
pub fn ago(t: &ApiTime, now_ms: u64, lang: Lang) -> Option<String> {
    let at = t.unix_ms(DEFAULT_SERVER_UTC_OFFSET_MIN)?;
    let now = i64::try_from(now_ms).ok()?;
    Some(lang.ago(now - at))
}

/// A text field, or "—" when empty.
pub fn text(t: &str) -> String {
    if t.is_empty() { NONE.into() } else { t.into() }
}

/// Text cut to 24 characters (with "…"), for a cell.
pub fn clip(t: &str) -> String {
    match t.char_indices().nth(24) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.into(),
    }
}

/// Text made safe inside HTML markup (for `inner_html` built from text).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `<option>`s of a select as markup (values and labels escaped): one
/// string instead of a view per option.
pub fn options_html<'a>(options: impl IntoIterator<Item = (&'a str, &'a str, bool)>) -> String {
    let mut h = String::new();
    for (value, label, selected) in options {
        h.push_str(&format!(
            "<option value=\"{}\"{}>{}</option>",
            escape_html(value),
            if selected { " selected" } else { "" },
            escape_html(label)
        ));
    }
    h
}

/// A server time as given, or "—" when unset.
pub fn time(t: &ApiTime) -> &str {
    if t.is_set() { t.raw() } else { NONE }
}

/// A command's progress in one line: `RUNNING · StartContainer › pull (200)`.
pub fn progress(cmd: &Command) -> String {
    let mut s = cmd.status.as_str().to_string();
    if let Some((activity, step)) = cmd.current_step() {
        s.push_str(" · ");
        s.push_str(&activity.name);
        if let Some(step) = step {
            s.push_str(" › ");
            s.push_str(&step.step_name);
            if !step.status.is_empty() {
                s.push_str(&format!(" ({})", step.status));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::time::DateTime;

    #[test]
    fn cpu_and_sizes() {
        assert_eq!(cpu(Some(-1), Lang::En), "shared");
        assert_eq!(cpu(Some(-1), Lang::Zh), "共享");
        assert_eq!(cpu(Some(4), Lang::En), "4");
        assert_eq!(cpu(None, Lang::En), NONE);
        assert_eq!(megabytes(Some(512)), "512 MB");
        assert_eq!(megabytes(Some(1024)), "1 GiB");
        assert_eq!(megabytes(Some(1536)), "1.5 GiB");
        assert_eq!(megabytes(Some(40960)), "40 GiB");
        assert_eq!(megabytes(None), NONE);
        assert_eq!(megabytes(Some(i64::MIN)), megabytes(Some(i64::MIN)));
    }

    #[test]
    fn times_are_shown_as_given_with_ago_in_server_time() {
        let t = ApiTime::new("2016-01-28 14:22:35");
        assert_eq!(time(&t), "2016-01-28 14:22:35");
        let at = DateTime::parse("2016-01-28 14:22:35")
            .unwrap()
            .unix_ms(DEFAULT_SERVER_UTC_OFFSET_MIN);
        let now = u64::try_from(at + 5 * 60_000).unwrap();
        assert_eq!(ago(&t, now, Lang::En).as_deref(), Some("5 min ago"));
        assert_eq!(ago(&ApiTime::unset(), now, Lang::En), None);
        assert_eq!(time(&ApiTime::unset()), NONE);
        assert_eq!(ago(&ApiTime::new("garbage"), now, Lang::En), None);
    }

    #[test]
    fn text_and_clip() {
        assert_eq!(text(""), NONE);
        assert_eq!(text("healthy"), "healthy");
        assert_eq!(clip("0.5"), "0.5");
        assert_eq!(clip(&"é".repeat(30)), format!("{}…", "é".repeat(24)));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html(r#"<img src=x onerror="a('b')">&"#),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
    }

    #[test]
    fn progress_line() {
        let body = br#"{"code":"0","data":{"commandId":"c1","status":"RUNNING","activitys":[{"name":"StartContainer","steps":[{"stepName":"pull","status":"200"}]}]}}"#;
        let cmd = ews_core::decode::command(200, body).unwrap();
        assert_eq!(progress(&cmd), "RUNNING · StartContainer › pull (200)");
        let body = br#"{"code":"0","data":{"commandId":"c1","status":"CREATED"}}"#;
        assert_eq!(
            progress(&ews_core::decode::command(200, body).unwrap()),
            "CREATED"
        );
    }
}
