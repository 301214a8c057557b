//! Hostile sizes: every body is bounded (413 problem, whatever the route), query strings too (414),
//! and validation stops at the first broken limit, so no request buys more work than a normal one.
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

const THREE_MIB: usize = 3 * 1024 * 1024;

#[tokio::test]
async fn a_body_over_64_kib_is_refused_with_413_on_every_kind_of_route() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let body = "x".repeat(THREE_MIB);
    let routes = [
        (format!("/api/{}/tasks", user.id), "application/json"),
        ("/api/auth/sign-in/email".to_owned(), "application/json"),
        ("/tasks/new".to_owned(), "application/x-www-form-urlencoded"),
        ("/sign-in".to_owned(), "application/x-www-form-urlencoded"),
        ("/api/fn/list_tasks".to_owned(), "application/json"),
    ];
    for (path, content_type) in routes {
        let response = app
            .request(Method::POST, &path, &user)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 413).await;
        assert_eq!(problem["detail"], "the body is larger than 64 KiB", "{path}");
    }
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_is_refused_too() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(vec![b' '; 16 * 1024]));
    let response = app
        .request(Method::POST, &format!("/api/{}/tasks", user.id), &user)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;
}

#[tokio::test]
async fn a_query_string_over_4_kb_is_refused_with_414_before_parsing() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let query = "tag=a&".repeat(1_000);
    let response = app.request(Method::GET, &format!("/api/{}/tasks?{query}", user.id), &user).send().await.unwrap();
    let problem = assert_problem(response, 414).await;
    assert_eq!(problem["detail"], "the query string is longer than 4096 bytes");
}

#[tokio::test]
async fn too_many_query_parameters_are_one_error_not_one_each() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let query = (0..200).map(|i| format!("p{i}=1")).collect::<Vec<_>>().join("&");
    let response = app.request(Method::GET, &format!("/api/{}/tasks?{query}", user.id), &user).send().await.unwrap();
    let problem = assert_problem(response, 400).await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), ticklist::model::PARAMETERS_MAX + 1);
    assert_eq!(errors.last().unwrap(), &json!({"field": "query", "message": "must have at most 32 parameters"}));
}

#[tokio::test]
async fn thousands_of_tags_get_one_error_for_their_count() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let tags: Vec<String> = vec!["same".into(); 5_000];
    let response = app.post_task(&user, json!({"title": "t", "tags": tags})).await;
    let problem: Value = assert_problem(response, 422).await;
    assert_eq!(problem["errors"], json!([{"field": "tags", "message": "must be at most 10 tags"}]));
}
