//! Unix seconds to and from RFC 3339 text, as Go's `time` package prints and
//! parses it (`time.RFC3339`). Go's verifier puts these strings in its expiry
//! messages, so the formatting must match byte for byte.
//!
//! The evaluation time is a [`Time`]: like Go's `time.Time` it keeps nanoseconds, since
//! Go compares instants, not seconds (5 ms after a whole-second NotAfter is expired).

const SECONDS_PER_DAY: i128 = 86_400;
const NANOS_PER_SECOND: u32 = 1_000_000_000;

/// An instant as Go's `time.Time` keeps it: Unix seconds and the nanoseconds within that
/// second (`0..1_000_000_000`, so a time before 1970 has a floored second). The derived
/// order is chronological.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    pub seconds: i64,
    pub(crate) nanos: u32,
}

impl Time {
    /// A whole second, as certificate validity times are (X.509 encodes no fraction).
    pub const fn from_unix(seconds: i64) -> Time {
        Time { seconds, nanos: 0 }
    }

    /// Seconds and nanoseconds, the nanoseconds carried into the seconds when they exceed one.
    pub fn new(seconds: i64, nanos: u32) -> Time {
        Time {
            seconds: seconds.saturating_add(i64::from(nanos / NANOS_PER_SECOND)),
            nanos: nanos % NANOS_PER_SECOND,
        }
    }

    /// The current time.
    pub(crate) fn now() -> Time {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(elapsed) => Time::new(
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
                elapsed.subsec_nanos(),
            ),
            Err(before) => {
                let before = before.duration();
                let seconds = i64::try_from(before.as_secs()).map_or(i64::MIN, |s| -s);
                match before.subsec_nanos() {
                    0 => Time::from_unix(seconds),
                    n => Time::new(seconds.saturating_sub(1), NANOS_PER_SECOND - n),
                }
            }
        }
    }

    /// Go's `t.Before(time.Unix(unix, 0))`.
    pub(crate) fn before(self, unix: i64) -> bool {
        self < Time::from_unix(unix)
    }

    /// Go's `t.After(time.Unix(unix, 0))`.
    pub(crate) fn after(self, unix: i64) -> bool {
        self > Time::from_unix(unix)
    }

    /// Nanoseconds since the Unix epoch.
    pub(crate) fn unix_nanos(self) -> i128 {
        i128::from(self.seconds) * i128::from(NANOS_PER_SECOND) + i128::from(self.nanos)
    }

    /// Whole seconds from this instant until `unix`, rounded down (negative once past).
    pub(crate) fn seconds_until(self, unix: i64) -> i64 {
        let left = Time::from_unix(unix).unix_nanos() - self.unix_nanos();
        let seconds = left.div_euclid(i128::from(NANOS_PER_SECOND));
        i64::try_from(seconds).unwrap_or(if seconds < 0 { i64::MIN } else { i64::MAX })
    }

    /// Go's `t.UTC().Format(time.RFC3339)`: whole seconds, as Go's verifier prints the
    /// current time in its expiry messages.
    pub(crate) fn rfc3339(self) -> String {
        format_rfc3339(self.seconds)
    }

    /// Go's `t.UTC().Format(time.RFC3339Nano)`: the fraction without trailing zeros, if any.
    pub(crate) fn rfc3339_nano(self) -> String {
        let whole = format_rfc3339(self.seconds);
        if self.nanos == 0 {
            return whole;
        }
        let fraction = format!("{:09}", self.nanos);
        let fraction = fraction.trim_end_matches('0');
        let stem = whole.strip_suffix('Z').unwrap_or(&whole);
        format!("{stem}.{fraction}Z")
    }
}

/// Go's `time.Unix(unix, 0).UTC().Format(time.RFC3339)`, e.g. `2026-11-27T11:44:22Z`.
///
/// Years outside 0000-9999 print as Go prints them: `-0001`, `10000`.
pub(crate) fn format_rfc3339(unix: i64) -> String {
    format_rfc3339_with_offset(unix, 0)
}

