//! Several accounts in one console: the accounts the user keeps (direct
//! mode, on this device) or reaches (edge mode, as the worker's session
//! says), and the account part of the console's URLs, `/a/{name}/…`.
//!
//! Plain data, tested natively. What is read back from storage or the
//! worker is untrusted: an item that cannot be read is left out, never a
//! panic, and the others stay.

use ews_core::SignMethod;
use ews_core::json::{self, Arr, Obj, Value};
use ews_core::request::{percent_decode, percent_encode};

use crate::storage::{self, keys};

/// Longest account name, in characters.
pub const MAX_NAME: usize = 40;
/// Most accounts kept.
pub const MAX_ACCOUNTS: usize = 32;

/// One account the console can reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Its name (the URL's `/a/{name}`).
    pub name: String,
    /// Direct mode: the API's base URL. Edge mode: the account's base on
    /// the worker (`/a/prod`).
    pub endpoint: String,
    /// Direct mode: the access key (empty in edge mode).
    pub access_key: String,
    /// Direct mode: how requests are signed.
    pub method: SignMethod,
    /// Edge mode: the user's role there allows acting (direct: always).
    pub can_act: bool,
}

impl Account {
    /// A direct-mode account at `endpoint`, its keys still to be given.
    pub fn new(name: String, endpoint: String) -> Account {
        Account {
            name,
            endpoint,
            access_key: String::new(),
            method: SignMethod::default(),
            can_act: true,
        }
    }
}

/// Whether `name` can name an account: 1–[`MAX_NAME`] characters, no `/`,
/// no control characters, no space at either end, not only dots (`.` and
/// `..` would leave the URL as a browser reads it).
pub fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=MAX_NAME).contains(&n)
        && name.trim() == name
        && !name.chars().any(|c| c == '/' || c.is_control())
        && !name.chars().all(|c| c == '.')
}

/// `/a/{name}`: the part of a URL that names the account.
pub fn prefix(name: &str) -> String {
    format!("/a/{}", percent_encode(name))
}

/// Splits `/a/{name}/rest` into the account's name and `/rest`; any other
/// path names no account.
pub fn split_path(path: &str) -> (Option<String>, &str) {
    let Some(rest) = path.strip_prefix("/a/") else {
        return (None, path);
    };
    let (name, rest) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    match percent_decode(name).filter(|n| valid_name(n)) {
        Some(name) => (Some(name), rest),
        None => (None, path),
    }
}

/// The accounts kept on this device (`[{"name","endpoint","accessKey",
/// "method"}…]`): items that cannot be read, and a name seen before, are
/// left out.
pub fn parse_stored(text: &str) -> Vec<Account> {
    let Ok(Value::Arr(items)) = json::parse(text.as_bytes()) else {
        return Vec::new();
    };
    let mut out: Vec<Account> = Vec::new();
    for item in &items {
        let field = |n: &str| item.get(n).and_then(Value::as_str).unwrap_or_default();
        let name = field("name");
        if !valid_name(name) || out.iter().any(|a| a.name == name) || out.len() >= MAX_ACCOUNTS {
            continue;
        }
        out.push(Account {
            name: name.to_string(),
            endpoint: field("endpoint").to_string(),
            access_key: field("accessKey").to_string(),
            method: SignMethod::parse(field("method")).unwrap_or_default(),
            can_act: true,
        });
    }
    out
}

/// What [`parse_stored`] reads (never a secret: there is none here).
pub fn stored_json(accounts: &[Account]) -> String {
    let mut out = String::new();
    let mut arr = Arr::new(&mut out);
    for a in accounts {
        let mut o = Obj::new(arr.item());
        o.str("name", &a.name)
            .str("endpoint", &a.endpoint)
            .str("accessKey", &a.access_key)
            .str("method", a.method.as_str());
        o.end();
    }
    arr.end();
    out
}

