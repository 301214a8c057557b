//! Tests of reading the configuration from the environment.
use super::*;
use std::collections::HashMap;

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|name| vars.get(name).cloned())
}

#[test]
fn production_without_a_secret_names_the_variable() {
    let error = config(&[("TICKLIST_ENV", "production")]).unwrap_err();
    assert_eq!(error.variable, "BETTER_AUTH_SECRET");
    let error = config(&[("TICKLIST_ENV", "production"), ("BETTER_AUTH_SECRET", "short")]).unwrap_err();
    assert!(error.to_string().starts_with("BETTER_AUTH_SECRET: must be at least 32 bytes"));
}

#[test]
fn development_generates_a_secret_when_none_is_set() {
    let config = config(&[("TICKLIST_ENV", "development")]).unwrap();
    assert!(config.secret_generated);
    assert!(config.secret.expose().len() >= SECRET_MIN_BYTES);
    assert!(!format!("{config:?}").contains(config.secret.expose()));
}

#[test]
fn defaults_follow_the_site_address() {
    let config = config(&[("TICKLIST_ENV", "development"), ("LEPTOS_SITE_ADDR", "127.0.0.1:4000")]).unwrap();
    assert_eq!(config.base_url, "http://127.0.0.1:4000");
    assert_eq!(config.origin(), "http://127.0.0.1:4000");
    assert_eq!(config.database_url, "sqlite://ticklist.db");
    assert_eq!(config.jwt_alg, JwtAlg::EdDsa);
    assert_eq!(config.jwt_expires_in, Duration::from_secs(900));
}

#[test]
fn durations_and_origins_parse() {
    assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
    assert_eq!(parse_duration("5"), Some(Duration::from_secs(5)));
    assert_eq!(parse_duration("5 parsecs"), None);
    assert_eq!(origin_of("https://Example.com:8443/app?x").as_deref(), Some("https://example.com:8443"));
    assert_eq!(origin_of("ftp://example.com"), None);
}

#[test]
fn an_upstream_implies_its_jwks_url() {
    let config =
        config(&[("TICKLIST_ENV", "development"), ("BETTER_AUTH_UPSTREAM", "http://127.0.0.1:3005/")]).unwrap();
    assert_eq!(config.jwks_url.as_deref(), Some("http://127.0.0.1:3005/api/auth/jwks"));
}
