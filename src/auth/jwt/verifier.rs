//! JWT verification: the algorithm comes from the allow-list and the key (never from the token
//! alone), `exp`/`nbf` (with a small leeway), `iss` and `aud` are checked, and `sub` is the user.
//! Public keys come from the local `jwks` table or a remote JWKS URL, decoded once and cached. An
//! unknown `kid` loads the keys again at once (a rotated key works on its first token), but loads are
//! single-flight and capped, so made-up key ids cannot turn into one request each; a failed load keeps
//! the keys in hand, and a key gone from the source stops verifying after the next load. One file on
//! purpose: every check a token passes and every rule of the key cache, read together.
use std::{
    collections::HashMap,
    str::FromStr,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use serde::Deserialize;
use serde_json::Value;

use super::deleted::DeletedAccounts;
use crate::db::Store;

/// Tokens longer than this are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 30;
/// The asymmetric algorithms accepted from a JWKS (what Better Auth's `jwt()` plugin signs with).
pub const ASYMMETRIC: [Algorithm; 3] = [Algorithm::EdDSA, Algorithm::ES256, Algorithm::RS256];

/// Why a token was refused. Every variant is a 401 to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token too large")]
    TooLarge,
    #[error("malformed token")]
    Malformed,
    #[error("algorithm not allowed")]
    Algorithm,
    #[error("unknown signing key")]
    UnknownKey,
    #[error("token expired")]
    Expired,
    #[error("invalid token: {0}")]
    Invalid(String),
    #[error("the account was deleted")]
    AccountDeleted,
}

/// The claims Ticklist reads from a token.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    pub exp: u64,
}

/// A decoded public key and the one algorithm it may verify.
struct PublicKey {
    alg: Algorithm,
    key: DecodingKey,
}

/// Where public keys come from.
pub enum KeySource {
    /// The app's own `jwks` table (embedded Better Auth, or a database shared with one).
    Local(Store),
    /// A remote Better Auth's `/api/auth/jwks`.
    Remote { url: String, client: reqwest::Client },
    /// HS256 with the shared secret; no key ids.
    Shared(Vec<u8>),
}

/// How many verified tokens are remembered. A browser sends the same token for up to 15 minutes, so
/// re-checking its signature on every request (EdDSA: tens of microseconds) would dominate the cost of
/// a request; a remembered token is only re-checked for expiry.
const VERIFIED_CACHE_SIZE: usize = 10_000;
/// The shortest time between two key loads caused by unknown `kid`s: a flood of made-up key ids costs
/// the key source at most one request per second.
pub const REFETCH_GAP: Duration = Duration::from_secs(1);
/// How long a `kid` that a fresh load did not contain is refused without another load.
pub const MISS_MEMORY: Duration = Duration::from_secs(60);
/// How many such misses are remembered (beyond that the oldest are forgotten).
const MISSES_MAX: usize = 1024;
/// Largest remote JWKS document read.
pub const JWKS_MAX_BYTES: usize = 256 * 1024;
/// Longest a remote JWKS fetch may take.
pub const JWKS_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// A verified token: its claims and the key that signed it (so that it is forgotten with the key).
struct Verified {
    claims: Claims,
    kid: Option<String>,
}

/// When keys were last loaded, and the key ids a load did not contain.
#[derive(Default)]
struct Loads {
    /// When the last load (successful or not) started.
    last_started: Option<Instant>,
    misses: HashMap<String, Instant>,
}

/// Verifies Better Auth JWTs. Cheap to share (`Arc`).
pub struct TokenVerifier {
    /// Tokens whose signature and claims were verified.
    verified: RwLock<HashMap<String, Arc<Verified>>>,
    issuer: String,
    audience: String,
    source: KeySource,
    keys: RwLock<HashMap<String, Arc<PublicKey>>>,
    /// Held across a load, so concurrent requests for unknown keys wait for one load (single flight).
    loads: tokio::sync::Mutex<Loads>,
    refetch_gap: Duration,
    /// Accounts deleted lately, whose tokens are refused.
    pub deleted: Arc<DeletedAccounts>,
}

impl TokenVerifier {
    /// `issuer` and `audience` are both Better Auth's base URL origin.
    pub fn new(source: KeySource, issuer: &str, audience: &str) -> Self {
        Self {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            source,
            keys: RwLock::default(),
            verified: RwLock::default(),
            loads: tokio::sync::Mutex::default(),
            refetch_gap: REFETCH_GAP,
            deleted: Arc::new(DeletedAccounts::new()),
        }
    }

