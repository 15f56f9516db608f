//! Console users: who may use the console through the worker, and with
//! which role.
//!
//! `EWS_CONSOLE_TOKENS` lists them as `name:role:token` entries separated by
//! commas or newlines, e.g. `alice:operator:Xq…,bob:viewer:Lm…`. Names are
//! 1–64 characters of `A-Z a-z 0-9 _ -`; a token is 16–256 printable ASCII
//! characters without spaces or commas (it may contain `:`). Names and
//! tokens must be unique.
//!
//! The role is `viewer` or `operator` on every account the worker fronts,
//! or a role per account, `role@account` joined by `+`:
//! `carol:operator@staging+viewer@prod:Zk…` is an operator on `staging`, a
//! viewer on `prod` and reaches no other account ([`Grants`]).
//!
//! Tokens are never kept: each is reduced to a SHA-1 digest at parse time,
//! and a presented token is compared digest against digest, in constant time,
//! against *every* user (no early exit), so neither the token's content nor
//! its length nor which user matched shows in the timing.

use core::fmt;

use ews_core::Operation;
use ews_core::sign::ct_eq;
use sha1::{Digest, Sha1};

/// Shortest accepted token, in characters.
pub const MIN_TOKEN_LEN: usize = 16;
/// Longest accepted token, in characters.
pub const MAX_TOKEN_LEN: usize = 256;
/// Longest accepted user name.
pub const MAX_NAME_LEN: usize = 64;

/// What a console user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// List and get containers, follow commands: every `GET`.
    Viewer,
    /// Also start, stop and delete containers.
    Operator,
}

impl Role {
    /// `viewer` or `operator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
        }
    }

    /// Parses `viewer` or `operator` (any case).
    pub fn parse(text: &str) -> Option<Role> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("viewer") {
            Some(Role::Viewer)
        } else if t.eq_ignore_ascii_case("operator") {
            Some(Role::Operator)
        } else {
            None
        }
    }

    /// Whether this role may perform `op`: viewers only read, operators
    /// also start, stop and delete.
    pub fn may(self, op: &Operation) -> bool {
        match self {
            Role::Viewer => !op.is_mutating(),
            Role::Operator => true,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which accounts a user reaches, and with which role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grants {
    /// The same role on every account (`operator`, `viewer`).
    All(Role),
    /// A role on each named account, none elsewhere (`operator@staging+viewer@prod`).
    Each(Vec<(String, Role)>),
}

impl Grants {
    /// Parses a role field: a role, or `role@account` joined by `+`.
    fn parse(text: &str) -> Result<Grants, &'static str> {
        let text = text.trim();
        if !text.contains('@') {
            return Role::parse(text)
                .map(Grants::All)
                .ok_or("the role must be viewer or operator, or role@account joined by +");
        }
        let mut each: Vec<(String, Role)> = Vec::new();
        for grant in text.split('+').map(str::trim) {
            let (role, account) = grant
                .split_once('@')
                .ok_or("each grant is role@account (e.g. operator@staging+viewer@prod)")?;
            let role = Role::parse(role).ok_or("a grant's role must be viewer or operator")?;
            let account = account.trim();
            if !crate::config::valid_account_name(account) {
                return Err("a grant's account must be a name from EWS_ACCOUNTS");
            }
            if each.iter().any(|(a, _)| a == account) {
                return Err("an account is granted twice");
            }
            each.push((account.to_owned(), role));
        }
        Ok(Grants::Each(each))
    }

    /// The role on `account` (`None`: the account is not reachable).
    pub fn role_in(&self, account: &str) -> Option<Role> {
        match self {
            Grants::All(role) => Some(*role),
            Grants::Each(each) => each.iter().find(|(a, _)| a == account).map(|(_, r)| *r),
        }
    }
}

impl fmt::Display for Grants {
    /// As configured: `operator`, or `operator@staging+viewer@prod`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grants::All(role) => f.write_str(role.as_str()),
            Grants::Each(each) => {
                for (i, (account, role)) in each.iter().enumerate() {
                    if i > 0 {
                        f.write_str("+")?;
                    }
                    write!(f, "{role}@{account}")?;
                }
                Ok(())
            }
        }
    }
}

/// A token's digest: what the worker keeps instead of the token.
pub type TokenDigest = [u8; 20];

/// The digest a token is compared by.
pub fn token_digest(token: &str) -> TokenDigest {
    let mut h = Sha1::new();
    h.update(b"ews-edge token v1\n");
    h.update(token.as_bytes());
    h.finalize().into()
}

/// One console user.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    name: String,
    grants: Grants,
    digest: TokenDigest,
}

impl User {
    /// The user's name: what logs and the console show (never the token).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The accounts the user reaches, and the role on each.
    pub fn grants(&self) -> &Grants {
        &self.grants
    }

    /// The user's role on `account` (`None`: no access to it).
    pub fn role_in(&self, account: &str) -> Option<Role> {
        self.grants.role_in(account)
    }

