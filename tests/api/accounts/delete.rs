//! Deleting an account: its sessions, its tasks and its tokens go with it, on every instance.
use std::time::{Duration, Instant};

use serde_json::json;

use super::{BOTH, MailApp, answer, clears_cookies, unique_email};

async fn tasks_status(app: &crate::helpers::TestApp, user_id: &str, jwt: &str) -> u16 {
    let url = app.url(&format!("/api/{user_id}/tasks"));
    app.client.get(url).bearer_auth(jwt).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn deleting_an_account_takes_its_tasks_and_sessions_and_its_tokens_stop_working() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("delete");
        let cookie = app.sign_up(&email, "password123").await;
        let jwt = app.jwt(&cookie).await;
        let session: serde_json::Value = app.get("/get-session", Some(&cookie)).await.json().await.unwrap();
        let user_id = session["user"]["id"].as_str().unwrap().to_owned();
        let other = app.app.user().await;
        for title in ["one", "two"] {
            let url = app.app.url(&format!("/api/{user_id}/tasks"));
            let created =
                app.app.client.post(url).bearer_auth(&jwt).json(&json!({"title": title})).send().await.unwrap();
            assert_eq!(created.status(), 201);
        }
        app.app.create(&other, json!({"title": "someone else's"})).await;

        let (status, body) =
            answer(app.post("/delete-user", Some(&cookie), json!({"password": "wrong-password"})).await).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("INVALID_PASSWORD")), "{backend:?}");
        let response = app.post("/delete-user", Some(&cookie), json!({"password": "password123"})).await;
        assert!(clears_cookies(&response));
        assert_eq!(answer(response).await, (200, json!({"success": true, "message": "User deleted"})), "{backend:?}");

        assert_eq!(tasks_status(&app.app, &user_id, &jwt).await, 401, "{backend:?}: a token issued before is refused");
        assert!(!app.is_signed_in(&cookie).await);
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 401, "{backend:?}");
        let page = app.app.state.store.list_tasks(&user_id, &Default::default()).await.unwrap();
        assert!(page.tasks.is_empty(), "{backend:?}: the tasks are gone");
        assert_eq!(app.app.list(&other, "").await.1, 1, "{backend:?}: nobody else's");
    }
}

#[tokio::test]
async fn without_a_password_only_a_fresh_session_may_delete_the_account() {
    let app = MailApp::spawn(super::Backend::Sqlite).await;
    let cookie = app.sign_up(&unique_email("fresh"), "password123").await;
    let ticklist::db::Pool::Sqlite(pool) = &app.app.state.store.pool else { unreachable!() };
    sqlx::query(r#"update "session" set "createdAt" = '2020-01-01T00:00:00.000Z'"#).execute(pool).await.unwrap();
    let (status, body) = answer(app.post("/delete-user", Some(&cookie), json!({})).await).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("SESSION_EXPIRED")));
    sqlx::query(r#"update "session" set "createdAt" = $1"#)
        .bind(ticklist::model::timestamp::format(&chrono::Utc::now()))
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(answer(app.post("/delete-user", Some(&cookie), json!({})).await).await.0, 200);
}

#[tokio::test]
async fn another_instance_refuses_a_deleted_accounts_tokens_within_its_poll() {
    let app = MailApp::spawn(super::Backend::Postgres).await;
    let sibling = app.app.sibling(|_| {}).await;
    let cookie = app.sign_up(&unique_email("sibling"), "password123").await;
    let jwt = app.jwt(&cookie).await;
    let session: serde_json::Value = app.get("/get-session", Some(&cookie)).await.json().await.unwrap();
    let user_id = session["user"]["id"].as_str().unwrap().to_owned();
    assert_eq!(tasks_status(&sibling, &user_id, &jwt).await, 200);
    assert_eq!(app.post("/delete-user", Some(&cookie), json!({"password": "password123"})).await.status(), 200);
    let deleted = Instant::now();
    let limit = ticklist::auth::jwt::DELETIONS_POLL + Duration::from_secs(3);
    while tasks_status(&sibling, &user_id, &jwt).await != 401 {
        assert!(deleted.elapsed() < limit, "the sibling still accepts the token after {limit:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
