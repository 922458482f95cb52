//! Mapping entries as go-yaml v2 assigns them: in source order, with each `<<` merge
//! key's sources assigned where it stands. Keys are compared as go-yaml compares them
//! when decoding into `interface{}`, and every key assigned twice is recorded, since
//! the strict decoders refuse those (testdata/yaml/dupkeys/verdicts.json).

use foldhash::HashMap;

use super::scalar::plain_uint;
use super::tree::{NodeId, Tree, Value};
use crate::source::Span;

/// A key as a Go map key of type `interface{}`. Strings are bytes: a `!!binary` key
/// decodes to the string of its bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum KeyId<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer beyond `int64`: go-yaml gives a `uint64`, speclint a float.
    Uint(u64),
    /// The bits of the float, with -0 as 0 (equal in Go).
    Float(u64),
    Bytes(&'a [u8]),
}

/// What the decoded keys of `!!binary` scalars are, by node id (ascending).
pub(super) type BinaryKeys = [(NodeId, Vec<u8>)];

/// How go-yaml's map compares this key; `None` never equals anything (NaN, or a
/// collection, which is refused before this).
fn key_id<'a>(tree: &'a Tree, text: &str, binary: &'a BinaryKeys, id: NodeId) -> Option<KeyId<'a>> {
    if id as usize >= tree.len() {
        return None;
    }
    Some(match tree.value(id) {
        Value::Null => KeyId::Null,
        Value::Bool(b) => KeyId::Bool(b),
        Value::Int(i) => KeyId::Int(i),
        Value::Float(f) if f.is_nan() => return None,
        Value::Float(f) => {
            let uint = (f >= 9.2e18)
                .then(|| text.get(tree.span(id).range()).and_then(plain_uint))
                .flatten();
            match uint {
                Some(u) => KeyId::Uint(u),
                None if f == 0.0 => KeyId::Float(0),
                None => KeyId::Float(f.to_bits()),
            }
        }
        Value::Str(s) => match binary.binary_search_by_key(&id, |(n, _)| *n) {
            Ok(at) => KeyId::Bytes(&binary[at].1),
            Err(_) => KeyId::Bytes(s.as_bytes()),
        },
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

/// A mapping's entries with merges applied, and the keys it assigns twice.
pub(super) struct Mapping {
    /// `None` when the entries are the pairs as written.
    pub(crate) merged: Option<Vec<(NodeId, NodeId)>>,
    pub(crate) duplicates: Vec<DuplicateKey>,
}

/// Resolves the mapping `map` whose key/value pairs are `pairs`; `merge_keys` are the
/// ids of `<<` keys (ascending). An error gives the span of a merge value that is not a
/// mapping or a sequence of mappings.
///
/// Entries come in go-yaml's assignment order. A merged entry assigned again later is
/// dropped; explicit entries are all kept, so that a later one wins in
/// `NodeRef::entry`, as the last assignment does in go-yaml.
pub(super) fn resolve(
    tree: &Tree,
    text: &str,
    binary: &BinaryKeys,
    map: NodeId,
    pairs: &[(NodeId, NodeId)],
    merge_keys: &[NodeId],
) -> Result<Mapping, Span> {
    let is_merge = |key: NodeId| !merge_keys.is_empty() && merge_keys.binary_search(&key).is_ok();
    let mut assignments: Vec<KeyEntry> = Vec::with_capacity(pairs.len());
    for &(key, value) in pairs {
        if !is_merge(key) {
            assignments.push(KeyEntry {
                key,
                value,
                merged_by: None,
            });
            continue;
        }
        let merged = |source: NodeId| -> &[(NodeId, NodeId)] {
            match tree.value(source) {
                Value::Map(entries) => entries,
                _ => &[],
            }
        };
        match tree.value(value) {
            Value::Map(_) => {
                for &(k, v) in merged(value) {
                    assignments.push(KeyEntry {
                        key: k,
                        value: v,
                        merged_by: Some(key),
                    });
                }
            }
            // An alias to a sequence is refused: go-yaml takes only a sequence written
            // here (an aliased node was built before its `<<` key, so its id is lower).
            Value::Seq(items) if value > key => {
                if let Some(&bad) = items
                    .iter()
                    .find(|&&item| !matches!(tree.value(item), Value::Map(_)))
                {
                    return Err(tree.span(bad));
                }
                // go-yaml steps backwards: earlier maps take precedence.
                for &item in items.iter().rev() {
                    for &(k, v) in merged(item) {
                        assignments.push(KeyEntry {
                            key: k,
                            value: v,
                            merged_by: Some(key),
                        });
                    }
                }
            }
            _ => return Err(tree.span(value)),
        }
    }

    let duplicates = duplicates_among(tree, text, binary, map, assignments.len(), |i| {
        assignments[i]
    });
    if !pairs.iter().any(|&(k, _)| is_merge(k)) {
        return Ok(Mapping {
            merged: None,
            duplicates,
        });
    }
    if duplicates.is_empty() {
        return Ok(Mapping {
            merged: Some(assignments.iter().map(|a| (a.key, a.value)).collect()),
            duplicates,
        });
    }
    // A merged entry is kept only if nothing assigns its key after it.
    let mut last: HashMap<KeyId<'_>, usize> = HashMap::default();
    for (i, a) in assignments.iter().enumerate() {
        if let Some(id) = key_id(tree, text, binary, a.key) {
            last.insert(id, i);
        }
    }
    let entries = assignments
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            a.merged_by.is_none()
                || key_id(tree, text, binary, a.key).is_none_or(|id| last.get(&id) == Some(i))
        })
        .map(|(_, a)| (a.key, a.value))
        .collect();
    Ok(Mapping {
        merged: Some(entries),
        duplicates,
    })
}

/// The entries (by index) of the mapping `map` that a later entry sets again; only worth
/// calling when it has duplicates.
pub(super) fn overridden(
    tree: &Tree,
    text: &str,
    binary: &BinaryKeys,
    map: NodeId,
    entries: &[(NodeId, NodeId)],
) -> Vec<(NodeId, u32)> {
    let ids: Vec<Option<KeyId<'_>>> = entries
        .iter()
        .map(|&(key, _)| key_id(tree, text, binary, key))
        .collect();
    let mut last: HashMap<KeyId<'_>, usize> =
        HashMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            last.insert(*id, i);
        }
    }
    ids.iter()
        .enumerate()
        .filter(|(i, id)| id.is_some_and(|id| last.get(&id) != Some(i)))
        .map(|(i, _)| (map, i as u32))
        .collect()
}

