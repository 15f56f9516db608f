//! `GET /audit`: the audit trail as a page the worker renders, for
//! operators — who signed in or out, who started, stopped or deleted what,
//! what the API answered and how each command ended. Filters (a plain GET
//! form: who, container, what, from and to days in UTC), newest first,
//! older pages as links, and the CSV/JSON exports of the filtered trail
//! (`/edge/audit?…&format=…`). English or Chinese (`lang=zh|en`, which the
//! console's link carries, else `Accept-Language`). No script: every value
//! from the trail is escaped.
//!
//! It was a page of the console until the console's bundle budget had to
//! make room: rendered here it costs the console nothing, and only the
//! operators who open it load it.

use ews_core::json::Value as Json;
use ews_core::request::{self, percent_encode};
use ews_core::time::DateTime;

use crate::durable::{self, AuditEntry, AuditFilter};
use crate::reply::escape_html;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// `lang=zh|en` when given, else the first of `Accept-Language` that is
    /// Chinese or English, else English.
    pub fn pick(asked: Option<&str>, accept_language: Option<&str>) -> Lang {
        let of = |tag: &str| {
            let t = tag.trim().to_ascii_lowercase();
            if t.starts_with("zh") {
                Some(Lang::Zh)
            } else if t.starts_with("en") {
                Some(Lang::En)
            } else {
                None
            }
        };
        asked
            .and_then(of)
            .or_else(|| {
                accept_language?
                    .split(',')
                    .find_map(|part| of(part.split(';').next().unwrap_or("")))
            })
            .unwrap_or(Lang::En)
    }

    fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    fn t(self, en: &'static str, zh: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
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

/// Most entries one export holds.
pub const EXPORT: u64 = durable::MAX_PAGE;

/// What the page's form asked (as typed, to show it again) and the filter
/// it makes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageQuery {
    /// `user`.
    pub user: String,
    /// `account`.
    pub account: String,
    /// `container`.
    pub container: String,
    /// `action`.
    pub action: String,
    /// `from`: a day, `YYYY-MM-DD`, UTC.
    pub from: String,
    /// `to`: a day, included.
    pub to: String,
    /// `before`: the cursor of an older page.
    pub before: Option<u64>,
    /// `lang`.
    pub lang: Option<String>,
}

/// Midnight UTC of a `YYYY-MM-DD` day, ms.
fn day_ms(day: &str) -> Option<u64> {
    let d = DateTime::parse(&format!("{} 00:00:00", day.trim()))?;
    u64::try_from(d.unix_ms(0)).ok()
}

impl PageQuery {
    /// Reads the page's query string (unknown names are ignored: this is a
    /// page, not the API).
    pub fn parse(url: &str) -> PageQuery {
        let query = url
            .split_once('?')
            .map_or("", |(_, q)| q.split('#').next().unwrap_or(""));
        let mut q = PageQuery::default();
        for (name, value) in request::parse_query(query).unwrap_or_default() {
            let value = value.trim().to_owned();
            match name.as_str() {
                "user" => q.user = value,
                "account" => q.account = value,
                "container" => q.container = value,
                "action" => q.action = value,
                "from" => q.from = value,
                "to" => q.to = value,
                "before" => q.before = value.parse().ok(),
                "lang" => q.lang = Some(value),
                _ => {}
            }
        }
        q
    }

