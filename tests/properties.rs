//! Property tests on everything a client can send: any input to the validators and the list-query
//! parser is either accepted in a form that keeps every rule, or refused with field errors; nothing
//! panics.
use proptest::prelude::*;
use ticklist::model::{NewTask, TAG_MAX, TAGS_MAX, TITLE_MAX, TaskPatch, TaskQuery};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,40}", "[ \\t]{0,3}[a-zA-Z]{0,5}[ \\t]{0,3}", ".{190,210}", "\\PC{0,1001}"]
}

proptest! {
    #[test]
    fn new_tasks_are_accepted_only_when_every_rule_holds(
        title in proptest::option::of(text()),
        description in proptest::option::of(text()),
        priority in proptest::option::of(prop_oneof!["low|medium|high", ".{0,8}"]),
        due_date in proptest::option::of(prop_oneof!["20[0-9]{2}-[01][0-9]-[0-3][0-9]", ".{0,12}"]),
        tags in proptest::option::of(proptest::collection::vec(".{0,40}", 0..13)),
    ) {
        let input = NewTask { title, description, priority, due_date, tags };
        match input.clone().validate() {
            Ok(draft) => {
                prop_assert!((1..=TITLE_MAX).contains(&draft.title.chars().count()));
                prop_assert_eq!(draft.title.trim(), draft.title.as_str());
                prop_assert!(draft.tags.len() <= TAGS_MAX);
                for (i, tag) in draft.tags.iter().enumerate() {
                    prop_assert!((1..=TAG_MAX).contains(&tag.chars().count()));
                    prop_assert_eq!(tag.to_lowercase(), tag.clone());
                    prop_assert!(!draft.tags[..i].contains(tag), "tags are unique");
                }
                prop_assert!(draft.description.is_none_or(|d| d.chars().count() <= 1000));
            }
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }

    #[test]
    fn any_json_body_either_parses_and_validates_or_is_refused_without_panicking(body in ".{0,200}") {
        if let Ok(input) = serde_json::from_str::<NewTask>(&body) {
            let _ = input.validate();
        }
        if let Ok(patch) = serde_json::from_str::<TaskPatch>(&body) {
            let _ = patch.validate();
        }
    }

    #[test]
    fn list_queries_that_parse_keep_their_limits(raw in "([a-z_]{1,10}=[-a-z0-9_%+.]{0,12}&?){0,6}") {
        if let Ok(query) = TaskQuery::parse(&raw) {
            prop_assert!((1..=500).contains(&query.limit));
            prop_assert!(query.tags.len() <= TAGS_MAX);
        }
    }
}
