//! Instants on the wire: RFC 3339 in UTC with milliseconds (`2026-11-25T17:34:07.123Z`), as the
//! tasks API and Better Auth both write them. Use as `#[serde(with = "crate::model::timestamp")]`.
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// `at` as the wire shows it.
pub fn format(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(at))
}

/// Any RFC 3339 instant (any offset, any precision), as UTC.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    DateTime::parse_from_rfc3339(&text).map(|at| at.with_timezone(&Utc)).map_err(serde::de::Error::custom)
}
