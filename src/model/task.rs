//! A stored task and its priority.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::words::wire_words;

wire_words! {
    /// How urgent a task is. Ordered: `Low < Medium < High`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub enum Priority {
        Low = "low",
        #[default]
        Medium = "medium",
        High = "high",
    }
}

impl Priority {
    /// The number stored in the database; sorting by it sorts by urgency.
    pub fn rank(self) -> i32 {
        self as i32
    }

    /// The inverse of [`Priority::rank`]; unknown ranks read as the default.
    pub fn from_rank(rank: i32) -> Self {
        match rank {
            0 => Priority::Low,
            2 => Priority::High,
            _ => Priority::Medium,
        }
    }
}

/// A task as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Task {
    /// Assigned by the server.
    pub id: i64,
    /// The owner's user id (the JWT `sub`).
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub priority: Priority,
    /// A calendar date, `YYYY-MM-DD`.
    #[serde(default, with = "super::date::option")]
    #[cfg_attr(feature = "server", schema(value_type = Option<String>, format = Date))]
    pub due_date: Option<NaiveDate>,
    pub tags: Vec<String>,
    /// RFC 3339 UTC with milliseconds.
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "server", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "server", schema(value_type = String, format = DateTime))]
    pub updated_at: DateTime<Utc>,
}

impl Task {
    /// Whether the task is open and its due date lies before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.completed && self.due_date.is_some_and(|due| due < today)
    }

    /// Whether the task is open and due on `today`.
    pub fn is_due_today(&self, today: NaiveDate) -> bool {
        !self.completed && self.due_date == Some(today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_round_trip_through_their_rank_and_name() {
        for priority in Priority::ALL {
            assert_eq!(Priority::from_rank(priority.rank()), priority);
            assert_eq!(Priority::parse(priority.as_str()), Some(priority));
        }
        assert!(Priority::Low < Priority::High);
        assert_eq!(Priority::parse("urgent"), None);
    }

    #[test]
    fn timestamps_serialize_as_utc_with_milliseconds() {
        let at = DateTime::parse_from_rfc3339("2026-11-24T00:34:20.205Z").unwrap().with_timezone(&Utc);
        let task = Task {
            id: 1,
            user_id: "u".into(),
            title: "t".into(),
            description: None,
            completed: false,
            priority: Priority::Medium,
            due_date: None,
            tags: vec![],
            created_at: at,
            updated_at: at,
        };
        let json = serde_json::to_value(&task).unwrap();
        assert_eq!(json["created_at"], "2026-11-24T00:34:20.205Z");
        assert_eq!(serde_json::from_value::<Task>(json).unwrap(), task);
    }
}
