//! The Durable Object's storage: [`Db`] over its SQLite (`ctx.storage.sql`),
//! the thin glue between [`crate::durable`]'s logic and the platform. Only
//! this module knows the tables. Calls are synchronous, so one
//! [`crate::durable::handle`] is atomic.

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::durable::{AuditEntry, AuditFilter, Db, Revocation};
use crate::limiter::Bucket;

/// The tables, created when the object starts ([`SqlDb::create`] also adds
/// what later versions added to a table an older one made).
pub const SCHEMA: [&str; 5] = [
    "CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, debt_ms INTEGER NOT NULL, at_ms INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS revocations (seq INTEGER PRIMARY KEY AUTOINCREMENT, sid TEXT, user TEXT, cutoff_ms INTEGER, expires_s INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, event TEXT NOT NULL, user TEXT, role TEXT, client TEXT, action TEXT, container INTEGER, command_id TEXT, upstream_status INTEGER, upstream_code TEXT, error TEXT, outcome TEXT, message TEXT, account TEXT)",
    "CREATE INDEX IF NOT EXISTS audit_at ON audit (at_ms)",
    "CREATE INDEX IF NOT EXISTS audit_command ON audit (command_id)",
];

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn console_log(line: &str);
}

/// `ctx.storage.sql` of the object.
pub struct SqlDb {
    sql: JsValue,
    exec: Option<Function>,
}