/// The same instant printed in a fixed zone `offset_seconds` east of UTC, as Go
/// prints a time whose location is a fixed zone (`2024-01-01T01:00:00+01:00`).
pub(crate) fn format_rfc3339_with_offset(unix: i64, offset_seconds: i32) -> String {
    let local = i128::from(unix) + i128::from(offset_seconds);
    let days = local.div_euclid(SECONDS_PER_DAY);
    let second_of_day = local.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(25);
    if year < 0 {
        out.push('-');
    }
    out.push_str(&format!(
        "{:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        year.unsigned_abs(),
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    ));
    if offset_seconds == 0 {
        out.push('Z');
    } else {
        let sign = if offset_seconds < 0 { '-' } else { '+' };
        let minutes = offset_seconds.unsigned_abs() / 60;
        out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
    }
    out
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)` as Go's
/// `time.Parse(time.RFC3339, s)` accepts it, keeping the fraction of a second to the
/// nanosecond (digits past the ninth are ignored, as Go ignores them).
pub fn parse_rfc3339(s: &str) -> Result<Time, String> {
    let bad = |why: &str| format!("cannot parse {s:?} as RFC 3339: {why}");
    let b = s.as_bytes();
    if b.len() < 20 {
        return Err(bad("too short"));
    }
    let number = |range: std::ops::Range<usize>| -> Result<i64, String> {
        let digits = &b[range];
        if digits.iter().all(u8::is_ascii_digit) {
            Ok(digits
                .iter()
                .fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0')))
        } else {
            Err(bad("expected digits"))
        }
    };
    for (at, separator) in [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')] {
        if b[at] != separator {
            return Err(bad(&format!("expected {:?}", char::from(separator))));
        }
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad("day out of range"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad("time out of range"));
    }

    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad("empty fraction"));
        }
        for position in 0..9 {
            let digit = fraction[..digits]
                .get(position)
                .map_or(0, |d| u32::from(d - b'0'));
            nanos = nanos * 10 + digit;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) =>
        {
            let hours = i64::from((h1 - b'0') * 10 + (h2 - b'0'));
            let minutes = i64::from((m1 - b'0') * 10 + (m2 - b'0'));
            if hours > 23 || minutes > 59 {
                return Err(bad("zone offset out of range"));
            }
            let seconds = (hours * 60 + minutes) * 60;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return Err(bad("expected Z or a ±hh:mm offset")),
    };
    let days = days_from_civil(year, month, day);
    Ok(Time::new(
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    ))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`], in i128 so that no i64 input overflows.
fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_795_779_862), "2026-11-27T11:44:22Z");
        assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_rfc3339(-62_135_596_800), "0001-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(-62_167_219_200), "0000-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(-62_198_755_200), "-0001-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(253_402_300_800), "10000-01-01T00:00:00Z");
        assert_eq!(
            format_rfc3339_with_offset(0, 3600),
            "1970-01-01T01:00:00+01:00"
        );
        assert_eq!(
            format_rfc3339_with_offset(0, -5400),
            "1969-12-31T22:30:00-01:30"
        );
        // Extremes must not panic.
        let _ = format_rfc3339(i64::MAX);
        let _ = format_rfc3339(i64::MIN);
    }

    fn unix(seconds: i64) -> Result<Time, String> {
        Ok(Time::from_unix(seconds))
    }

    #[test]
    fn parses_rfc3339() {
        assert_eq!(parse_rfc3339("2026-11-27T11:44:22Z"), unix(1_795_779_862));
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), unix(0));
        assert_eq!(parse_rfc3339("1969-12-31T22:30:00-01:30"), unix(0));
        assert_eq!(
            parse_rfc3339("1970-01-01T00:00:00.999999Z"),
            Ok(Time::new(0, 999_999_000))
        );
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), unix(951_782_400));
        assert_eq!(
            parse_rfc3339("2024-04-01T00:00:00.005+00:00"),
            Ok(Time::new(1_711_929_600, 5_000_000))
        );
        assert_eq!(
            parse_rfc3339("1970-01-01T00:00:00.1234567891Z"),
            Ok(Time::new(0, 123_456_789))
        );
        // A fraction before 1970 floors the second, as Go's time.Time keeps it.
        assert_eq!(
            parse_rfc3339("1969-12-31T23:59:59.5Z"),
            Ok(Time::new(-1, 500_000_000))
        );
        for bad in [
            "2001-02-29T00:00:00Z",
            "2026-11-27 11:44:22Z",
            "2026-11-27T11:44:22",
            "2026-11-27T24:00:00Z",
            "2026-11-27T11:44:22+0100",
            "2026-11-27T11:44:22.Z",
            "",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
        for seconds in [0, 1, -1, 951_782_400, 4_102_444_800, -62_135_596_800] {
            assert_eq!(parse_rfc3339(&format_rfc3339(seconds)), unix(seconds));
        }
    }

    #[test]
    fn compares_instants_as_go_does() {
        let not_after = 1_711_929_600; // 2024-04-01T00:00:00Z
        let at = |s: &str| parse_rfc3339(s).unwrap();
        // Go's `now.After(NotAfter)`: exactly NotAfter is still valid, 1 ns later is not.
        assert!(!at("2024-04-01T00:00:00Z").after(not_after));
        assert!(at("2024-04-01T00:00:00.000000001Z").after(not_after));
        assert!(at("2024-04-01T00:00:00.005Z").after(not_after));
        assert!(!at("2024-03-31T23:59:59.999999999Z").after(not_after));
        // Go's `now.Before(NotBefore)`: exactly NotBefore is valid, 1 ns earlier is not.
        assert!(!at("2024-04-01T00:00:00Z").before(not_after));
        assert!(at("2024-03-31T23:59:59.999999999Z").before(not_after));
        assert!(!at("2024-04-01T00:00:00.000000001Z").before(not_after));
        // Printed as Go's RFC3339 (no fraction) and RFC3339Nano.
        let t = at("2024-04-01T02:00:00.0050+02:00");
        assert_eq!(t.rfc3339(), "2024-04-01T00:00:00Z");
        assert_eq!(t.rfc3339_nano(), "2024-04-01T00:00:00.005Z");
        assert_eq!(
            at("1969-12-31T23:59:59.5Z").rfc3339(),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(Time::from_unix(0).rfc3339_nano(), "1970-01-01T00:00:00Z");
        // Whole seconds left, rounded down.
        assert_eq!(at("2024-03-31T23:59:58.5Z").seconds_until(not_after), 1);
        assert_eq!(at("2024-04-01T00:00:00Z").seconds_until(not_after), 0);
        assert_eq!(at("2024-04-01T00:00:00.005Z").seconds_until(not_after), -1);
        assert_eq!(Time::new(5, 2_500_000_000), Time::new(7, 500_000_000));
        let _ = Time::from_unix(i64::MIN).seconds_until(i64::MAX);
        assert!(Time::now() > at("2024-04-01T00:00:00Z"));
    }
}
