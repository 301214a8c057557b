//! Every endpoint's success path.
use reqwest::Method;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn creating_a_task_returns_201_the_task_and_its_location() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let response = app
        .post_task(
            &user,
            json!({"title": "  Buy milk ", "description": "2 litres", "priority": "high",
                   "due_date": "2026-12-01", "tags": ["Home", " errands "]}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let task: serde_json::Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/{}/tasks/{}", user.id, task["id"]));
    assert_eq!(task["title"], "Buy milk");
    assert_eq!(task["description"], "2 litres");
    assert_eq!(task["completed"], false);
    assert_eq!(task["priority"], "high");
    assert_eq!(task["due_date"], "2026-12-01");
    assert_eq!(task["tags"], json!(["home", "errands"]));
    assert_eq!(task["user_id"], user.id.as_str());
    assert_eq!(task["created_at"], task["updated_at"]);
    let created_at = task["created_at"].as_str().unwrap();
    assert!(created_at.ends_with('Z') && created_at.len() == 24, "{created_at}");

    let fetched: serde_json::Value =
        app.client.get(app.url(&location)).bearer_auth(&user.token).send().await.unwrap().json().await.unwrap();
    assert_eq!(fetched, task);
}

#[tokio::test]
async fn a_minimal_task_takes_the_defaults() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let task = app.create(&user, json!({"title": "x"})).await;
    assert_eq!(task["description"], serde_json::Value::Null);
    assert_eq!(task["priority"], "medium");
    assert_eq!(task["due_date"], serde_json::Value::Null);
    assert_eq!(task["tags"], json!([]));
}

#[tokio::test]
async fn put_replaces_every_field_and_defaults_the_missing_ones() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let task = app.create(&user, json!({"title": "a", "description": "d", "priority": "high", "tags": ["t"]})).await;
    let path = format!("/api/{}/tasks/{}", user.id, task["id"]);
    let response =
        app.request(Method::PUT, &path, &user).json(&json!({"title": "b", "completed": true})).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let replaced: serde_json::Value = response.json().await.unwrap();
    assert_eq!(replaced["title"], "b");
    assert_eq!(replaced["completed"], true);
    assert_eq!(replaced["description"], serde_json::Value::Null);
    assert_eq!(replaced["priority"], "medium");
    assert_eq!(replaced["tags"], json!([]));
    assert_eq!(replaced["created_at"], task["created_at"]);
    assert_ne!(replaced["updated_at"], task["updated_at"]);
}

#[tokio::test]
async fn patch_changes_only_the_fields_sent_and_null_clears() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let task =
        app.create(&user, json!({"title": "a", "description": "d", "due_date": "2026-01-01", "tags": ["x"]})).await;
    let path = format!("/api/{}/tasks/{}", user.id, task["id"]);
    let response = app
        .request(Method::PATCH, &path, &user)
        .json(&json!({"priority": "low", "description": null, "tags": ["y", "z"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let patched: serde_json::Value = response.json().await.unwrap();
    assert_eq!(patched["title"], "a");
    assert_eq!(patched["priority"], "low");
    assert_eq!(patched["description"], serde_json::Value::Null);
    assert_eq!(patched["due_date"], "2026-01-01");
    assert_eq!(patched["tags"], json!(["y", "z"]));
    let stored: serde_json::Value = app.request(Method::GET, &path, &user).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored, patched);
}

#[tokio::test]
async fn an_empty_patch_changes_nothing() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let task = app.create(&user, json!({"title": "a"})).await;
    let path = format!("/api/{}/tasks/{}", user.id, task["id"]);
    let same: serde_json::Value =
        app.request(Method::PATCH, &path, &user).json(&json!({})).send().await.unwrap().json().await.unwrap();
    assert_eq!(same, task);
}

#[tokio::test]
async fn complete_without_a_body_or_with_null_toggles_and_with_a_body_sets() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let task = app.create(&user, json!({"title": "a"})).await;
    let path = format!("/api/{}/tasks/{}/complete", user.id, task["id"]);
    let toggle = || app.request(Method::PATCH, &path, &user);
    let done: serde_json::Value = toggle().send().await.unwrap().json().await.unwrap();
    assert_eq!(done["completed"], true);
    let open: serde_json::Value = toggle().send().await.unwrap().json().await.unwrap();
    assert_eq!(open["completed"], false);
    for _ in 0..2 {
        let set: serde_json::Value =
            toggle().json(&json!({"completed": true})).send().await.unwrap().json().await.unwrap();
        assert_eq!(set["completed"], true);
    }
    // A JSON `null` body counts as no body: it toggles.
    let null: serde_json::Value = toggle().json(&serde_json::Value::Null).send().await.unwrap().json().await.unwrap();
    assert_eq!(null["completed"], false);
}

