//! The list query (`GET /api/{user_id}/tasks?...`): parsed strictly, so an unknown parameter or a bad
//! value is an error rather than silently ignored, and written back so the UI can mirror it in its URL.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date::parse as parse_date;
use super::input::normalize_tag;
use super::words::wire_words;
use super::{FieldError, LIMIT_DEFAULT, LIMIT_MAX, Priority};

wire_words! {
    /// Which tasks by completion.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum StatusFilter {
        #[default]
        All = "all",
        Pending = "pending",
        Completed = "completed",
    }
}

wire_words! {
    /// The column a list is sorted by.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum SortKey {
        #[default]
        CreatedAt = "created_at",
        UpdatedAt = "updated_at",
        Title = "title",
        DueDate = "due_date",
        Priority = "priority",
    }
}

wire_words! {
    /// Sort direction.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum Order {
        Asc = "asc",
        #[default]
        Desc = "desc",
    }
}

/// A parsed, valid list query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskQuery {
    pub status: StatusFilter,
    /// Text searched case-insensitively in title and description; never empty.
    pub q: Option<String>,
    /// Tasks must carry every one of these (normalised) tags.
    pub tags: Vec<String>,
    pub priority: Option<Priority>,
    pub due_before: Option<NaiveDate>,
    pub due_after: Option<NaiveDate>,
    pub sort: SortKey,
    pub order: Order,
    pub limit: u32,
    pub offset: u64,
}

impl Default for TaskQuery {
    fn default() -> Self {
        Self {
            status: StatusFilter::All,
            q: None,
            tags: Vec::new(),
            priority: None,
            due_before: None,
            due_after: None,
            sort: SortKey::CreatedAt,
            order: Order::Desc,
            limit: LIMIT_DEFAULT,
            offset: 0,
        }
    }
}

/// The longest list query string accepted, in bytes (longer ones are refused before any parsing).
pub const QUERY_MAX_BYTES: usize = 4096;
/// The most parameters a list query may have (every one known, `tag` up to `TAGS_MAX` times).
pub const PARAMETERS_MAX: usize = 32;

/// The parameters a list accepts, for error messages and docs.
pub const LIST_PARAMETERS: [&str; 10] =
    ["status", "q", "tag", "priority", "due_before", "due_after", "sort", "order", "limit", "offset"];

