//! The one escaping rule for text that came from an input (object names, namespaces,
//! file paths, certificate subjects, and every message, label, note and help built
//! from them) before it reaches a terminal, a CI log or a report file.
//!
//! A quoted YAML string can hold any character, so a name can carry a newline followed
//! by `::error ...` (a GitHub Actions workflow command when it starts a line of stdout),
//! an ESC sequence (clears the screen, sets the window title), or a bidi override
//! (reorders what a reviewer reads). Such characters are shown, never emitted:
//! C0 controls (newline and tab included) and DEL as their Unicode control pictures
//! (`␊`, `␛`, `␡`), and the other invisible or reordering characters as `<U+202E>`.

use std::borrow::Cow;
use std::io;

/// Whether `c` must not be written as itself.
pub(crate) fn is_hidden(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Format characters that reorder or hide text, and the Unicode line separators.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'          // Arabic letter mark
        | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers
        | '\u{180e}'        // Mongolian vowel separator
        | '\u{200b}'..='\u{200f}' // zero-width space/joiners, LRM, RLM
        | '\u{2028}' | '\u{2029}' // line and paragraph separators
        | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{206f}' // word joiner, invisible operators, bidi isolates
        | '\u{feff}'        // BOM / zero-width no-break space
        | '\u{fff9}'..='\u{fffb}' // interlinear annotations
    )
}

/// `text` with every hidden character made visible; borrowed when there is none.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\u{7f}' => out.push('\u{2421}'),
        c if is_hidden(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
        c => out.push(c),
    }
}

/// A serde_json formatter that also writes the hidden characters JSON would leave raw
/// (DEL, C1 controls, bidi and invisible format characters) as `\uXXXX` escapes: the
/// data stays exact for a parser, and the bytes stay harmless for a terminal.
pub(crate) struct SafeJson<F>(pub(crate) F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeJson<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if is_hidden(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // Everything else as the wrapped formatter does it.
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` as JSON through [`SafeJson`]; `pretty` indents by two spaces.
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut dyn io::Write,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    if pretty {
        let formatter = SafeJson(serde_json::ser::PrettyFormatter::new());
        let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
        value.serialize(&mut serializer).map_err(io::Error::from)
    } else {
        let formatter = SafeJson(serde_json::ser::CompactFormatter);
        let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
        value.serialize(&mut serializer).map_err(io::Error::from)
    }
}

/// [`write_json`] into a string.
pub(crate) fn json_string<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail; serialising our own types cannot either.
    let _ = write_json(&mut out, value, pretty);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_every_hidden_character_visible() {
        assert_eq!(
            escape("a\n::error x\u{1b}[2J\u{7}\u{7f}\u{85}\u{202e}b\t\r"),
            "a\u{240a}::error x\u{241b}[2J\u{2407}\u{2421}<U+0085><U+202E>b\u{2409}\u{240d}"
        );
        assert!(matches!(escape("plain é 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_stays_exact_and_safe() {
        let text = "n\u{1b}\u{7f}\u{85}\u{202e}\u{10ffff}é";
        let json = json_string(&serde_json::json!({ "name": text }), false);
        assert!(json.is_ascii() || !json.chars().any(is_hidden), "{json}");
        assert!(
            !json.contains('\u{202e}') && !json.contains('\u{1b}'),
            "{json}"
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["name"], text);
        let pretty = json_string(&serde_json::json!({ "a": [1, "\u{2028}"] }), true);
        assert_eq!(pretty, "{\n  \"a\": [\n    1,\n    \"\\u2028\"\n  ]\n}");
    }
}
