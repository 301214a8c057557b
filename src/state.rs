//! `AppState`: what every handler and server function can reach.
use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::{
    AuthSettings, JwtSigner, KeySource, TokenVerifier,
    client::TrustedProxies,
    provider::Provider,
    routes::{
        origin::TrustedOrigins,
        rate_limit::{RateLimiter, RateLimits},
    },
    session::{cookie::CookieConfig, password::HashQueue},
};
use crate::config::{Config, JwtAlg, RateLimitStorage};
use crate::db::{Store, StoreError};

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub verifier: Arc<TokenVerifier>,
    pub signer: Arc<JwtSigner>,
    pub auth: Arc<AuthSettings>,
    pub mail: crate::mail::Mail,
    /// Live sync: hands each user's task changes to their open event streams.
    pub hub: Arc<crate::live::Hub>,
    /// Server-rendered board pages, served again while current (see [`crate::http::page_cache`]).
    pub pages: Arc<crate::http::page_cache::PageCache>,
}

impl AppState {
    /// Connects the store, applies migrations and sets up token verification and signing.
    pub async fn new(config: Config) -> Result<Self, StoreError> {
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        Ok(Self::with_store(config, store).await)
    }

    /// Builds the state on an already migrated store (on PostgreSQL, once the change feed listens).
    pub async fn with_store(config: Config, store: Store) -> Self {
        let origin = config.origin();
        let verifier = match (&config.jwt_alg, &config.jwks_url) {
            (JwtAlg::Hs256, _) => {
                TokenVerifier::new(KeySource::Shared(config.secret.expose().as_bytes().to_vec()), &origin, &origin)
            }
            (_, Some(url)) => TokenVerifier::remote(url, &origin, &origin),
            (_, None) => TokenVerifier::new(KeySource::Local(store.clone()), &origin, &origin),
        };
        let verifier = Arc::new(match config.jwks_refetch_gap {
            Some(gap) => verifier.with_refetch_gap(gap),
            None => verifier,
        });
        verifier.spawn_background_refresh(config.jwks_refresh_interval);
        if config.upstream.is_none() {
            // Accounts deleted here (or by another instance on this database) within a token's lifetime.
            let window = config.jwt_expires_in + std::time::Duration::from_secs(crate::auth::jwt::LEEWAY_SECS + 60);
            verifier.deleted.spawn_reload(store.clone(), window);
        }
        let signer = Arc::new(JwtSigner::new(&config, store.clone(), verifier.clone()));
        let auth = Arc::new(AuthSettings {
            cookies: CookieConfig::new(&config.base_url),
            trusted: TrustedOrigins::new(&origin, &config.trusted_origins),
            limiter: match config.rate_limit_storage {
                RateLimitStorage::Memory => RateLimits::Memory(RateLimiter::default()),
                RateLimitStorage::Database => {
                    RateLimits::Database { store: store.clone(), fallback: RateLimiter::default() }
                }
            },
            rate_limit: config.rate_limit,
            hashes: HashQueue::default(),
            proxies: TrustedProxies::new(&config.trusted_proxies),
            provider: Provider::new(config.upstream.as_deref()),
        });
        let mail = crate::mail::Mail::start(&config.accounts, &store);
        if let crate::db::Pool::Postgres(pool) = &store.pool {
            crate::db::feed::start_pg_listener(pool.clone(), store.clone()).await;
        }
        let hub = crate::live::Hub::start(&store.feed);
        Self { config: Arc::new(config), store, verifier, signer, auth, mail, hub, pages: Arc::default() }
    }
}

impl FromRef<AppState> for Arc<TokenVerifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Self {
        state.store.clone()
    }
}
