//! The edge worker's audit trail as data: the query the Audit page sends
//! to `GET /edge/audit`, the page of entries it gets back, and the table
//! rows made of them (the CSV and JSON exports are the worker's own,
//! `format=csv|json`). Pure; the page ([`crate::pages::audit`]) and
//! [`crate::api::Api::audit`] do the I/O.

use ews_core::json::{self, Value};
use ews_core::request::percent_encode;
use ews_core::time::DateTime;

use crate::format::escape_html;
use crate::i18n::Lang;

/// What the user filters by, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// A user's name.
    pub user: String,
    /// A container id.
    pub container: String,
    /// An action (`start`…) or event (`login`…); empty: all.
    pub action: String,
    /// From this day (`YYYY-MM-DD`, local).
    pub from: String,
    /// Up to this day, included.
    pub to: String,
}

/// The actions and events one can filter by.
pub const ACTIONS: [&str; 9] = [
    "start",
    "stop",
    "delete",
    "login",
    "login_failed",
    "bearer_failed",
    "logout",
    "logout_all",
    "action",
];

/// Entries per page.
pub const PAGE: u64 = 50;

/// Midnight of a `YYYY-MM-DD` day at UTC offset `offset_min`, ms.
fn day_ms(day: &str, offset_min: i32) -> Option<i64> {
    DateTime::parse(&format!("{} 00:00:00", day.trim())).map(|d| d.unix_ms(offset_min))
}

/// Most entries one export holds.
pub const EXPORT: u64 = 1000;

impl Filter {
    /// The query string for a page (`before`: the previous page's `next`),
    /// with days read at the browser's UTC offset; or what is wrong.
    pub fn query(&self, before: Option<u64>, offset_min: i32) -> Result<String, &'static str> {
        self.query_of(before, offset_min, PAGE)
    }

    /// The query string of an export of the whole filtered trail (up to
    /// [`EXPORT`] entries) as `csv` or `json`.
    pub fn export(&self, format: &str, offset_min: i32) -> Result<String, &'static str> {
        Ok(format!(
            "{}&format={format}",
            self.query_of(None, offset_min, EXPORT)?
        ))
    }

    fn query_of(
        &self,
        before: Option<u64>,
        offset_min: i32,
        limit: u64,
    ) -> Result<String, &'static str> {
        let mut q = format!("limit={limit}");
        let mut add = |name: &str, value: &str| {
            q.push('&');
            q.push_str(name);
            q.push('=');
            q.push_str(&percent_encode(value));
        };
        if !self.user.trim().is_empty() {
            add("user", self.user.trim());
        }
        let container = self.container.trim();
        if !container.is_empty() {
            if !container.bytes().all(|b| b.is_ascii_digit()) {
                return Err("container");
            }
            add("container", container);
        }
        if !self.action.is_empty() {
            add("action", &self.action);
        }
        if !self.from.trim().is_empty() {
            let ms = day_ms(&self.from, offset_min).ok_or("from")?;
            add("from", &ms.max(0).to_string());
        }
        if !self.to.trim().is_empty() {
            let ms = day_ms(&self.to, offset_min).ok_or("to")? + 86_400_000 - 1;
            add("to", &ms.max(0).to_string());
        }
        if let Some(b) = before {
            add("before", &b.to_string());
        }
        Ok(q)
    }
}

/// One entry of the trail, as the worker sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// Its sequence number.
    pub seq: u64,
    /// When, ms since the Unix epoch.
    pub at: u64,
    /// `action`, `login`, `login_failed`, …
    pub event: String,
    /// Who.
    pub user: Option<String>,
    /// Their role.
    pub role: Option<String>,
    /// `start`, `stop` or `delete`.
    pub action: Option<String>,
    /// The container.
    pub container: Option<u64>,
    /// The command.
    pub command_id: Option<String>,
    /// The upstream's HTTP status.
    pub upstream_status: Option<u64>,
    /// The upstream's `code`.
    pub upstream_code: Option<String>,
    /// `unreachable` or `timeout`.
    pub error: Option<String>,
    /// How the command ended.
    pub outcome: Option<String>,
    /// The outcome in words.
    pub message: Option<String>,
}

