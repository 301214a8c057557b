//! Issues JWTs exactly as Better Auth's `jwt()` plugin does: header `{alg, kid}` (no `typ`), the whole
//! user as payload plus `sub`, `iat`, `exp`, `iss`, `aud`. The signing key is the newest live key of
//! the configured algorithm, else the newest live key of any (Better Auth's `getLatestKeyByAlg ??
//! getLatestKey`), else a new one.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::keys::{self, KeyError};
use super::verifier::TokenVerifier;
use crate::auth::session::user_fields;
use crate::config::{Config, JwtAlg};
use crate::db::{JwkRow, Store, StoreError};

/// The user a token is issued for (Better Auth's user object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    pub image: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The payload, fields in the order Better Auth emits them.
#[derive(Serialize)]
struct Payload<'a> {
    iat: i64,
    name: &'a str,
    email: &'a str,
    #[serde(rename = "emailVerified")]
    email_verified: bool,
    image: &'a Option<String>,
    #[serde(rename = "createdAt")]
    created_at: String,
    #[serde(rename = "updatedAt")]
    updated_at: String,
    id: &'a str,
    sub: &'a str,
    exp: i64,
    iss: &'a str,
    aud: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("signing failed: {0}")]
    Jwt(#[from] jsonwebtoken::errors::Error),
}

struct SigningKey {
    kid: Option<String>,
    alg: Algorithm,
    key: EncodingKey,
}

/// Mints tokens; shares newly created keys with the verifier.
pub struct JwtSigner {
    store: Store,
    secret: String,
    alg: JwtAlg,
    origin: String,
    expires_in: i64,
    verifier: Arc<TokenVerifier>,
    /// How long a key is used before the store is asked for a newer one (`Config::signing_key_recheck`):
    /// a key made by `ticklist rotate-keys` or by another instance is in use everywhere within this time.
    /// Other instances accept its tokens sooner: their verifiers load an unknown `kid` at once.
    recheck: Duration,
    /// The key in use and when it was read from the store.
    current: tokio::sync::Mutex<Option<(Arc<SigningKey>, Instant)>>,
}

/// The first `max` characters of `text`.
fn prefix(text: &str, max: usize) -> &str {
    text.char_indices().nth(max).map_or(text, |(end, _)| &text[..end])
}

fn jose(name: &str) -> Option<Algorithm> {
    match name {
        "EdDSA" => Some(Algorithm::EdDSA),
        "ES256" => Some(Algorithm::ES256),
        "RS256" => Some(Algorithm::RS256),
        _ => None,
    }
}

impl JwtSigner {
    pub fn new(config: &Config, store: Store, verifier: Arc<TokenVerifier>) -> Self {
        Self {
            store,
            secret: config.secret.expose().to_owned(),
            alg: config.jwt_alg,
            origin: config.origin(),
            expires_in: i64::try_from(config.jwt_expires_in.as_secs()).unwrap_or(i64::MAX / 2),
            verifier,
            recheck: config.signing_key_recheck,
            current: tokio::sync::Mutex::new(None),
        }
    }

    /// A signed token for `user`, valid for the configured lifetime.
    pub async fn sign(&self, user: &TokenUser) -> Result<String, SignError> {
        let key = self.signing_key().await?;
        let iat = Utc::now().timestamp();
        // Profile fields are bounded on the way in; these bounds also cover users stored before that
        // (or by another Better Auth), so that no token outgrows what the verifier accepts.
        let image = user.image.clone().filter(|image| image.len() <= user_fields::IMAGE_MAX);
        let payload = Payload {
            iat,
            name: prefix(&user.name, crate::model::NAME_MAX),
            email: prefix(&user.email, crate::model::EMAIL_MAX),
            email_verified: user.email_verified,
            image: &image,
            created_at: crate::model::timestamp::format(&user.created_at),
            updated_at: crate::model::timestamp::format(&user.updated_at),
            id: &user.id,
            sub: &user.id,
            exp: iat + self.expires_in,
            iss: &self.origin,
            aud: &self.origin,
        };
        let mut header = Header::new(key.alg);
        header.typ = None;
        header.kid = key.kid.clone();
        let token = jsonwebtoken::encode(&header, &payload, &key.key)?;
        debug_assert!(token.len() <= super::MAX_TOKEN_BYTES, "a signed token fits the verifier's limit");
        Ok(token)
    }

