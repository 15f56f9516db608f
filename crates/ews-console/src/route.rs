//! The console's routes, as plain data: `/` (the list), `/containers/{id}`
//! (a container), `/commands/{id}` (a command's timeline), `/fleet` (every
//! account's containers in one list).
//!
//! Parsing is total: any path gives a [`Route`], unknown ones
//! [`Route::NotFound`]. The History API plumbing lives in [`crate::app`].

use ews_core::request::{percent_decode, percent_encode};
use ews_core::{CommandId, ContainerId};

/// Where the user is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/`: the container list (its filters live in the query string).
    List,
    /// `/fleet`: the containers of every account (see [`crate::fleet`];
    /// the list's query string too).
    Fleet,
    /// `/containers/{id}`: one container.
    Container(ContainerId),
    /// `/commands/{id}`: one command's activity/step timeline.
    Command(CommandId),
    /// Anything else.
    NotFound,
}

impl Route {
    /// The route of a path (without query string or fragment).
    pub fn parse(path: &str) -> Route {
        let path = path.trim_end_matches('/');
        if path.is_empty() || path == "/index.html" {
            return Route::List;
        }
        let mut parts = path.trim_start_matches('/').splitn(2, '/');
        match (parts.next(), parts.next()) {
            (Some("fleet"), None) => Route::Fleet,
            (Some("containers"), Some(id)) => percent_decode(id)
                .and_then(|id| ContainerId::parse(&id).ok())
                .map_or(Route::NotFound, Route::Container),
            (Some("commands"), Some(id)) if !id.contains('/') => percent_decode(id)
                .and_then(|id| CommandId::new(id).ok())
                .map_or(Route::NotFound, Route::Command),
            _ => Route::NotFound,
        }
    }

    /// Whether it is a list of containers (one account's, or the fleet's).
    pub fn is_list(&self) -> bool {
        matches!(self, Route::List | Route::Fleet)
    }

    /// The path of the route (without query string).
    pub fn path(&self) -> String {
        match self {
            Route::List | Route::NotFound => "/".into(),
            Route::Fleet => "/fleet".into(),
            Route::Container(id) => format!("/containers/{id}"),
            Route::Command(id) => format!("/commands/{}", percent_encode(id.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_route() {
        assert_eq!(Route::parse("/"), Route::List);
        assert_eq!(Route::parse(""), Route::List);
        assert_eq!(
            Route::parse("/containers/2529"),
            Route::Container(ContainerId(2529))
        );
        assert_eq!(
            Route::parse("/containers/2529/"),
            Route::Container(ContainerId(2529))
        );
        let cmd = CommandId::new("ec8364b4-6c58_4c42").unwrap();
        assert_eq!(
            Route::parse(&Route::Command(cmd.clone()).path()),
            Route::Command(cmd)
        );
    }

    #[test]
    fn bad_paths_are_not_found_never_a_panic() {
        for p in [
            "/containers/abc",
            "/containers/",
            "/containers/-1",
            "/commands/",
            "/commands/%zz",
            "/x",
            "/containers/1/2",
            "/commands/a/b",
            "/commands/..%2F..",
            "/commands/a%20b",
            "/fleet/1",
        ] {
            assert_eq!(Route::parse(p), Route::NotFound, "{p}");
        }
    }

    #[test]
    fn paths_round_trip() {
        for r in [Route::List, Route::Fleet, Route::Container(ContainerId(7))] {
            assert_eq!(Route::parse(&r.path()), r);
        }
    }
}