/// The accounts of the worker's session (`"accounts":[{"name","role",
/// "base"}…]`): only a same-origin base is kept.
pub fn from_session(accounts: Option<&Value<'_>>) -> Vec<Account> {
    let Some(Value::Arr(items)) = accounts else {
        return Vec::new();
    };
    let mut out: Vec<Account> = Vec::new();
    for item in items {
        let field = |n: &str| item.get(n).and_then(Value::as_str).unwrap_or_default();
        let (name, base) = (field("name"), field("base").trim_end_matches('/'));
        let own = base.starts_with('/')
            && !base.starts_with("//")
            && !base.contains(['\\', '?', '#', '\n', '\r']);
        if valid_name(name) && own && !out.iter().any(|a| a.name == name) {
            out.push(Account {
                name: name.to_string(),
                endpoint: base.to_string(),
                access_key: String::new(),
                method: SignMethod::default(),
                can_act: field("role") == "operator",
            });
        }
    }
    out
}

/// A name for a new account from its endpoint's host, not one of `taken`
/// (`ews-example-com`, then `ews-example-com 2`…): no `.` or `:`, so that
/// the URL's last segment never looks like a file to a static host.
pub fn suggest_name(endpoint: &str, taken: &[Account]) -> String {
    let host = endpoint
        .split("://")
        .nth(1)
        .unwrap_or(endpoint)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let base: String = host
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if matches!(c, '.' | ':') { '-' } else { c })
        .take(MAX_NAME - 3)
        .collect();
    let base = if base.trim().is_empty() {
        "EWS".to_string()
    } else {
        base
    };
    let free = |n: &str| !taken.iter().any(|a| a.name == n);
    (1..)
        .map(|i| {
            if i == 1 {
                base.clone()
            } else {
                format!("{base} {i}")
            }
        })
        .find(|n| free(n))
        .unwrap_or(base)
}

