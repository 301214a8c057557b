//! Every error row of API.md: status, problem body, and that nothing was written.
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, error_fields};

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let response = app
        .request(Method::POST, &format!("/api/{}/tasks", user.id), &user)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 400).await;
    assert!(problem["detail"].as_str().unwrap().contains("invalid JSON"));
    assert_eq!(app.list(&user, "").await.1, 0);
}

#[tokio::test]
async fn wrong_json_types_are_a_400_problem() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    for body in [
        json!({"title": 5}),
        json!({"title": "a", "tags": "home"}),
        json!([1, 2]),
        json!({"title": "a", "completed": "yes"}),
    ] {
        assert_problem(app.post_task(&user, body).await, 400).await;
    }
}

#[tokio::test]
async fn unknown_fields_are_rejected_with_400() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let problem =
        assert_problem(app.post_task(&user, json!({"title": "a", "user_id": "someone-else"})).await, 400).await;
    assert!(problem["detail"].as_str().unwrap().contains("unknown field `user_id`"));
    let task = app.create(&user, json!({"title": "a"})).await;
    let path = format!("/api/{}/tasks/{}", user.id, task["id"]);
    let response = app.request(Method::PATCH, &path, &user).json(&json!({"id": 7})).send().await.unwrap();
    assert_problem(response, 400).await;
}

#[tokio::test]
async fn a_body_without_a_json_content_type_is_415() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let path = format!("/api/{}/tasks", user.id);
    let plain = app.request(Method::POST, &path, &user).header("content-type", "text/plain").body(r#"{"title":"a"}"#);
    assert_problem(plain.send().await.unwrap(), 415).await;
    let missing = app.request(Method::POST, &path, &user).body(r#"{"title":"a"}"#);
    assert_problem(missing.send().await.unwrap(), 415).await;
    let task = app.create(&user, json!({"title": "a"})).await;
    let complete = format!("/api/{}/tasks/{}/complete", user.id, task["id"]);
    let form = app.request(Method::PATCH, &complete, &user).header("content-type", "text/plain").body("completed");
    assert_problem(form.send().await.unwrap(), 415).await;
}

#[tokio::test]
async fn a_body_over_64_kib_is_413() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let body = json!({"title": "a", "description": "x".repeat(70 * 1024)});
    assert_problem(app.post_task(&user, body).await, 413).await;
    assert_eq!(app.list(&user, "").await.1, 0);
}

#[tokio::test]
async fn every_broken_field_rule_is_listed_in_one_422() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let body = json!({"title": "", "description": "d".repeat(1001), "priority": "urgent",
                      "due_date": "2026-02-30", "tags": ["ok", "OK", "x".repeat(33)]});
    let problem = assert_problem(app.post_task(&user, body).await, 422).await;
    assert_eq!(problem["title"], "Unprocessable Entity");
    assert_eq!(problem["detail"], "validation failed");
    assert_eq!(error_fields(&problem), ["title", "description", "priority", "due_date", "tags[1]", "tags[2]"]);
    assert_eq!(problem["errors"][0]["message"], "must be 1-200 characters");
    assert_eq!(app.list(&user, "").await.1, 0, "nothing was written");
}

#[tokio::test]
async fn a_missing_title_and_too_many_tags_are_422() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let tags: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
    let problem = assert_problem(app.post_task(&user, json!({"tags": tags})).await, 422).await;
    assert_eq!(error_fields(&problem), ["title", "tags"]);
}

#[tokio::test]
async fn invalid_updates_are_422_and_leave_the_task_unchanged() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let task = app.create(&user, json!({"title": "keep me"})).await;
    let path = format!("/api/{}/tasks/{}", user.id, task["id"]);
    let put = app.request(Method::PUT, &path, &user).json(&json!({"title": " "})).send().await.unwrap();
    assert_eq!(error_fields(&assert_problem(put, 422).await), ["title"]);
    let patch = app
        .request(Method::PATCH, &path, &user)
        .json(&json!({"title": null, "priority": "none"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_fields(&assert_problem(patch, 422).await), ["title", "priority"]);
    let stored: serde_json::Value = app.request(Method::GET, &path, &user).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored, task);
}

#[tokio::test]
async fn bad_list_parameters_are_400_with_every_one_listed() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let response = app
        .request(
            Method::GET,
            &format!("/api/{}/tasks?status=done&limit=501&colour=red&due_before=tomorrow", user.id),
            &user,
        )
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 400).await;
    assert_eq!(error_fields(&problem), ["status", "limit", "colour", "due_before"]);
}

#[tokio::test]
async fn a_non_numeric_task_id_is_400() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let response = app.request(Method::GET, &format!("/api/{}/tasks/abc", user.id), &user).send().await.unwrap();
    assert_problem(response, 400).await;
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_get_problem_bodies() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    assert_problem(app.client.get(app.url("/api/nothing/here/at/all")).send().await.unwrap(), 404).await;
    let response = app.request(Method::POST, &format!("/api/{}/tasks/1", user.id), &user).send().await.unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert_problem(response, 405).await;
    assert!(allow.contains("PATCH"));
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_problem_without_internals() {
    async fn boom() -> &'static str {
        panic!("secret internals")
    }
    let router = axum::Router::new().route("/boom", axum::routing::get(boom));
    let app = ticklist::http::with_middleware(router);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let response = reqwest::get(format!("http://{address}/boom")).await.unwrap();
    let body = assert_problem(response, 500).await;
    assert!(!body.to_string().contains("secret"));
}
