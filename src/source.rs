//! Input text with stable byte offsets, and the line/column index over it.

use std::ops::Range;

/// Index of a file in the [`SourceMap`].
pub type FileId = usize;

/// A byte range inside one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, as rustc does;
/// a tab is one column and a byte-order mark is not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One input: a file, or standard input.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or found by walking), `<stdin>` for standard input.
    pub name: String,
    /// The text. Bytes that are not valid UTF-8 are replaced one for one by `?`,
    /// so that every byte offset into the original input is an offset into `text`.
    pub text: String,
    /// Offsets of the first byte of each invalid UTF-8 sequence (at most a few are kept).
    pub invalid_utf8: Vec<usize>,
    /// Marked live cluster state (`--cluster-state`), as opposed to rendered manifests.
    pub live: bool,
    /// The previous release's render (`--previous`): read for comparison, not linted.
    pub previous: bool,
    line_starts: Vec<usize>,
}

const MAX_INVALID_UTF8_RECORDED: usize = 16;

impl SourceFile {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        let (text, invalid_utf8) = sanitize_utf8(bytes);
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        SourceFile {
            name: name.into(),
            text,
            invalid_utf8,
            live: false,
            previous: false,
            line_starts,
        }
    }

    /// 1-based line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut line_start = self.line_starts[line_index];
        if line_index == 0 && self.text.starts_with('\u{feff}') {
            line_start = line_start.max(3.min(offset));
        }
        let column = self
            .text
            .get(line_start..offset)
            .map(|s| s.chars().count())
            .unwrap_or_else(|| offset - line_start)
            + 1;
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// Byte offset where the given 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
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
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        self.files.len() - 1
    }

    /// Adds every file of `other`, marked as the previous release's render.
    pub fn append_previous(&mut self, other: SourceMap) {
        for mut file in other.files {
            file.previous = true;
            self.files.push(file);
        }
    }

    /// Adds every file of `other`, marked as live cluster state.
    pub fn append_live(&mut self, other: SourceMap) {
        for mut file in other.files {
            file.live = true;
            self.files.push(file);
        }
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn line_col(&self, span: Span) -> (LineCol, LineCol) {
        let file = self.get(span.file);
        (file.line_col(span.start), file.line_col(span.end))
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.range()).unwrap_or("")
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
    fn invalid_utf8_is_replaced_byte_for_byte() {
        let f = SourceFile::new("x", b"a: \xff\xfe\nb: ok\n".to_vec());
        assert_eq!(f.invalid_utf8, vec![3, 4]);
        assert_eq!(f.text, "a: ??\nb: ok\n");
    }
}
