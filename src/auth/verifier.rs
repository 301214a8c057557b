//! JWT verification: the algorithm comes from the allow-list and the key (never from the token
//! alone), `exp`/`nbf` (with a small leeway), `iss` and `aud` are checked, and `sub` is the user.
//! Public keys come from the local `jwks` table or a remote JWKS URL, decoded once and cached; an
//! unknown `kid` triggers at most one refetch per interval, and a failed refetch keeps the cache.
use std::{
    collections::HashMap,
    str::FromStr,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use serde::Deserialize;
use serde_json::Value;

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

/// Verifies Better Auth JWTs. Cheap to share (`Arc`).
pub struct TokenVerifier {
    /// Tokens whose signature and claims were verified, with their claims.
    verified: RwLock<HashMap<String, Arc<Claims>>>,
    issuer: String,
    audience: String,
    source: KeySource,
    keys: RwLock<HashMap<String, Arc<PublicKey>>>,
    /// When keys were last (re)loaded; held across the load so refetches are single-flight.
    last_refresh: tokio::sync::Mutex<Option<Instant>>,
    min_refresh_interval: Duration,
}

impl TokenVerifier {
    /// `issuer` and `audience` are both Better Auth's base URL origin.
    pub fn new(source: KeySource, issuer: &str, audience: &str) -> Self {
        let min_refresh_interval = match source {
            KeySource::Remote { .. } => Duration::from_secs(30),
            // A local read is one indexed query; keys minted by another replica show up quickly.
            _ => Duration::from_secs(2),
        };
        Self {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            source,
            keys: RwLock::default(),
            verified: RwLock::default(),
            last_refresh: tokio::sync::Mutex::new(None),
            min_refresh_interval,
        }
    }

    /// A remote source with a client that gives up after a few seconds.
    pub fn remote(url: &str, issuer: &str, audience: &str) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("a default reqwest client builds");
        Self::new(KeySource::Remote { url: url.to_owned(), client }, issuer, audience)
    }

    /// Overrides the shortest time between two refetches (tests use a short one).
    pub fn with_min_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_refresh_interval = interval;
        self
    }

    /// Checks `token` and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::TooLarge);
        }
        let now = jsonwebtoken::get_current_timestamp();
        if let Some(claims) = self.verified.read().expect("verified cache lock").get(token) {
            // Same bytes as a token whose signature already verified: only time can have changed.
            return if claims.exp + LEEWAY_SECS > now { Ok((**claims).clone()) } else { Err(TokenError::Expired) };
        }
        let claims = self.verify_uncached(token).await?;
        let mut verified = self.verified.write().expect("verified cache lock");
        if verified.len() >= VERIFIED_CACHE_SIZE {
            verified.retain(|_, claims| claims.exp + LEEWAY_SECS > now);
            if verified.len() >= VERIFIED_CACHE_SIZE {
                verified.clear();
            }
        }
        verified.insert(token.to_owned(), Arc::new(claims.clone()));
        Ok(claims)
    }

    /// The full check: header, key, signature, claims.
    async fn verify_uncached(&self, token: &str) -> Result<Claims, TokenError> {
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
                    None => {
                        self.refresh_if_due().await;
                        self.cached(kid).ok_or(TokenError::UnknownKey)?
                    }
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
        jsonwebtoken::decode::<Claims>(token, &key.key, &validation).map(|data| data.claims).map_err(
            |error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                kind => TokenError::Invalid(format!("{kind:?}")),
            },
        )
    }

    fn cached(&self, kid: &str) -> Option<Arc<PublicKey>> {
        self.keys.read().expect("key cache lock").get(kid).cloned()
    }

    /// Adds a key this process just created, so its tokens verify without a reload.
    pub fn add_key(&self, kid: &str, alg: Option<&str>, crv: Option<&str>, public_jwk: &str) {
        if let Some((kid, key)) = serde_json::from_str(public_jwk).ok().and_then(|jwk| decode_entry(jwk, kid, alg, crv))
        {
            self.keys.write().expect("key cache lock").insert(kid, Arc::new(key));
        }
    }

    /// Reloads keys unless that happened less than the minimum interval ago. Concurrent callers
    /// wait for the one load in flight instead of starting their own.
    pub async fn refresh_if_due(&self) {
        let mut last = self.last_refresh.lock().await;
        if last.is_some_and(|at| at.elapsed() < self.min_refresh_interval) {
            return;
        }
        match self.load().await {
            Ok(keys) => *self.keys.write().expect("key cache lock") = keys,
            // Keep serving the keys we have: a brief outage must not log everyone out.
            Err(error) => tracing::warn!(%error, "could not reload JWT verification keys; keeping cached keys"),
        }
        *last = Some(Instant::now());
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
                let response = client.get(url).send().await.map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("{url} answered {}", response.status()));
                }
                let document: Value = response.json().await.map_err(|e| e.to_string())?;
                let keys = document["keys"].as_array().ok_or_else(|| format!("{url} returned no `keys`"))?;
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
