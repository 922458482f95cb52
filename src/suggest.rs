//! "Did you mean": the known name nearest to a mistyped one, for the command line and the
//! configuration reader.

use crate::rules::RULES;

/// The rule ids nearest to `wanted`: those containing it (or contained in it) first,
/// then by edit distance; at most `limit`.
pub(crate) fn closest_rule_ids(wanted: &str, limit: usize) -> Vec<&'static str> {
    let wanted = wanted.trim().to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = RULES
        .iter()
        .map(|rule| {
            let contains =
                !wanted.is_empty() && (rule.id.contains(&wanted) || wanted.contains(rule.id));
            let distance = edit_distance(&wanted, rule.id);
            (if contains { 0 } else { distance + 1 }, rule.id)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(limit).map(|(_, id)| id).collect()
}

/// The entry of `known` nearest to `wanted`, if it is close enough to be a typo of it: at
/// most 2 edits, or a third of its length.
pub(crate) fn closest_known<'k>(wanted: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(wanted, k), *k))
        .filter(|(distance, k)| *distance <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance, in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn closest() {
        assert_eq!(
            closest_rule_ids("webhook-hostnme", 1),
            vec!["webhook-hostname"]
        );
        assert_eq!(closest_rule_ids("hostname", 1), vec!["webhook-hostname"]);
        assert_eq!(closest_rule_ids("x", 3).len(), 3);
    }

    #[test]
    fn only_near_misses_are_suggested() {
        assert_eq!(
            closest_known("namespce", &["namespace", "now"]),
            Some("namespace")
        );
        assert_eq!(closest_known("helm-values", &["namespace", "now"]), None);
    }
}
