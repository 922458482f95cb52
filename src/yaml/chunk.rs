//! Splits a YAML stream into independently parseable chunks at column-0 document
//! markers, so that one broken document does not hide the others and chunks can be
//! parsed in parallel.

use std::ops::Range;

const BOM: &str = "\u{feff}";

/// Chunk byte ranges covering `text` in order. A chunk starts at a `---` line (or at the
/// end of the previous chunk) and ends before the next `---` line or after a `...` line.
/// Lines before a `---` that hold only directives, comments or blanks stay with it, since
/// they belong to that document.
#[cfg(test)]
pub(super) fn split(text: &str) -> Vec<Range<usize>> {
    split_and_find_implicit(text).0
}

/// [`split`]'s chunks, and in the same pass where a new manifest starts with no `---`
/// before it: files concatenated without separators (`cat dir/*.yaml`). A column-0
/// `apiVersion:` in a chunk that already has one, or a column-0 `{` after such a YAML
/// object, opens a new document there (with the comment lines just before it); the byte
/// offsets of those starts are the second list.
pub(super) fn split_and_find_implicit(text: &str) -> (Vec<Range<usize>>, Vec<usize>) {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut implicit = Vec::new();
    let mut chunk_start = 0;
    let mut has_content = false;
    let mut has_start_marker = false;
    let mut has_api_version = false;
    // Start of the run of column-0 comment or blank lines just before this line.
    let mut comment_run_start: Option<usize> = None;
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = memchr_newline(bytes, line_start).unwrap_or(bytes.len());
        let next_line = (line_end + 1).min(bytes.len());
        let mut line = &bytes[line_start..line_end];
        // A BOM may open any document of a stream (e.g. concatenated files).
        line = line.strip_prefix(BOM.as_bytes()).unwrap_or(line);
        let opens_object =
            line.starts_with(b"apiVersion:") || (line.starts_with(b"{") && has_api_version);
        if opens_object && has_api_version && has_content {
            let at = comment_run_start.unwrap_or(line_start);
            chunks.push(chunk_start..at);
            implicit.push(line_start);
            chunk_start = at;
            // A JSON object opened here is followed by YAML with no separator either.
            has_api_version = line.starts_with(b"{");
            has_start_marker = false;
        }
        if line.starts_with(b"apiVersion:") {
            has_api_version = true;
        }
        if is_blank_comment_or_directive(line) && !line.starts_with(b"%") {
            comment_run_start.get_or_insert(line_start);
        } else {
            comment_run_start = None;
        }
        if is_marker(line, b'-') {
            has_api_version = false;
            if has_content || has_start_marker {
                chunks.push(chunk_start..line_start);
                chunk_start = line_start;
                has_content = false;
            }
            has_start_marker = true;
        } else if is_marker(line, b'.') {
            chunks.push(chunk_start..next_line);
            chunk_start = next_line;
            has_content = false;
            has_start_marker = false;
            has_api_version = false;
        } else if !has_content && !is_blank_comment_or_directive(line) {
            has_content = true;
        }
        line_start = next_line;
    }
    if chunk_start < bytes.len() {
        chunks.push(chunk_start..bytes.len());
    }
    (chunks, implicit)
}

fn memchr_newline(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'\n', bytes.get(from..)?).map(|i| from + i)
}

/// `---` or `...` at column 0, followed by a blank or the end of the line.
fn is_marker(line: &[u8], c: u8) -> bool {
    line.len() >= 3
        && line[..3].iter().all(|&b| b == c)
        && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r'))
}

fn is_blank_comment_or_directive(line: &[u8]) -> bool {
    if line.first() == Some(&b'%') {
        return true;
    }
    match line.iter().find(|&&b| !matches!(b, b' ' | b'\t' | b'\r')) {
        None | Some(b'#') => true,
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_at_document_markers() {
        assert_eq!(
            pieces("a: 1\n---\nb: 2\n--- \nc: 3\n---\n"),
            vec!["a: 1\n", "---\nb: 2\n", "--- \nc: 3\n", "---\n"]
        );
    }

    #[test]
    fn keeps_leading_comments_and_directives_with_their_document() {
        assert_eq!(
            pieces("# Source: x\n%YAML 1.1\n---\na: 1\n"),
            vec!["# Source: x\n%YAML 1.1\n---\na: 1\n"]
        );
        assert_eq!(
            pieces("---\n# Source: empty\n---\n# Source: b\na: 1\n"),
            vec!["---\n# Source: empty\n", "---\n# Source: b\na: 1\n"]
        );
    }

    #[test]
    fn document_end_marker_closes_a_chunk() {
        assert_eq!(
            pieces("a: 1\n...\n%YAML 1.1\n---\nb\n... # end\r\nc"),
            vec!["a: 1\n...\n", "%YAML 1.1\n---\nb\n... # end\r\n", "c"]
        );
    }

    #[test]
    fn ignores_markers_not_at_column_zero_or_not_followed_by_a_blank() {
        assert_eq!(
            pieces("a: 1\n ---\n---x\n----\n"),
            vec!["a: 1\n ---\n---x\n----\n"]
        );
    }

    #[test]
    fn a_bom_may_open_any_document() {
        assert_eq!(
            pieces("a: 1\n\u{feff}---\nb: 2\n"),
            vec!["a: 1\n", "\u{feff}---\nb: 2\n"]
        );
    }

    #[test]
    fn handles_bom_and_crlf() {
        assert_eq!(
            pieces("\u{feff}---\r\na: 1\r\n---\r\nb: 2"),
            vec!["\u{feff}---\r\na: 1\r\n", "---\r\nb: 2"]
        );
    }

    #[test]
    fn concatenated_manifests_without_separators_are_split() {
        let text = "# license\napiVersion: v1\nkind: A\n# license\n\napiVersion: v1\nkind: B\n{\n  \"kind\": \"C\"\n}\napiVersion: v1\nkind: D\n";
        assert_eq!(
            pieces(text),
            vec![
                "# license\napiVersion: v1\nkind: A\n",
                "# license\n\napiVersion: v1\nkind: B\n",
                "{\n  \"kind\": \"C\"\n}\n",
                "apiVersion: v1\nkind: D\n",
            ]
        );
        assert_eq!(split_and_find_implicit(text).1.len(), 3);
        // A single manifest, or ones separated properly, are left alone.
        let separated = "apiVersion: v1\nkind: A\n---\napiVersion: v1\n";
        assert!(split_and_find_implicit(separated).1.is_empty());
    }
}
