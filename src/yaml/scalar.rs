//! Scalar resolution as go-yaml v2 (`resolve.go`) does it, which is what Kubernetes
//! uses through sigs.k8s.io/yaml: YAML 1.1 booleans, octal `0755`, `0x`/`0b`/`0o`
//! prefixes, `_` separators, `.inf`/`.nan`. Timestamps stay strings, as go-yaml
//! returns them when decoding into `interface{}`.

/// A resolved scalar; `Str` means "the scalar text itself", so that callers allocate
/// the string only when it is needed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

/// The kinds go-yaml names in its tag-mismatch error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

impl Kind {
    fn of(scalar: Scalar) -> Kind {
        match scalar {
            Scalar::Null => Kind::Null,
            Scalar::Bool(_) => Kind::Bool,
            Scalar::Int(_) => Kind::Int,
            Scalar::Float(_) => Kind::Float,
            Scalar::Str => Kind::Str,
        }
    }

    fn short_tag(self) -> &'static str {
        match self {
            Kind::Null => "!!null",
            Kind::Bool => "!!bool",
            Kind::Int => "!!int",
            Kind::Float => "!!float",
            Kind::Str => "!!str",
        }
    }
}

/// Resolves an untagged plain scalar.
pub(super) fn resolve_plain(text: &str) -> Scalar {
    let Some(&first) = text.as_bytes().first() else {
        return Scalar::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            lookup_word(text).unwrap_or(Scalar::Str)
        }
        b'.' => lookup_word(text)
            .or_else(|| parse_dot_float(text))
            .unwrap_or(Scalar::Str),
        b'+' | b'-' | b'0'..=b'9' => lookup_word(text)
            .or_else(|| resolve_number(text))
            .unwrap_or(Scalar::Str),
        _ => Scalar::Str,
    }
}

/// Resolves a scalar carrying a core-schema tag (`!!int` → suffix `int`). Any other tag,
/// like a custom one, makes a string, as go-yaml does. Errors carry go-yaml's message.
pub(super) fn resolve_tagged(core_suffix: Option<&str>, text: &str) -> Result<Scalar, String> {
    let wanted = match core_suffix {
        Some("int") => Kind::Int,
        Some("float") => Kind::Float,
        Some("bool") => Kind::Bool,
        Some("null") => Kind::Null,
        _ => return Ok(Scalar::Str),
    };
    let resolved = resolve_plain(text);
    match (wanted, resolved) {
        (Kind::Float, Scalar::Int(i)) => Ok(Scalar::Float(i as f64)),
        _ if Kind::of(resolved) == wanted => Ok(resolved),
        _ => Err(format!(
            "cannot decode {} `{}` as a {}",
            Kind::of(resolved).short_tag(),
            text,
            wanted.short_tag()
        )),
    }
}

fn lookup_word(text: &str) -> Option<Scalar> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Scalar::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// go-yaml's path for text starting with a sign or digit: underscores dropped, then
/// `strconv.ParseInt(s, 0, 64)`, `ParseUint(s, 0, 64)`, then its float pattern.
fn resolve_number(text: &str) -> Option<Scalar> {
    let digits: std::borrow::Cow<'_, str> = if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    };
    if let Some(i) = parse_go_int(&digits) {
        return Some(Scalar::Int(i));
    }
    if let Some(u) = parse_go_uint(&digits) {
        // go-yaml yields a uint64 here; JSON carries it as a number beyond int64.
        return Some(Scalar::Float(u as f64));
    }
    if is_yaml_style_float(&digits) {
        return parse_finite_float(&digits);
    }
    None
}

/// The `uint64` go-yaml makes of a plain scalar beyond `int64` (speclint keeps it as a
/// float, which go-yaml tells apart from a float written as such).
pub(super) fn plain_uint(text: &str) -> Option<u64> {
    let digits = text.replace('_', "");
    if parse_go_int(&digits).is_some() {
        return None;
    }
    parse_go_uint(&digits)
}

/// Text starting with `.` is handed to `strconv.ParseFloat` as is.
fn parse_dot_float(text: &str) -> Option<Scalar> {
    if is_yaml_style_float(text) {
        parse_finite_float(text)
    } else {
        None
    }
}

/// `strconv.ParseFloat` fails with a range error on overflow; go-yaml then keeps a string.
fn parse_finite_float(text: &str) -> Option<Scalar> {
    text.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Scalar::Float)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let count_digits = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    if b.get(i) == Some(&b'.') {
        let n = count_digits(i + 1);
        if n == 0 {
            return false;
        }
        i += 1 + n;
    } else {
        let n = count_digits(i);
        if n == 0 {
            return false;
        }
        i += n;
        if b.get(i) == Some(&b'.') {
            i += 1 + count_digits(i + 1);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let n = count_digits(i);
        if n == 0 {
            return false;
        }
        i += n;
    }
    i == b.len()
}

/// `strconv.ParseInt(s, 0, 64)`.
fn parse_go_int(text: &str) -> Option<i64> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'+' => (false, &text[1..]),
        b'-' => (true, &text[1..]),
        _ => (false, text),
    };
    let magnitude = parse_go_uint(rest)?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// `strconv.ParseUint(s, 0, 64)`: no sign; `0x`, `0o`, `0b` prefixes (only with at