    /// The JWKS Better Auth publishes: `{alg, crv, ...publicKey, kid}` per key, oldest first; expired
    /// keys stay for a 30-day grace period. Creates the first key when there is none (HS256: no keys).
    pub async fn jwks(&self) -> Result<Value, SignError> {
        if self.alg == JwtAlg::Hs256 {
            return Ok(json!({"keys": []}));
        }
        self.signing_key().await?;
        let now = Utc::now();
        let grace = chrono::Duration::days(30);
        let mut keys = Vec::new();
        for row in self.store.public_keys().await?.into_iter().rev() {
            if row.expires_at.is_some_and(|at| at + grace <= now) {
                continue;
            }
            let mut entry = Map::new();
            entry.insert("alg".into(), json!(row.alg.clone().unwrap_or_else(|| self.alg.as_str().to_owned())));
            if let Some(crv) = &row.crv {
                entry.insert("crv".into(), json!(crv));
            }
            if let Ok(Value::Object(public)) = serde_json::from_str::<Value>(&row.public_key) {
                entry.extend(public);
            }
            entry.insert("kid".into(), json!(row.id));
            keys.push(Value::Object(entry));
        }
        Ok(json!({"keys": keys}))
    }

    /// Adds a new signing key of the configured algorithm; older keys keep verifying.
    /// Returns its key id.
    pub async fn rotate(&self) -> Result<String, SignError> {
        let mut current = self.current.lock().await;
        let key = self.create_key().await?;
        let kid = key.kid.clone().unwrap_or_default();
        *current = Some((Arc::new(key), Instant::now()));
        Ok(kid)
    }

    async fn signing_key(&self) -> Result<Arc<SigningKey>, SignError> {
        let mut current = self.current.lock().await;
        if let Some((key, read_at)) = current.as_ref()
            && (self.alg == JwtAlg::Hs256 || read_at.elapsed() < self.recheck)
        {
            return Ok(key.clone());
        }
        let key = match self.alg {
            JwtAlg::Hs256 => Arc::new(SigningKey {
                kid: None,
                alg: Algorithm::HS256,
                key: EncodingKey::from_secret(self.secret.as_bytes()),
            }),
            _ => match (self.newest_live_key().await, current.as_ref()) {
                (Ok(Some(newest)), Some((key, _))) if newest.kid == key.kid => key.clone(),
                (Ok(Some(newest)), _) => Arc::new(newest),
                (Ok(None), _) => Arc::new(self.create_key().await?),
                // The store is unreachable: keep signing with the key we have, ask again next time.
                (Err(error), Some((key, _))) => {
                    tracing::warn!(%error, "cannot look for a newer signing key; keeping the current one");
                    return Ok(key.clone());
                }
                (Err(error), None) => return Err(error),
            },
        };
        *current = Some((key.clone(), Instant::now()));
        Ok(key)
    }

    /// The newest unexpired stored key this process can decrypt, preferring the configured algorithm.
    async fn newest_live_key(&self) -> Result<Option<SigningKey>, SignError> {
        let now = Utc::now();
        let rows = self.store.public_keys().await?;
        let live = rows.iter().filter(|row| row.expires_at.is_none_or(|at| at > now));
        let preferred = live.clone().filter(|row| row.alg.as_deref() == Some(self.alg.as_str()));
        for row in preferred.chain(live) {
            let Some(alg) = row.alg.as_deref().and_then(jose) else { continue };
            match keys::decrypt_private_key(&row.private_key, &self.secret)
                .and_then(|jwk| keys::encoding_key(&jwk, alg))
            {
                Ok(key) => {
                    // The local verifier may not have seen a key another instance made.
                    self.verifier.add_key(&row.id, row.alg.as_deref(), row.crv.as_deref(), &row.public_key);
                    return Ok(Some(SigningKey { kid: Some(row.id.clone()), alg, key }));
                }
                Err(error) => tracing::warn!(kid = %row.id, %error, "skipping a signing key this process cannot use"),
            }
        }
        Ok(None)
    }

    async fn create_key(&self) -> Result<SigningKey, SignError> {
        let alg = self.alg;
        let generated =
            tokio::task::spawn_blocking(move || keys::generate(alg)).await.expect("key generation does not panic")?;
        let jose_alg = jose(generated.alg).expect("generated keys are asymmetric");
        let key = keys::encoding_key(&generated.private_jwk, jose_alg)?;
        let row = JwkRow {
            id: crate::auth::ids::generate_id(),
            public_key: generated.public_jwk.clone(),
            private_key: keys::encrypt_private_key(&generated.private_jwk, &self.secret),
            created_at: Utc::now(),
            expires_at: None,
            alg: Some(generated.alg.to_owned()),
            crv: generated.crv.map(str::to_owned),
        };
        self.store.insert_jwk(&row).await?;
        self.verifier.add_key(&row.id, row.alg.as_deref(), row.crv.as_deref(), &row.public_key);
        tracing::info!(kid = %row.id, alg = generated.alg, "created a JWT signing key");
        Ok(SigningKey { kid: Some(row.id), alg: jose_alg, key })
    }
}
