//! Token attacks: each is a 401 with `WWW-Authenticate`, never a 5xx.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Response;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem};

async fn get_with_header(app: &TestApp, user_id: &str, authorization: Option<&str>) -> Response {
    let mut request = app.client.get(app.url(&format!("/api/{user_id}/tasks")));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.unwrap()
}

async fn assert_invalid(app: &TestApp, user_id: &str, token: &str, case: &str) {
    let response = get_with_header(app, user_id, Some(&format!("Bearer {token}"))).await;
    assert_eq!(response.status(), 401, "{case}");
    assert_eq!(response.headers()["www-authenticate"], r#"Bearer error="invalid_token""#, "{case}");
    assert_problem(response, 401).await;
}

fn b64_json(value: &serde_json::Value) -> String {
    B64.encode(value.to_string())
}

#[tokio::test]
async fn a_valid_token_is_accepted() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    assert_eq!(get_with_header(&app, &user.id, Some(&format!("Bearer {}", user.token))).await.status(), 200);
    assert_eq!(get_with_header(&app, &user.id, Some(&format!("bearer {}", user.token))).await.status(), 200);
}

#[tokio::test]
async fn no_token_or_another_scheme_is_401_with_a_plain_challenge() {
    let app = TestApp::spawn().await;
    for header in [None, Some("Basic dXNlcjpwYXNz")] {
        let response = get_with_header(&app, "someone", header).await;
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_problem(response, 401).await;
    }
}

#[tokio::test]
async fn a_missing_or_doubled_bearer_and_duplicate_headers_are_401() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    for value in [user.token.clone(), format!("Bearer Bearer {}", user.token), "Bearer".into(), "Bearer ".into()] {
        let response = get_with_header(&app, &user.id, Some(&value)).await;
        assert_eq!(response.status(), 401, "{value:?}");
    }
    let response = app
        .client
        .get(app.url(&format!("/api/{}/tasks", user.id)))
        .header("authorization", format!("Bearer {}", user.token))
        .header("authorization", format!("Bearer {}", user.token))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "two Authorization headers");
}

#[tokio::test]
async fn alg_none_is_401() {
    let app = TestApp::spawn().await;
    let claims = app.claims("u1");
    let token = format!("{}.{}.", b64_json(&json!({"alg": "none", "typ": "JWT"})), b64_json(&claims));
    assert_invalid(&app, "u1", &token, "alg none").await;
    let token = format!("{}.{}.", b64_json(&json!({"alg": "EdDSA", "kid": "x"})), b64_json(&claims));
    assert_invalid(&app, "u1", &token, "empty signature").await;
}

#[tokio::test]
async fn an_hs256_token_signed_with_the_public_key_is_401() {
    let app = TestApp::spawn().await;
    let _ = app.token_for("warm-up").await;
    let row = app.state.store.public_keys().await.unwrap().remove(0);
    let x = serde_json::from_str::<serde_json::Value>(&row.public_key).unwrap()["x"].as_str().unwrap().to_owned();
    for secret in [row.public_key.as_bytes().to_vec(), B64.decode(&x).unwrap(), x.as_bytes().to_vec()] {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(row.id.clone());
        let token = jsonwebtoken::encode(&header, &app.claims("u1"), &EncodingKey::from_secret(&secret)).unwrap();
        assert_invalid(&app, "u1", &token, "HS256 with the public key").await;
    }
}

#[tokio::test]
async fn unknown_and_hostile_kids_are_401() {
    let app = TestApp::spawn().await;
    for kid in ["no-such-key", "../../etc/passwd", "' or 1=1 --", "\"; drop table jwks; --", ""] {
        let token = app.sign_raw(|h| h.kid = Some(kid.to_owned()), &app.claims("u1")).await;
        assert_invalid(&app, "u1", &token, kid).await;
    }
    let token = app.sign_raw(|h| h.kid = None, &app.claims("u1")).await;
    assert_invalid(&app, "u1", &token, "no kid").await;
    assert_eq!(app.state.store.public_keys().await.unwrap().len(), 1, "the jwks table is intact");
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_401() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let mut expired = app.claims("u1");
    expired["exp"] = json!(now - 120);
    let token = app.sign_raw(|_| {}, &expired).await;
    let response = get_with_header(&app, "u1", Some(&format!("Bearer {token}"))).await;
    let problem = assert_problem(response, 401).await;
    assert_eq!(problem["detail"], "the access token has expired");
    let mut early = app.claims("u1");
    early["nbf"] = json!(now + 600);
    assert_invalid(&app, "u1", &app.sign_raw(|_| {}, &early).await, "nbf in the future").await;
    let mut no_exp = app.claims("u1");
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_invalid(&app, "u1", &app.sign_raw(|_| {}, &no_exp).await, "no exp").await;
}

