//! The server's clock, to the millisecond: what the API and Better Auth's rows show, so that an
//! instant stored and read back equals the one returned when it was written.
use chrono::{DateTime, Utc};

/// Now, truncated to milliseconds.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).expect("the current time is representable")
}
