//! The container list as data: what the user asked to see ([`ListQuery`],
//! kept in the URL), what the server has ([`Dataset`], refreshed by diff) and
//! what is shown ([`View`], filtered, sorted and grouped).
//!
//! A refresh that changes nothing produces no new [`Dataset`] (so nothing is
//! re-sorted or re-rendered); one that changes a few containers keeps every
//! other row as the same `Arc` with the same revision, so the table re-renders
//! only those rows.

use std::sync::Arc;

use ews_core::request::{parse_query, percent_encode};
use ews_core::{Container, ContainerId, ContainerStatus};
use rustc_hash::FxHashMap as HashMap;

/// The filter key of undocumented states.
pub const UNKNOWN: &str = "UNKNOWN";

/// The twelve status filter keys: the eleven documented states and [`UNKNOWN`].
pub fn status_keys() -> impl Iterator<Item = &'static str> {
    ContainerStatus::DOCUMENTED
        .iter()
        .map(static_status)
        .chain(std::iter::once(UNKNOWN))
}

fn static_status(s: &ContainerStatus) -> &'static str {
    use ContainerStatus as S;
    match s {
        S::Allocating => "ALLOCATING",
        S::Allocated => "ALLOCATED",
        S::Starting => "STARTING",
        S::Running => "RUNNING",
        S::Fail => "FAIL",
        S::RunFailed => "RUNFAILED",
        S::StartFailed => "STARTFAILED",
        S::Stopping => "STOPPING",
        S::Stopped => "STOPPED",
        S::Login => "LOGIN",
        S::StopFailed => "STOPFAILED",
        S::Unknown(_) => UNKNOWN,
    }
}

/// The filter key of a status: its text, or [`UNKNOWN`] when undocumented.
pub fn status_key(s: &ContainerStatus) -> &'static str {
    static_status(s)
}

