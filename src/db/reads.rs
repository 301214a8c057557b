//! The read cache: recent answers to a user's task reads (a list page, its JSON, the counts, one
//! task), each labelled with the user's change *version* read before the answer was read. Every
//! write to a user's tasks raises that version in its transaction, so an answer whose label equals
//! the user's current version is exactly what the database would answer now, and nothing else is
//! ever served: no answer outlives a write, and answers are keyed by user, so none reaches another.
//!
//! How the current version is known:
//! - **PostgreSQL** (several instances may write): asked of the database on every read, one
//!   primary-key lookup instead of the read itself; a write through any instance is seen at once.
//! - **SQLite** (one server process writes): every write of this process raises the version here as
//!   it commits, before its caller is answered ([`ReadCache::raise`], from the change feed's
//!   publication), so a version known here is trusted without asking — for at most [`TRUSTED_FOR`],
//!   after which the database is asked again, which bounds how long a write by another process (the
//!   `ticklist seed-tasks` command) can go unseen.
//!
//! Memory is bounded by weight (the answers' approximate bytes), with quick_cache's eviction.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::Bytes;
use quick_cache::{Weighter, sync::Cache};

use super::{Store, StoreError, TaskCounts, TaskPage};
use crate::model::{Task, TaskQuery};

/// How long a version learnt on SQLite is trusted before the database is asked again.
pub const TRUSTED_FOR: Duration = Duration::from_secs(1);
/// The most bytes (approximately) of answers kept.
const MAX_BYTES: u64 = 8 * 1024 * 1024;
/// The most users whose version is remembered; past it the memory starts over (it only costs a
/// lookup per user).
const MAX_USERS: usize = 100_000;

/// What was read, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ReadKey {
    pub user: Arc<str>,
    pub read: Read,
}

/// A kind of read and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Read {
    /// A list page as the API's JSON (the list query string).
    PageJson(String),
    /// A list page as tasks (the list query string).
    Page(String),
    Counts,
    Task(i64),
}

/// An answer, cheap to clone.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    PageJson(Bytes, u64),
    Page(Arc<TaskPage>),
    Counts(TaskCounts),
    Task(Option<Arc<Task>>),
}

#[derive(Debug, Clone)]
struct Labelled {
    version: i64,
    answer: Answer,
}

/// A task's weight when its text is not counted: the struct, the ids and timestamps.
const TASK_BYTES: u64 = 256;

fn task_weight(task: &Task) -> u64 {
    let text = task.title.len() + task.description.as_ref().map_or(0, String::len);
    TASK_BYTES + text as u64 + task.tags.iter().map(|tag| 24 + tag.len() as u64).sum::<u64>()
}

#[derive(Debug, Clone, Copy)]
struct ByBytes;

impl Weighter<ReadKey, Labelled> for ByBytes {
    fn weight(&self, key: &ReadKey, labelled: &Labelled) -> u64 {
        let key_bytes = 64 + key.user.len() as u64;
        key_bytes
            + match &labelled.answer {
                Answer::PageJson(json, _) => json.len() as u64,
                Answer::Page(page) => page.tasks.iter().map(task_weight).sum::<u64>(),
                Answer::Counts(_) => 16,
                Answer::Task(task) => task.as_deref().map_or(0, task_weight),
            }
    }
}

/// A user's version as last learnt, and when.
#[derive(Debug, Clone, Copy)]
struct Known {
    version: i64,
    at: Instant,
}

/// See the module documentation.
#[derive(Debug)]
pub struct ReadCache {
    answers: Cache<ReadKey, Labelled, ByBytes>,
    versions: Mutex<HashMap<Arc<str>, Known>>,
    /// How long a learnt version is trusted: zero on PostgreSQL.
    trusted_for: Duration,
}

impl ReadCache {
    pub(crate) fn new(trusted_for: Duration) -> Self {
        Self {
            answers: Cache::with_weighter(4096, MAX_BYTES, ByBytes),
            versions: Mutex::new(HashMap::new()),
            trusted_for,
        }
    }