    /// The filter for the Durable Object (`limit` entries), or which field
    /// cannot be read.
    pub fn filter(&self, limit: u64) -> Result<AuditFilter, &'static str> {
        let mut f = AuditFilter {
            limit,
            before: self.before,
            ..AuditFilter::default()
        };
        if !self.user.is_empty() {
            f.user = Some(self.user.clone());
        }
        if !self.account.is_empty() {
            f.account = Some(self.account.clone());
        }
        if !self.container.is_empty() {
            f.container = Some(self.container.parse().map_err(|_| "container")?);
        }
        if !self.action.is_empty() {
            f.action = Some(self.action.clone());
        }
        if !self.from.is_empty() {
            f.from_ms = Some(day_ms(&self.from).ok_or("from")?);
        }
        if !self.to.is_empty() {
            f.to_ms = Some(day_ms(&self.to).ok_or("to")? + 86_400_000 - 1);
        }
        Ok(f)
    }

    /// The query string of the same filter (and language), with `extra`.
    fn link(&self, lang: Lang, extra: &str) -> String {
        let mut q = format!("lang={}", if lang == Lang::Zh { "zh" } else { "en" });
        for (name, value) in [
            ("user", &self.user),
            ("account", &self.account),
            ("container", &self.container),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.is_empty() {
                q.push('&');
                q.push_str(name);
                q.push('=');
                q.push_str(&percent_encode(value));
            }
        }
        q.push_str(extra);
        q
    }

    /// The `/edge/audit` query of an export of the whole filtered trail, as
    /// `csv` or `json`.
    fn export(&self, format: &str) -> Option<String> {
        let f = self.filter(EXPORT).ok()?;
        let mut q = format!("limit={EXPORT}&format={format}");
        let mut add = |name: &str, value: String| {
            q.push('&');
            q.push_str(name);
            q.push('=');
            q.push_str(&percent_encode(&value));
        };
        if let Some(u) = f.user {
            add("user", u);
        }
        if let Some(a) = f.account {
            add("account", a);
        }
        if let Some(c) = f.container {
            add("container", c.to_string());
        }
        if let Some(a) = f.action {
            add("action", a);
        }
        if let Some(ms) = f.from_ms {
            add("from", ms.to_string());
        }
        if let Some(ms) = f.to_ms {
            add("to", ms.to_string());
        }
        Some(q)
    }
}

/// The entries of a page from the Durable Object, and the cursor of the
/// next (older) page.
pub fn entries(page: &[u8]) -> (Vec<AuditEntry>, Option<u64>) {
    let v = ews_core::json::parse(page).unwrap_or(Json::Null);
    let list = match v.get("entries") {
        Some(Json::Arr(items)) => items.iter().filter_map(AuditEntry::from_json).collect(),
        _ => Vec::new(),
    };
    let next = match v.get("next") {
        Some(Json::Num(n)) => n.parse().ok(),
        _ => None,
    };
    (list, next)
}

fn rows(entries: &[AuditEntry], lang: Lang) -> String {
    let mut html = String::new();
    for e in entries {
        let who = match (&e.user, &e.role) {
            (Some(u), Some(r)) => format!("{u} ({r})"),
            (Some(u), None) => u.clone(),
            _ => "—".to_owned(),
        };
        let who = match &e.client {
            Some(c) => format!("{who} · {c}"),
            None => who,
        };
        // The console's pages of the entry's account (`/a/{name}/…`; an
        // entry from before accounts: the console's own account).
        let at = e
            .account
            .as_deref()
            .map_or_else(String::new, |a| format!("/a/{}", percent_encode(a)));
        let account = e.account.as_deref().map_or_else(String::new, |a| {
            format!(
                "<span class=\"muted\" data-testid=\"audit-account\">{}</span> ",
                escape_html(a)
            )
        });
        let container = e.container.map_or_else(String::new, |c| {
            format!(
                "{account}<a href=\"{}/containers/{c}\">{c}</a>",
                escape_html(&at)
            )
        });
        let command = e.command_id.as_deref().map_or_else(String::new, |c| {
            format!(
                "<a href=\"{}/commands/{}\">{}</a>",
                escape_html(&at),
                escape_html(&percent_encode(c)),
                escape_html(c)
            )
        });
        let upstream = match (&e.error, e.upstream_status, &e.upstream_code) {
            (Some(err), _, _) => err.clone(),
            (None, Some(s), Some(c)) => format!("{s} · {c}"),
            (None, Some(s), None) => s.to_string(),
            _ => String::new(),
        };
        let outcome = match (&e.outcome, &e.message) {
            (Some(o), Some(m)) => format!("{} — {}", escape_html(o), escape_html(m)),
            (Some(o), None) => escape_html(o),
            _ => String::new(),
        };
        let failed = matches!(e.event.as_str(), "login_failed" | "bearer_failed")
            || e.error.is_some()
            || e.upstream_code.as_deref().is_some_and(|c| c != "0");
        let when = DateTime::from_unix_ms(i64::try_from(e.at_ms).unwrap_or(0), 0);
        html.push_str(&format!(
            "<tr data-testid=\"audit-row\" data-seq=\"{}\"{}><td><time datetime=\"{}\">{when}</time></td>\
             <td>{}</td><td>{}</td><td class=\"num\">{container}</td><td>{command}</td><td>{}</td><td>{outcome}</td></tr>",
            e.seq,
            if failed { " class=\"bad\"" } else { "" },
            e.at_ms,
            escape_html(e.action.as_deref().unwrap_or(&e.event)),
            escape_html(&who),
            escape_html(&upstream),
        ));
    }
    if entries.is_empty() {
        html.push_str(&format!(
            "<tr><td colspan=\"7\" class=\"muted\">{}</td></tr>",
            lang.t("No entries.", "没有记录。")
        ));
    }
    html
}

