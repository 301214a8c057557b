//! Passwords in Better Auth's scrypt format: `hex(salt16) ":" hex(scrypt(NFKC(password), salt_hex_ascii,
//! N=16384, r=16, p=1, dkLen=64))`. Hashing is CPU-heavy, so it runs off the async runtime.
use rand::{RngCore, rngs::OsRng};
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use unicode_normalization::UnicodeNormalization;

use crate::auth::constant_time_eq;

fn derive(password: &str, salt_hex: &str) -> [u8; 64] {
    let params = scrypt::Params::new(14, 16, 1, 64).expect("valid scrypt parameters");
    let normalized: String = password.nfkc().collect();
    let mut key = [0u8; 64];
    // Better Auth feeds the salt's hex *text* to scrypt, not the decoded bytes.
    scrypt::scrypt(normalized.as_bytes(), salt_hex.as_bytes(), &params, &mut key).expect("64 is a valid output length");
    key
}

/// Hashes synchronously (use [`hash`] from async code).
pub fn hash_blocking(password: &str) -> String {
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let salt_hex = hex::encode(salt);
    format!("{salt_hex}:{}", hex::encode(derive(password, &salt_hex)))
}

/// Checks synchronously (use [`verify`] from async code). A malformed stored hash never matches.
pub fn verify_blocking(password: &str, stored: &str) -> bool {
    let Some((salt_hex, key_hex)) = stored.split_once(':') else { return false };
    let computed = hex::encode(derive(password, salt_hex));
    constant_time_eq(computed.as_bytes(), key_hex.to_ascii_lowercase().as_bytes())
}

/// How many hashes may be admitted per core on top of one (running or waiting). A flood of sign-ins
/// beyond that is refused at once ([`Busy`]) instead of queueing minutes of work.
const WAITING_PER_CORE: usize = 16;

/// The niceness of a hashing thread (0 is normal, 19 the lowest): under load the scheduler gives a
/// hash about a tenth of a core's share, so a flood of sign-ins slows sign-ins rather than every
/// other request; on an idle machine a hash still runs at full speed.
const HASH_NICENESS: libc::c_int = 10;

/// Too many password hashes are queued already; the caller should answer 503 with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many password checks are waiting")]
pub struct Busy;

/// The hashing budget of a server: one hash runs at once per two cores (each takes 32 MiB, 128·r·N
/// bytes, and a core for ~70 ms), so that a flood of sign-ins leaves the other core and the memory to
/// everything else, and at most `1 + WAITING_PER_CORE` per core are admitted, running or waiting.
/// Shared by all requests (through the app state); cheap to clone.
#[derive(Clone)]
pub struct HashQueue(Arc<Queue>);

struct Queue {
    running: tokio::sync::Semaphore,
    admitted: AtomicUsize,
    capacity: usize,
}

impl Default for HashQueue {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(1);
        HashQueue(Arc::new(Queue {
            running: tokio::sync::Semaphore::new((cores / 2).max(1)),
            admitted: AtomicUsize::new(0),
            capacity: cores * (1 + WAITING_PER_CORE),
        }))
    }
}

/// Gives its place in the queue back when the job ends (or its caller goes away).
struct Admission(Arc<Queue>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HashQueue {
    /// Runs one hashing job on a thread of its own at [`HASH_NICENESS`], within the budget; [`Busy`]
    /// when the queue is full. (A thread per hash costs microseconds against the hash's milliseconds,
    /// and a lowered priority stays with that thread instead of with a pool's.)
    async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
        let queue = &self.0;
        if queue.admitted.fetch_add(1, Ordering::AcqRel) >= queue.capacity {
            queue.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        let _admission = Admission(queue.clone());
        let _permit = queue.running.acquire().await.expect("the semaphore is never closed");
        let (answer, answered) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("ticklist-hash".into())
            .spawn(move || {
                lower_priority();
                let _ = answer.send(job());
            })
            .expect("a thread can be started");
        Ok(answered.await.expect("hashing does not panic"))
    }

    /// Hashes `password` off the async runtime.
    pub async fn hash(&self, password: String) -> Result<String, Busy> {
        self.run(move || hash_blocking(&password)).await
    }

    /// Checks `password` against `stored` off the async runtime. With no stored hash (unknown email)
    /// it still spends one hash, so the response time does not tell whether the account exists.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Busy> {
        self.run(move || match stored {
            Some(stored) => verify_blocking(&password, &stored),
            None => {
                let _ = hash_blocking(&password);
                false
            }
        })
        .await
    }
}

/// Lowers the calling thread's priority to [`HASH_NICENESS`] (on Linux niceness is per thread). Best
/// effort: where it is refused the hash runs at normal priority.
fn lower_priority() {
    // SAFETY: setpriority only reads its arguments; `0` names the calling thread.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, HASH_NICENESS) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_captured_better_auth_hash_verifies() {
        let stored = "cbe6c04292a11bbcdf1d3bfda2186321:1ba937037febaaf6f46d3752d92d0bec17dbe5c0764342af01ffb0d7692d30565ac8157a153aed15d66917524889d590043231bf0138c5a3fd1adcb870e8b63e";
        assert!(verify_blocking("correct horse battery staple", stored));
        assert!(!verify_blocking("correct horse battery stapler", stored));
    }

    #[test]
    fn new_hashes_have_better_auths_shape_and_verify() {
        let stored = hash_blocking("pässwörd ﬁ");
        assert_eq!(stored.len(), 161);
        assert_eq!(stored.as_bytes()[32], b':');
        assert!(verify_blocking("pässwörd ﬁ", &stored));
        assert!(verify_blocking("pässwörd fi", &stored), "NFKC: the ligature equals its letters");
        assert!(!verify_blocking("password", &stored));
        assert!(!verify_blocking("x", "garbage"));
    }
}
