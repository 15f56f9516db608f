//! What is shown: the rows a query admits, sorted and grouped ([`View`]),
//! and the slice of them the virtual table renders ([`visible_range`]).

use std::sync::Arc;

use ews_core::ContainerId;
use rustc_hash::FxHashMap as HashMap;

use crate::list::{Dataset, Group, ListQuery, Row};

impl Dataset {
    /// What `q` shows: filtered, sorted (ties by id), grouped.
    pub fn view(&self, q: &ListQuery) -> View {
        let matches = q.matcher();
        let mut rows: Vec<Arc<Row>> = self.rows().iter().filter(|r| matches(r)).cloned().collect();
        let (key, desc, mut group) = (q.sort, q.desc, q.group);
        // By account outside the fleet view (a link from it): one list.
        if group == Group::Account && self.names().is_empty() {
            group = Group::None;
        }
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
            total: self.len(),
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
        key: Option<i64>,
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
    Group(Group, Option<i64>, usize),
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
