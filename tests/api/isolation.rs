//! Two users: neither can read, change or even detect the other's tasks.
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn every_endpoint_on_another_users_path_is_403() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.user().await, app.user().await);
    let task = app.create(&bob, json!({"title": "bob's"})).await;
    let id = &task["id"];
    let cases = [
        (Method::GET, format!("/api/{}/tasks", bob.id), None),
        (Method::POST, format!("/api/{}/tasks", bob.id), Some(json!({"title": "x"}))),
        (Method::GET, format!("/api/{}/tasks/{id}", bob.id), None),
        (Method::PUT, format!("/api/{}/tasks/{id}", bob.id), Some(json!({"title": "x"}))),
        (Method::PATCH, format!("/api/{}/tasks/{id}", bob.id), Some(json!({"title": "x"}))),
        (Method::DELETE, format!("/api/{}/tasks/{id}", bob.id), None),
        (Method::PATCH, format!("/api/{}/tasks/{id}/complete", bob.id), None),
    ];
    for (method, path, body) in cases {
        let mut request = app.request(method.clone(), &path, &alice);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let problem = assert_problem(request.send().await.unwrap(), 403).await;
        assert!(!problem.to_string().contains("bob's"), "{method} {path}");
    }
    let stored = app.list(&bob, "").await;
    assert_eq!(stored.1, 1);
    assert_eq!(stored.0[0], task, "bob's task is untouched");
}

#[tokio::test]
async fn another_users_task_ids_are_404_exactly_like_missing_ones() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.user().await, app.user().await);
    let task = app.create(&bob, json!({"title": "bob's"})).await;
    let id = task["id"].as_i64().unwrap();
    let missing = id + 1000;
    for (method, suffix, body) in [
        (Method::GET, "", None),
        (Method::PUT, "", Some(json!({"title": "x"}))),
        (Method::PATCH, "", Some(json!({"title": "x"}))),
        (Method::PATCH, "/complete", None),
        (Method::DELETE, "", None),
    ] {
        let mut bodies = Vec::new();
        for target in [id, missing] {
            let mut request = app.request(method.clone(), &format!("/api/{}/tasks/{target}{suffix}", alice.id), &alice);
            if let Some(body) = &body {
                request = request.json(body);
            }
            bodies.push(assert_problem(request.send().await.unwrap(), 404).await);
        }
        assert_eq!(bodies[0], bodies[1], "{method} {suffix}");
    }
    let stored = app.list(&bob, "").await;
    assert_eq!(stored.0[0], task, "bob's task is untouched");
}

#[tokio::test]
async fn lists_never_include_another_users_tasks() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.user().await, app.user().await);
    app.create(&alice, json!({"title": "mine", "tags": ["shared"]})).await;
    app.create(&bob, json!({"title": "mine too", "tags": ["shared"]})).await;
    for query in ["", "q=mine", "tag=shared", "status=pending", "priority=medium", "sort=title&order=asc"] {
        let (tasks, total) = app.list(&alice, query).await;
        assert_eq!(total, 1, "{query}");
        assert!(tasks.iter().all(|t| t["user_id"] == alice.id.as_str()), "{query}");
    }
}
