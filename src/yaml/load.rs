use std::ops::Range;

use rayon::prelude::*;

use super::build::parse_chunk;
use super::chunk;
use super::document::{self, Document, SetAside};
use super::draft::Parsed;
use super::error::YamlError;
use crate::source::{FileId, SourceFile, Span};

/// Reads every document of one source file. Documents that fail are reported in the
/// errors and skipped; the others are returned in stream order.
pub fn load(file_id: FileId, file: &SourceFile) -> (Vec<Document>, Vec<YamlError>) {
    let loaded = load_retaining(file_id, file, &|_| {}, &|_| None);
    (loaded.documents, loaded.errors)
}

/// What [`load_retaining`] reads of one file.
pub struct Loaded {
    /// The documents that could be read, in stream order.
    pub documents: Vec<Document>,
    /// The documents that could not.
    pub(crate) errors: Vec<YamlError>,
    /// Where a manifest starts with no `---` before it ([`super::chunk::split_and_find_implicit`]).
    pub(crate) implicit_starts: Vec<usize>,
}

/// [`load`], calling `parsed_bytes` with the length of each part of the file once it is
/// read, and letting go of the tree of each document `set_aside` gives an
/// identity for, as soon as it is parsed: a stream of a million small documents is then
/// held as its text and a few words per document.
pub fn load_retaining(
    file_id: FileId,
    file: &SourceFile,
    parsed_bytes: &(dyn Fn(usize) + Sync),
    set_aside: &SetAside,
) -> Loaded {
    // Trees hold u32 offsets; `--max-input-size` keeps inputs below this.
    if u32::try_from(file.text.len()).is_err() {
        parsed_bytes(file.text.len());
        let error = YamlError {
            span: Span::new(file_id, 0, 0),
            message: "file is 4 GiB or larger: not read".to_string(),
        };
        return Loaded {
            documents: Vec::new(),
            errors: vec![error],
            implicit_starts: Vec::new(),
        };
    }
    let (chunks, implicit_starts) = chunk::split_and_find_implicit(&file.text);
    // Each chunk's own list is emptied into one as soon as it is parsed: a stream of a
    // million small documents would otherwise hold a million small lists at once.
    let mut parsed: Vec<Result<Document, YamlError>> = chunks
        .into_par_iter()
        .flat_map_iter(|range| {
            let length = range.len();
            let parsed = parse_checked(file_id, file, range.clone());
            parsed_bytes(length);
            parsed
                .into_iter()
                .enumerate()
                .map(move |(position, item)| match item {
                    Parsed::Doc(draft) => {
                        let mut doc = document::from_draft(draft);
                        doc.set_aside_if(set_aside, &file.text, &range, position);
                        Ok(doc)
                    }
                    Parsed::Error(err) => Err(err),
                })
        })
        .collect();
    let mut errors = Vec::new();
    for (index, item) in parsed.iter_mut().enumerate() {
        match item {
            Ok(doc) => doc.index = index,
            Err(err) => errors.push(err.clone()),
        }
    }
    // Collected in place (the layouts match): a second list of a million documents would
    // double what parsing holds at its peak.
    let documents = parsed.into_iter().filter_map(Result::ok).collect();
    Loaded {
        documents,
        errors,
        implicit_starts,
    }
}

/// A chunk holding a byte that was not UTF-8 is one error at that byte, not parsed.
fn parse_checked(file_id: FileId, file: &SourceFile, range: Range<usize>) -> Vec<Parsed> {
    if let Some(&at) = file.invalid_utf8.iter().find(|&&at| range.contains(&at)) {
        return vec![Parsed::Error(YamlError {
            span: Span::new(file_id, at, (at + 1).min(file.text.len())),
            message: format!("invalid UTF-8 at byte {at}"),
        })];
    }
    parse_chunk(file_id, file.text.shared(), range)
}

// The documents are collected in the list that held them with their errors.
const _: () =
    assert!(std::mem::size_of::<Result<Document, YamlError>>() == std::mem::size_of::<Document>());