/// The keys a mapping without merge keys assigns twice.
pub(super) fn duplicates(
    tree: &Tree,
    text: &str,
    binary: &BinaryKeys,
    map: NodeId,
    pairs: &[(NodeId, NodeId)],
) -> Vec<DuplicateKey> {
    duplicates_among(tree, text, binary, map, pairs.len(), |i| KeyEntry {
        key: pairs[i].0,
        value: pairs[i].1,
        merged_by: None,
    })
}

/// Each assignment (of `count`, in order) whose key an earlier one assigned, paired
/// with the first assignment of that key.
fn duplicates_among(
    tree: &Tree,
    text: &str,
    binary: &BinaryKeys,
    map: NodeId,
    count: usize,
    assignment: impl Fn(usize) -> KeyEntry,
) -> Vec<DuplicateKey> {
    let mut duplicates = Vec::new();
    if count < 2 {
        return duplicates;
    }
    let id_of = |i: usize| key_id(tree, text, binary, assignment(i).key);
    // Most mappings are small: comparing pairs is cheaper than hashing.
    const SMALL: usize = 16;
    if count <= SMALL {
        let mut ids: [Option<KeyId<'_>>; SMALL] = [None; SMALL];
        for (i, id) in ids.iter_mut().enumerate().take(count) {
            *id = id_of(i);
        }
        for i in 1..count {
            let Some(id) = ids[i] else { continue };
            if let Some(f) = ids[..i].iter().position(|&other| other == Some(id)) {
                duplicates.push(DuplicateKey {
                    map,
                    first: assignment(f),
                    again: assignment(i),
                });
            }
        }
        return duplicates;
    }
    let mut first: HashMap<KeyId<'_>, usize> =
        HashMap::with_capacity_and_hasher(count, Default::default());
    for i in 0..count {
        let Some(id) = id_of(i) else { continue };
        match first.get(&id) {
            Some(&f) => duplicates.push(DuplicateKey {
                map,
                first: assignment(f),
                again: assignment(i),
            }),
            None => {
                first.insert(id, i);
            }
        }
    }
    duplicates
}

/// One assignment of a mapping key, as go-yaml makes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyEntry {
    pub(crate) key: NodeId,
    pub(crate) value: NodeId,
    /// The `<<` key of the mapping that merged this entry in from another mapping.
    pub(crate) merged_by: Option<NodeId>,
}

/// A mapping key assigned twice (written twice, or also brought in by a `<<` merge).
/// go-yaml's lenient decoders keep the last value; the strict ones (`UnmarshalStrict`,
/// sigs.k8s.io/yaml's `YAMLToJSONStrict`) refuse the document: `key "x" already set in map`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    /// The mapping both assignments are in.
    pub(crate) map: NodeId,
    /// The first assignment of the key.
    pub(crate) first: KeyEntry,
    /// A later one (go-yaml's error line is its value's).
    pub(crate) again: KeyEntry,
}
