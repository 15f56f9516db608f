//! Credentials: an access key, a secret key and a sign method.
//!
//! The secret is reachable only through [`Credentials::secret`]; `Debug` and
//! `Display` never show it (they print `***`), so a stray `{:?}` in a log
//! cannot leak it.

use alloc::string::String;
use core::fmt;

use crate::sign::SignMethod;

/// What a client signs with.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key: String,
    secret: String,
    method: SignMethod,
}

impl Credentials {
    /// Credentials for one account.
    pub fn new(
        access_key: impl Into<String>,
        secret: impl Into<String>,
        method: SignMethod,
    ) -> Self {
        Credentials {
            access_key: access_key.into(),
            secret: secret.into(),
            method,
        }
    }

    /// The access key (sent in every request; an identifier, not a secret).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The secret key. Never log, display or store what this returns.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The sign method.
    pub fn method(&self) -> SignMethod {
        self.method
    }

    /// The same credentials with another sign method.
    pub fn with_method(mut self, method: SignMethod) -> Self {
        self.method = method;
        self
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret", &"***")
            .field("method", &self.method)
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (secret ***, {})", self.access_key, self.method)
    }
}