    fn versions(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Known>> {
        // A panic while holding the lock cannot leave the map inconsistent (single inserts).
        self.versions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The user's version when it was learnt recently enough to be trusted without asking.
    pub(crate) fn trusted_version(&self, user: &str) -> Option<i64> {
        if self.trusted_for.is_zero() {
            return None;
        }
        let known = *self.versions().get(user)?;
        (known.at.elapsed() < self.trusted_for).then_some(known.version)
    }

    /// Remembers `version` as the user's: read from the database just now, or committed by a write of
    /// this process (before its caller is told). A version only grows (a deleted account's is
    /// forgotten instead), so a higher one learnt meanwhile is kept.
    pub(crate) fn raise(&self, user: &Arc<str>, version: i64) {
        let mut versions = self.versions();
        if versions.len() >= MAX_USERS && !versions.contains_key(user) {
            versions.clear();
        }
        let known = versions.entry(user.clone()).or_insert(Known { version, at: Instant::now() });
        if version >= known.version {
            *known = Known { version, at: Instant::now() };
        }
    }

    /// Forgets everything about the user (their account was deleted, and its version with it).
    pub(crate) fn forget(&self, user: &str) {
        self.versions().remove(user);
        self.answers.retain(|key, _| &*key.user != user);
    }

    /// The answer for `key` read at `version`, if one is kept.
    pub(crate) fn get(&self, key: &ReadKey, version: i64) -> Option<Answer> {
        self.answers.get(key).filter(|labelled| labelled.version == version).map(|labelled| labelled.answer)
    }

    /// Keeps `answer`, read after the user's version was `version`.
    pub(crate) fn put(&self, key: ReadKey, version: i64, answer: Answer) {
        self.answers.insert(key, Labelled { version, answer });
    }
}

/// The task reads, through the cache. Each names what it reads by the user and its arguments.
impl Store {
    /// One page of `user_id`'s tasks matching `query`, and the total before paging.
    pub async fn list_tasks(&self, user_id: &str, query: &TaskQuery) -> Result<TaskPage, StoreError> {
        let read = Read::Page(query.to_query_string());
        match self
            .read_through(user_id, read, async { Ok(Answer::Page(Arc::new(self.fetch_page(user_id, query).await?))) })
            .await?
        {
            Answer::Page(page) => Ok(TaskPage::clone(&page)),
            _ => unreachable!("a page read answers a page"),
        }
    }

    /// The same page as [`Store::list_tasks`] as the API's JSON array (built by the database), and the
    /// total.
    pub async fn list_tasks_json(&self, user_id: &str, query: &TaskQuery) -> Result<(Bytes, u64), StoreError> {
        let read = Read::PageJson(query.to_query_string());
        let fetch = async {
            let (json, total) = self.fetch_page_json(user_id, query).await?;
            Ok(Answer::PageJson(Bytes::from(json), total))
        };
        match self.read_through(user_id, read, fetch).await? {
            Answer::PageJson(json, total) => Ok((json, total)),
            _ => unreachable!("a JSON page read answers JSON"),
        }
    }

    /// The task `id` when it belongs to `user_id`.
    pub async fn get_task(&self, user_id: &str, id: i64) -> Result<Option<Task>, StoreError> {
        let fetch = async { Ok(Answer::Task(self.fetch_task(user_id, id).await?.map(Arc::new))) };
        match self.read_through(user_id, Read::Task(id), fetch).await? {
            Answer::Task(task) => Ok(task.as_deref().cloned()),
            _ => unreachable!("a task read answers a task"),
        }
    }

    /// `user_id`'s task counts, whatever the filters.
    pub async fn task_counts(&self, user_id: &str) -> Result<TaskCounts, StoreError> {
        let fetch = async { Ok(Answer::Counts(self.fetch_counts(user_id).await?)) };
        match self.read_through(user_id, Read::Counts, fetch).await? {
            Answer::Counts(counts) => Ok(counts),
            _ => unreachable!("a counts read answers counts"),
        }
    }

    /// `user_id`'s change version now, as the read cache knows it (see the module documentation): an
    /// answer labelled with it shows every write to the user's tasks committed before it was learnt.
    pub async fn current_version(&self, user_id: &str) -> Result<i64, StoreError> {
        let reads = &self.feed.reads;
        if let Some(version) = reads.trusted_version(user_id) {
            return Ok(version);
        }
        let version = self.change_version(user_id).await?;
        reads.raise(&Arc::from(user_id), version);
        Ok(version)
    }

    /// The kept answer to `read` when it is current, else `fetch`'s (then kept). The version is
    /// learnt *before* `fetch` reads: an answer is never labelled newer than what it shows.
    async fn read_through(
        &self,
        user_id: &str,
        read: Read,
        fetch: impl Future<Output = Result<Answer, StoreError>>,
    ) -> Result<Answer, StoreError> {
        let reads = &self.feed.reads;
        let key = ReadKey { user: user_id.into(), read };
        let version = self.current_version(user_id).await?;
        if let Some(answer) = reads.get(&key, version) {
            return Ok(answer);
        }
        let answer = fetch.await?;
        reads.put(key, version, answer.clone());
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(user: &str) -> ReadKey {
        ReadKey { user: user.into(), read: Read::Counts }
    }

    fn counts(total: u64) -> Answer {
        Answer::Counts(TaskCounts { total, completed: 0 })
    }

    fn total(answer: Option<Answer>) -> Option<u64> {
        match answer? {
            Answer::Counts(counts) => Some(counts.total),
            _ => None,
        }
    }

    #[test]
    fn an_answer_is_served_only_at_the_version_it_was_read_at() {
        let cache = ReadCache::new(TRUSTED_FOR);
        cache.put(key("u"), 3, counts(5));
        assert_eq!(total(cache.get(&key("u"), 3)), Some(5));
        assert_eq!(total(cache.get(&key("u"), 4)), None, "a write since");
        assert_eq!(total(cache.get(&key("other"), 3)), None, "another user's key");
    }

    #[test]
    fn a_write_raises_the_trusted_version_and_a_late_lower_reading_does_not_lower_it() {
        let cache = ReadCache::new(TRUSTED_FOR);
        let user: Arc<str> = "u".into();
        assert_eq!(cache.trusted_version("u"), None, "never learnt");
        cache.raise(&user, 3); // read from the database
        cache.raise(&user, 4); // a write
        cache.raise(&user, 3); // a reading taken before the write, arriving after it
        assert_eq!(cache.trusted_version("u"), Some(4));
        cache.forget("u");
        assert_eq!(cache.trusted_version("u"), None);
    }

    #[test]
    fn without_trust_every_version_is_asked_of_the_database() {
        let cache = ReadCache::new(Duration::ZERO);
        cache.raise(&"u".into(), 4);
        assert_eq!(cache.trusted_version("u"), None);
    }

    #[test]
    fn forgetting_a_user_drops_their_answers_only() {
        let cache = ReadCache::new(TRUSTED_FOR);
        cache.put(key("u"), 1, counts(1));
        cache.put(key("v"), 1, counts(2));
        cache.forget("u");
        assert_eq!(total(cache.get(&key("u"), 1)), None);
        assert_eq!(total(cache.get(&key("v"), 1)), Some(2));
    }
}
