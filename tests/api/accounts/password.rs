//! Changing a password, and resetting a forgotten one through the emailed link.
use std::time::Duration;

use serde_json::json;

use super::{BOTH, MAIL_WAIT, MailApp, answer, session_cookie, unique_email};
use crate::common::Backend;

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_can_sign_out_the_other_devices() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("change");
        let here = app.sign_up(&email, "password123").await;
        let there = session_cookie(&app.sign_in(&email, "password123", "other").await).unwrap();

        let wrong = json!({"currentPassword": "nope-nope", "newPassword": "new-password-1"});
        let (status, body) = answer(app.post("/change-password", Some(&here), wrong).await).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("INVALID_PASSWORD")), "{backend:?}");
        let short = json!({"currentPassword": "password123", "newPassword": "short"});
        assert_eq!(
            answer(app.post("/change-password", Some(&here), short).await).await.1["code"],
            "PASSWORD_TOO_SHORT"
        );

        let keep = json!({"currentPassword": "password123", "newPassword": "new-password-1"});
        let response = app.post("/change-password", Some(&here), keep).await;
        assert!(session_cookie(&response).is_none(), "no new cookie when the others stay signed in");
        let (status, body) = answer(response).await;
        assert_eq!((status, body["token"].clone()), (200, json!(null)), "{backend:?}");
        assert!(app.is_signed_in(&there).await, "{backend:?}");

        let revoke =
            json!({"currentPassword": "new-password-1", "newPassword": "new-password-2", "revokeOtherSessions": true});
        let response = app.post("/change-password", Some(&here), revoke).await;
        let fresh = session_cookie(&response).expect("this browser gets a new session");
        assert_eq!(response.status(), 200);
        assert!(!app.is_signed_in(&there).await, "{backend:?}: the other device is signed out");
        assert!(!app.is_signed_in(&here).await, "{backend:?}: so is the old session of this browser");
        assert!(app.is_signed_in(&fresh).await, "{backend:?}");
        assert_eq!(app.sign_in(&email, "new-password-2", "x").await.status(), 200, "{backend:?}");
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 401, "{backend:?}");
    }
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_through_the_emailed_link_and_signs_out_every_device() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("forgot");
        let before = app.sign_up(&email, "password123").await;
        let request = json!({"email": email.to_uppercase(), "redirectTo": "/reset-password"});
        let (status, body) = answer(app.post("/request-password-reset", None, request).await).await;
        assert_eq!(status, 200);
        assert_eq!(body["message"], "If this email exists in our system, check your email for the reset link");

        let mail = app.smtp.wait_for(&email, "Reset your Ticklist password", MAIL_WAIT).await;
        let link = mail.link_containing("/api/auth/reset-password/").expect("a reset link");
        assert!(link.starts_with("http://127.0.0.1:3000/api/auth/reset-password/"), "{link}");
        assert!(link.ends_with("?callbackURL=%2Freset-password"), "{link}");
        let followed = app.client.get(app.local(&link)).send().await.unwrap();
        assert_eq!(followed.status(), 302, "{backend:?}");
        let location = followed.headers()["location"].to_str().unwrap().to_owned();
        let token =
            location.strip_prefix("http://127.0.0.1:3000/reset-password?token=").expect("the page with the token");

        let reset = json!({"newPassword": "brand-new-pass", "token": token});
        assert_eq!(
            answer(app.post("/reset-password", None, reset.clone()).await).await,
            (200, json!({"status": true}))
        );
        let (status, body) = answer(app.post("/reset-password", None, reset).await).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("INVALID_TOKEN")), "{backend:?}: used once");
        assert!(!app.is_signed_in(&before).await, "{backend:?}: a reset signs out every session");
        assert_eq!(app.sign_in(&email, "brand-new-pass", "x").await.status(), 200, "{backend:?}");
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 401, "{backend:?}");
        let again = app.client.get(app.local(&link)).send().await.unwrap();
        assert!(again.headers()["location"].to_str().unwrap().ends_with("/reset-password?error=INVALID_TOKEN"));
    }
}

#[tokio::test]
async fn asking_for_a_reset_of_an_unknown_address_answers_the_same_and_sends_nothing() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let known = unique_email("known");
    app.sign_up(&known, "password123").await;
    let unknown =
        answer(app.post("/request-password-reset", None, json!({"email": unique_email("nobody")})).await).await;
    let real = answer(app.post("/request-password-reset", None, json!({"email": known})).await).await;
    assert_eq!(unknown, real);
    app.smtp.wait_for(&known, "Reset", MAIL_WAIT).await;
    assert_eq!(app.smtp.messages().iter().filter(|m| m.subject().contains("Reset")).count(), 1);
    let evil = json!({"email": known, "redirectTo": "https://evil.example/steal"});
    let (status, body) = answer(app.post("/request-password-reset", None, evil).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("INVALID_REDIRECT_URL")));
}

#[tokio::test]
async fn reset_links_refuse_bad_tokens_foreign_callbacks_and_short_passwords() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let bad = app.get("/reset-password/not-a-token?callbackURL=/reset-password", None).await;
    assert_eq!(bad.headers()["location"], "http://127.0.0.1:3000/reset-password?error=INVALID_TOKEN");
    let (status, body) = answer(app.get("/reset-password/x?callbackURL=https://evil.example/", None).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("INVALID_CALLBACK_URL")));
    let (status, body) = answer(app.get("/reset-password/x", None).await).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("VALIDATION_ERROR")));
    let (status, body) = answer(app.post("/reset-password", None, json!({"newPassword": "long-enough-1"})).await).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("INVALID_TOKEN")));
    let short = json!({"newPassword": "short", "token": "whatever"});
    assert_eq!(answer(app.post("/reset-password", None, short).await).await.1["code"], "PASSWORD_TOO_SHORT");
}

#[tokio::test]
async fn without_a_mail_server_password_reset_is_off_in_production() {
    let app = crate::helpers::TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/auth/request-password-reset"))
        .header("origin", super::ORIGIN)
        .json(&json!({"email": "a@example.com"}))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("RESET_PASSWORD_DISABLED")));
}

#[tokio::test]
async fn mail_written_while_the_smtp_server_is_down_arrives_when_it_is_back() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("outage");
        app.sign_up(&email, "password123").await;
        app.smtp.wait_for(&email, "Confirm your email", MAIL_WAIT).await;
        app.smtp.stop();
        let (status, _) = answer(app.post("/request-password-reset", None, json!({"email": email})).await).await;
        assert_eq!(status, 200, "{backend:?}: the request does not wait for the mail");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(app.app.state.store.pending_mail().await.unwrap(), 1, "{backend:?}: kept while the server is down");
        app.smtp.resume().await;
        app.smtp.wait_for(&email, "Reset your Ticklist password", Duration::from_secs(20)).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            app.app.state.store.pending_mail().await.unwrap(),
            0,
            "{backend:?}: delivered mail leaves the outbox"
        );
    }
}

#[tokio::test]
async fn a_fourth_password_change_within_ten_seconds_is_refused() {
    let app = MailApp::spawn_with(Backend::Sqlite, |config| config.rate_limit = true).await;
    let cookie = app.sign_up(&unique_email("limited"), "password123").await;
    let guess = json!({"currentPassword": "guess-guess", "newPassword": "new-password-1"});
    for _ in 0..3 {
        assert_eq!(app.post("/change-password", Some(&cookie), guess.clone()).await.status(), 400);
    }
    let response = app.post("/change-password", Some(&cookie), guess).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("x-retry-after"));
    assert_eq!(app.get("/list-sessions", Some(&cookie)).await.status(), 200, "other endpoints have their own limit");
}
