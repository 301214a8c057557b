//! The signed-in devices: listing, signing one out, all but this one, all.
use serde_json::{Value, json};

use super::{BOTH, MailApp, answer, clears_cookies, session_cookie, unique_email};

#[tokio::test]
async fn a_user_sees_every_device_and_can_sign_one_out() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("devices");
        let laptop = app.sign_up(&email, "password123").await;
        let phone = session_cookie(&app.sign_in(&email, "password123", "phone-browser").await).unwrap();

        let (status, sessions) = answer(app.get("/list-sessions", Some(&laptop)).await).await;
        assert_eq!(status, 200, "{backend:?}");
        let sessions = sessions.as_array().unwrap().clone();
        assert_eq!(sessions.len(), 2, "{backend:?}");
        let keys: Vec<&str> = sessions[0].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId", "id"]);
        let phone_session = sessions.iter().find(|s| s["userAgent"] == "phone-browser").expect("the phone is listed");

        let response = app.post("/revoke-session", Some(&laptop), json!({"token": phone_session["token"]})).await;
        assert!(!clears_cookies(&response), "signing out another device leaves this one alone");
        assert_eq!(answer(response).await, (200, json!({"status": true})));
        assert!(!app.is_signed_in(&phone).await, "{backend:?}: the phone is signed out");
        assert!(app.is_signed_in(&laptop).await, "{backend:?}");
    }
}

#[tokio::test]
async fn revoking_another_users_session_answers_true_and_changes_nothing() {
    let app = MailApp::spawn(super::Backend::Sqlite).await;
    let alice = app.sign_up(&unique_email("alice"), "password123").await;
    let bob = app.sign_up(&unique_email("bob"), "password123").await;
    let bobs: Value = answer(app.get("/list-sessions", Some(&bob)).await).await.1;
    let response = app.post("/revoke-session", Some(&alice), json!({"token": bobs[0]["token"]})).await;
    assert_eq!(answer(response).await, (200, json!({"status": true})));
    assert!(app.is_signed_in(&bob).await);
    let (status, body) = answer(app.post("/revoke-session", Some(&alice), json!({})).await).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("VALIDATION_ERROR")));
}

#[tokio::test]
async fn signing_out_everywhere_else_keeps_this_device_and_everywhere_ends_all() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("everywhere");
        let here = app.sign_up(&email, "password123").await;
        let there = session_cookie(&app.sign_in(&email, "password123", "other").await).unwrap();
        let response = app.post("/revoke-other-sessions", Some(&here), json!({})).await;
        assert!(!clears_cookies(&response));
        assert_eq!(answer(response).await, (200, json!({"status": true})));
        assert!(app.is_signed_in(&here).await, "{backend:?}");
        assert!(!app.is_signed_in(&there).await, "{backend:?}");

        let again = session_cookie(&app.sign_in(&email, "password123", "again").await).unwrap();
        let response = app.post("/revoke-sessions", Some(&here), json!({})).await;
        assert!(clears_cookies(&response), "{backend:?}: this browser's cookies go too");
        assert_eq!(response.status(), 200);
        assert!(!app.is_signed_in(&here).await && !app.is_signed_in(&again).await, "{backend:?}");
    }
}

#[tokio::test]
async fn account_endpoints_need_a_session_and_an_origin() {
    let app = MailApp::spawn(super::Backend::Sqlite).await;
    let (status, body) = answer(app.get("/list-sessions", None).await).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("UNAUTHORIZED")));
    let cookie = app.sign_up(&unique_email("origin"), "password123").await;
    let response = app
        .client
        .post(app.app.url("/api/auth/revoke-sessions"))
        .header("cookie", &cookie)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer(response).await.1["code"], "MISSING_OR_NULL_ORIGIN");
    assert!(app.is_signed_in(&cookie).await, "nothing was revoked");
}

#[tokio::test]
async fn a_session_older_than_a_day_may_not_list_the_others() {
    let app = MailApp::spawn(super::Backend::Sqlite).await;
    let cookie = app.sign_up(&unique_email("stale"), "password123").await;
    let Pool::Sqlite(pool) = &app.app.state.store.pool else { unreachable!() };
    sqlx::query(r#"update "session" set "createdAt" = '2020-01-01T00:00:00.000Z'"#).execute(pool).await.unwrap();
    let (status, body) = answer(app.get("/list-sessions", Some(&cookie)).await).await;
    assert_eq!((status, body), (403, json!({"message": "Session is not fresh", "code": "SESSION_NOT_FRESH"})));
}

use ticklist::db::Pool;