/// The index of a filter key in [`status_keys`] (0..12).
pub fn status_index(s: &ContainerStatus) -> usize {
    use ContainerStatus as S;
    match s {
        S::Allocating => 0,
        S::Allocated => 1,
        S::Starting => 2,
        S::Running => 3,
        S::Fail => 4,
        S::RunFailed => 5,
        S::StartFailed => 6,
        S::Stopping => 7,
        S::Stopped => 8,
        S::Login => 9,
        S::StopFailed => 10,
        S::Unknown(_) => 11,
    }
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

    fn compare(self, a: &Container, b: &Container) -> std::cmp::Ordering {
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
}

impl Group {
    /// Every choice.
    pub const ALL: [Group; 3] = [Group::None, Group::Node, Group::Host];

    /// The URL name (`""` for none).
    pub fn as_str(self) -> &'static str {
        match self {
            Group::None => "",
            Group::Node => "node",
            Group::Host => "host",
        }
    }

    /// Parses a URL name.
    pub fn parse(text: &str) -> Group {
        match text {
            "node" => Group::Node,
            "host" => Group::Host,
            _ => Group::None,
        }
    }

    fn key(self, c: &Container) -> Option<u64> {
        match self {
            Group::None => None,
            Group::Node => c.node_id,
            Group::Host => c.host_id,
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

    fn matcher(&self) -> impl Fn(&Row) -> bool + '_ {
        let needle = self.search.trim().to_ascii_lowercase();
        move |row: &Row| {
            self.statuses.admits(&row.c.status) && (needle.is_empty() || row.hay.contains(&needle))
        }
    }
}

/// One container as the list holds it: the data, a revision that changes
/// whenever the data does, and the text search looks in.
#[derive(Debug)]
pub struct Row {
    /// The container.
    pub c: Container,
    /// Changes exactly when `c` changes (rows are keyed by id and revision).
    pub rev: u64,
    hay: String,
}

impl PartialEq for Row {
    /// Same container at the same revision.
    fn eq(&self, other: &Self) -> bool {
        self.c.id == other.c.id && self.rev == other.rev
    }
}

impl Row {
    fn new(c: Container, rev: u64) -> Row {
        let mut hay = format!("#{} ", c.id);
        if let Some(n) = c.node_id {
            hay.push_str(&format!("node {n} "));
        }
        if let Some(h) = c.host_id {
            hay.push_str(&format!("host {h}"));
        }
        Row { c, rev, hay }
    }
}

/// Every container the server listed, with revisions.
#[derive(Debug, Default, Clone)]
pub struct Dataset {
    rows: Vec<Arc<Row>>,
    index: HashMap<ContainerId, usize>,
    next_rev: u64,
}

impl PartialEq for Dataset {
    /// Two datasets are equal when they hold the same rows at the same
    /// revisions (cheap: revisions, not data, are compared).
    fn eq(&self, other: &Self) -> bool {
        self.rows.len() == other.rows.len()
            && self
                .rows
                .iter()
                .zip(&other.rows)
                .all(|(a, b)| a.c.id == b.c.id && a.rev == b.rev)
    }
}

impl Dataset {
    /// A dataset of `list` (duplicated ids: the first wins).
    pub fn new(list: Vec<Container>) -> Dataset {
        Dataset::default().apply(list).unwrap_or_default()
    }

    /// The dataset after a refresh that returned `list`, or `None` when
    /// nothing changed (same ids, same data; order is irrelevant). Unchanged
    /// rows keep their `Arc` and revision.
    pub fn apply(&self, list: Vec<Container>) -> Option<Dataset> {
        let mut next_rev = self.next_rev;
        let mut changed = false;
        let mut rows = Vec::with_capacity(list.len());
        let mut index = HashMap::with_capacity_and_hasher(list.len(), Default::default());
        for c in list {
            if index.contains_key(&c.id) {
                continue;
            }
            let row = match self.get(c.id) {
                Some(old) if old.c == c => Arc::clone(old),
                _ => {
                    changed = true;
                    next_rev += 1;
                    Arc::new(Row::new(c, next_rev))
                }
            };
            index.insert(row.c.id, rows.len());
            rows.push(row);
        }
        // Same length + every new id was old + no duplicates = same set.
        changed |= rows.len() != self.rows.len();
        changed.then_some(Dataset {
            rows,
            index,
            next_rev,
        })
    }

    /// The dataset with one container replaced or added, or `None` when it
    /// is already so.
    pub fn upsert(&self, c: Container) -> Option<Dataset> {
        if self.get(c.id).is_some_and(|old| old.c == c) {
            return None;
        }
        let mut next = self.clone();
        next.next_rev += 1;
        let row = Arc::new(Row::new(c, next.next_rev));
        match next.index.get(&row.c.id) {
            Some(&i) => next.rows[i] = row,
            None => {
                next.index.insert(row.c.id, next.rows.len());
                next.rows.push(row);
            }
        }
        Some(next)
    }

    /// The dataset without `id`, or `None` when it was not there.
    pub fn remove(&self, id: ContainerId) -> Option<Dataset> {
        self.index.get(&id)?;
        let rows: Vec<Arc<Row>> = self.rows.iter().filter(|r| r.c.id != id).cloned().collect();
        let index = rows.iter().enumerate().map(|(i, r)| (r.c.id, i)).collect();
        Some(Dataset {
            rows,
            index,
            next_rev: self.next_rev,
        })
    }

    /// One row.
    pub fn get(&self, id: ContainerId) -> Option<&Arc<Row>> {
        self.index.get(&id).and_then(|&i| self.rows.get(i))
    }

    /// Every row, in server order.
    pub fn rows(&self) -> &[Arc<Row>] {
        &self.rows
    }

    /// How many containers.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Containers per status, in [`status_keys`] order.
    pub fn counts(&self) -> [usize; 12] {
        let mut counts = [0; 12];
        for r in &self.rows {
            counts[status_index(&r.c.status)] += 1;
        }
        counts
    }

    /// What `q` shows: filtered, sorted (ties by id), grouped.
    pub fn view(&self, q: &ListQuery) -> View {
        let matches = q.matcher();
        let mut rows: Vec<Arc<Row>> = self.rows.iter().filter(|r| matches(r)).cloned().collect();
        let (key, desc, group) = (q.sort, q.desc, q.group);
        rows.sort_unstable_by(|a, b| {
            let by_group = group.key(&a.c).cmp(&group.key(&b.c));
            let by_key = key.compare(&a.c, &b.c).then(a.c.id.cmp(&b.c.id));
            by_group.then(if desc { by_key.reverse() } else { by_key })
        });
        let mut items = Vec::with_capacity(rows.len() + 8);
        let mut row_pos = Vec::with_capacity(rows.len());
        let mut i = 0;
        while i < rows.len() {
            if group != Group::None {
                let key = group.key(&rows[i].c);
                let count = rows[i..]
                    .iter()
                    .take_while(|r| group.key(&r.c) == key)
                    .count();
                items.push(Item::Group { group, key, count });
            }
            let end = if group == Group::None {
                rows.len()
            } else {
                i + rows[i..]
                    .iter()
                    .take_while(|r| group.key(&r.c) == group.key(&rows[i].c))
                    .count()
            };
            for r in &rows[i..end] {
                row_pos.push(items.len());
                items.push(Item::Row(Arc::clone(r)));
            }
            i = end;
        }
        let index = rows.iter().enumerate().map(|(i, r)| (r.c.id, i)).collect();
        View {
            items,
            rows,
            row_pos,
            total: self.rows.len(),
            index,
        }
    }
}

/// One line of the (virtualised) table.
#[derive(Clone, Debug)]
pub enum Item {
    /// A group heading.
    Group {
        /// What the rows are grouped by.
        group: Group,
        /// The node or host id (`None`: not set).
        key: Option<u64>,
        /// How many rows the group has.
        count: usize,
    },
    /// A container.
    Row(Arc<Row>),
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

/// A stable key for one [`Item`]: rows by id and revision, so that a row is
/// rebuilt exactly when its data changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemKey {
    /// A group heading (with its count, so a new count redraws it).
    Group(Group, Option<u64>, usize),
    /// A container at a revision.
    Row(ContainerId, u64),
}

impl Item {
    /// The item's key.
    pub fn key(&self) -> ItemKey {
        match self {
            Item::Group { group, key, count } => ItemKey::Group(*group, *key, *count),
            Item::Row(r) => ItemKey::Row(r.c.id, r.rev),
        }
    }
}

/// What the table shows.
#[derive(Clone, Debug, Default)]
pub struct View {
    /// Every line, group headings included.
    pub items: Vec<Item>,
    /// Only the rows, in display order (selection ranges, export).
    pub rows: Vec<Arc<Row>>,
    /// For each row of `rows`, its index in `items`.
    pub row_pos: Vec<usize>,
    /// How many containers there are in all (unfiltered).
    pub total: usize,
    /// Each shown container's position in `rows`.
    pub index: HashMap<ContainerId, usize>,
}

impl PartialEq for View {
    fn eq(&self, other: &Self) -> bool {
        self.total == other.total
            && self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|(a, b)| a.key() == b.key())
    }
}

