//! List parameters, alone and combined, and pagination edges.
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, TestUser};

/// Five tasks with distinct fields; created in this order (so `created_at` ascending is a..e).
async fn seeded() -> (TestApp, TestUser) {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    for body in [
        json!({"title": "alpha", "description": "Milk and bread", "priority": "low", "due_date": "2026-12-01", "tags": ["home"]}),
        json!({"title": "Bravo", "priority": "high", "due_date": "2026-11-01", "tags": ["work", "urgent"]}),
        json!({"title": "charlie 100%", "priority": "medium", "tags": ["home", "work"]}),
        json!({"title": "delta_x", "description": "ÉCOLE trip", "priority": "high", "due_date": "2027-01-15"}),
        json!({"title": "echo", "priority": "low", "due_date": "2026-11-20", "tags": ["home"]}),
    ] {
        app.create(&user, body).await;
        // Distinct millisecond timestamps keep created_at order unambiguous.
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let tasks = app.list(&user, "").await.0;
    let bravo = tasks.iter().find(|t| t["title"] == "Bravo").unwrap();
    let path = format!("/api/{}/tasks/{}/complete", user.id, bravo["id"]);
    app.request(Method::PATCH, &path, &user).send().await.unwrap();
    (app, user)
}

#[tokio::test]
async fn the_default_list_is_newest_first_with_the_total() {
    let (app, user) = seeded().await;
    assert_eq!(app.titles(&user, "").await, ["echo", "delta_x", "charlie 100%", "Bravo", "alpha"]);
    assert_eq!(app.list(&user, "").await.1, 5);
}

#[tokio::test]
async fn status_filters_pending_and_completed() {
    let (app, user) = seeded().await;
    assert_eq!(app.titles(&user, "status=completed").await, ["Bravo"]);
    assert_eq!(app.list(&user, "status=pending").await.1, 4);
    assert_eq!(app.list(&user, "status=all").await.1, 5);
}

#[tokio::test]
async fn search_is_case_insensitive_over_title_and_description() {
    let (app, user) = seeded().await;
    assert_eq!(app.titles(&user, "q=MILK").await, ["alpha"]);
    assert_eq!(app.titles(&user, "q=bravo").await, ["Bravo"]);
    assert_eq!(app.titles(&user, "q=%C3%A9cole").await, ["delta_x"], "non-ASCII case folding");
    assert_eq!(app.titles(&user, "q=100%25").await, ["charlie 100%"], "% is literal");
    assert_eq!(app.titles(&user, "q=a_x").await, ["delta_x"], "_ is literal");
    assert!(app.titles(&user, "q=zzz").await.is_empty());
}

#[tokio::test]
async fn tags_filter_requires_every_tag_given() {
    let (app, user) = seeded().await;
    assert_eq!(app.titles(&user, "tag=home").await, ["echo", "charlie 100%", "alpha"]);
    assert_eq!(app.titles(&user, "tag=home&tag=work").await, ["charlie 100%"]);
    assert_eq!(app.titles(&user, "tag=HOME&tag=urgent").await, Vec::<String>::new());
    assert_eq!(app.list(&user, "tag=work").await.1, 2);
}

#[tokio::test]
async fn priority_and_due_date_ranges_filter() {
    let (app, user) = seeded().await;
    assert_eq!(app.titles(&user, "priority=high").await, ["delta_x", "Bravo"]);
    assert_eq!(app.titles(&user, "due_before=2026-11-20").await, ["echo", "Bravo"], "inclusive");
    assert_eq!(app.titles(&user, "due_after=2026-12-01").await, ["delta_x", "alpha"], "inclusive");
    assert_eq!(app.titles(&user, "due_after=2026-11-15&due_before=2026-12-31").await, ["echo", "alpha"]);
}

#[tokio::test]
async fn every_sort_key_sorts_both_ways() {
    let (app, user) = seeded().await;
    assert_eq!(
        app.titles(&user, "sort=created_at&order=asc").await,
        ["alpha", "Bravo", "charlie 100%", "delta_x", "echo"]
    );
    assert_eq!(app.titles(&user, "sort=title&order=asc").await, ["alpha", "Bravo", "charlie 100%", "delta_x", "echo"]);
    assert_eq!(app.titles(&user, "sort=title").await, ["echo", "delta_x", "charlie 100%", "Bravo", "alpha"]);
    assert_eq!(
        app.titles(&user, "sort=due_date&order=asc").await,
        ["Bravo", "echo", "alpha", "delta_x", "charlie 100%"]
    );
    assert_eq!(
        app.titles(&user, "sort=due_date&order=desc").await,
        ["delta_x", "alpha", "echo", "Bravo", "charlie 100%"]
    );
    assert_eq!(
        app.titles(&user, "sort=priority&order=desc").await,
        ["delta_x", "Bravo", "charlie 100%", "echo", "alpha"]
    );
    assert_eq!(app.titles(&user, "sort=updated_at").await[0], "Bravo", "the last one changed");
}

#[tokio::test]
async fn filters_combine_with_sorting_and_paging() {
    let (app, user) = seeded().await;
    let (tasks, total) = app.list(&user, "status=pending&tag=home&sort=title&order=asc&limit=1&offset=1").await;
    assert_eq!(total, 3);
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["title"], "charlie 100%");
    assert_eq!(
        app.titles(&user, "priority=low&q=h&due_before=2026-12-31&sort=due_date&order=asc").await,
        ["echo", "alpha"]
    );
}

#[tokio::test]
async fn pagination_edges() {
    let (app, user) = seeded().await;
    let (page, total) = app.list(&user, "limit=2").await;
    assert_eq!((page.len(), total), (2, 5));
    let (page, total) = app.list(&user, "limit=2&offset=4").await;
    assert_eq!((page.len(), total), (1, 5));
    let (page, total) = app.list(&user, "offset=5").await;
    assert_eq!((page.len(), total), (0, 5));
    let (page, _) = app.list(&user, "offset=9223372036854775807&limit=500").await;
    assert!(page.is_empty());
    let mut seen = Vec::new();
    for offset in (0..5).step_by(2) {
        seen.extend(app.titles(&user, &format!("limit=2&offset={offset}&sort=title&order=asc")).await);
    }
    assert_eq!(seen, ["alpha", "Bravo", "charlie 100%", "delta_x", "echo"], "pages neither repeat nor skip");
    for bad in ["limit=0", "limit=501", "limit=x", "offset=-1"] {
        let response = app.request(Method::GET, &format!("/api/{}/tasks?{bad}", user.id), &user).send().await.unwrap();
        assert_eq!(response.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn the_total_follows_creates_completions_and_deletes() {
    let (app, user) = seeded().await;
    let tasks = app.list(&user, "").await.0;
    let path = format!("/api/{}/tasks/{}", user.id, tasks[0]["id"]);
    app.request(Method::DELETE, &path, &user).send().await.unwrap();
    assert_eq!(app.list(&user, "").await.1, 4);
    assert_eq!(app.list(&user, "status=completed").await.1, 1);
    let gone = app.request(Method::PATCH, &format!("{path}/complete"), &user).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    let other = format!("/api/{}/tasks/{}/complete", user.id, tasks[1]["id"]);
    app.request(Method::PATCH, &other, &user).json(&json!({"completed": true})).send().await.unwrap();
    assert_eq!(app.list(&user, "status=completed").await.1, 2);
    assert_eq!(app.list(&user, "status=pending").await.1, 2);
}
