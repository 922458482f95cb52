//! Input text with stable byte offsets, and the line/column index over it.

use std::ops::Range;
use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
pub(crate) type FileId = usize;

/// A byte range inside one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub(crate) file: FileId,
    pub start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }

    pub(crate) fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    pub(crate) fn len(&self) -> usize {
        self.end - self.start
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, as rustc does;
/// a tab is one column and a byte-order mark is not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineCol {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// One input: a file, or standard input.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or found by walking), `<stdin>` for standard input.
    pub(crate) name: String,
    /// The text. Bytes that are not valid UTF-8 are replaced one for one by `?`,
    /// so that every byte offset into the original input is an offset into `text`.
    /// Shared with the YAML documents, whose string scalars mostly point into it.
    pub text: Arc<Text>,
    /// Offsets of the first byte of each invalid UTF-8 sequence (at most a few are kept).
    pub(crate) invalid_utf8: Vec<usize>,
    /// Marked live cluster state (`--cluster-state`), as opposed to rendered manifests.
    pub(crate) live: bool,
    /// The previous release's render (`--previous`): read for comparison, not linted.
    pub(crate) previous: bool,
    /// For a `helm template` render (`--helm`): the chart's directory, where the templates
    /// named by `# Source:` comments are.
    pub(crate) chart: Option<String>,
    /// Built when a position in the file is first asked for: most files of a large run are
    /// never reported on, and an index of every line would cost 8 bytes a line.
    index: std::sync::OnceLock<Box<LineIndex>>,
}

/// A file's text, as read, or compressed: a file whose every object no stage reads beyond
/// its identity (a CRD, a ConfigMap) is compressed once parsed ([`Text::compressed`], by
/// the pipeline's owner), and decompressed, once, if a stage or the report reads it. It
/// reads as the `String` it holds (`Deref`); [`Text::len`] does not decompress.
pub struct Text {
    text: std::sync::OnceLock<Arc<String>>,
    /// An LZ4 block of the text, when compressed.
    compressed: Option<Box<[u8]>>,
    /// For a compressed text, the identities of its objects, copied out
    /// (`yaml::Document::identity_text`): building the model does not decompress it.
    identities: Option<Box<str>>,
    len: usize,
}

impl Text {
    pub(crate) fn new(text: String) -> Text {
        Text {
            len: text.len(),
            text: std::sync::OnceLock::from(Arc::new(text)),
            compressed: None,
            identities: None,
        }
    }

    /// `text` compressed, with `identities` kept beside it.
    pub(crate) fn compressed(text: &str, identities: String) -> Text {
        Text {
            len: text.len(),
            text: std::sync::OnceLock::new(),
            compressed: Some(lz4_flex::block::compress(text.as_bytes()).into_boxed_slice()),
            identities: Some(identities.into_boxed_str()),
        }
    }

    /// The text, decompressed first if need be.
    pub(crate) fn shared(&self) -> &Arc<String> {
        self.text.get_or_init(|| {
            let decompressed = (self.compressed.as_deref())
                .and_then(|block| lz4_flex::block::decompress(block, self.len).ok())
                .and_then(|bytes| String::from_utf8(bytes).ok());
            // Cannot fail (the block is ours); were it to, spaces keep every offset valid.
            Arc::new(decompressed.unwrap_or_else(|| " ".repeat(self.len)))
        })
    }

    /// Its length in bytes, without decompressing.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether it was compressed (whether or not it has been read since).
    pub fn is_compressed(&self) -> bool {
        self.compressed.is_some()
    }

    /// The identities copied out of a compressed text.
    pub(crate) fn identities(&self) -> Option<&str> {
        self.identities.as_deref()
    }
}

impl std::ops::Deref for Text {
    type Target = String;
    fn deref(&self) -> &String {
        self.shared()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.text.get() {
            Some(text) => text.fmt(f),
            None => write!(f, "<{} bytes, compressed>", self.len),
        }
    }
}

#[derive(Debug)]
struct LineIndex {
    line_starts: Vec<usize>,
    /// (byte offset, characters before it) every [`CHECKPOINT_BYTES`], so a column on a very
    /// long line (one-line JSON) costs at most two short counts, not the whole line.
    char_checkpoints: Vec<(usize, usize)>,
}

const MAX_INVALID_UTF8_RECORDED: usize = 16;
const CHECKPOINT_BYTES: usize = 64 * 1024;

impl SourceFile {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        let (text, invalid_utf8) = sanitize_utf8(bytes);
        SourceFile {
            name: name.into(),
            text: Arc::new(Text::new(text)),
            invalid_utf8,
            live: false,
            previous: false,
            chart: None,
            index: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| {
            let mut line_starts = vec![0];
            line_starts.extend(memchr_newlines(self.text.as_bytes()).map(|i| i + 1));
            Box::new(LineIndex {
                line_starts,
                char_checkpoints: char_checkpoints(&self.text),
            })
        })
    }

    /// Characters in `text[..offset]`; `offset` is on a character boundary.
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = &self.index().char_checkpoints;
        let index = checkpoints
            .partition_point(|&(at, _)| at <= offset)
            .saturating_sub(1);
        let (at, chars) = checkpoints.get(index).copied().unwrap_or((0, 0));
        chars + self.text.get(at..offset).map_or(0, |s| s.chars().count())
    }

    /// 1-based line and column of a byte offset (clamped to the text).
    pub(crate) fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_starts = &self.index().line_starts;
        let line_index = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut line_start = line_starts[line_index];
        if line_index == 0 && self.text.starts_with('\u{feff}') {
            line_start = line_start.max(3.min(offset));
        }
        let column = if !self.text.is_char_boundary(offset) {
            offset - line_start + 1
        } else if offset - line_start <= CHECKPOINT_BYTES {
            self.text[line_start..offset].chars().count() + 1
        } else {
            self.chars_before(offset) - self.chars_before(line_start) + 1
        };
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// Byte offset where the given 1-based line starts.
    pub(crate) fn line_start(&self, line: usize) -> usize {
        self.index()
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    pub(crate) fn line_count(&self) -> usize {
        self.index().line_starts.len()
    }
}