fn num(v: Option<&Value<'_>>) -> Option<u64> {
    match v {
        Some(Value::Num(n)) => n.parse().ok(),
        _ => None,
    }
}

fn text(v: Option<&Value<'_>>) -> Option<String> {
    v.and_then(Value::as_str).map(String::from)
}

/// A page of entries and the cursor of the next (older) one, from the
/// worker's answer; `None` when it is not one.
pub fn page(body: &[u8]) -> Option<(Vec<Entry>, Option<u64>)> {
    let v = json::parse(body).ok()?;
    let Some(Value::Arr(items)) = v.get("entries") else {
        return None;
    };
    let entries = items
        .iter()
        .map(|e| Entry {
            seq: num(e.get("seq")).unwrap_or(0),
            at: num(e.get("at")).unwrap_or(0),
            event: text(e.get("event")).unwrap_or_default(),
            user: text(e.get("user")),
            role: text(e.get("role")),
            action: text(e.get("action")),
            container: num(e.get("container")),
            command_id: text(e.get("commandId")),
            upstream_status: num(e.get("upstreamStatus")),
            upstream_code: text(e.get("upstreamCode")),
            error: text(e.get("error")),
            outcome: text(e.get("outcome")),
            message: text(e.get("message")),
        })
        .collect();
    Some((entries, num(v.get("next"))))
}

impl Entry {
    /// When, as `YYYY-MM-DD hh:mm:ss` at UTC offset `offset_min`.
    pub fn time(&self, offset_min: i32) -> String {
        DateTime::from_unix_ms(self.at as i64, offset_min).to_string()
    }

    /// What happened: the action, or the event.
    pub fn what(&self) -> &str {
        self.action.as_deref().unwrap_or(&self.event)
    }

    /// The upstream's answer in one cell: `200 · 0`, or the error.
    pub fn upstream(&self) -> String {
        match (&self.error, self.upstream_status, &self.upstream_code) {
            (Some(e), _, _) => e.clone(),
            (None, Some(s), Some(c)) => format!("{s} · {c}"),
            (None, Some(s), None) => s.to_string(),
            _ => String::new(),
        }
    }
}