/// least one more character), a leading `0` means octal.
fn parse_go_uint(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (radix, digits) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut value: u64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(radix)?;
        value = value.checked_mul(radix as u64)?.checked_add(d as u64)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Scalar {
        resolve_plain(s)
    }

    #[test]
    fn booleans_in_go_yaml_case_forms() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        ] {
            assert_eq!(r(t), Scalar::Bool(true), "{t}");
        }
        for f in [
            "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        ] {
            assert_eq!(r(f), Scalar::Bool(false), "{f}");
        }
        for s in ["yES", "tRUE", "oN", "Yess", "nO"] {
            assert_eq!(r(s), Scalar::Str, "{s}");
        }
    }

    #[test]
    fn nulls() {
        for n in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(r(n), Scalar::Null, "{n:?}");
        }
        assert_eq!(r("nULL"), Scalar::Str);
    }

    #[test]
    fn integers() {
        assert_eq!(r("0"), Scalar::Int(0));
        assert_eq!(r("42"), Scalar::Int(42));
        assert_eq!(r("-42"), Scalar::Int(-42));
        assert_eq!(r("+42"), Scalar::Int(42));
        assert_eq!(r("0755"), Scalar::Int(493));
        assert_eq!(r("0x1F"), Scalar::Int(31));
        assert_eq!(r("0X1f"), Scalar::Int(31));
        assert_eq!(r("-0x10"), Scalar::Int(-16));
        assert_eq!(r("0b101"), Scalar::Int(5));
        assert_eq!(r("-0b101"), Scalar::Int(-5));
        assert_eq!(r("0o17"), Scalar::Int(15));
        assert_eq!(r("1_000"), Scalar::Int(1000));
        assert_eq!(r("+_1"), Scalar::Int(1));
        assert_eq!(r("9223372036854775807"), Scalar::Int(i64::MAX));
        assert_eq!(r("-9223372036854775808"), Scalar::Int(i64::MIN));
    }

    #[test]
    fn integer_overflow_follows_go_yaml() {
        // uint64 range: a number (go-yaml's uint64).
        assert_eq!(
            r("9223372036854775808"),
            Scalar::Float(9223372036854775808.0)
        );
        // Beyond uint64, decimal: the float pattern matches.
        assert_eq!(r("99999999999999999999"), Scalar::Float(1e20));
        assert_eq!(
            r("-9223372036854775809"),
            Scalar::Float(-9223372036854775809.0)
        );
        // Beyond uint64, hex: a string.
        assert_eq!(r("0x1FFFFFFFFFFFFFFFFF"), Scalar::Str);
        // Invalid octal digits: ParseInt fails, the float pattern matches.
        assert_eq!(r("08"), Scalar::Float(8.0));
        assert_eq!(r("0x"), Scalar::Str);
    }

    #[test]
    fn floats() {
        assert_eq!(r("1.5"), Scalar::Float(1.5));
        assert_eq!(r("-1.5e3"), Scalar::Float(-1500.0));
        assert_eq!(r("1e3"), Scalar::Float(1000.0));
        assert_eq!(r("1."), Scalar::Float(1.0));
        assert_eq!(r(".5"), Scalar::Float(0.5));
        assert_eq!(r("+.5E-1"), Scalar::Float(0.05));
        assert_eq!(r(".inf"), Scalar::Float(f64::INFINITY));
        assert_eq!(r("+.Inf"), Scalar::Float(f64::INFINITY));
        assert_eq!(r("-.inf"), Scalar::Float(f64::NEG_INFINITY));
        assert!(matches!(r(".nan"), Scalar::Float(f) if f.is_nan()));
        assert_eq!(r("1e400"), Scalar::Str);
        assert_eq!(r("inf"), Scalar::Str);
        assert_eq!(r("1.2.3"), Scalar::Str);
        assert_eq!(r("."), Scalar::Str);
    }

    #[test]
    fn other_text_is_a_string() {
        for s in [
            "<<",
            "abc",
            "2001-12-14",
            "1.0.0",
            "10Mi",
            "100m",
            "-",
            "+",
            "0x1p3",
            "1_0.5e",
        ] {
            assert_eq!(r(s), Scalar::Str, "{s}");
        }
    }

    #[test]
    fn tags() {
        assert_eq!(resolve_tagged(Some("str"), "yes"), Ok(Scalar::Str));
        assert_eq!(resolve_tagged(Some("int"), "0755"), Ok(Scalar::Int(493)));
        assert_eq!(resolve_tagged(Some("float"), "3"), Ok(Scalar::Float(3.0)));
        assert_eq!(resolve_tagged(Some("bool"), "on"), Ok(Scalar::Bool(true)));
        assert_eq!(resolve_tagged(Some("null"), ""), Ok(Scalar::Null));
        assert_eq!(resolve_tagged(None, "5"), Ok(Scalar::Str));
        assert_eq!(
            resolve_tagged(Some("timestamp"), "2001-12-14"),
            Ok(Scalar::Str)
        );
        assert_eq!(
            resolve_tagged(Some("int"), "abc"),
            Err("cannot decode !!str `abc` as a !!int".to_string())
        );
    }
}