    /// A remote source with a client that gives up after a few seconds.
    pub fn remote(url: &str, issuer: &str, audience: &str) -> Self {
        let client = reqwest::Client::builder()
            .timeout(JWKS_FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a default reqwest client builds");
        Self::new(KeySource::Remote { url: url.to_owned(), client }, issuer, audience)
    }

    /// Overrides the shortest time between two loads caused by unknown key ids (tests use others).
    pub fn with_refetch_gap(mut self, gap: Duration) -> Self {
        self.refetch_gap = gap;
        self
    }

    /// Reloads the keys every `every` in the background (until the verifier is dropped), so that a
    /// key published ahead of its first use is usually known before its first token arrives.
    pub fn spawn_background_refresh(self: &Arc<Self>, every: Duration) {
        if matches!(self.source, KeySource::Shared(_)) || every.is_zero() {
            return;
        }
        let verifier = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let Some(verifier) = verifier.upgrade() else { return };
                let mut loads = verifier.loads.lock().await;
                verifier.load_now(&mut loads).await;
            }
        });
    }

    /// Checks `token` and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::TooLarge);
        }
        let claims = self.verify_signed(token).await?;
        if self.deleted.contains(&claims.sub) {
            return Err(TokenError::AccountDeleted);
        }
        Ok(claims)
    }

    /// Refuses the tokens of an account this instance just deleted (others learn it from the store).
    pub fn forget_account(&self, user_id: &str) {
        self.deleted.add(user_id);
    }

    /// Signature and claims, through the cache of verified tokens.
    async fn verify_signed(&self, token: &str) -> Result<Claims, TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        if let Some(verified) = self.verified.read().expect("verified cache lock").get(token) {
            // Same bytes as a token whose signature already verified: only time can have changed.
            return if unexpired(&verified.claims, now) {
                Ok(verified.claims.clone())
            } else {
                Err(TokenError::Expired)
            };
        }
        let (claims, kid) = self.verify_uncached(token).await?;
        let mut verified = self.verified.write().expect("verified cache lock");
        if verified.len() >= VERIFIED_CACHE_SIZE {
            verified.retain(|_, entry| unexpired(&entry.claims, now));
            if verified.len() >= VERIFIED_CACHE_SIZE {
                verified.clear();
            }
        }
        verified.insert(token.to_owned(), Arc::new(Verified { claims: claims.clone(), kid }));
        Ok(claims)
    }

    /// The full check: header, key, signature, claims. Returns the claims and the signing key's id.
    async fn verify_uncached(&self, token: &str) -> Result<(Claims, Option<String>), TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let key = match &self.source {
            KeySource::Shared(secret) => {
                if header.alg != Algorithm::HS256 {
                    return Err(TokenError::Algorithm);
                }
                Arc::new(PublicKey { alg: Algorithm::HS256, key: DecodingKey::from_secret(secret) })
            }
            _ => {
                if !ASYMMETRIC.contains(&header.alg) {
                    return Err(TokenError::Algorithm);
                }
                let kid = header.kid.as_deref().ok_or(TokenError::UnknownKey)?;
                match self.cached(kid) {
                    Some(key) => key,
                    None => self.key_after_load(kid).await.ok_or(TokenError::UnknownKey)?,
                }
            }
        };
        if key.alg != header.alg {
            return Err(TokenError::Algorithm);
        }
        let mut validation = Validation::new(key.alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        let claims =
            jsonwebtoken::decode::<Claims>(token, &key.key, &validation).map(|data| data.claims).map_err(|error| {
                match error.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                    kind => TokenError::Invalid(format!("{kind:?}")),
                }
            })?;
        Ok((claims, header.kid))
    }

    fn cached(&self, kid: &str) -> Option<Arc<PublicKey>> {
        self.keys.read().expect("key cache lock").get(kid).cloned()
    }

    /// The key `kid` after a load that started after this call, so that a key published just now (a
    /// rotation) is found on its first use. Loads are single-flight (callers waiting together share
    /// one), at most one per [`REFETCH_GAP`], and a `kid` a load did not contain is refused without
    /// another load for [`MISS_MEMORY`].
    async fn key_after_load(&self, kid: &str) -> Option<Arc<PublicKey>> {
        let arrived = Instant::now();
        let mut loads = self.loads.lock().await;
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        if loads.misses.get(kid).is_some_and(|at| at.elapsed() < MISS_MEMORY) {
            return None;
        }
        // A load that started after this request arrived already answered it.
        let answered = loads.last_started.is_some_and(|started| started >= arrived);
        if !answered {
            if let Some(wait) = loads.last_started.and_then(|at| self.refetch_gap.checked_sub(at.elapsed())) {
                tokio::time::sleep(wait).await;
            }
            self.load_now(&mut loads).await;
        }
        let key = self.cached(kid);
        if key.is_none() {
            if loads.misses.len() >= MISSES_MAX {
                loads.misses.retain(|_, at| at.elapsed() < MISS_MEMORY);
                if loads.misses.len() >= MISSES_MAX {
                    loads.misses.clear();
                }
            }
            loads.misses.insert(kid.to_owned(), Instant::now());
        }
        key
    }

    /// Adds a key this process just created, so its tokens verify without a reload.
    pub fn add_key(&self, kid: &str, alg: Option<&str>, crv: Option<&str>, public_jwk: &str) {
        if let Some((kid, key)) = serde_json::from_str(public_jwk).ok().and_then(|jwk| decode_entry(jwk, kid, alg, crv))
        {
            self.keys.write().expect("key cache lock").insert(kid, Arc::new(key));
        }
    }

    /// Loads the keys now (the caller holds `loads`). On success the key set is replaced: a key gone
    /// from the source stops verifying, and so do the remembered tokens it signed. On failure the keys
    /// in hand are kept, so that a brief outage of the source signs nobody out.
    async fn load_now(&self, loads: &mut Loads) {
        loads.last_started = Some(Instant::now());
        match self.load().await {
            Ok(keys) => {
                loads.misses.retain(|kid, _| !keys.contains_key(kid));
                self.verified
                    .write()
                    .expect("verified cache lock")
                    .retain(|_, entry| entry.kid.as_ref().is_none_or(|kid| keys.contains_key(kid)));
                *self.keys.write().expect("key cache lock") = keys;
            }
            Err(error) => tracing::warn!(%error, "could not reload JWT verification keys; keeping cached keys"),
        }
    }

    async fn load(&self) -> Result<HashMap<String, Arc<PublicKey>>, String> {
        let entries: Vec<(String, PublicKey)> = match &self.source {
            KeySource::Shared(_) => Vec::new(),
            KeySource::Local(store) => store
                .public_keys()
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .filter_map(|row| {
                    let jwk = serde_json::from_str(&row.public_key).ok()?;
                    decode_entry(jwk, &row.id, row.alg.as_deref(), row.crv.as_deref())
                })
                .collect(),
            KeySource::Remote { url, client } => {
                let document = fetch_jwks(client, url).await?;
                let keys = document["keys"].as_array().ok_or_else(|| "the JWKS has no `keys`".to_owned())?;
                keys.iter()
                    .filter_map(|jwk| {
                        let kid = jwk["kid"].as_str()?;
                        decode_entry(jwk.clone(), kid, jwk["alg"].as_str(), jwk["crv"].as_str())
                    })
                    .collect()
            }
        };
        Ok(entries.into_iter().map(|(kid, key)| (kid, Arc::new(key))).collect())
    }
}

