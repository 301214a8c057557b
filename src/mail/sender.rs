//! The background sender: leases due messages from the outbox, delivers them, deletes the delivered
//! ones and schedules failed ones again with a growing delay. Several instances can run it on one
//! database: a leased message belongs to one sender until its lease runs out.
use std::{sync::Arc, time::Duration};

use tokio::sync::Notify;

use super::Postman;
use crate::db::Store;

/// How long a leased message is left alone by other senders (longer than any delivery takes).
const LEASE: Duration = Duration::from_secs(120);
/// How often the outbox is looked at when nothing pokes the sender (mail from other instances,
/// retries that came due).
const POLL: Duration = Duration::from_secs(2);
/// Messages delivered per lease.
const BATCH: i64 = 16;
/// The longest wait between two attempts at one message. Messages are never given up on.
const BACKOFF_MAX: Duration = Duration::from_secs(60);

/// The delay before the next attempt after `attempts` failures: 1 s, 2 s, 4 s … up to [`BACKOFF_MAX`].
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(0, 16)).unwrap_or(16);
    Duration::from_secs(1u64 << exponent).min(BACKOFF_MAX)
}

/// Wakes the sender when a message was just written (so mail goes out at once, not at the next poll).
#[derive(Clone, Default)]
pub struct Outbox {
    pub(crate) wake: Arc<Notify>,
}

impl Outbox {
    /// Tells the sender that mail is waiting.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    /// Runs the sender until the process ends.
    pub fn spawn_sender(&self, store: Store, postman: Postman) {
        if !postman.is_on() {
            return;
        }
        let wake = self.wake.clone();
        tokio::spawn(async move {
            loop {
                match deliver_due(&store, &postman).await {
                    // A full batch: there may be more.
                    Ok(count) if count == BATCH as usize => continue,
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "mail outbox unavailable"),
                }
                let _ = tokio::time::timeout(POLL, wake.notified()).await;
            }
        });
    }
}

/// Delivers what is due now; how many messages were leased.
async fn deliver_due(store: &Store, postman: &Postman) -> Result<usize, crate::db::StoreError> {
    let now = crate::clock::now();
    let lease_until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let due = store.lease_due_mail(now, lease_until, BATCH).await?;
    for mail in &due {
        match postman.deliver(mail).await {
            Ok(()) => {
                tracing::info!(subject = %mail.subject, "mail delivered");
                store.mail_delivered(&mail.id).await?;
            }
            Err(error) => {
                let wait = backoff(mail.attempts + 1);
                tracing::warn!(%error, attempts = mail.attempts + 1, retry_in_s = wait.as_secs(), "mail not delivered yet");
                let next = crate::clock::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                store.mail_failed(&mail.id, next, &error).await?;
            }
        }
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_second_to_a_minute() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(32));
        assert_eq!(backoff(6), BACKOFF_MAX);
        assert_eq!(backoff(i32::MAX), BACKOFF_MAX);
    }
}