/// The whole page: the form (filled with what was asked), an error line if
/// the filter could not be read, the table, the older-page link and the
/// export links.
pub fn render(
    q: &PageQuery,
    lang: Lang,
    page: Option<(&[AuditEntry], Option<u64>)>,
    error: Option<&str>,
) -> String {
    let t = |en, zh| lang.t(en, zh);
    let mut options = format!("<option value=\"\">{}</option>", t("All", "全部"));
    for a in ACTIONS {
        let selected = if q.action == a { " selected" } else { "" };
        options.push_str(&format!("<option value=\"{a}\"{selected}>{a}</option>"));
    }
    let field = |name: &str, label: &str, value: &str, kind: &str| {
        format!(
            "<label><span>{label}</span><input type=\"{kind}\" name=\"{name}\" value=\"{}\" data-testid=\"audit-{name}\"></label>",
            escape_html(value)
        )
    };
    let form = format!(
        "<form method=\"get\" action=\"/audit\" class=\"filters\" data-testid=\"audit-filter\">\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">{}{}{}\
         <label><span>{}</span><select name=\"action\" data-testid=\"audit-action\">{options}</select></label>{}{}\
         <button type=\"submit\" data-testid=\"audit-apply\">{}</button></form>",
        if lang == Lang::Zh { "zh" } else { "en" },
        field("user", t("Who", "用户"), &q.user, "search"),
        field("account", t("Account", "账户"), &q.account, "search"),
        field("container", t("Container", "容器"), &q.container, "search"),
        t("What", "操作"),
        field("from", t("From (UTC)", "起始（UTC）"), &q.from, "date"),
        field("to", t("To (UTC)", "截止（UTC）"), &q.to, "date"),
        t("Filter", "筛选"),
    );
    let error = error.map_or_else(String::new, |e| {
        format!(
            "<p class=\"error\" role=\"alert\" data-testid=\"audit-error\">{}</p>",
            escape_html(e)
        )
    });
    let mut head = String::from("<thead><tr>");
    for h in [
        t("When (UTC)", "时间（UTC）"),
        t("What", "操作"),
        t("Who", "用户"),
        t("Container", "容器"),
        t("Command", "命令"),
        t("Upstream", "上游应答"),
        t("Result", "结果"),
    ] {
        head.push_str(&format!("<th scope=\"col\">{h}</th>"));
    }
    head.push_str("</tr></thead>");
    let (body, older) = match page {
        Some((entries, next)) => (
            rows(entries, lang),
            next.map_or_else(String::new, |n| {
                format!(
                    "<a class=\"button\" href=\"/audit?{}\" data-testid=\"audit-older\">{}</a>",
                    escape_html(&q.link(lang, &format!("&before={n}"))),
                    t("Older entries", "更早的记录")
                )
            }),
        ),
        None => (String::new(), String::new()),
    };
    let export = |format: &str, label: &str| {
        q.export(format).map_or_else(String::new, |query| {
            format!(
                "<a class=\"button\" href=\"/edge/audit?{}\" download=\"ews-audit.{format}\" data-testid=\"audit-{format}\">{label}</a>",
                escape_html(&query)
            )
        })
    };
    format!(
        "<!doctype html>\n<html lang=\"{lang_tag}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title} · EWS console</title><link rel=\"icon\" href=\"data:,\">\
         <link rel=\"stylesheet\" href=\"/edge/login.css\"></head>\
         <body><main class=\"wide\" data-testid=\"audit-page\">\
         <p><a href=\"/\">{back}</a></p><h1>{title}</h1>{form}{error}\
         <div class=\"scroll\"><table data-testid=\"audit-table\">{head}<tbody>{body}</tbody></table></div>\
         <p class=\"links\">{older}{csv}{json}</p></main></body></html>\n",
        lang_tag = lang.tag(),
        title = t("Audit trail", "审计记录"),
        back = t("← Back to the console", "← 返回控制台"),
        csv = export("csv", t("Export CSV", "导出 CSV")),
        json = export("json", t("Export JSON", "导出 JSON")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"entries":[{"seq":9,"at":1700000000000,"event":"action","user":"olga","role":"operator","client":"ip:1.2.3.4","action":"start","container":2529,"commandId":"c-1","upstreamStatus":200,"upstreamCode":"0","error":null,"outcome":"succeeded","message":"succeeded: <b>ok</b>"},{"seq":8,"at":1700000000000,"event":"login_failed","user":null,"role":null,"client":null,"action":null,"container":null,"commandId":null,"upstreamStatus":null,"upstreamCode":null,"error":null,"outcome":null,"message":null}],"next":8}"#;

    #[test]
    fn the_language_is_asked_or_accepted() {
        assert_eq!(Lang::pick(Some("zh"), Some("en-US")), Lang::Zh);
        assert_eq!(
            Lang::pick(None, Some("fr-FR, zh-CN;q=0.8, en;q=0.5")),
            Lang::Zh
        );
        assert_eq!(Lang::pick(Some("xx"), None), Lang::En);
    }

    #[test]
    fn the_form_makes_the_filter_with_days_in_utc() {
        let q = PageQuery::parse(
            "https://w/audit?user=olga&container=2529&action=start&from=2023-11-14&to=2023-11-14&before=9&lang=zh&x=1",
        );
        let f = q.filter(50).unwrap();
        assert_eq!(f.user.as_deref(), Some("olga"));
        assert_eq!(f.container, Some(2529));
        assert_eq!(f.action.as_deref(), Some("start"));
        assert_eq!(f.from_ms, Some(1_699_920_000_000));
        assert_eq!(f.to_ms, Some(1_699_920_000_000 + 86_400_000 - 1));
        assert_eq!((f.before, f.limit), (Some(9), 50));
        assert_eq!(
            PageQuery::parse("/audit?container=12a").filter(50),
            Err("container")
        );
        assert_eq!(
            PageQuery::parse("/audit?from=yesterday").filter(50),
            Err("from")
        );
    }

    #[test]
    fn an_entry_links_to_its_accounts_pages() {
        let body = BODY.replace(
            r#""role":"operator","#,
            r#""role":"operator","account":"prod eu","#,
        );
        let (list, _) = entries(body.as_bytes());
        let html = rows(&list, Lang::En);
        assert!(
            html.contains("href=\"/a/prod%20eu/containers/2529\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"/a/prod%20eu/commands/c-1\""),
            "{html}"
        );
        assert!(
            html.contains("data-testid=\"audit-account\">prod eu<"),
            "{html}"
        );
        // An entry from before accounts links to the console's own pages.
        let (list, _) = entries(BODY.as_bytes());
        assert!(rows(&list, Lang::En).contains("href=\"/containers/2529\""));
    }

    #[test]
    fn the_page_escapes_the_trail_and_links_older_pages_and_exports() {
        let q = PageQuery::parse("/audit?user=o%22lga&action=start");
        let (list, next) = entries(BODY.as_bytes());
        assert_eq!((list.len(), next), (2, Some(8)));
        let html = render(&q, Lang::En, Some((&list, next)), None);
        assert!(
            html.contains("succeeded — succeeded: &lt;b&gt;ok&lt;/b&gt;"),
            "{html}"
        );
        assert!(!html.contains("<b>ok"));
        assert!(
            html.contains("value=\"o&quot;lga\""),
            "the form keeps what was typed, escaped"
        );
        assert!(html.contains("<option value=\"start\" selected>"));
        assert!(html.contains("<time datetime=\"1700000000000\">2023-11-14 22:13:20</time>"));
        assert!(html.contains("olga (operator) · ip:1.2.3.4"));
        assert!(html.contains("href=\"/commands/c-1\""));
        assert!(html.contains("<tr data-testid=\"audit-row\" data-seq=\"8\" class=\"bad\">"));
        assert!(
            html.contains("href=\"/audit?lang=en&amp;user=o%22lga&amp;action=start&amp;before=8\""),
            "{html}"
        );
        assert!(html.contains(
            "href=\"/edge/audit?limit=1000&amp;format=csv&amp;user=o%22lga&amp;action=start\""
        ));
        let zh = render(&q, Lang::Zh, Some((&[], None)), Some("bad"));
        assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("没有记录。"));
        assert!(zh.contains("data-testid=\"audit-error\">bad<"));
        assert!(!zh.contains("audit-older"));
    }
}
