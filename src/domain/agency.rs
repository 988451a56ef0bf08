//! Agencies: levels and the tree.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// Where an agency sits in the Party's organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyLevel {
    /// A provincial body (the committee's office and boards).
    Province,
    /// A city or district Party committee.
    District,
    /// A grassroots Party organisation.
    Grassroots,
}

impl AgencyLevel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyLevel::Province => "province",
            AgencyLevel::District => "district",
            AgencyLevel::Grassroots => "grassroots",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Province, Self::District, Self::Grassroots]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

/// Whether making `new_parent` the parent of `id` would close a loop, given
/// every agency's current parent.
pub fn creates_cycle(parents: &HashMap<i64, Option<i64>>, id: i64, new_parent: i64) -> bool {
    let mut cursor = Some(new_parent);
    let mut steps = 0;
    while let Some(current) = cursor {
        if current == id {
            return true;
        }
        steps += 1;
        if steps > parents.len() {
            // The stored tree already loops; refuse rather than spin.
            return true;
        }
        cursor = parents.get(&current).copied().flatten();
    }
    false
}

/// `root` and every agency below it.
pub fn subtree(parents: &HashMap<i64, Option<i64>>, root: i64) -> Vec<i64> {
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for (&id, &parent) in parents {
        if let Some(p) = parent {
            children.entry(p).or_default().push(id);
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(&out[i]) {
            for &k in kids {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
        i += 1;
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> HashMap<i64, Option<i64>> {
        // 1 ─┬─ 2 ── 4
        //    └─ 3
        // 5 (separate)
        HashMap::from([
            (1, None),
            (2, Some(1)),
            (3, Some(1)),
            (4, Some(2)),
            (5, None),
        ])
    }

    #[test]
    fn moving_under_a_descendant_is_a_cycle() {
        let t = tree();
        assert!(creates_cycle(&t, 1, 4));
        assert!(creates_cycle(&t, 2, 2));
        assert!(!creates_cycle(&t, 4, 3));
        assert!(!creates_cycle(&t, 1, 5));
    }

    #[test]
    fn subtrees_include_every_descendant() {
        let t = tree();
        assert_eq!(subtree(&t, 1), vec![1, 2, 3, 4]);
        assert_eq!(subtree(&t, 2), vec![2, 4]);
        assert_eq!(subtree(&t, 5), vec![5]);
    }
}
