//! What the user asked to see, as plain data kept in the URL: the status
//! filter ([`StatusSet`] over the core's status table), search, sort and
//! grouping ([`ListQuery`]).

use ews_core::request::{parse_query, percent_encode};
use ews_core::{Container, ContainerStatus};

use crate::list::Row;

/// The filter key of undocumented states.
pub const UNKNOWN: &str = "UNKNOWN";

/// The twelve status filter keys: the eleven documented states (the core's
/// table, in its order) and [`UNKNOWN`].
pub fn status_keys() -> impl Iterator<Item = &'static str> {
    ContainerStatus::TEXTS
        .iter()
        .copied()
        .chain(std::iter::once(UNKNOWN))
}

/// The filter key of a status: its text, or [`UNKNOWN`] when undocumented.
pub fn status_key(s: &ContainerStatus) -> &'static str {
    ContainerStatus::TEXTS
        .get(status_index(s))
        .copied()
        .unwrap_or(UNKNOWN)
}

/// The index of a filter key in [`status_keys`] (0..12).
pub fn status_index(s: &ContainerStatus) -> usize {
    s.index().unwrap_or(ContainerStatus::TEXTS.len())
}

/// A set of status filter keys (a bit per key of [`status_keys`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct StatusSet(u16);

impl StatusSet {
    /// Whether no status is chosen (then every status shows).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `key` is in the set.
    pub fn contains(self, key: &str) -> bool {
        key_bit(key).is_some_and(|b| self.0 & b != 0)
    }

    /// Whether a container's status passes (an empty set passes all).
    pub fn admits(self, status: &ContainerStatus) -> bool {
        self.is_empty() || self.0 & (1 << status_index(status)) != 0
    }

    /// Adds or removes `key` (unknown keys are ignored).
    pub fn toggle(&mut self, key: &str) {
        if let Some(b) = key_bit(key) {
            self.0 ^= b;
        }
    }

    /// Adds `key` (unknown keys are ignored).
    pub fn insert(&mut self, key: &str) {
        if let Some(b) = key_bit(key) {
            self.0 |= b;
        }
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.0 = 0;
    }

    /// The keys in the set, in [`status_keys`] order.
    pub fn keys(self) -> impl Iterator<Item = &'static str> {
        status_keys()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, k)| k)
    }
}

fn key_bit(key: &str) -> Option<u16> {
    status_keys().position(|k| k == key).map(|i| 1 << i)
}

/// A column the list can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum SortKey {
    /// Container id (the default).
    #[default]
    Id,
    /// Status text.
    Status,
    /// Node id.
    Node,
    /// Host id.
    Host,
    /// CPU cores (shared first).
    Cpu,
    /// Memory.
    Mem,
    /// Disk.
    Disk,
    /// Health text.
    Health,
    /// Creation time.
    Created,
    /// Start time.
    Started,
    /// Stop time.
    Stopped,
}

impl SortKey {
    /// Every column, in table order.
    pub const ALL: [SortKey; 11] = [
        SortKey::Id,
        SortKey::Status,
        SortKey::Node,
        SortKey::Host,
        SortKey::Cpu,
        SortKey::Mem,
        SortKey::Disk,
        SortKey::Health,
        SortKey::Created,
        SortKey::Started,
        SortKey::Stopped,
    ];

    /// The URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Id => "id",
            SortKey::Status => "status",
            SortKey::Node => "node",
            SortKey::Host => "host",
            SortKey::Cpu => "cpu",
            SortKey::Mem => "mem",
            SortKey::Disk => "disk",
            SortKey::Health => "health",
            SortKey::Created => "created",
            SortKey::Started => "started",
            SortKey::Stopped => "stopped",
        }
    }

    /// Parses a URL name.
    pub fn parse(text: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub(crate) fn compare(self, a: &Container, b: &Container) -> std::cmp::Ordering {
        match self {
            SortKey::Id => a.id.cmp(&b.id),
            SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
            SortKey::Node => a.node_id.cmp(&b.node_id),
            SortKey::Host => a.host_id.cmp(&b.host_id),
            SortKey::Cpu => a.cpu.cmp(&b.cpu),
            SortKey::Mem => a.mem.cmp(&b.mem),
            SortKey::Disk => a.disk.cmp(&b.disk),
            SortKey::Health => a.health.cmp(&b.health),
            // `YYYY-MM-DD hh:mm:ss` sorts as text; unset ("") first.
            SortKey::Created => a.create_time.raw().cmp(b.create_time.raw()),
            SortKey::Started => a.start_time.raw().cmp(b.start_time.raw()),
            SortKey::Stopped => a.stop_time.raw().cmp(b.stop_time.raw()),
        }
    }
}

