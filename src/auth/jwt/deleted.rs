//! Deleted accounts, whose JWTs (still validly signed until they expire) must be refused. The
//! instance that deletes an account refuses its tokens at once; every instance reloads the recent
//! deletions from the shared `account_deletion` table every [`DELETIONS_POLL`], so the others refuse
//! them within that time.
use std::{
    collections::HashSet,
    sync::{
        Arc, RwLock,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use crate::db::Store;

/// How often each instance reloads the recent deletions.
pub const DELETIONS_POLL: Duration = Duration::from_secs(10);

/// The ids of accounts deleted within the longest token lifetime.
#[derive(Default)]
pub struct DeletedAccounts {
    ids: RwLock<HashSet<String>>,
    /// Whether `ids` is empty: the common case costs one atomic load per request.
    empty: AtomicBool,
}

impl DeletedAccounts {
    pub fn new() -> Self {
        Self { ids: RwLock::default(), empty: AtomicBool::new(true) }
    }

    pub fn contains(&self, user_id: &str) -> bool {
        !self.empty.load(Ordering::Acquire) && self.ids.read().expect("deletions lock").contains(user_id)
    }

    /// Records a deletion made by this instance.
    pub fn add(&self, user_id: &str) {
        self.ids.write().expect("deletions lock").insert(user_id.to_owned());
        self.empty.store(false, Ordering::Release);
    }

    fn replace(&self, ids: HashSet<String>) {
        let mut current = self.ids.write().expect("deletions lock");
        self.empty.store(ids.is_empty(), Ordering::Release);
        *current = ids;
    }

    /// Reloads the deletions of the last `window` (the longest token lifetime plus leeway) from the
    /// store every [`DELETIONS_POLL`], and prunes older ones.
    pub fn spawn_reload(self: &Arc<Self>, store: Store, window: Duration) {
        let deleted = Arc::downgrade(self);
        let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::days(1));
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(DELETIONS_POLL);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(deleted) = deleted.upgrade() else { return };
                let since = crate::clock::now() - window;
                match store.deleted_accounts_since(since).await {
                    Ok(ids) => {
                        // This instance's own deletions were committed before it added them, so
                        // the read holds them too.
                        deleted.replace(ids.into_iter().collect());
                        let _ = store.prune_account_deletions(since).await;
                    }
                    Err(error) => tracing::debug!(%error, "cannot reload account deletions; keeping the known ones"),
                }
            }
        });
    }
}
