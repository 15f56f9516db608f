//! The only place the console touches Web Storage.
//!
//! Local storage (this device, across sessions) holds preferences, the
//! accounts (name, endpoint, access key and sign method each), and an
//! account's secret key only when the user ticked "remember on this device"
//! for it. Session storage
//! (this tab) holds the recent-activity log and a running rolling job. Storage can be disabled or full:
//! every function here fails quietly, and what is read back is untrusted.

/// Keys used in Web Storage.
pub mod keys {
    /// Interface language tag.
    pub const LANG: &str = "ews.lang";
    /// `system`, `light` or `dark`.
    pub const THEME: &str = "ews.theme";
    /// Auto-refresh interval, seconds (0: off).
    pub const REFRESH: &str = "ews.refresh";
    /// The accounts kept on this device, without secrets (JSON list).
    pub const ACCOUNTS: &str = "ews.accounts";
    /// The last account used (its name).
    pub const ACCOUNT: &str = "ews.account";
    /// Remembered secret keys by account (JSON), only of the accounts
    /// whose user asked for it.
    pub const SECRETS: &str = "ews.secrets";
    /// Before accounts: the last connection, without the secret (JSON);
    /// read once and moved into [`ACCOUNTS`].
    pub const CONNECTION: &str = "ews.connection";
    /// Before accounts: the remembered secret (JSON); moved into [`SECRETS`].
    pub const SECRET: &str = "ews.secret";
    /// This tab's recent-activity log (JSON, session storage), one per
    /// account: `ews.activity:{name}`.
    pub const ACTIVITY: &str = "ews.activity";
    /// This tab's rolling job while it runs (session storage): when it
    /// began, the connection's base and the core's encoded rollout.
    pub const ROLLOUT: &str = "ews.rollout";
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reads a local-storage value.
pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Writes a local-storage value (quietly does nothing when storage fails).
pub fn set(key: &str, value: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a local-storage value.
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}

/// Reads a session-storage value.
pub fn session_get(key: &str) -> Option<String> {
    session()?.get_item(key).ok().flatten()
}

/// Writes a session-storage value.
pub fn session_set(key: &str, value: &str) {
    if let Some(s) = session() {
        let _ = s.set_item(key, value);
    }
}

/// Removes a session-storage value.
pub fn session_remove(key: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(key);
    }
}