fn num(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

fn opt_num(n: Option<u64>) -> JsValue {
    n.map_or(JsValue::NULL, num)
}

fn opt_text(t: Option<&str>) -> JsValue {
    t.map_or(JsValue::NULL, JsValue::from_str)
}

fn get(row: &JsValue, name: &str) -> JsValue {
    Reflect::get(row, &JsValue::from_str(name)).unwrap_or(JsValue::NULL)
}

fn get_num(row: &JsValue, name: &str) -> Option<u64> {
    get(row, name)
        .as_f64()
        .filter(|f| *f >= 0.0)
        .map(|f| f as u64)
}

fn get_text(row: &JsValue, name: &str) -> Option<String> {
    get(row, name).as_string()
}

impl SqlDb {
    /// The storage of an object (its `ctx.storage.sql`).
    pub fn new(sql: JsValue) -> SqlDb {
        let exec = Reflect::get(&sql, &JsValue::from_str("exec"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        SqlDb { sql, exec }
    }

    /// Creates the tables (idempotent), and adds the audit trail's
    /// `account` column to a table made before there were accounts.
    pub fn create(&self) {
        for statement in SCHEMA {
            self.run(statement, &[]);
        }
        let columns = self
            .cursor("SELECT * FROM audit LIMIT 0", &[])
            .and_then(|c| Reflect::get(&c, &JsValue::from_str("columnNames")).ok())
            .map(|names| {
                Array::from(&names)
                    .iter()
                    .filter_map(|n| n.as_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if !columns.iter().any(|c| c == "account") {
            self.run("ALTER TABLE audit ADD COLUMN account TEXT", &[]);
        }
    }

    /// Runs one statement; its cursor (`None` on an error, which is logged).
    fn cursor(&self, query: &str, params: &[JsValue]) -> Option<JsValue> {
        let Some(exec) = &self.exec else {
            console_log(
                r#"{"event":"durable","ok":false,"note":"no SQL storage: enableSql / new_sqlite_classes"}"#,
            );
            return None;
        };
        let args = Array::new();
        args.push(&JsValue::from_str(query));
        for p in params {
            args.push(p);
        }
        exec.apply(&self.sql, &args).map_err(log_error).ok()
    }

    /// Runs one statement; its rows (empty on an error, which is logged).
    fn run(&self, query: &str, params: &[JsValue]) -> Vec<JsValue> {
        let Some(cursor) = self.cursor(query, params) else {
            return Vec::new();
        };
        Reflect::get(&cursor, &JsValue::from_str("toArray"))
            .and_then(|f| f.dyn_into::<Function>())
            .and_then(|to_array| to_array.call0(&cursor))
            .and_then(|a| a.dyn_into::<Array>())
            .map(|a| a.iter().collect())
            .map_err(log_error)
            .unwrap_or_default()
    }
}

/// Logs a storage error (its message only: no data).
fn log_error(e: JsValue) {
    let why = Reflect::get(&e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_default();
    let mut line = String::from(r#"{"event":"durable","ok":false,"error":"#);
    ews_core::json::push_str(&mut line, &why);
    line.push('}');
    console_log(&line);
}

fn entry_of(row: &JsValue) -> AuditEntry {
    AuditEntry {
        seq: get_num(row, "seq").unwrap_or(0),
        at_ms: get_num(row, "at_ms").unwrap_or(0),
        event: get_text(row, "event").unwrap_or_default(),
        user: get_text(row, "user"),
        role: get_text(row, "role"),
        account: get_text(row, "account"),
        client: get_text(row, "client"),
        action: get_text(row, "action"),
        container: get_num(row, "container"),
        command_id: get_text(row, "command_id"),
        upstream_status: get_num(row, "upstream_status"),
        upstream_code: get_text(row, "upstream_code"),
        error: get_text(row, "error"),
        outcome: get_text(row, "outcome"),
        message: get_text(row, "message"),
    }
}

impl Db for SqlDb {
    fn bucket(&self, key: &str) -> Option<Bucket> {
        let rows = self.run(
            "SELECT debt_ms, at_ms FROM buckets WHERE key = ?",
            &[JsValue::from_str(key)],
        );
        rows.first().map(|r| Bucket {
            debt_ms: get_num(r, "debt_ms").unwrap_or(0),
            at_ms: get_num(r, "at_ms").unwrap_or(0),
        })
    }

    fn put_bucket(&self, key: &str, bucket: Bucket) {
        self.run(
            "INSERT INTO buckets (key, debt_ms, at_ms) VALUES (?, ?, ?) \
             ON CONFLICT (key) DO UPDATE SET debt_ms = excluded.debt_ms, at_ms = excluded.at_ms",
            &[
                JsValue::from_str(key),
                num(bucket.debt_ms),
                num(bucket.at_ms),
            ],
        );
    }

    fn forget_drained(&self, now_ms: u64) {
        self.run(
            "DELETE FROM buckets WHERE at_ms + debt_ms <= ?",
            &[num(now_ms)],
        );
    }

    fn push_revocation(&self, r: &Revocation) -> u64 {
        let rows = match r {
            Revocation::Session { sid, expires_s } => self.run(
                "INSERT INTO revocations (sid, expires_s) VALUES (?, ?) RETURNING seq",
                &[JsValue::from_str(sid), num(*expires_s)],
            ),
            Revocation::User {
                user,
                cutoff_ms,
                expires_s,
            } => self.run(
                "INSERT INTO revocations (user, cutoff_ms, expires_s) VALUES (?, ?, ?) RETURNING seq",
                &[JsValue::from_str(user), num(*cutoff_ms), num(*expires_s)],
            ),
        };
        rows.first().and_then(|r| get_num(r, "seq")).unwrap_or(0)
    }

    fn revocations_after(&self, seq: u64) -> (Vec<(u64, Revocation)>, u64) {
        let rows = self.run(
            "SELECT seq, sid, user, cutoff_ms, expires_s FROM revocations WHERE seq > ? ORDER BY seq",
            &[num(seq)],
        );
        let items: Vec<(u64, Revocation)> = rows
            .iter()
            .filter_map(|r| {
                let s = get_num(r, "seq")?;
                let expires_s = get_num(r, "expires_s")?;
                let rev = match (get_text(r, "sid"), get_text(r, "user")) {
                    (Some(sid), _) => Revocation::Session { sid, expires_s },
                    (None, Some(user)) => Revocation::User {
                        user,
                        cutoff_ms: get_num(r, "cutoff_ms")?,
                        expires_s,
                    },
                    _ => return None,
                };
                Some((s, rev))
            })
            .collect();
        let last = items.last().map_or(seq, |(s, _)| *s);
        (items, last)
    }

    fn forget_expired(&self, now_s: u64) {
        self.run(
            "DELETE FROM revocations WHERE expires_s <= ?",
            &[num(now_s)],
        );
    }

    fn audit_add(&self, e: &AuditEntry) -> u64 {
        let rows = self.run(
            "INSERT INTO audit (at_ms, event, user, role, client, action, container, command_id, \
             upstream_status, upstream_code, error, outcome, message, account) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            &[
                num(e.at_ms),
                JsValue::from_str(&e.event),
                opt_text(e.user.as_deref()),
                opt_text(e.role.as_deref()),
                opt_text(e.client.as_deref()),
                opt_text(e.action.as_deref()),
                opt_num(e.container),
                opt_text(e.command_id.as_deref()),
                opt_num(e.upstream_status),
                opt_text(e.upstream_code.as_deref()),
                opt_text(e.error.as_deref()),
                opt_text(e.outcome.as_deref()),
                opt_text(e.message.as_deref()),
                opt_text(e.account.as_deref()),
            ],
        );
        rows.first().and_then(|r| get_num(r, "seq")).unwrap_or(0)
    }

    fn audit_outcome(&self, account: &str, command_id: &str, outcome: &str, message: &str) {
        self.run(
            "UPDATE audit SET outcome = ?, message = ? \
             WHERE account = ? AND command_id = ? AND event = 'action' AND outcome IS NULL",
            &[
                JsValue::from_str(outcome),
                JsValue::from_str(message),
                JsValue::from_str(account),
                JsValue::from_str(command_id),
            ],
        );
    }

    fn audit_page(&self, f: &AuditFilter) -> Vec<AuditEntry> {
        let mut query = String::from("SELECT * FROM audit WHERE 1 = 1");
        let mut params: Vec<JsValue> = Vec::new();
        if let Some(u) = &f.user {
            query.push_str(" AND user = ?");
            params.push(JsValue::from_str(u));
        }
        if let Some(a) = &f.account {
            query.push_str(" AND account = ?");
            params.push(JsValue::from_str(a));
        }
        if let Some(c) = f.container {
            query.push_str(" AND container = ?");
            params.push(num(c));
        }
        if let Some(a) = &f.action {
            query.push_str(" AND (action = ? OR event = ?)");
            params.push(JsValue::from_str(a));
            params.push(JsValue::from_str(a));
        }
        if let Some(t) = f.from_ms {
            query.push_str(" AND at_ms >= ?");
            params.push(num(t));
        }
        if let Some(t) = f.to_ms {
            query.push_str(" AND at_ms <= ?");
            params.push(num(t));
        }
        if let Some(s) = f.before {
            query.push_str(" AND seq < ?");
            params.push(num(s));
        }
        query.push_str(" ORDER BY seq DESC LIMIT ?");
        params.push(num(f.limit));
        self.run(&query, &params).iter().map(entry_of).collect()
    }

    fn audit_forget_before(&self, at_ms: u64) {
        self.run("DELETE FROM audit WHERE at_ms < ?", &[num(at_ms)]);
    }
}