impl TaskQuery {
    /// Parses a raw query string (without `?`). Every bad parameter is listed.
    pub fn parse(raw: &str) -> Result<Self, Vec<FieldError>> {
        if raw.len() > QUERY_MAX_BYTES {
            return Err(vec![FieldError::new("query", format!("must be at most {QUERY_MAX_BYTES} bytes"))]);
        }
        Self::from_pairs(form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())))
    }

    /// Parses decoded `(name, value)` pairs. Every bad parameter is listed, but no more than
    /// [`PARAMETERS_MAX`] pairs are looked at: the work is bounded whatever the input.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Self, Vec<FieldError>> {
        let mut query = TaskQuery::default();
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (index, (name, value)) in pairs.into_iter().enumerate() {
            if index == PARAMETERS_MAX {
                errors.push(FieldError::new("query", format!("must have at most {PARAMETERS_MAX} parameters")));
                break;
            }
            if name != "tag" && !seen.insert(name.clone()) {
                errors.push(FieldError::new(&name, "must be given at most once"));
                continue;
            }
            let mut bad = |message: String| errors.push(FieldError::new(&name, message));
            match name.as_str() {
                "status" => match StatusFilter::parse(&value) {
                    Some(status) => query.status = status,
                    None => bad(StatusFilter::ONE_OF.into()),
                },
                "q" => {
                    let text = value.trim();
                    if text.chars().count() > 200 {
                        bad("must be at most 200 characters".into());
                    } else if !text.is_empty() {
                        query.q = Some(text.to_owned());
                    }
                }
                "tag" => {
                    let tag = normalize_tag(&value);
                    if tag.is_empty() || tag.chars().count() > super::TAG_MAX {
                        bad(format!("must be 1-{} characters", super::TAG_MAX));
                    } else if query.tags.len() >= super::TAGS_MAX {
                        bad(format!("must be given at most {} times", super::TAGS_MAX));
                    } else if !query.tags.contains(&tag) {
                        query.tags.push(tag);
                    }
                }
                "priority" => match Priority::parse(&value) {
                    Some(priority) => query.priority = Some(priority),
                    None => bad(Priority::ONE_OF.into()),
                },
                "due_before" | "due_after" => match parse_date(&value) {
                    Some(date) if name == "due_before" => query.due_before = Some(date),
                    Some(date) => query.due_after = Some(date),
                    None => bad("must be a calendar date YYYY-MM-DD".into()),
                },
                "sort" => match SortKey::parse(&value) {
                    Some(sort) => query.sort = sort,
                    None => bad(SortKey::ONE_OF.into()),
                },
                "order" => match Order::parse(&value) {
                    Some(order) => query.order = order,
                    None => bad(Order::ONE_OF.into()),
                },
                "limit" => match value.parse::<u32>() {
                    Ok(limit) if (1..=LIMIT_MAX).contains(&limit) => query.limit = limit,
                    _ => bad(format!("must be an integer 1-{LIMIT_MAX}")),
                },
                "offset" => match value.parse::<u64>() {
                    Ok(offset) if offset <= i64::MAX as u64 => query.offset = offset,
                    _ => bad("must be an integer >= 0".into()),
                },
                _ => bad(format!("is not a known parameter (known: {})", LIST_PARAMETERS.join(", "))),
            }
        }
        if errors.is_empty() { Ok(query) } else { Err(errors) }
    }

    /// The view a page address asks for (`location.search`, with or without its `?`): the same parser,
    /// but empty values (from a plain GET form) count as absent, and an address that does not parse
    /// shows the default view rather than an error page.
    pub fn from_address(search: &str) -> Self {
        let pairs = form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| (name.into_owned(), value.into_owned()));
        Self::from_pairs(pairs).unwrap_or_default()
    }

    /// The query string that parses back to this query, leaving out defaults (no leading `?`).
    pub fn to_query_string(&self) -> String {
        let defaults = TaskQuery::default();
        let mut out = form_urlencoded::Serializer::new(String::new());
        if self.status != defaults.status {
            out.append_pair("status", self.status.as_str());
        }
        if let Some(q) = &self.q {
            out.append_pair("q", q);
        }
        for tag in &self.tags {
            out.append_pair("tag", tag);
        }
        if let Some(priority) = self.priority {
            out.append_pair("priority", priority.as_str());
        }
        if let Some(date) = self.due_before {
            out.append_pair("due_before", &date.to_string());
        }
        if let Some(date) = self.due_after {
            out.append_pair("due_after", &date.to_string());
        }
        if self.sort != defaults.sort {
            out.append_pair("sort", self.sort.as_str());
        }
        if self.order != defaults.order {
            out.append_pair("order", self.order.as_str());
        }
        if self.limit != defaults.limit {
            out.append_pair("limit", &self.limit.to_string());
        }
        if self.offset != defaults.offset {
            out.append_pair("offset", &self.offset.to_string());
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_empty_query_gives_the_defaults() {
        assert_eq!(TaskQuery::parse("").unwrap(), TaskQuery::default());
    }

    #[test]
    fn every_parameter_parses_and_round_trips() {
        let raw = "status=pending&q=milk+run&tag=Home&tag=errands&priority=high&due_before=2026-12-31\
                   &due_after=2026-01-01&sort=due_date&order=asc&limit=50&offset=100";
        let query = TaskQuery::parse(raw).unwrap();
        assert_eq!(query.status, StatusFilter::Pending);
        assert_eq!(query.q.as_deref(), Some("milk run"));
        assert_eq!(query.tags, ["home", "errands"]);
        assert_eq!(query.limit, 50);
        assert_eq!(query.offset, 100);
        assert_eq!(TaskQuery::parse(&query.to_query_string()).unwrap(), query);
    }

    #[test]
    fn unknown_and_invalid_parameters_are_all_listed() {
        let errors = TaskQuery::parse("status=done&limit=0&offset=-1&colour=red&sort=size").unwrap_err();
        let names: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["status", "limit", "offset", "colour", "sort"]);
    }

    #[test]
    fn a_flood_of_parameters_stops_at_the_limit() {
        let raw = "colour=red&".repeat(40_000);
        assert_eq!(TaskQuery::parse(&raw).unwrap_err()[0].field, "query", "too long to parse at all");
        let pairs = (0..40_000).map(|i| (format!("p{i}"), String::new()));
        let errors = TaskQuery::from_pairs(pairs).unwrap_err();
        assert_eq!(errors.len(), PARAMETERS_MAX + 1, "the first {PARAMETERS_MAX} and one for the rest");
        assert_eq!(errors.last().unwrap().field, "query");
    }

    #[test]
    fn a_page_address_skips_empty_values_and_falls_back_to_the_default_view() {
        let query = TaskQuery::from_address("?status=pending&q=&priority=");
        assert_eq!(query, TaskQuery { status: StatusFilter::Pending, ..TaskQuery::default() });
        assert_eq!(TaskQuery::from_address("?status=done"), TaskQuery::default());
    }

    #[test]
    fn a_repeated_single_valued_parameter_is_an_error() {
        assert!(TaskQuery::parse("limit=5&limit=6").is_err());
    }

    proptest! {
        #[test]
        fn parsing_any_query_string_never_panics(raw in ".{0,200}") {
            let _ = TaskQuery::parse(&raw);
        }

        #[test]
        fn parsing_arbitrary_pairs_never_panics_and_valid_results_round_trip(
            pairs in proptest::collection::vec(("[a-z_]{1,12}", ".{0,40}"), 0..8)
        ) {
            if let Ok(query) = TaskQuery::from_pairs(pairs) {
                prop_assert_eq!(TaskQuery::parse(&query.to_query_string()).unwrap(), query);
            }
        }
    }
}
