//! `--max-input-size`: how many bytes one input, and all inputs together, may hold. Reading
//! stops one byte past the limit, so `/dev/zero` or an endless pipe costs no more than that.

use super::error::InputError;
use std::io::Read;

/// 512 MiB: far above any real render, far below what would exhaust a CI runner.
pub(crate) const DEFAULT_MAX_INPUT_SIZE: u64 = 512 * MIB;

/// 4 GiB - 1 byte: the YAML trees hold byte offsets as u32.
pub(crate) const LARGEST_MAX_INPUT_SIZE: u64 = u32::MAX as u64;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// A size as `--max-input-size` takes it: bytes, or a number with a unit. `K`, `M`, `G` and
/// `KiB`, `MiB`, `GiB` are powers of 1024 (as `head -c` reads `K`); `KB`, `MB`, `GB` are
/// powers of 1000. Units are case-insensitive, a space before them is allowed. At most
/// [`LARGEST_MAX_INPUT_SIZE`].
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    if number.is_empty() {
        return Err(format!(
            "{text:?} is not a size: use a number of bytes, or a number with K, M, G, KiB, MiB, GiB, KB, MB or GB"
        ));
    }
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => KIB,
        "m" | "mib" => MIB,
        "g" | "gib" => GIB,
        "kb" => 1000,
        "mb" => 1000 * 1000,
        "gb" => 1000 * 1000 * 1000,
        _ => {
            return Err(format!(
                "{text:?} has an unknown unit: use K, M, G, KiB, MiB, GiB, KB, MB or GB"
            ))
        }
    };
    let value = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("{text:?} is too large"))?;
    if value == 0 {
        return Err("the size must be at least 1 byte".to_string());
    }
    if value > LARGEST_MAX_INPUT_SIZE {
        return Err(format!(
            "{text:?} is too large: the limit is at most 4294967295 bytes (4 GiB - 1)"
        ));
    }
    Ok(value)
}

/// `512 MiB`, `1536 KiB`, `1000 bytes`: the largest binary unit that divides the size.
pub(crate) fn format_size(bytes: u64) -> String {
    for (unit, name) in [(GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")] {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    if bytes == 1 {
        "1 byte".to_string()
    } else {
        format!("{bytes} bytes")
    }
}

/// What `--max-input-size` still allows in this run: each input up to the limit, and every
/// input together up to the same limit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InputBudget {
    limit: u64,
    used: u64,
}

impl Default for InputBudget {
    fn default() -> Self {
        InputBudget::new(DEFAULT_MAX_INPUT_SIZE)
    }
}

impl InputBudget {
    pub(crate) fn new(limit: u64) -> Self {
        InputBudget { limit, used: 0 }
    }

    #[cfg(test)]
    /// Bytes read so far, by every input.
    pub(crate) fn used(&self) -> u64 {
        self.used
    }

    /// Reads all of `reader`, but never more than one byte past what the budget allows.
    /// `known_size` (a regular file's length) refuses an input too large before reading it.
    pub(crate) fn read(
        &mut self,
        reader: &mut dyn Read,
        name: &str,
        known_size: Option<u64>,
    ) -> Result<Vec<u8>, InputError> {
        let left = self.limit - self.used;
        let allowed = self.limit.min(left);
        if known_size.is_some_and(|size| size > allowed) {
            return Err(self.too_large(name, allowed));
        }
        let bytes = read_at_most(reader, known_size, allowed)
            .map_err(|e| InputError(format!("cannot read {name}: {e}")))?;
        self.account(name, bytes)
    }

    /// What is left of the budget.
    pub(crate) fn remaining(&self) -> u64 {
        self.limit - self.used
    }