impl View {
    /// The ids of rows between two display positions, both included.
    pub fn ids_between(&self, a: usize, b: usize) -> Vec<ContainerId> {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        self.rows
            .iter()
            .skip(lo)
            .take(hi + 1 - lo)
            .map(|r| r.c.id)
            .collect()
    }

    /// The display position of a container among the rows.
    pub fn position(&self, id: ContainerId) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// The position of a container among all items (group headings included).
    pub fn item_position(&self, id: ContainerId) -> Option<usize> {
        self.position(id).and_then(|p| self.row_pos.get(p).copied())
    }
}

/// The slice of items to render for a scroll position: `(first, last)`
/// (exclusive), with `overscan` extra items on each side.
pub fn visible_range(
    scroll_top: i32,
    viewport: i32,
    row_height: i32,
    len: usize,
    overscan: usize,
) -> (usize, usize) {
    if len == 0 || row_height <= 0 {
        return (0, len.min(overscan * 2));
    }
    let first = (scroll_top.max(0) / row_height) as usize;
    let count = (viewport.max(0) / row_height) as usize + 2;
    let start = first.saturating_sub(overscan).min(len);
    let end = first
        .saturating_add(count)
        .saturating_add(overscan)
        .min(len);
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: u64, status: &str, node: u64, host: u64, mem: i64) -> Container {
        let mut c = Container::new(ContainerId(id), ContainerStatus::parse(status));
        c.node_id = Some(node);
        c.host_id = Some(host);
        c.mem = Some(mem);
        c
    }

    fn ids(v: &View) -> Vec<u64> {
        v.rows.iter().map(|r| r.c.id.0).collect()
    }

    #[test]
    fn query_round_trips_through_the_url() {
        let mut q = ListQuery::default();
        assert_eq!(q.to_query(), "");
        q.toggle_status("RUNNING");
        q.toggle_status("STOPPED");
        q.search = "node 1&x".into();
        q.sort_by(SortKey::Mem);
        q.sort_by(SortKey::Mem);
        q.group = Group::Host;
        let s = q.to_query();
        assert_eq!(
            s,
            "?status=RUNNING,STOPPED&q=node%201%26x&sort=mem&dir=desc&group=host"
        );
        assert_eq!(ListQuery::parse(&s), q);
    }

    #[test]
    fn bad_query_strings_are_ignored() {
        let q = ListQuery::parse("?status=BOGUS,running&sort=nope&dir=up&group=x&&=&junk");
        assert_eq!(q.statuses.keys().collect::<Vec<_>>(), ["RUNNING"]);
        assert_eq!(q.sort, SortKey::Id);
        assert!(!q.desc);
        assert_eq!(q.group, Group::None);
        // A broken escape makes the whole string unparseable: defaults.
        assert_eq!(
            ListQuery::parse("q=%zz&status=RUNNING"),
            ListQuery::default()
        );
    }

    #[test]
    fn status_sets() {
        let mut s = StatusSet::default();
        assert!(s.is_empty() && s.admits(&ContainerStatus::Running));
        s.toggle("RUNNING");
        s.insert("BOGUS");
        assert!(s.contains("RUNNING") && !s.contains("STOPPED") && !s.contains("BOGUS"));
        assert!(s.admits(&ContainerStatus::Running) && !s.admits(&ContainerStatus::Stopped));
        s.insert(UNKNOWN);
        assert!(s.admits(&ContainerStatus::parse("NEW_STATE")));
        assert_eq!(s.keys().collect::<Vec<_>>(), ["RUNNING", UNKNOWN]);
        s.toggle("RUNNING");
        assert_eq!(s.keys().collect::<Vec<_>>(), [UNKNOWN]);
        s.clear();
        assert!(s.is_empty());
    }

    #[test]
    fn twelve_status_keys() {
        let keys: Vec<&str> = status_keys().collect();
        assert_eq!(keys.len(), 12);
        assert_eq!(keys[3], "RUNNING");
        assert_eq!(keys[11], UNKNOWN);
        for (i, k) in keys.iter().enumerate().take(11) {
            assert_eq!(status_index(&ContainerStatus::parse(k)), i);
        }
    }

    #[test]
    fn filters_search_and_sorts() {
        let d = Dataset::new(vec![
            c(3, "RUNNING", 1, 10, 512),
            c(1, "STOPPED", 2, 10, 2048),
            c(2, "RUNNING", 2, 11, 1024),
            c(4, "WEIRD", 1, 12, 256),
        ]);
        let mut q = ListQuery::default();
        assert_eq!(ids(&d.view(&q)), [1, 2, 3, 4]);
        q.sort_by(SortKey::Mem);
        assert_eq!(ids(&d.view(&q)), [4, 3, 2, 1]);
        q.sort_by(SortKey::Mem);
        assert_eq!(ids(&d.view(&q)), [1, 2, 3, 4]);
        q.toggle_status("RUNNING");
        assert_eq!(ids(&d.view(&q)), [2, 3]);
        q.toggle_status(UNKNOWN);
        assert_eq!(ids(&d.view(&q)), [2, 3, 4]);
        q.search = "HOST 11".into();
        assert_eq!(ids(&d.view(&q)), [2]);
        q = ListQuery {
            search: "#1".into(),
            ..ListQuery::default()
        };
        assert_eq!(ids(&d.view(&q)), [1]);
        assert_eq!(d.counts()[3], 2);
        assert_eq!(d.counts()[8], 1);
        assert_eq!(d.counts()[11], 1);
    }

    #[test]
    fn groups_by_node_with_headings() {
        let d = Dataset::new(vec![
            c(3, "RUNNING", 1, 10, 1),
            c(1, "STOPPED", 2, 10, 1),
            c(2, "RUNNING", 2, 11, 1),
        ]);
        let q = ListQuery {
            group: Group::Node,
            ..ListQuery::default()
        };
        let v = d.view(&q);
        let keys: Vec<ItemKey> = v.items.iter().map(Item::key).collect();
        assert!(matches!(keys[0], ItemKey::Group(Group::Node, Some(1), 1)));
        assert!(matches!(keys[1], ItemKey::Row(ContainerId(3), _)));
        assert!(matches!(keys[2], ItemKey::Group(Group::Node, Some(2), 2)));
        assert_eq!(ids(&v), [3, 1, 2]);
        assert_eq!(v.row_pos, [1, 3, 4]);
        assert!(matches!(v.items[2], Item::Group { count: 2, .. }));
    }

    #[test]
    fn refresh_with_no_change_is_none_and_changes_keep_other_rows() {
        let d = Dataset::new(vec![c(1, "RUNNING", 1, 1, 1), c(2, "RUNNING", 1, 1, 1)]);
        // Same data, other order: nothing changed.
        assert!(
            d.apply(vec![c(2, "RUNNING", 1, 1, 1), c(1, "RUNNING", 1, 1, 1)])
                .is_none()
        );
        let d2 = d
            .apply(vec![c(1, "RUNNING", 1, 1, 1), c(2, "STOPPED", 1, 1, 1)])
            .unwrap();
        assert!(Arc::ptr_eq(
            d.get(ContainerId(1)).unwrap(),
            d2.get(ContainerId(1)).unwrap()
        ));
        assert_ne!(
            d.get(ContainerId(2)).unwrap().rev,
            d2.get(ContainerId(2)).unwrap().rev
        );
        // A removed container is a change.
        assert_eq!(d2.apply(vec![c(1, "RUNNING", 1, 1, 1)]).unwrap().len(), 1);
        // Duplicated ids: the first wins, no panic.
        assert_eq!(
            Dataset::new(vec![c(1, "RUNNING", 1, 1, 1), c(1, "STOPPED", 1, 1, 1)]).len(),
            1
        );
    }

    #[test]
    fn upsert_and_remove() {
        let d = Dataset::new(vec![c(1, "RUNNING", 1, 1, 1)]);
        assert!(d.upsert(c(1, "RUNNING", 1, 1, 1)).is_none());
        let d2 = d.upsert(c(1, "STOPPING", 1, 1, 1)).unwrap();
        assert_eq!(
            d2.get(ContainerId(1)).unwrap().c.status,
            ContainerStatus::Stopping
        );
        let d3 = d2.upsert(c(5, "RUNNING", 1, 1, 1)).unwrap();
        assert_eq!(d3.len(), 2);
        let d4 = d3.remove(ContainerId(1)).unwrap();
        assert_eq!(d4.len(), 1);
        assert!(d4.get(ContainerId(5)).is_some());
        assert!(d4.remove(ContainerId(1)).is_none());
    }

    #[test]
    fn ranges_between_positions() {
        let d = Dataset::new((1..=5).map(|i| c(i, "RUNNING", 1, 1, 1)).collect());
        let v = d.view(&ListQuery::default());
        assert_eq!(
            v.ids_between(3, 1),
            [ContainerId(2), ContainerId(3), ContainerId(4)]
        );
        assert_eq!(v.position(ContainerId(5)), Some(4));
    }

    #[test]
    fn visible_range_is_bounded() {
        assert_eq!(visible_range(0, 360, 36, 10_000, 5), (0, 17));
        assert_eq!(visible_range(36_000, 360, 36, 10_000, 5), (995, 1017));
        assert_eq!(visible_range(i32::MAX, 360, 36, 100, 5), (100, 100));
        assert_eq!(visible_range(-50, 360, 36, 100, 5), (0, 17));
        assert_eq!(visible_range(0, 360, 0, 100, 5), (0, 10));
        assert_eq!(visible_range(0, 360, 36, 0, 5), (0, 0));
    }
}
