//! The container table's columns, as one model: the header, the cells'
//! classes, the `<colgroup>` widths, the embedded console's `columns`
//! option and hiding columns all come from [`COLUMNS`].
//!
//! Each column's `class` (`c-<key>`) is on its `<col>`, its `<th>` and
//! every `<td>` of it, so hiding a column is one rule per column
//! ([`hiding_css`]), whatever the order.

use crate::i18n::M;
use crate::list::SortKey;

/// One column of the container table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its name in the `columns` option: `id`, `status`, …
    pub key: &'static str,
    /// Its heading (for the selection column, the "select all" label).
    pub label: M,
    /// The class of its `<col>`, `<th>` and cells: `c-<key>`.
    pub class: &'static str,
    /// What clicking its heading sorts by, if anything.
    pub sort: Option<SortKey>,
    /// Whether the embedded console's `columns` option may name it.
    pub option: bool,
}

const fn col(key: &'static str, label: M, class: &'static str, sort: Option<SortKey>) -> Column {
    Column {
        key,
        label,
        class,
        sort,
        option: true,
    }
}

/// Every column, in table order.
pub const COLUMNS: [Column; 15] = [
    col("select", M::SelectAll, "c-select", None),
    col("id", M::Id, "c-id", Some(SortKey::Id)),
    // Shown in the fleet view only (the stylesheet hides it elsewhere).
    col("account", M::Account, "c-account", None),
    col("status", M::Status, "c-status", Some(SortKey::Status)),
    col("command", M::Command, "c-command", None),
    col("actions", M::Actions, "c-actions", None),
    col("node", M::Node, "c-node", Some(SortKey::Node)),
    col("host", M::Host, "c-host", Some(SortKey::Host)),
    col("cpu", M::Cpu, "c-cpu", Some(SortKey::Cpu)),
    col("mem", M::Mem, "c-mem", Some(SortKey::Mem)),
    col("disk", M::Disk, "c-disk", Some(SortKey::Disk)),
    col("health", M::Health, "c-health", Some(SortKey::Health)),
    col("created", M::Created, "c-created", Some(SortKey::Created)),
    col("started", M::Started, "c-started", Some(SortKey::Started)),
    col("stopped", M::Stopped, "c-stopped", Some(SortKey::Stopped)),
];

/// The column with this key (any case).
pub fn by_key(key: &str) -> Option<usize> {
    COLUMNS
        .iter()
        .position(|c| c.option && c.key.eq_ignore_ascii_case(key))
}

/// The keys the `columns` option accepts, comma-separated.
pub fn option_keys() -> String {
    let keys: Vec<&str> = COLUMNS.iter().filter(|c| c.option).map(|c| c.key).collect();
    keys.join(", ")
}

/// The heading of a sort key.
pub fn label_of(sort: SortKey) -> M {
    COLUMNS
        .iter()
        .find(|c| c.sort == Some(sort))
        .map_or(M::Id, |c| c.label)
}

/// The CSS that hides every column but `shown` (indexes into
/// [`COLUMNS`]); empty when all are shown.
pub fn hiding_css(shown: &[usize]) -> String {
    let hidden: Vec<String> = (0..COLUMNS.len())
        .filter(|i| !shown.contains(i))
        .map(|i| format!(".containers .{}", COLUMNS[i].class))
        .collect();
    if hidden.is_empty() {
        String::new()
    } else {
        format!("{}{{display:none}}", hidden.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_classes_are_unique_and_every_sort_key_has_a_column() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.class, format!("c-{}", c.key));
            assert_eq!(by_key(&c.key.to_uppercase()), Some(i));
        }
        for k in SortKey::ALL {
            assert_eq!(
                COLUMNS.iter().filter(|c| c.sort == Some(k)).count(),
                1,
                "{k:?}"
            );
        }
        assert_eq!(label_of(SortKey::Mem), M::Mem);
        assert!(option_keys().starts_with("select, id, account, status"));
    }

    #[test]
    fn hiding_names_each_hidden_column_once() {
        assert_eq!(hiding_css(&(0..COLUMNS.len()).collect::<Vec<_>>()), "");
        let css = hiding_css(&[1, 3]);
        assert!(css.contains(".containers .c-select,"), "{css}");
        assert!(css.contains(".c-stopped{display:none}"), "{css}");
        assert!(!css.contains("c-id") && !css.contains("c-status"), "{css}");
    }
}