/// Whether `claims` are unexpired at `now` (with the leeway; an absurd `exp` cannot overflow).
fn unexpired(claims: &Claims, now: u64) -> bool {
    claims.exp.saturating_add(LEEWAY_SECS) > now
}

/// GETs a remote JWKS, reading at most [`JWKS_MAX_BYTES`]. Errors name no URL (it may hold a secret).
async fn fetch_jwks(client: &reqwest::Client, url: &str) -> Result<Value, String> {
    let mut response = client.get(url).send().await.map_err(|e| e.without_url().to_string())?;
    if !response.status().is_success() {
        return Err(format!("the JWKS endpoint answered {}", response.status()));
    }
    if response.content_length().is_some_and(|length| length > JWKS_MAX_BYTES as u64) {
        return Err(format!("the JWKS is larger than {JWKS_MAX_BYTES} bytes"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.without_url().to_string())? {
        if body.len() + chunk.len() > JWKS_MAX_BYTES {
            return Err(format!("the JWKS is larger than {JWKS_MAX_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| format!("the JWKS is not JSON: {e}"))
}

/// Decodes one JWKS entry; keys of algorithms outside the allow-list, or unreadable ones, are skipped.
fn decode_entry(mut jwk: Value, kid: &str, alg: Option<&str>, crv: Option<&str>) -> Option<(String, PublicKey)> {
    let object = jwk.as_object_mut()?;
    if let Some(crv) = crv {
        object.entry("crv").or_insert_with(|| crv.into());
    }
    let alg = match alg.or_else(|| object.get("alg").and_then(Value::as_str)) {
        Some(name) => Algorithm::from_str(name).ok()?,
        None => match (object.get("kty")?.as_str()?, object.get("crv").and_then(Value::as_str)) {
            ("OKP", Some("Ed25519")) => Algorithm::EdDSA,
            ("EC", Some("P-256")) => Algorithm::ES256,
            ("RSA", _) => Algorithm::RS256,
            _ => return None,
        },
    };
    if !ASYMMETRIC.contains(&alg) {
        return None;
    }
    // The `alg` member is dropped: jsonwebtoken's key parser does not need it and rejects some names.
    object.remove("alg");
    let jwk: Jwk = serde_json::from_value(jwk).ok()?;
    let key = DecodingKey::from_jwk(&jwk).ok()?;
    Some((kid.to_owned(), PublicKey { alg, key }))
}
