//! Entries from decisions, and the public ids that name them.
//!
//! People's decisions come first and are never overridden: records a person said are one are
//! joined whatever the linker thinks, and the linker's links are taken most likely first and
//! refused when they would join records a person said are two people, or that one testimony
//! names as two people ([`Decided::apart`]), directly or through others. An entry is named by the public id ([`RecordId::public_id`]) of its oldest record, so merging a newer record
//! in never changes it; the merged-away records' ids lead to it, and a split gives them back.

use dalel_model::{Decision, RecordId, Verdict};

use crate::cluster;

/// What people decided about pairs of subjects (indexes into them).
#[derive(Clone, Debug, Default)]
pub struct Decided {
    pub same: Vec<(usize, usize)>,
    pub different: Vec<(usize, usize)>,
    /// Pairs the archive's own records say are two people (two people one testimony names): not
    /// a person's decision, but kept apart as a person's "different" is.
    pub apart: Vec<(usize, usize)>,
}

impl Decided {
    /// Whether a person decided on the pair, either way.
    pub fn covers(&self, a: usize, b: usize) -> bool {
        let pair = (a.min(b), a.max(b));
        let norm = |&(x, y): &(usize, usize)| (x.min(y), x.max(y));
        self.same.iter().chain(&self.different).any(|p| norm(p) == pair)
    }
}

/// What stored decisions say about subjects (`index` gives a record's subject; decisions on
/// records it does not know are left out): people's decisions, and the linker's "same" pairs,
/// most likely first (ties by subject). People's "undecided" says nothing, nor the linker's
/// "undecided" or "different".
pub fn decided<'a>(
    decisions: impl IntoIterator<Item = &'a Decision>,
    index: impl Fn(&RecordId) -> Option<usize>,
) -> (Decided, Vec<(usize, usize)>) {
    let mut decided = Decided::default();
    let mut automatic: Vec<(f64, usize, usize)> = Vec::new();
    for d in decisions {
        let (Some(a), Some(b)) = (index(&d.persons[0]), index(&d.persons[1])) else { continue };
        match (d.verdict, d.automatic) {
            (Verdict::Same, false) => decided.same.push((a, b)),
            (Verdict::Different, false) => decided.different.push((a, b)),
            (Verdict::Same, true) => automatic.push((d.score.unwrap_or(0.0), a, b)),
            _ => {}
        }
    }
    automatic.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    (decided, automatic.into_iter().map(|(_, a, b)| (a, b)).collect())
}

/// Entries of `n` subjects joined by people's decisions and then by `links` (the linker's,
/// most likely first). Returns the entries (as [`cluster`] orders them) and the indexes into
/// `links` of those refused because a person said the records they would join are different.
/// Pairs a person said are different but people's own "same" decisions joined are in
/// `contradictions` (both stay: the people must look again).
pub fn join(n: usize, decided: &Decided, links: &[(usize, usize)]) -> Joined {
    let mut parent: Vec<usize> = (0..n).collect();
    // For each root, the subjects a person said its members are not.
    let mut apart: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in decided.different.iter().chain(&decided.apart) {
        apart[a].push(b);
        apart[b].push(a);
    }
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    fn union(parent: &mut [usize], apart: &mut [Vec<usize>], ra: usize, rb: usize) {
        let (keep, gone) = if apart[ra].len() >= apart[rb].len() { (ra, rb) } else { (rb, ra) };
        parent[gone] = keep;
        let moved = std::mem::take(&mut apart[gone]);
        apart[keep].extend(moved);
    }
    let mut accepted = Vec::new();
    for &(a, b) in &decided.same {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            union(&mut parent, &mut apart, ra, rb);
        }
        accepted.push((a, b));
    }
    let mut refused = Vec::new();
    for (i, &(a, b)) in links.iter().enumerate() {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra == rb {
            continue;
        }
        let (small, other) = if apart[ra].len() <= apart[rb].len() { (ra, rb) } else { (rb, ra) };
        let blocked = apart[small].clone().into_iter().any(|x| root(&mut parent, x) == other);
        if blocked {
            refused.push(i);
        } else {
            union(&mut parent, &mut apart, ra, rb);
            accepted.push((a, b));
        }
    }
    let contradictions =
        decided.different.iter().copied().filter(|&(a, b)| root(&mut parent, a) == root(&mut parent, b)).collect();
    Joined { entries: cluster(n, accepted), refused, contradictions }
}

/// The outcome of [`join`].
#[derive(Debug)]
pub struct Joined {
    pub entries: Vec<Vec<usize>>,
    /// Indexes into the links that were not made.
    pub refused: Vec<usize>,
    /// Pairs said to be different that are in one entry all the same.
    pub contradictions: Vec<(usize, usize)>,
}

/// The member that names an entry: the one first put in the archive (each member with its first
/// ledger entry; a record without one counts as newest), ties by id.
pub fn eldest<'a>(members: impl IntoIterator<Item = (&'a RecordId, Option<u64>)>) -> Option<&'a RecordId> {
    members.into_iter().min_by_key(|&(id, first_put)| (first_put.unwrap_or(u64::MAX), id)).map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_decide_first_and_the_linker_never_joins_what_they_separated() {
        // 0-1 linked by the linker; a person said 1 and 2 are different, so the link 0-2 that
        // would put 1 and 2 in one entry is refused; 3-4 a person joined.
        let decided = Decided { same: vec![(4, 3)], different: vec![(1, 2)], apart: vec![] };
        let joined = join(5, &decided, &[(0, 1), (0, 2), (2, 1)]);
        assert_eq!(joined.entries, vec![vec![0, 1], vec![2], vec![3, 4]]);
        assert_eq!(joined.refused, vec![1, 2]);
        assert!(joined.contradictions.is_empty());
        assert!(decided.covers(2, 1) && decided.covers(3, 4) && !decided.covers(0, 1));
    }

    #[test]
    fn a_contradiction_among_people_is_reported_not_resolved() {
        let decided = Decided { same: vec![(0, 1), (1, 2)], different: vec![(2, 0)], apart: vec![] };
        let joined = join(3, &decided, &[]);
        assert_eq!(joined.entries, vec![vec![0, 1, 2]]);
        assert_eq!(joined.contradictions, vec![(2, 0)]);
    }

    #[test]
    fn the_eldest_record_names_the_entry() {
        let ids: Vec<RecordId> = ["c", "a", "b"].into_iter().map(|s| RecordId::new(s).unwrap()).collect();
        let seq = |id: &RecordId| match id.as_str() {
            "c" => Some(3),
            "b" => Some(3),
            _ => None,
        };
        assert_eq!(eldest(ids.iter().map(|id| (id, seq(id)))).unwrap().as_str(), "b");
        assert_eq!(eldest(ids.iter().map(|id| (id, None))).unwrap().as_str(), "a");
    }
}