/// The table body's markup: every value escaped, the container and the
/// command as console links.
pub fn rows_html(entries: &[Entry], offset_min: i32, lang: Lang) -> String {
    let mut html = String::new();
    for e in entries {
        let who = match (&e.user, &e.role) {
            (Some(u), Some(r)) => format!("{u} ({r})"),
            (Some(u), None) => u.clone(),
            _ => String::from("—"),
        };
        let container = e.container.map_or_else(String::new, |c| {
            format!("<a href=\"/containers/{c}\" data-nav>{c}</a>")
        });
        let command = e.command_id.as_deref().map_or_else(String::new, |c| {
            let c = escape_html(c);
            format!("<a href=\"/commands/{c}\" data-nav>{c}</a>")
        });
        let outcome = match (&e.outcome, &e.message) {
            (Some(o), Some(m)) => format!(
                "<span title=\"{}\">{}</span>",
                escape_html(m),
                escape_html(o)
            ),
            (Some(o), None) => escape_html(o),
            _ => String::new(),
        };
        let failed = matches!(e.event.as_str(), "login_failed" | "bearer_failed")
            || e.error.is_some()
            || e.upstream_code.as_deref().is_some_and(|c| c != "0");
        html.push_str(&format!(
            "<tr data-testid=\"audit-row\" data-seq=\"{}\"{}><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{container}</td><td>{command}</td><td>{}</td><td>{outcome}</td></tr>",
            e.seq,
            if failed { " class=\"bad\"" } else { "" },
            e.time(offset_min),
            escape_html(e.what()),
            escape_html(&who),
            escape_html(&e.upstream()),
        ));
    }
    if entries.is_empty() {
        html.push_str(&format!(
            "<tr><td colspan=\"7\" class=\"muted\">{}</td></tr>",
            match lang {
                Lang::En => "No entries.",
                Lang::Zh => "没有记录。",
            }
        ));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"entries":[{"seq":9,"at":1700000000000,"event":"action","user":"olga","role":"operator","client":"ip:1.2.3.4","action":"start","container":2529,"commandId":"c-1","upstreamStatus":200,"upstreamCode":"0","error":null,"outcome":"succeeded","message":"succeeded: <b>ok</b>"},{"seq":8,"at":1700000000000,"event":"login_failed","user":null,"role":null,"client":null,"action":null,"container":null,"commandId":null,"upstreamStatus":null,"upstreamCode":null,"error":null,"outcome":null,"message":null}],"next":8}"#;

    #[test]
    fn a_page_reads_and_writes_back() {
        let (entries, next) = page(BODY.as_bytes()).unwrap();
        assert_eq!(next, Some(8));
        assert_eq!(entries.len(), 2);
        let e = &entries[0];
        assert_eq!(
            (e.what(), e.container, e.upstream()),
            ("start", Some(2529), "200 · 0".into())
        );
        assert_eq!(e.time(0), "2023-11-14 22:13:20");
        assert_eq!(e.time(480), "2023-11-15 06:13:20");
        assert_eq!(entries[1].what(), "login_failed");
        assert!(page(b"<html>").is_none());
        assert!(page(br#"{"message":"x"}"#).is_none());
    }

    #[test]
    fn rows_escape_what_the_trail_holds() {
        let (entries, _) = page(BODY.as_bytes()).unwrap();
        let html = rows_html(&entries, 0, Lang::En);
        assert!(html.contains("<a href=\"/containers/2529\" data-nav>2529</a>"));
        assert!(html.contains("<a href=\"/commands/c-1\" data-nav>c-1</a>"));
        assert!(html.contains("title=\"succeeded: &lt;b&gt;ok&lt;/b&gt;\""));
        assert!(!html.contains("<b>"));
        assert!(
            html.contains("class=\"bad\""),
            "the failed sign-in stands out"
        );
        assert!(rows_html(&[], 0, Lang::Zh).contains("没有记录"));
    }

    #[test]
    fn filters_become_the_query() {
        let f = Filter {
            user: " olga ".into(),
            container: "2529".into(),
            action: "start".into(),
            from: "2026-12-01".into(),
            to: "2026-12-01".into(),
        };
        let q = f.query(Some(40), 0).unwrap();
        assert_eq!(
            q,
            "limit=50&user=olga&container=2529&action=start&from=1796083200000&to=1796169599999&before=40"
        );
        // A local day: UTC+8 midnight is 16:00 the day before in UTC.
        let q = Filter {
            from: "2026-12-01".into(),
            ..Filter::default()
        }
        .query(None, 480)
        .unwrap();
        assert!(q.ends_with("from=1796054400000"), "{q}");
        assert_eq!(Filter::default().query(None, 0).unwrap(), "limit=50");
        assert_eq!(
            Filter {
                action: "stop".into(),
                ..Filter::default()
            }
            .export("csv", 0)
            .unwrap(),
            "limit=1000&action=stop&format=csv"
        );
        assert_eq!(
            Filter {
                container: "x1".into(),
                ..Filter::default()
            }
            .query(None, 0),
            Err("container")
        );
        assert_eq!(
            Filter {
                from: "soon".into(),
                ..Filter::default()
            }
            .query(None, 0),
            Err("from")
        );
        assert_eq!(
            Filter {
                user: "a&b c".into(),
                ..Filter::default()
            }
            .query(None, 0)
            .unwrap(),
            "limit=50&user=a%26b%20c"
        );
    }
}