/// The accounts kept on this device. The connection kept before there
/// were accounts becomes the first one (with its remembered secret, if any),
/// once.
pub fn kept() -> Vec<Account> {
    if let Some(text) = storage::get(keys::ACCOUNTS) {
        // What the move below left behind, if it was cut short.
        storage::remove(keys::CONNECTION);
        storage::remove(keys::SECRET);
        return parse_stored(&text);
    }
    let Some(old) = storage::get(keys::CONNECTION) else {
        return Vec::new();
    };
    let fields = |text: &str, names: [&str; 3]| {
        let v = json::parse(text.as_bytes()).unwrap_or(Value::Null);
        names.map(|n| {
            v.get(n)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
    };
    let [endpoint, access_key, method] = fields(&old, ["endpoint", "accessKey", "method"]);
    let account = Account {
        name: suggest_name(&endpoint, &[]),
        endpoint,
        access_key,
        method: SignMethod::parse(&method).unwrap_or_default(),
        can_act: true,
    };
    if let Some(old) = storage::get(keys::SECRET) {
        let [key, secret, _] = fields(&old, ["accessKey", "secret", ""]);
        if key == account.access_key && !secret.is_empty() {
            remember(&account.name, Some((&key, &secret)));
        }
    }
    storage::remove(keys::CONNECTION);
    storage::remove(keys::SECRET);
    let list = vec![account];
    keep(&list);
    list
}

/// Keeps `accounts` on this device (never a secret).
pub fn keep(accounts: &[Account]) {
    storage::set(keys::ACCOUNTS, &stored_json(accounts));
}

/// Every remembered secret: `{name: {"accessKey","secret"}}`.
fn secrets() -> Vec<(String, String, String)> {
    let text = storage::get(keys::SECRETS).unwrap_or_default();
    let Ok(Value::Obj(items)) = json::parse(text.as_bytes()) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|(name, v)| {
            let f = |n: &str| v.get(n).and_then(Value::as_str).map(str::to_string);
            Some((name.to_string(), f("accessKey")?, f("secret")?))
        })
        .collect()
}

/// The credentials of `account` with the secret remembered for it, while
/// its access key is the one it was remembered with.
pub fn remembered(account: &Account) -> Option<ews_core::Credentials> {
    secrets()
        .into_iter()
        .find(|(n, k, s)| *n == account.name && *k == account.access_key && !s.is_empty())
        .map(|(_, k, s)| ews_core::Credentials::new(k, s, account.method))
}

/// Whether a secret is remembered for the account named `name`.
pub fn is_remembered(name: &str) -> bool {
    secrets().iter().any(|(n, ..)| n == name)
}

/// Remembers an account's `(access key, secret)`, or forgets it (`None`).
pub fn remember(name: &str, secret: Option<(&str, &str)>) {
    let mut all = secrets();
    all.retain(|(n, ..)| n != name);
    if let Some((key, secret)) = secret {
        all.push((name.to_string(), key.to_string(), secret.to_string()));
    }
    if all.is_empty() {
        return storage::remove(keys::SECRETS);
    }
    let mut out = String::new();
    let mut o = Obj::new(&mut out);
    for (n, k, s) in &all {
        let mut inner = String::new();
        let mut i = Obj::new(&mut inner);
        i.str("accessKey", k).str("secret", s);
        i.end();
        o.raw(n, &inner);
    }
    o.end();
    storage::set(keys::SECRETS, &out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str) -> Account {
        Account {
            name: name.into(),
            endpoint: "https://ews.example.com".into(),
            access_key: "ak".into(),
            method: SignMethod::HmacSha1,
            can_act: true,
        }
    }

    #[test]
    fn names_and_paths() {
        for good in ["prod", "Prod EU", "生产", "a.b_c-d", &"x".repeat(MAX_NAME)] {
            assert!(valid_name(good), "{good}");
            assert_eq!(
                split_path(&format!("{}/containers/7", prefix(good))),
                (Some(good.to_string()), "/containers/7")
            );
        }
        for bad in [
            "",
            " prod",
            ".",
            "..",
            "prod ",
            "a/b",
            "a\nb",
            &"x".repeat(MAX_NAME + 1),
        ] {
            assert!(!valid_name(bad), "{bad:?}");
        }
        assert_eq!(split_path("/a/prod"), (Some("prod".into()), ""));
        assert_eq!(split_path("/a/prod/"), (Some("prod".into()), "/"));
        assert_eq!(split_path("/containers/7"), (None, "/containers/7"));
        assert_eq!(split_path("/a/%zz/x"), (None, "/a/%zz/x"));
        assert_eq!(split_path("/a//x"), (None, "/a//x"));
        assert_eq!(prefix("Prod EU"), "/a/Prod%20EU");
    }

    #[test]
    fn the_kept_list_round_trips_and_survives_junk() {
        let list = vec![account("prod"), account("staging 2")];
        assert_eq!(parse_stored(&stored_json(&list)), list);
        let junk = r#"[1,{"name":""},{"name":"prod","endpoint":"e","accessKey":"k","method":"md5"},{"name":"prod"},"x",{"name":"b","method":"nope"}]"#;
        let read = parse_stored(junk);
        assert_eq!(
            read.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["prod", "b"]
        );
        assert_eq!(read[0].method, SignMethod::HmacMd5);
        assert_eq!(read[1].method, SignMethod::default());
        for text in ["", "{}", "null", "[", "\"x\""] {
            assert!(parse_stored(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn the_sessions_accounts_are_same_origin_only() {
        let v = json::parse(
            br#"{"accounts":[{"name":"prod","role":"viewer","base":"/a/prod"},{"name":"eu","role":"operator","base":"/a/eu/"},
            {"name":"evil","role":"operator","base":"//evil.example"},{"name":"x","base":"https://x"},{"name":"prod","base":"/a/p2"}]}"#,
        )
        .unwrap();
        let got = from_session(v.get("accounts"));
        let names: Vec<_> = got
            .iter()
            .map(|a| (a.name.as_str(), a.endpoint.as_str(), a.can_act))
            .collect();
        assert_eq!(names, [("prod", "/a/prod", false), ("eu", "/a/eu", true)]);
        assert!(from_session(None).is_empty());
    }

    #[test]
    fn suggested_names_are_free() {
        let taken = vec![account("ews-example-com"), account("ews-example-com 2")];
        assert_eq!(
            suggest_name("https://ews.example.com/gw", &taken),
            "ews-example-com 3"
        );
        assert_eq!(suggest_name("http://127.0.0.1:8080", &[]), "127-0-0-1-8080");
        assert_eq!(suggest_name("", &[]), "EWS");
        assert!(valid_name(&suggest_name(&"h".repeat(200), &[])));
    }
}
