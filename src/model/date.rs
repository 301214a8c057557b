//! Calendar dates on the wire: exactly `YYYY-MM-DD`. Read by hand rather than with chrono's
//! format-string parser, which would also take `2026-1-5` and would bring that whole parser into the
//! browser's WASM bundle. Use as `#[serde(with = "crate::model::date")]`, or `date::option` for
//! `Option<NaiveDate>`.
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serializer, de::Error};

/// Parses `YYYY-MM-DD` exactly; `None` for anything else, or a day the calendar does not have.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return None;
    }
    let number = |from: usize, to: usize| text[from..to].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 7)?, number(8, 10)?)
}

pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    from_wire(&String::deserialize(deserializer)?)
}

/// `text` as a date, or the deserializer's error.
fn from_wire<E: Error>(text: &str) -> Result<NaiveDate, E> {
    parse(text).ok_or_else(|| E::custom("expected a date YYYY-MM-DD"))
}

/// The same for an optional date (`null` when absent).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => super::serialize(date, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(deserializer)?.map(|text| from_wire(&text)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_calendar_dates_parse() {
        assert_eq!(parse("2026-01-05"), NaiveDate::from_ymd_opt(2026, 1, 5));
        assert_eq!(parse("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in [
            "2026-1-5",
            "26-01-05",
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026/01/05",
            "20260105",
            "",
            "2026-01-05T00:00",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates_round_trip_through_json() {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Wire {
            #[serde(with = "super")]
            day: NaiveDate,
            #[serde(with = "super::option")]
            due: Option<NaiveDate>,
        }
        let wire = Wire { day: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), due: None };
        let json = serde_json::to_string(&wire).unwrap();
        assert_eq!(json, r#"{"day":"2026-11-25","due":null}"#);
        assert_eq!(serde_json::from_str::<Wire>(&json).unwrap(), wire);
        assert!(serde_json::from_str::<Wire>(r#"{"day":"2026-1-5","due":null}"#).is_err());
    }
}