#[tokio::test]
async fn a_token_within_the_leeway_is_still_accepted() {
    let app = TestApp::spawn().await;
    let mut claims = app.claims("u1");
    claims["exp"] = json!(chrono::Utc::now().timestamp() - 5);
    let token = app.sign_raw(|_| {}, &claims).await;
    assert_eq!(get_with_header(&app, "u1", Some(&format!("Bearer {token}"))).await.status(), 200);
}

#[tokio::test]
async fn wrong_issuer_audience_or_missing_subject_is_401() {
    let app = TestApp::spawn().await;
    for (claim, value) in
        [("iss", json!("https://evil.example")), ("aud", json!("https://evil.example")), ("aud", json!(null))]
    {
        let mut claims = app.claims("u1");
        claims[claim] = value.clone();
        assert_invalid(&app, "u1", &app.sign_raw(|_| {}, &claims).await, &format!("{claim}={value}")).await;
    }
    let mut claims = app.claims("u1");
    claims.as_object_mut().unwrap().remove("sub");
    assert_invalid(&app, "u1", &app.sign_raw(|_| {}, &claims).await, "no sub").await;
}

#[tokio::test]
async fn tampered_payloads_and_signatures_are_401() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let parts: Vec<&str> = user.token.split('.').collect();
    let mut payload: serde_json::Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("someone-else");
    let tampered_payload = format!("{}.{}.{}", parts[0], b64_json(&payload), parts[2]);
    assert_invalid(&app, "someone-else", &tampered_payload, "tampered payload").await;
    let mut signature = B64.decode(parts[2]).unwrap();
    signature[0] ^= 1;
    let tampered_signature = format!("{}.{}.{}", parts[0], parts[1], B64.encode(signature));
    assert_invalid(&app, &user.id, &tampered_signature, "tampered signature").await;
    assert_invalid(&app, &user.id, "not.a.jwt", "garbage").await;
    assert_invalid(&app, &user.id, "%%%", "not base64").await;
}

#[tokio::test]
async fn a_token_over_8_kib_is_401() {
    let app = TestApp::spawn().await;
    let mut claims = app.claims("u1");
    claims["padding"] = json!("x".repeat(9000));
    assert_invalid(&app, "u1", &app.sign_raw(|_| {}, &claims).await, "oversized").await;
}

#[tokio::test]
async fn a_token_for_another_user_is_403_not_401() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let response = get_with_header(&app, "someone-else", Some(&format!("Bearer {}", user.token))).await;
    assert_problem(response, 403).await;
}

#[tokio::test]
async fn hs256_mode_accepts_secret_signed_tokens_and_refuses_asymmetric_ones() {
    let app = crate::helpers::TestApp::spawn_with(crate::common::Backend::Sqlite, |config| {
        config.jwt_alg = ticklist::config::JwtAlg::Hs256;
    })
    .await;
    let user = app.user().await;
    let header: serde_json::Value =
        serde_json::from_slice(&B64.decode(user.token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
    assert_eq!(get_with_header(&app, &user.id, Some(&format!("Bearer {}", user.token))).await.status(), 200);
    let wrong_secret = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &app.claims(&user.id),
        &EncodingKey::from_secret(b"guess"),
    )
    .unwrap();
    assert_invalid(&app, &user.id, &wrong_secret, "HS256 with another secret").await;
}

#[tokio::test]
async fn a_token_with_an_absurd_expiry_is_answered_not_crashed_on() {
    let app = TestApp::spawn().await;
    let mut claims = app.claims("u1");
    claims["exp"] = json!(u64::MAX);
    let token = app.sign_raw(|_| {}, &claims).await;
    for attempt in ["first (verified)", "second (from the verified-token cache)"] {
        let response = app.client.get(app.url("/api/u1/tasks")).bearer_auth(&token).send().await.unwrap();
        assert_ne!(response.status(), 500, "{attempt}");
    }
}
