//! Unix seconds to and from RFC 3339 text, as Go's `time` package prints and
//! parses it (`time.RFC3339`). Go's verifier puts these strings in its expiry
//! messages, so the formatting must match byte for byte.

const SECONDS_PER_DAY: i128 = 86_400;

/// Go's `time.Unix(unix, 0).UTC().Format(time.RFC3339)`, e.g. `2026-11-27T11:44:22Z`.
///
/// Years outside 0000-9999 print as Go prints them: `-0001`, `10000`.
pub fn format_rfc3339(unix: i64) -> String {
    format_rfc3339_with_offset(unix, 0)
}

/// The same instant printed in a fixed zone `offset_seconds` east of UTC, as Go
/// prints a time whose location is a fixed zone (`2024-01-01T01:00:00+01:00`).
pub fn format_rfc3339_with_offset(unix: i64, offset_seconds: i32) -> String {
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
/// `time.Parse(time.RFC3339, s)` accepts it; returns Unix seconds, dropping any
/// fraction of a second.
pub fn parse_rfc3339(s: &str) -> Result<i64, String> {
    parse_rfc3339_with_nanos(s).map(|(seconds, _)| seconds)
}

/// Like [`parse_rfc3339`], also returning the fraction of a second in
/// nanoseconds (digits past the ninth are ignored).
pub fn parse_rfc3339_with_nanos(s: &str) -> Result<(i64, u32), String> {
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
    Ok((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    ))
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
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

    #[test]
    fn parses_rfc3339() {
        assert_eq!(parse_rfc3339("2026-11-27T11:44:22Z"), Ok(1_795_779_862));
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Ok(0));
        assert_eq!(parse_rfc3339("1969-12-31T22:30:00-01:30"), Ok(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00.999999Z"), Ok(0));
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), Ok(951_782_400));
        assert_eq!(
            parse_rfc3339_with_nanos("2024-04-01T00:00:00.005+00:00"),
            Ok((1_711_929_600, 5_000_000))
        );
        assert_eq!(
            parse_rfc3339_with_nanos("1970-01-01T00:00:00.1234567891Z"),
            Ok((0, 123_456_789))
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
        for unix in [0, 1, -1, 951_782_400, 4_102_444_800, -62_135_596_800] {
            assert_eq!(parse_rfc3339(&format_rfc3339(unix)), Ok(unix));
        }
    }
}