fn char_checkpoints(text: &str) -> Vec<(usize, usize)> {
    let mut checkpoints = vec![(0, 0)];
    let mut at = 0;
    let mut chars = 0;
    while text.len() - at > CHECKPOINT_BYTES {
        let mut next = at + CHECKPOINT_BYTES;
        while !text.is_char_boundary(next) {
            next += 1;
        }
        chars += text[at..next].chars().count();
        checkpoints.push((next, chars));
        at = next;
    }
    checkpoints
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}

fn sanitize_utf8(bytes: Vec<u8>) -> (String, Vec<usize>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, Vec::new()),
        Err(err) => {
            let mut bytes = err.into_bytes();
            let mut invalid = Vec::new();
            let mut pos = 0;
            while pos < bytes.len() {
                match std::str::from_utf8(&bytes[pos..]) {
                    Ok(_) => break,
                    Err(e) => {
                        let bad = pos + e.valid_up_to();
                        let len = e.error_len().unwrap_or(bytes.len() - bad);
                        if invalid.len() < MAX_INVALID_UTF8_RECORDED {
                            invalid.push(bad);
                        }
                        for b in &mut bytes[bad..bad + len] {
                            *b = b'?';
                        }
                        pos = bad + len;
                    }
                }
            }
            let text = String::from_utf8(bytes).unwrap_or_default();
            (text, invalid)
        }
    }
}

/// Every input of one run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Room for `more` files, so that a walk of 40,000 files allocates the list once.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.files.reserve_exact(more);
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        self.files.len() - 1
    }

    /// Adds every file of `other`, marked as the previous release's render.
    pub(crate) fn append_previous(&mut self, other: SourceMap) {
        for mut file in other.files {
            file.previous = true;
            self.files.push(file);
        }
    }

    /// Adds every file of `other`, marked as live cluster state.
    pub(crate) fn append_live(&mut self, other: SourceMap) {
        for mut file in other.files {
            file.live = true;
            self.files.push(file);
        }
    }

    pub(crate) fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// Replaces file `id`'s text with `text`, the same compressed ([`Text::compressed`]).
    pub(crate) fn compress(&mut self, id: FileId, text: Arc<Text>) {
        if let Some(file) = self.files.get_mut(id) {
            if file.text.len() == text.len() {
                file.text = text;
            }
        }
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate()
    }

    /// How many files are linted: `--previous` renders are read for comparison only.
    pub(crate) fn linted_count(&self) -> usize {
        self.files.iter().filter(|f| !f.previous).count()
    }

    /// The bytes of text of every file.
    pub(crate) fn total_bytes(&self) -> usize {
        self.files.iter().map(|f| f.text.len()).sum()
    }

    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    pub(crate) fn line_col(&self, span: Span) -> (LineCol, LineCol) {
        let file = self.get(span.file);
        (file.line_col(span.start), file.line_col(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_skips_bom() {
        let f = SourceFile::new(
            "x",
            "\u{feff}a: 1\r\nné: \"ü\"\n\tb: 2\n".as_bytes().to_vec(),
        );
        assert_eq!(f.line_col(3), LineCol { line: 1, column: 1 });
        let n = f.text.find("né").unwrap();
        assert_eq!(f.line_col(n), LineCol { line: 2, column: 1 });
        let u = f.text.find('ü').unwrap();
        assert_eq!(f.line_col(u), LineCol { line: 2, column: 6 });
        let b = f.text.find('b').unwrap();
        assert_eq!(f.line_col(b), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn columns_on_very_long_lines_agree_with_counting() {
        // Three lines, the middle one 400 KB of mixed one- to four-byte characters.
        let mut text = String::from("\u{feff}{\"a\":\n");
        let pieces = ["x", "é", "€", "𝄞", "\"", ","];
        for i in 0..100_000 {
            text.push_str(pieces[i % pieces.len()]);
        }
        text.push_str("\nend\n");
        let f = SourceFile::new("x", text.clone().into_bytes());
        let second_line = text.find('\n').unwrap() + 1;
        for (offset, _) in text.char_indices().step_by(997) {
            let expected = if offset < second_line {
                text[3.min(offset)..offset].chars().count() + 1
            } else {
                let start = text[..offset].rfind('\n').unwrap() + 1;
                text[start..offset].chars().count() + 1
            };
            assert_eq!(f.line_col(offset).column, expected, "offset {offset}");
        }
        let end = text.rfind("end").unwrap();
        assert_eq!(f.line_col(end), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn invalid_utf8_is_replaced_byte_for_byte() {
        let f = SourceFile::new("x", b"a: \xff\xfe\nb: ok\n".to_vec());
        assert_eq!(f.invalid_utf8, vec![3, 4]);
        assert_eq!(f.text.as_str(), "a: ??\nb: ok\n");
    }
}