    /// Counts bytes already read (at most the budget and one byte more) as [`Self::read`]
    /// would have: the same refusal, with the same message.
    pub(crate) fn account(&mut self, name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, InputError> {
        self.account_length(|| name.to_string(), bytes.len() as u64)?;
        Ok(bytes)
    }

    /// [`Self::account`] for `length` bytes already read; `name` is made only for the error.
    pub(crate) fn account_length(
        &mut self,
        name: impl FnOnce() -> String,
        length: u64,
    ) -> Result<(), InputError> {
        let allowed = self.limit.min(self.limit - self.used);
        if length > allowed {
            return Err(self.too_large(&name(), allowed));
        }
        self.used += length;
        Ok(())
    }

    fn too_large(&self, name: &str, allowed: u64) -> InputError {
        let limit = format_size(self.limit);
        if allowed == self.limit {
            InputError(format!(
                "{name} is larger than the input size limit of {limit} (--max-input-size); nothing was checked"
            ))
        } else {
            InputError(format!(
                "the inputs together are larger than the input size limit of {limit} (--max-input-size, which bounds each input and their total): reached while reading {name}, after {} from the inputs before it; nothing was checked",
                format_size(self.used)
            ))
        }
    }
}

/// All of `reader`, but never more than `allowed` bytes and one more (which tells that it
/// was too long). `known_size` reserves the buffer at once; a file that grows while being
/// read still stops at the cap.
pub(crate) fn read_at_most(
    reader: &mut dyn Read,
    known_size: Option<u64>,
    allowed: u64,
) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(size) = known_size {
        bytes.reserve_exact(usize::try_from(size.min(allowed)).unwrap_or(0));
    }
    reader
        .take(allowed.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_and_decimal_units() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("1K"), Ok(1024));
        assert_eq!(parse_size("1KiB"), Ok(1024));
        assert_eq!(parse_size("2 MiB"), Ok(2 * MIB));
        assert_eq!(parse_size("2m"), Ok(2 * MIB));
        assert_eq!(parse_size("512MiB"), Ok(DEFAULT_MAX_INPUT_SIZE));
        assert_eq!(parse_size("1G"), Ok(GIB));
        assert_eq!(parse_size("1gib"), Ok(GIB));
        assert_eq!(parse_size("1KB"), Ok(1000));
        assert_eq!(parse_size("3GB"), Ok(3_000_000_000));
        assert_eq!(parse_size("7b"), Ok(7));
        assert_eq!(parse_size("4294967295"), Ok(LARGEST_MAX_INPUT_SIZE));
        for bad in [
            "",
            "MiB",
            "1.5M",
            "1T",
            "-1",
            "0",
            "99999999999999999999G",
            "4G",
            "4295MB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sizes_format_in_the_largest_dividing_unit() {
        assert_eq!(format_size(DEFAULT_MAX_INPUT_SIZE), "512 MiB");
        assert_eq!(format_size(1536 * KIB), "1536 KiB");
        assert_eq!(format_size(GIB), "1 GiB");
        assert_eq!(format_size(1000), "1000 bytes");
        assert_eq!(format_size(1), "1 byte");
    }

    #[test]
    fn reading_stops_one_byte_past_the_limit_per_input_and_in_total() {
        let mut budget = InputBudget::new(10);
        let mut endless = std::io::repeat(b'a');
        let err = budget.read(&mut endless, "zeros", None).unwrap_err();
        assert!(err
            .0
            .starts_with("zeros is larger than the input size limit of 10 bytes"));
        assert_eq!(budget.used(), 0);
        assert_eq!(
            budget.read(&mut &b"123456"[..], "a", None).unwrap().len(),
            6
        );
        let err = budget.read(&mut &b"12345"[..], "b", None).unwrap_err();
        assert!(err.0.contains("inputs together"), "{err}");
        assert!(err.0.contains("reading b"), "{err}");
        assert_eq!(budget.read(&mut &b"1234"[..], "c", None).unwrap().len(), 4);
        let err = InputBudget::new(10)
            .read(&mut &b""[..], "big", Some(11))
            .unwrap_err();
        assert!(err.0.starts_with("big is larger"), "{err}");
    }
}
