//! Export of the (filtered) list as CSV and JSON, and of the session's
//! activity as JSON. Building the text is pure; [`download`] hands it to the
//! browser as a file.

use ews_core::Container;
use wasm_bindgen::JsValue;

/// The CSV columns, in the API's field names.
pub const CSV_HEADER: &str =
    "id,nodeId,status,hostId,cpu,mem,disk,health,createTime,startTime,stopTime";

/// One CSV field: quoted when needed; text that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@` first) is prefixed with `'`.
pub(crate) fn field(out: &mut String, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula || text.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for ch in text.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    if quote {
        out.push('"');
    }
}

fn num<T: ToString>(out: &mut String, n: Option<T>) {
    if let Some(n) = n {
        out.push_str(&n.to_string());
    }
}

/// The containers as CSV (RFC 4180, CRLF line ends, header first); in the
/// fleet view (`names`: its accounts, see [`crate::fleet`]) an `account`
/// column comes first and `id` is the server's.
pub fn csv<'a>(rows: impl IntoIterator<Item = &'a Container>, names: &[String]) -> String {
    let fleet = !names.is_empty();
    let mut out = String::from(if fleet { "account," } else { "" });
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for c in rows {
        if fleet {
            field(
                &mut out,
                crate::fleet::account(c.id, names).unwrap_or_default(),
            );
            out.push(',');
        }
        out.push_str(&crate::fleet::untag(c.id).1.to_string());
        out.push(',');
        num(&mut out, c.node_id);
        out.push(',');
        field(&mut out, c.status.as_str());
        out.push(',');
        num(&mut out, c.host_id);
        out.push(',');
        num(&mut out, c.cpu);
        out.push(',');
        num(&mut out, c.mem);
        out.push(',');
        num(&mut out, c.disk);
        out.push(',');
        field(&mut out, &c.health);
        for t in [&c.create_time, &c.start_time, &c.stop_time] {
            out.push(',');
            field(&mut out, t.raw());
        }
        out.push_str("\r\n");
    }
    out
}

/// The containers as a JSON array, in the API's own shape; in the fleet
/// view (`names`: its accounts) each with its `account` first and the
/// server's `id`.
pub fn json<'a>(rows: impl IntoIterator<Item = &'a Container>, names: &[String]) -> String {
    crate::fleet::json_with_accounts(rows, names, |c| &mut c.id)
}

/// Offers `text` to the user as a file named `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let doc = leptos::prelude::document();
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::{ApiTime, ContainerId, ContainerStatus};

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut c = Container::new(ContainerId(7), ContainerStatus::Running);
        c.cpu = Some(-1);
        c.mem = Some(1024);
        c.health = "=cmd|' /C calc'!A0, \"x\"".into();
        c.create_time = ApiTime::new("2016-01-28 14:22:35");
        let text = csv([&c], &[]);
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next(), Some(CSV_HEADER));
        assert_eq!(
            lines.next(),
            Some("7,,RUNNING,,-1,1024,,\"'=cmd|' /C calc'!A0, \"\"x\"\"\",2016-01-28 14:22:35,,")
        );
    }

    #[test]
    fn json_is_the_api_shape() {
        let c = Container::new(ContainerId(7), ContainerStatus::Stopped);
        let text = json([&c], &[]);
        let back = ews_core::decode::container_list(
            200,
            format!(r#"{{"code":"0","data":{text}}}"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(back.containers, vec![c]);
    }

    #[test]
    fn the_fleet_view_exports_each_account_and_the_servers_id() {
        let names = ["prod".to_string(), "eu, west".to_string()];
        let mut c = Container::new(ContainerId(7), ContainerStatus::Running);
        c.id = crate::fleet::tag(1, c.id).unwrap();
        let text = csv([&c], &names);
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next(), Some(format!("account,{CSV_HEADER}").as_str()));
        assert_eq!(lines.next(), Some("\"eu, west\",7,,RUNNING,,,,,,,,"));
        let text = json([&c], &names);
        assert!(
            text.starts_with(r#"[{"account":"eu, west","id":7,"#),
            "{text}"
        );
        let back = ews_core::decode::container_list(
            200,
            format!(r#"{{"code":"0","data":{text}}}"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(back.containers[0].id, ContainerId(7));
    }
}
