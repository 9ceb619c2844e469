//! Typed views of the date and time values (feature `time`): the values stay as the service
//! wrote them (a round trip is lossless), and these read them as the `time` crate's types or
//! write them from those.

use crate::model::{Date, DateTimeOffset, Duration, TimeOfDay};
use std::fmt;
use time::format_description::well_known::Rfc3339;

/// A value that does not read as the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// The text as the service wrote it.
    pub text: String,
    /// What was expected.
    pub expected: &'static str,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not {}", self.text, self.expected)
    }
}

impl std::error::Error for DateError {}

fn error(text: &str, expected: &'static str) -> DateError {
    DateError {
        text: text.to_string(),
        expected,
    }
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");
const TIME: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[hour]:[minute]:[second][optional [.[subsecond]]]");
const TIME_OUT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[hour]:[minute]:[second].[subsecond digits:7]");

impl DateTimeOffset {
    /// The value as an RFC 3339 date and time (`2021-07-01T08:00:00.1234567Z`, offsets kept).
    pub fn to_offset_date_time(&self) -> Result<time::OffsetDateTime, DateError> {
        time::OffsetDateTime::parse(&self.0, &Rfc3339)
            .map_err(|_| error(&self.0, "an RFC 3339 date and time"))
    }
}

impl From<time::OffsetDateTime> for DateTimeOffset {
    /// RFC 3339, as Graph writes it.
    fn from(value: time::OffsetDateTime) -> Self {
        DateTimeOffset(value.format(&Rfc3339).unwrap_or_default())
    }
}

impl Date {
    /// The value as a calendar date (`2021-07-01`).
    pub fn to_date(&self) -> Result<time::Date, DateError> {
        time::Date::parse(&self.0, DATE).map_err(|_| error(&self.0, "a date (YYYY-MM-DD)"))
    }
}

impl From<time::Date> for Date {
    fn from(value: time::Date) -> Self {
        Date(value.format(DATE).unwrap_or_default())
    }
}

impl TimeOfDay {
    /// The value as a time of day (`08:30:00`, `08:30:00.0000000`).
    pub fn to_time(&self) -> Result<time::Time, DateError> {
        time::Time::parse(&self.0, TIME).map_err(|_| error(&self.0, "a time of day (hh:mm:ss)"))
    }
}

impl From<time::Time> for TimeOfDay {
    /// Seven fractional digits, as Graph writes a `TimeOfDay`.
    fn from(value: time::Time) -> Self {
        TimeOfDay(value.format(TIME_OUT).unwrap_or_default())
    }
}

impl Duration {
    /// The value (ISO 8601, `P1DT2H30M`, `PT0.5S`, `-P2W`) as an exact duration. Years and
    /// months have no fixed length and are refused.
    pub fn to_duration(&self) -> Result<time::Duration, DateError> {
        parse_duration(&self.0).ok_or_else(|| {
            error(
                &self.0,
                "an ISO 8601 duration in weeks, days, hours, minutes and seconds",
            )
        })
    }
}

impl From<time::Duration> for Duration {
    /// `PnDTnHnMn.nS`, the parts that are not zero (`PT0S` for zero).
    fn from(value: time::Duration) -> Self {
        let sign = if value.is_negative() { "-" } else { "" };
        let value = value.abs();
        let days = value.whole_days();
        let hours = value.whole_hours() % 24;
        let minutes = value.whole_minutes() % 60;
        let seconds = value.whole_seconds() % 60;
        let nanos = value.subsec_nanoseconds();
        let mut text = format!("{sign}P");
        if days > 0 {
            text.push_str(&format!("{days}D"));
        }
        if hours > 0 || minutes > 0 || seconds > 0 || nanos > 0 || days == 0 {
            text.push('T');
            if hours > 0 {
                text.push_str(&format!("{hours}H"));
            }
            if minutes > 0 {
                text.push_str(&format!("{minutes}M"));
            }
            if seconds > 0 || nanos > 0 || (hours == 0 && minutes == 0) {
                match nanos {
                    0 => text.push_str(&format!("{seconds}S")),
                    n => {
                        let fraction = format!("{n:09}");
                        text.push_str(&format!("{seconds}.{}S", fraction.trim_end_matches('0')));
                    }
                }
            }
        }
        Duration(text)
    }
}

/// An ISO 8601 duration without years or months.
fn parse_duration(text: &str) -> Option<time::Duration> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix('P')?;
    if rest.is_empty() {
        return None;
    }
    let (date, time_part) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut total = time::Duration::ZERO;
    for (part, units) in [(date, &[('W', 604_800.0), ('D', 86_400.0)][..])]
        .into_iter()
        .chain(time_part.map(|t| (t, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)][..])))
    {
        let mut number = String::new();
        let mut next_unit = 0;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                number.push(if c == ',' { '.' } else { c });
                continue;
            }
            let at = units[next_unit..].iter().position(|(u, _)| *u == c)? + next_unit;
            let value: f64 = number.parse().ok()?;
            total += time::Duration::seconds_f64(value * units[at].1);
            number.clear();
            next_unit = at + 1;
        }
        if !number.is_empty() {
            return None;
        }
    }
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_read_as_typed_values_and_back() {
        let at = DateTimeOffset("2021-07-01T08:00:00.1234567Z".into());
        let typed = at.to_offset_date_time().unwrap();
        assert_eq!(typed.nanosecond(), 123_456_700);
        assert_eq!(
            DateTimeOffset::from(typed).to_offset_date_time().unwrap(),
            typed
        );
        let offset = DateTimeOffset("2021-07-01T10:00:00+02:00".into());
        assert_eq!(
            offset.to_offset_date_time().unwrap(),
            typed.replace_nanosecond(0).unwrap()
        );
        assert!(
            DateTimeOffset("yesterday".into())
                .to_offset_date_time()
                .is_err()
        );

        let day = Date("2021-02-28".into()).to_date().unwrap();
        assert_eq!(Date::from(day), Date("2021-02-28".into()));
        assert!(Date("2021-02-30".into()).to_date().is_err());

        let time = TimeOfDay("08:30:00".into()).to_time().unwrap();
        assert_eq!(
            TimeOfDay("08:30:00.0000000".into()).to_time().unwrap(),
            time
        );
        assert_eq!(TimeOfDay::from(time), TimeOfDay("08:30:00.0000000".into()));
    }

    #[test]
    fn durations_read_in_exact_units_only() {
        let d = |text: &str| Duration(text.into()).to_duration();
        assert_eq!(d("P1DT2H30M").unwrap(), time::Duration::seconds(95_400));
        assert_eq!(d("PT0.5S").unwrap(), time::Duration::milliseconds(500));
        assert_eq!(d("-P2W").unwrap(), -time::Duration::weeks(2));
        assert_eq!(d("PT36H").unwrap(), time::Duration::hours(36));
        for bad in [
            "P1Y", "P2M", "PT", "P", "1D", "PT1H2H", "PT5", "P1DT", "PT1M2H",
        ] {
            assert!(d(bad).is_err(), "{bad}");
        }
        for text in ["P1DT2H30M", "PT0.5S", "-P3D", "PT0S", "PT1H0.25S"] {
            let typed = d(text).unwrap();
            assert_eq!(Duration::from(typed).0, text);
        }
    }
}