#[tokio::test]
async fn deleting_a_task_returns_204_and_then_it_is_gone() {
    let app = TestApp::spawn().await;
    let user = app.user().await;
    let task = app.create(&user, json!({"title": "a"})).await;
    let path = format!("/api/{}/tasks/{}", user.id, task["id"]);
    let response = app.request(Method::DELETE, &path, &user).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(app.request(Method::GET, &path, &user).send().await.unwrap().status(), 404);
    assert_eq!(app.request(Method::DELETE, &path, &user).send().await.unwrap().status(), 404);
    assert_eq!(app.list(&user, "").await.1, 0);
}

#[tokio::test]
async fn health_and_readiness_answer_200_without_auth() {
    let app = TestApp::spawn().await;
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_openapi_document_covers_every_path_and_schema() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value =
        app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in ["/api/{user_id}/tasks", "/api/{user_id}/tasks/{id}", "/api/{user_id}/tasks/{id}/complete"] {
        assert!(paths.contains_key(path), "{path}");
    }
    assert_eq!(
        paths["/api/{user_id}/tasks/{id}"].as_object().unwrap().len(),
        4 + usize::from(paths["/api/{user_id}/tasks/{id}"].get("parameters").is_some())
    );
    let parameters: Vec<_> = paths["/api/{user_id}/tasks"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in ["status", "q", "tag", "priority", "due_before", "due_after", "sort", "order", "limit", "offset"] {
        assert!(parameters.contains(&name), "{name}");
    }
    for schema in ["Task", "NewTask", "TaskPatch", "TaskReplace", "Problem", "FieldError", "Priority"] {
        assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema}");
    }
}

#[tokio::test]
async fn the_openapi_document_states_the_validation_rules() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value =
        app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    let schemas = &doc["components"]["schemas"];
    for body in ["NewTask", "TaskReplace"] {
        assert_eq!(schemas[body]["required"], serde_json::json!(["title"]), "{body}: title is required");
    }
    for body in ["NewTask", "TaskReplace", "TaskPatch"] {
        let fields = &schemas[body]["properties"];
        assert_eq!(fields["title"]["type"], "string", "{body}: title is never null");
        assert_eq!(
            (fields["title"]["minLength"].as_u64(), fields["title"]["maxLength"].as_u64()),
            (Some(1), Some(200))
        );
        assert_eq!(fields["description"]["maxLength"], 1000, "{body}");
        assert!(fields["tags"].to_string().contains("#/components/schemas/Tags"), "{body}: {}", fields["tags"]);
        assert_eq!(schemas[body]["additionalProperties"], false, "{body}: unknown fields are refused");
    }
    assert_eq!((schemas["Tags"]["maxItems"].as_u64(), &schemas["Tags"]["uniqueItems"]), (Some(10), &json!(true)));
    assert_eq!(schemas["Tags"]["items"]["$ref"], "#/components/schemas/TagName");
    assert_eq!(schemas["TagName"]["maxLength"], 32);
    assert_eq!(schemas["TagName"]["pattern"], ticklist::model::TAG_PATTERN);
    // In a PATCH, null clears description, due date and tags, and is refused for the others.
    let patch = &schemas["TaskPatch"];
    assert!(patch.get("required").is_none(), "every PATCH field is optional");
    assert_eq!(patch["properties"]["completed"]["type"], "boolean");
    assert_eq!(patch["properties"]["priority"]["$ref"], "#/components/schemas/Priority");
    let parameters = doc["paths"]["/api/{user_id}/tasks"]["get"]["parameters"].as_array().unwrap();
    let parameter = |name: &str| parameters.iter().find(|p| p["name"] == name).unwrap()["schema"].clone();
    assert_eq!((parameter("limit")["minimum"].as_u64(), parameter("limit")["maximum"].as_u64()), (Some(1), Some(500)));
    assert_eq!(parameter("due_before")["format"], "date");
    assert_eq!(parameter("sort")["pattern"], "^(created_at|updated_at|title|due_date|priority)$");
}
