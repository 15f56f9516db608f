//! What the server has: every container with a revision that changes
//! exactly when its data does ([`Dataset`], refreshed by diff).

use std::sync::Arc;

use ews_core::{Container, ContainerId};
use rustc_hash::FxHashMap as HashMap;

use crate::list::status_index;

/// One container as the list holds it: the data, a revision that changes
/// whenever the data does, and the text search looks in.
#[derive(Debug)]
pub struct Row {
    /// The container.
    pub c: Container,
    /// Changes exactly when `c` changes (rows are keyed by id and revision).
    pub rev: u64,
    pub(crate) hay: String,
}

impl PartialEq for Row {
    /// Same container at the same revision.
    fn eq(&self, other: &Self) -> bool {
        self.c.id == other.c.id && self.rev == other.rev
    }
}

impl Row {
    fn new(c: Container, rev: u64, names: &[String]) -> Row {
        let mut hay = format!("#{} ", crate::fleet::untag(c.id).1);
        if let Some(name) = crate::fleet::account(c.id, names) {
            hay.push_str(&format!("{} ", name.to_ascii_lowercase()));
        }
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
    /// The fleet view's accounts, in order (empty: one account's list).
    names: Arc<[String]>,
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

    /// An empty dataset of the fleet view over the accounts `names` (in
    /// order: a fleet id's account, see [`crate::fleet`]).
    pub fn fleet(names: Vec<String>) -> Dataset {
        Dataset {
            names: names.into(),
            ..Dataset::default()
        }
    }

    /// The fleet view's accounts (empty: one account's list).
    pub fn names(&self) -> Arc<[String]> {
        Arc::clone(&self.names)
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
                    Arc::new(Row::new(c, next_rev, &self.names))
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
            names: Arc::clone(&self.names),
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
        let row = Arc::new(Row::new(c, next.next_rev, &self.names));
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
            names: Arc::clone(&self.names),
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

    /// Containers per status, in [`status_keys`](crate::list::status_keys) order.
    pub fn counts(&self) -> [usize; 12] {
        let mut counts = [0; 12];
        for r in &self.rows {
            counts[status_index(&r.c.status)] += 1;
        }
        counts
    }

    /// The fleet view: [`Dataset::counts`] of each account, in order.
    pub fn counts_per_account(&self) -> Vec<[usize; 12]> {
        let mut counts = vec![[0; 12]; self.names.len()];
        for r in &self.rows {
            if let Some(c) = crate::fleet::untag(r.c.id)
                .0
                .and_then(|p| counts.get_mut(p))
            {
                c[status_index(&r.c.status)] += 1;
            }
        }
        counts
    }
}
