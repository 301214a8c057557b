//! The JSON shape of a task is written three times: serde's derive on `Task`, and the SQL that builds a
//! list page as JSON in the database (`PAGE_AS_JSON` for SQLite and for PostgreSQL, kept for speed).
//! This test holds the three together, field by field, for a task with every field set and one with
//! every optional field unset, on values that a JSON writer could get wrong (escapes, non-BMP text,
//! whole-second and last-millisecond timestamps, the largest date).
use chrono::{DateTime, NaiveDate, Utc};
use ticklist::model::{Priority, Task, TaskDraft, TaskQuery};

use super::{Backend, store};

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
}

pub async fn the_sql_json_of_tasks_equals_their_serde_json(backend: Backend) {
    let (store, _db) = store(backend).await;
    let every_field_set = TaskDraft {
        title: "\"quoted\" \\ back\\slash </script> \t tab 😀 ü".into(),
        description: Some("line 1\nline 2\r\n\u{1} control, \u{2028} separator".into()),
        completed: true,
        priority: Priority::High,
        due_date: NaiveDate::from_ymd_opt(9999, 12, 31),
        tags: vec!["zeta".into(), "älpha".into(), "with space".into()],
    };
    let every_optional_field_unset = TaskDraft {
        title: "t".into(),
        description: None,
        completed: false,
        priority: Priority::default(),
        due_date: None,
        tags: vec![],
    };
    // The SQL spells the priorities out too: the third one.
    let low = TaskDraft { priority: Priority::Low, ..every_optional_field_unset.clone() };
    // A whole second (no fraction to print) and the last millisecond of a second.
    store.insert_task("u", &every_field_set, at("2026-01-02T03:04:05Z")).await.unwrap();
    store.insert_task("u", &every_optional_field_unset, at("2026-12-31T23:59:59.999Z")).await.unwrap();
    store.insert_task("u", &low, at("2026-06-15T12:00:00.001Z")).await.unwrap();

    let (json, total) = store.list_tasks_json("u", &TaskQuery::default()).await.unwrap();
    let json = std::str::from_utf8(&json).expect("the JSON is UTF-8");
    let sql_built: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let read: Vec<Task> = store.list_tasks("u", &TaskQuery::default()).await.unwrap().tasks;
    assert_eq!((total, read.len()), (3, 3));
    let serde_built = serde_json::to_value(&read).unwrap();
    // Field by field first, so a drift names the field.
    for (sql_task, serde_task) in sql_built.as_array().unwrap().iter().zip(serde_built.as_array().unwrap()) {
        let (sql_task, serde_task) = (sql_task.as_object().unwrap(), serde_task.as_object().unwrap());
        assert_eq!(
            sql_task.keys().collect::<Vec<_>>(),
            serde_task.keys().collect::<Vec<_>>(),
            "the same fields, in the same order"
        );
        for (field, value) in serde_task {
            assert_eq!(&sql_task[field], value, "{field}");
        }
    }
    assert_eq!(sql_built, serde_built);
    // And the SQL-built text reads back as the same tasks.
    assert_eq!(serde_json::from_str::<Vec<Task>>(json).unwrap(), read);
}