/// How rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Group {
    /// One flat list.
    #[default]
    None,
    /// By node id.
    Node,
    /// By host id.
    Host,
    /// By account (the fleet view).
    Account,
}

impl Group {
    /// Every choice.
    pub const ALL: [Group; 4] = [Group::None, Group::Node, Group::Host, Group::Account];

    /// The URL name (`""` for none).
    pub fn as_str(self) -> &'static str {
        match self {
            Group::None => "",
            Group::Node => "node",
            Group::Host => "host",
            Group::Account => "account",
        }
    }

    /// Parses a URL name.
    pub fn parse(text: &str) -> Group {
        match text {
            "node" => Group::Node,
            "host" => Group::Host,
            "account" => Group::Account,
            _ => Group::None,
        }
    }

    pub(crate) fn key(self, c: &Container) -> Option<i64> {
        match self {
            Group::None => None,
            Group::Node => c.node_id,
            Group::Host => c.host_id,
            Group::Account => crate::fleet::untag(c.id).0.map(|p| p as i64),
        }
    }
}

/// What the user asked to see: status filter, search, sort and grouping.
/// Lives in the URL query (`?status=RUNNING,STOPPED&q=12&sort=mem&dir=desc&group=node`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ListQuery {
    /// Status filter (empty: every status).
    pub statuses: StatusSet,
    /// Free-text search over id, node and host.
    pub search: String,
    /// Sort column.
    pub sort: SortKey,
    /// Descending order.
    pub desc: bool,
    /// Grouping.
    pub group: Group,
}

impl ListQuery {
    /// Parses a query string (with or without `?`). Unknown or broken
    /// parameters are ignored, never an error.
    pub fn parse(search: &str) -> ListQuery {
        let mut q = ListQuery::default();
        let pairs = parse_query(search.trim_start_matches('?')).unwrap_or_default();
        for (name, value) in pairs {
            match name.as_str() {
                "status" => {
                    for key in value.split(',') {
                        q.statuses.insert(&key.trim().to_ascii_uppercase());
                    }
                }
                "q" => q.search = value.chars().take(200).collect(),
                "sort" => q.sort = SortKey::parse(&value).unwrap_or_default(),
                "dir" => q.desc = value == "desc",
                "group" => q.group = Group::parse(&value),
                _ => {}
            }
        }
        q
    }

    /// The query string, `""` when everything is default, else `?…`.
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.statuses.is_empty() {
            let list: Vec<&str> = self.statuses.keys().collect();
            parts.push(format!("status={}", list.join(",")));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", percent_encode(&self.search)));
        }
        if self.sort != SortKey::Id {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if self.desc {
            parts.push("dir=desc".into());
        }
        if self.group != Group::None {
            parts.push(format!("group={}", self.group.as_str()));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// Adds or removes one status from the filter.
    pub fn toggle_status(&mut self, key: &str) {
        self.statuses.toggle(key);
    }

    /// Sorts by `key`; the same key again flips the direction.
    pub fn sort_by(&mut self, key: SortKey) {
        if self.sort == key {
            self.desc = !self.desc;
        } else {
            self.sort = key;
            self.desc = false;
        }
    }

    /// Whether any filter (status or search) is active.
    pub fn is_filtered(&self) -> bool {
        !self.statuses.is_empty() || !self.search.trim().is_empty()
    }

    pub(crate) fn matcher(&self) -> impl Fn(&Row) -> bool + '_ {
        let needle = self.search.trim().to_ascii_lowercase();
        move |row: &Row| {
            self.statuses.admits(&row.c.status) && (needle.is_empty() || row.hay.contains(&needle))
        }
    }
}
