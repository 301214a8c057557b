//! Tests of the request bodies' validation.
use super::*;

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn a_valid_new_task_is_trimmed_and_normalised() {
    let draft = NewTask {
        title: Some("  Buy milk ".into()),
        description: Some("2 litres".into()),
        priority: Some("high".into()),
        due_date: Some("2026-12-01".into()),
        tags: Some(vec![" Home ".into(), "errands".into()]),
    }
    .validate()
    .unwrap();
    assert_eq!(draft.title, "Buy milk");
    assert_eq!(draft.priority, Priority::High);
    assert_eq!(draft.due_date, NaiveDate::from_ymd_opt(2026, 12, 1));
    assert_eq!(draft.tags, vec!["home", "errands"]);
    assert!(!draft.completed);
}

#[test]
fn every_broken_rule_is_listed_at_once() {
    let errors = NewTask {
        title: Some("   ".into()),
        description: Some("x".repeat(1001)),
        priority: Some("urgent".into()),
        due_date: Some("2026-02-30".into()),
        tags: Some(vec!["a".into(), "A".into(), "".into(), "x".repeat(33)]),
    }
    .validate()
    .unwrap_err();
    assert_eq!(fields(&errors), ["title", "description", "priority", "due_date", "tags[1]", "tags[2]", "tags[3]"]);
}

#[test]
fn a_missing_title_is_required() {
    let errors = NewTask::default().validate().unwrap_err();
    assert_eq!(errors, vec![FieldError::new("title", "is required")]);
}

#[test]
fn limits_count_unicode_scalar_values_not_bytes() {
    let title = "é".repeat(200);
    assert!(NewTask { title: Some(title), ..Default::default() }.validate().is_ok());
    let too_long = "é".repeat(201);
    assert!(NewTask { title: Some(too_long), ..Default::default() }.validate().is_err());
    let eleven = (0..11).map(|i| format!("t{i}")).collect();
    let errors = NewTask { title: Some("t".into()), tags: Some(eleven), ..Default::default() }.validate().unwrap_err();
    assert_eq!(fields(&errors), ["tags"]);
}

#[test]
fn a_huge_tag_list_is_refused_by_its_count_alone() {
    // 40 000 identical tags: before, each was compared with every earlier one (minutes of CPU for a
    // 2 MB form); now the count is checked first and nothing else is looked at.
    let tags = vec!["x".to_owned(); 40_000];
    let errors = NewTask { title: Some("t".into()), tags: Some(tags), ..Default::default() }.validate().unwrap_err();
    assert_eq!(errors, vec![FieldError::new("tags", "must be at most 10 tags")], "one error, no per-tag work");
}

#[test]
fn a_patch_leaves_absent_fields_alone_and_clears_nullable_ones() {
    let patch: TaskPatch = serde_json::from_str(r#"{"description":null,"priority":"low"}"#).unwrap();
    let changes = patch.validate().unwrap();
    assert_eq!(changes.description, Some(None));
    assert_eq!(changes.priority, Some(Priority::Low));
    assert_eq!(changes.title, None);
    assert_eq!(changes.due_date, None);
}

#[test]
fn a_patch_refuses_null_for_required_fields() {
    let patch: TaskPatch = serde_json::from_str(r#"{"title":null,"completed":null,"priority":null}"#).unwrap();
    assert_eq!(fields(&patch.validate().unwrap_err()), ["title", "completed", "priority"]);
}

#[test]
fn unknown_fields_are_rejected() {
    assert!(serde_json::from_str::<NewTask>(r#"{"title":"a","owner":"b"}"#).is_err());
    assert!(serde_json::from_str::<TaskPatch>(r#"{"user_id":"b"}"#).is_err());
    assert!(serde_json::from_str::<CompleteBody>(r#"{"done":true}"#).is_err());
}
