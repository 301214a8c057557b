//! Live sync: the hub that hands each user's changes (from the store's feed) to that user's open
//! event streams, and nobody else's. It keeps the last [`REPLAY_MAX`] events of each user with an
//! open stream, so a client that reconnects with `Last-Event-ID` gets what it missed, or one `reset`
//! when that is more than the hub remembers.
use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::sync::broadcast;

use crate::db::{ChangeEvent, ChangeKind, Feed, FeedMessage, Store, StoreError};

/// Events remembered per user for replay.
pub const REPLAY_MAX: usize = 256;
/// How long a user's channel (and its replay buffer) outlives their last stream, so that a client
/// reconnecting after a short outage still resumes without a reset.
const LINGER: Duration = Duration::from_secs(120);
/// Events queued for one slow stream before it must reset.
const STREAM_BUFFER: usize = 256;
/// Event streams one user may have open on one instance (tabs and devices); more are refused, so a
/// client cannot pile up streams without end.
pub const STREAMS_PER_USER_MAX: usize = 64;

struct UserChannel {
    sender: broadcast::Sender<Arc<ChangeEvent>>,
    recent: VecDeque<Arc<ChangeEvent>>,
    /// The highest version seen.
    version: i64,
    /// When the last stream closed or the channel was made.
    idle_since: Instant,
}

impl UserChannel {
    fn new(version: i64) -> Self {
        Self {
            sender: broadcast::channel(STREAM_BUFFER).0,
            recent: VecDeque::new(),
            version,
            idle_since: Instant::now(),
        }
    }

    fn push(&mut self, event: Arc<ChangeEvent>) {
        if event.kind == ChangeKind::Reset {
            self.recent.clear();
        } else {
            if self.recent.len() == REPLAY_MAX {
                self.recent.pop_front();
            }
            self.recent.push_back(event.clone());
        }
        self.version = self.version.max(event.version);
        let _ = self.sender.send(event);
    }
}

/// A subscription: the events to send first, then the live ones.
pub struct Subscription {
    pub first: Vec<Arc<ChangeEvent>>,
    pub live: broadcast::Receiver<Arc<ChangeEvent>>,
    /// The user's version when the stream opened.
    pub version: i64,
}

/// Why a stream could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("the user has {STREAMS_PER_USER_MAX} event streams open")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Routes the feed's events to the users' streams.
#[derive(Default)]
pub struct Hub {
    users: Mutex<HashMap<Arc<str>, UserChannel>>,
}

impl Hub {
    /// A hub fed by `feed` (runs until the process ends).
    pub fn start(feed: &Feed) -> Arc<Self> {
        let hub = Arc::new(Self::default());
        let mut receiver = feed.subscribe();
        let weak = Arc::downgrade(&hub);
        tokio::spawn(async move {
            loop {
                let message = receiver.recv().await;
                let Some(hub) = weak.upgrade() else { return };
                match message {
                    Ok(FeedMessage::Change { user_id, event }) => hub.deliver(&user_id, event),
                    Ok(FeedMessage::Lost) | Err(broadcast::error::RecvError::Lagged(_)) => hub.reset_all(),
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        hub
    }

    fn deliver(&self, user_id: &str, event: Arc<ChangeEvent>) {
        if let Some(channel) = self.users.lock().expect("hub lock").get_mut(user_id) {
            channel.push(event);
        }
    }

    /// Every stream gets a `reset`: changes may have been missed.
    fn reset_all(&self) {
        for channel in self.users.lock().expect("hub lock").values_mut() {
            let reset = ChangeEvent { kind: ChangeKind::Reset, id: None, task: None, version: channel.version };
            channel.push(Arc::new(reset));
        }
    }

    /// Opens a stream of `user_id`'s changes after `last_seen` (the client's `Last-Event-ID`).
    pub async fn subscribe(
        &self,
        store: &Store,
        user_id: &str,
        last_seen: Option<i64>,
    ) -> Result<Subscription, SubscribeError> {
        // Subscribe before reading the version, so nothing falls between the two (duplicates are
        // dropped by version).
        let (live, recent) = {
            let mut users = self.users.lock().expect("hub lock");
            if users.len() > 1000 {
                users.retain(|_, channel| channel.sender.receiver_count() > 0 || channel.idle_since.elapsed() < LINGER);
            }
            let channel = users.entry(Arc::from(user_id)).or_insert_with(|| UserChannel::new(0));
            if channel.sender.receiver_count() >= STREAMS_PER_USER_MAX {
                return Err(SubscribeError::TooMany);
            }
            (channel.sender.subscribe(), channel.recent.clone())
        };
        let version = store.change_version(user_id).await?;
        let first = match last_seen {
            None => vec![],
            Some(last) if last >= version => vec![],
            Some(last) => {
                let missed: Vec<Arc<ChangeEvent>> = recent.into_iter().filter(|event| event.version > last).collect();
                let complete = missed.first().is_some_and(|event| event.version == last + 1)
                    && missed.last().is_some_and(|event| event.version >= version);
                if complete {
                    missed
                } else {
                    vec![Arc::new(ChangeEvent { kind: ChangeKind::Reset, id: None, task: None, version })]
                }
            }
        };
        if let Some(channel) = self.users.lock().expect("hub lock").get_mut(user_id) {
            channel.version = channel.version.max(version);
        }
        Ok(Subscription { first, live, version })
    }

    /// Marks that one of `user_id`'s streams closed.
    pub fn closed(&self, user_id: &str) {
        if let Some(channel) = self.users.lock().expect("hub lock").get_mut(user_id) {
            channel.idle_since = Instant::now();
        }
    }

    /// How many users have a channel (open streams or lingering), for tests and metrics.
    pub fn channels(&self) -> usize {
        self.users.lock().expect("hub lock").len()
    }
}