    /// The digest of the user's current token (binds sessions to it, so a
    /// new token ends the sessions made with the old one).
    pub fn digest(&self) -> &TokenDigest {
        &self.digest
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("grants", &self.grants)
            .field("token", &"***")
            .finish()
    }
}

/// Why `EWS_CONSOLE_TOKENS` was refused. Says which entry (by position and,
/// once known, name) and what is wrong, never a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersError(pub String);

impl fmt::Display for UsersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every configured console user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Users(Vec<User>);

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn valid_token_chars(token: &str) -> bool {
    token.bytes().all(|b| b.is_ascii_graphic() && b != b',')
}

impl Users {
    /// Parses `name:role:token` entries separated by commas or newlines
    /// (blank entries are skipped). At least one user is required.
    pub fn parse(text: &str) -> Result<Users, UsersError> {
        let mut users: Vec<User> = Vec::new();
        let entries = text
            .split([',', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty());
        for (i, entry) in entries.enumerate() {
            let n = i + 1;
            let mut parts = entry.splitn(3, ':');
            let name = parts.next().unwrap_or("").trim();
            let role = parts.next();
            let token = parts.next();
            if !valid_name(name) {
                return Err(UsersError(format!(
                    "entry {n}: the name must be 1-{MAX_NAME_LEN} characters of A-Z a-z 0-9 _ - (format name:role:token)"
                )));
            }
            let (Some(role), Some(token)) = (role, token) else {
                return Err(UsersError(format!("entry {n}: expected name:role:token")));
            };
            let grants =
                Grants::parse(role).map_err(|why| UsersError(format!("entry {n}: {why}")))?;
            let token = token.trim();
            if token.len() < MIN_TOKEN_LEN || token.len() > MAX_TOKEN_LEN {
                return Err(UsersError(format!(
                    "entry {n}: the token must be {MIN_TOKEN_LEN}-{MAX_TOKEN_LEN} characters long"
                )));
            }
            if !valid_token_chars(token) {
                return Err(UsersError(format!(
                    "entry {n}: the token may only hold printable ASCII without spaces or commas"
                )));
            }
            let digest = token_digest(token);
            if users.iter().any(|u| u.name == name) {
                return Err(UsersError(format!("entry {n}: the name is used twice")));
            }
            if users.iter().any(|u| u.digest == digest) {
                return Err(UsersError(format!(
                    "entry {n}: the token is the same as another user's"
                )));
            }
            users.push(User {
                name: name.to_owned(),
                grants,
                digest,
            });
        }
        if users.is_empty() {
            return Err(UsersError(
                "no users: give at least one name:role:token entry".into(),
            ));
        }
        Ok(Users(users))
    }

    /// The user a presented token belongs to. Compares against every user
    /// in constant time per user, whatever matches.
    pub fn by_token(&self, presented: &str) -> Option<&User> {
        let digest = token_digest(presented);
        let mut found = None;
        for user in &self.0 {
            if ct_eq(&user.digest, &digest) {
                found = Some(user);
            }
        }
        found
    }

    /// The user with this name (names are not secret).
    pub fn by_name(&self, name: &str) -> Option<&User> {
        self.0.iter().find(|u| u.name == name)
    }

    /// Every user, in configuration order.
    pub fn iter(&self) -> impl Iterator<Item = &User> {
        self.0.iter()
    }

    /// Checks that every account a user is granted is one of `accounts`
    /// (names the first entry that is not; account names are not secret).
    pub fn check_accounts(&self, accounts: &[&str]) -> Result<(), UsersError> {
        for (i, user) in self.0.iter().enumerate() {
            if let Grants::Each(each) = &user.grants
                && let Some((a, _)) = each.iter().find(|(a, _)| !accounts.contains(&a.as_str()))
            {
                return Err(UsersError(format!(
                    "entry {}: account `{a}` is not configured (the accounts are {})",
                    i + 1,
                    accounts.join(", ")
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::{CommandId, ContainerId};

    const ALICE: &str = "alice-token-0123456789";
    const BOB: &str = "bob-token-abcdefghijk:x";

    fn users() -> Users {
        Users::parse(&format!("alice:operator:{ALICE}, bob:viewer:{BOB}\n")).unwrap()
    }

    #[test]
    fn parses_entries_and_finds_by_token() {
        let u = users();
        assert_eq!(u.iter().count(), 2);
        let alice = u.by_token(ALICE).unwrap();
        assert_eq!(
            (alice.name(), alice.role_in("any")),
            ("alice", Some(Role::Operator))
        );
        // A token may contain ':' (only the first two split).
        let bob = u.by_token(BOB).unwrap();
        assert_eq!(
            (bob.name(), bob.role_in("any")),
            ("bob", Some(Role::Viewer))
        );
        assert!(u.by_token("alice-token-012345678").is_none());
        assert!(u.by_token("").is_none());
        assert!(u.by_token(&format!("{ALICE}x")).is_none());
        assert_eq!(
            u.by_name("bob").unwrap().grants(),
            &Grants::All(Role::Viewer)
        );
        assert!(u.by_name("carol").is_none());
    }

    #[test]
    fn newline_separated_and_role_case() {
        let u = Users::parse(&format!("\n alice:OPERATOR:{ALICE}\n\nbob:Viewer:{BOB}\n")).unwrap();
        assert_eq!(
            u.by_name("alice").unwrap().grants(),
            &Grants::All(Role::Operator)
        );
        assert_eq!(
            u.by_name("bob").unwrap().grants(),
            &Grants::All(Role::Viewer)
        );
    }

    #[test]
    fn a_role_per_account() {
        let u = Users::parse(&format!(
            "carol:operator@staging + VIEWER@prod:{ALICE}\ndave:viewer@prod:{BOB}"
        ))
        .unwrap();
        let carol = u.by_name("carol").unwrap();
        assert_eq!(carol.role_in("staging"), Some(Role::Operator));
        assert_eq!(carol.role_in("prod"), Some(Role::Viewer));
        assert_eq!(carol.role_in("eu"), None);
        assert_eq!(carol.grants().to_string(), "operator@staging+viewer@prod");
        assert_eq!(u.by_name("dave").unwrap().role_in("staging"), None);
        assert!(u.check_accounts(&["prod", "staging"]).is_ok());
        let e = u.check_accounts(&["prod"]).unwrap_err().to_string();
        assert!(
            e.contains("entry 1: account `staging` is not configured"),
            "{e}"
        );
        assert!(!e.contains(ALICE), "{e}");
        for (role, want) in [
            ("operator@", "a name from EWS_ACCOUNTS"),
            ("operator@Prod", "a name from EWS_ACCOUNTS"),
            ("root@prod", "viewer or operator"),
            ("operator@prod+viewer@prod", "granted twice"),
            ("operator@prod+viewer", "role@account"),
        ] {
            let e = Users::parse(&format!("carol:{role}:{ALICE}"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{role}: {e}");
        }
    }

    #[test]
    fn refuses_bad_entries_without_echoing_tokens() {
        let cases = [
            ("", "no users"),
            (" , ", "no users"),
            ("alice", "expected name:role:token"),
            ("alice:operator", "expected name:role:token"),
            ("al ice:operator:0123456789abcdef", "the name must be"),
            (":operator:0123456789abcdef", "the name must be"),
            ("alice:admin:0123456789abcdef", "viewer or operator"),
            ("alice:viewer:short", "16-256 characters"),
            ("alice:viewer:0123456789abcd ef", "printable ASCII"),
            (
                "alice:viewer:0123456789abcdef,alice:operator:fedcba9876543210",
                "used twice",
            ),
            (
                "alice:viewer:0123456789abcdef,bob:operator:0123456789abcdef",
                "same as another",
            ),
        ];
        for (text, want) in cases {
            let err = Users::parse(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
            assert!(!err.contains("0123456789abcdef"), "{err}");
            assert!(!err.contains("short"), "{err}");
        }
        let long = "x".repeat(MAX_TOKEN_LEN + 1);
        assert!(Users::parse(&format!("a:viewer:{long}")).is_err());
        assert!(Users::parse(&format!("a:viewer:{}", "x".repeat(MAX_TOKEN_LEN))).is_ok());
    }

    #[test]
    fn debug_hides_the_token() {
        let shown = format!("{:?}", users());
        assert!(!shown.contains(ALICE) && !shown.contains(BOB), "{shown}");
        assert!(shown.contains("alice") && shown.contains("***"));
    }

    #[test]
    fn roles_allow_reads_or_everything() {
        let id = ContainerId(7);
        let reads = [
            Operation::ListContainers,
            Operation::GetContainer(id),
            Operation::GetCommand(CommandId::new("c-1").unwrap()),
        ];
        let writes = [
            Operation::StartContainer(id),
            Operation::StopContainer(id),
            Operation::DeleteContainer(id),
        ];
        for op in &reads {
            assert!(Role::Viewer.may(op) && Role::Operator.may(op), "{op:?}");
        }
        for op in &writes {
            assert!(!Role::Viewer.may(op) && Role::Operator.may(op), "{op:?}");
        }
        assert_eq!(Role::parse("operator"), Some(Role::Operator));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn config_errors_never_echo_an_entry() {
        // A token pasted without `name:role:` must not come back in the
        // (unauthenticated) configuration error.
        let token = "abcdefghijklmnopqrstuvwxyz012345";
        let e = Users::parse(token).unwrap_err().to_string();
        assert!(!e.contains(token), "{e}");
        let e = Users::parse(&format!("alice:admin:{token}"))
            .unwrap_err()
            .to_string();
        assert!(!e.contains("alice") && !e.contains(token), "{e}");
    }
}
