//! The store contract: one suite, run on SQLite and on PostgreSQL (the PostgreSQL half fails loudly
//! when no server can be had; see `scripts/pg-test-url`).
//! Longer than most files: the store contract is one list of tests (`on_both_backends!`), kept in one
//! file except for the JSON shape and the read cache, which have their own.
#[path = "../common/mod.rs"]
mod common;
mod json_shape;
mod read_cache;

use chrono::{NaiveDate, Utc};
use common::{Backend, TestDb};
use ticklist::db::{JwkRow, Store, TaskCounts};
use ticklist::model::{Priority, TaskDraft, TaskQuery};
use ticklist::tasks;

use json_shape::the_sql_json_of_tasks_equals_their_serde_json;
use read_cache::{
    a_write_through_another_instance_is_seen, every_kind_of_write_is_seen_by_the_next_read,
    one_users_kept_answers_never_reach_another,
};

async fn store(backend: Backend) -> (Store, TestDb) {
    let db = TestDb::new(backend).await;
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    (store, db)
}

fn draft(title: &str) -> TaskDraft {
    TaskDraft {
        title: title.into(),
        description: None,
        completed: false,
        priority: Priority::Medium,
        due_date: None,
        tags: vec![],
    }
}

async fn a_task_round_trips_every_field(backend: Backend) {
    let (store, _db) = store(backend).await;
    let now = ticklist::clock::now();
    let full = TaskDraft {
        title: "Ünïcode ✓".into(),
        description: Some("line 1\nline 2".into()),
        completed: true,
        priority: Priority::High,
        due_date: NaiveDate::from_ymd_opt(2026, 12, 31),
        tags: vec!["b".into(), "a".into()],
    };
    let task = store.insert_task("u1", &full, now).await.unwrap();
    let read = store.get_task("u1", task.id).await.unwrap().unwrap();
    assert_eq!(read, task);
    assert_eq!(read.created_at, now);
    assert_eq!(read.tags, ["b", "a"], "tag order is kept");
}

async fn every_read_and_write_is_scoped_by_user(backend: Backend) {
    let (store, _db) = store(backend).await;
    let task = store.insert_task("owner", &draft("mine"), ticklist::clock::now()).await.unwrap();
    assert_eq!(store.get_task("intruder", task.id).await.unwrap(), None);
    let changed = store.update_task("intruder", task.id, ticklist::clock::now(), |_| draft("stolen")).await.unwrap();
    assert_eq!(changed, None);
    assert!(!store.delete_task("intruder", task.id).await.unwrap());
    assert_eq!(store.set_all_completed("intruder", true, ticklist::clock::now()).await.unwrap(), 0);
    assert_eq!(store.delete_completed("intruder").await.unwrap(), 0);
    assert_eq!(store.list_tasks("intruder", &TaskQuery::default()).await.unwrap().total, 0);
    assert_eq!(store.get_task("owner", task.id).await.unwrap().unwrap(), task);
}

async fn an_update_that_changes_nothing_keeps_updated_at(backend: Backend) {
    let (store, _db) = store(backend).await;
    let task = store.insert_task("u", &draft("same"), ticklist::clock::now()).await.unwrap();
    let later = task.updated_at + chrono::Duration::seconds(5);
    let same = store.update_task("u", task.id, later, |_| draft("same")).await.unwrap().unwrap();
    assert_eq!(same.updated_at, task.updated_at);
    let changed = store.update_task("u", task.id, later, |_| draft("new")).await.unwrap().unwrap();
    assert_eq!(changed.updated_at, later);
    assert_eq!(store.get_task("u", task.id).await.unwrap().unwrap(), changed);
}

async fn changing_tags_changes_what_the_tag_filter_finds(backend: Backend) {
    let (store, _db) = store(backend).await;
    let task = store
        .insert_task("u", &TaskDraft { tags: vec!["old".into()], ..draft("t") }, ticklist::clock::now())
        .await
        .unwrap();
    let by_tag = |tag: &str| TaskQuery { tags: vec![tag.into()], ..TaskQuery::default() };
    assert_eq!(store.list_tasks("u", &by_tag("old")).await.unwrap().total, 1);
    store
        .update_task("u", task.id, ticklist::clock::now(), |t| TaskDraft {
            tags: vec!["new".into()],
            ..draft(&t.title)
        })
        .await
        .unwrap();
    assert_eq!(store.list_tasks("u", &by_tag("old")).await.unwrap().total, 0);
    assert_eq!(store.list_tasks("u", &by_tag("new")).await.unwrap().tasks[0].id, task.id);
}

async fn counts_stay_in_step_with_every_kind_of_write(backend: Backend) {
    let (store, _db) = store(backend).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(
            store
                .insert_task(
                    "u",
                    &TaskDraft { completed: i % 3 == 0, ..draft(&format!("t{i}")) },
                    ticklist::clock::now(),
                )
                .await
                .unwrap()
                .id,
        );
    }
    let count = |status: &str| {
        let query = TaskQuery::parse(&format!("status={status}")).unwrap();
        let store = store.clone();
        async move { store.list_tasks("u", &query).await.unwrap().total }
    };
    assert_eq!((count("all").await, count("completed").await, count("pending").await), (6, 2, 4));
    let counts = store.task_counts("u").await.unwrap();
    assert_eq!((counts.total, counts.completed, counts.pending()), (6, 2, 4));
    store.delete_task("u", ids[0]).await.unwrap();
    assert_eq!((count("all").await, count("completed").await), (5, 1));
    store.set_all_completed("u", true, ticklist::clock::now()).await.unwrap();
    assert_eq!((count("completed").await, count("pending").await), (5, 0));
    store
        .update_task("u", ids[1], ticklist::clock::now(), |t| TaskDraft { completed: false, ..draft(&t.title) })
        .await
        .unwrap();
    assert_eq!(count("pending").await, 1);
    assert_eq!(store.delete_completed("u").await.unwrap(), 4);
    assert_eq!((count("all").await, count("completed").await, count("pending").await), (1, 0, 1));
    assert_eq!(store.task_counts("u").await.unwrap(), TaskCounts { total: 1, completed: 0 });
    assert_eq!(store.task_counts("nobody").await.unwrap(), TaskCounts::default());
    // A filtered count (computed with COUNT(*)) agrees with the kept counts.
    let filtered = TaskQuery { q: Some("t".into()), ..TaskQuery::default() };
    assert_eq!(store.list_tasks("u", &filtered).await.unwrap().total, 1);
}

async fn concurrent_toggles_of_one_task_lose_no_update(backend: Backend) {
    let (store, _db) = store(backend).await;
    let task = store.insert_task("u", &draft("busy"), ticklist::clock::now()).await.unwrap();
    let mut handles = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        handles.push(tokio::spawn(async move { tasks::complete(&store, "u", task.id, None).await.unwrap() }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let final_state = store.get_task("u", task.id).await.unwrap().unwrap();
    assert!(!final_state.completed, "20 toggles end where they began");
    let completed = store.list_tasks("u", &TaskQuery::parse("status=completed").unwrap()).await.unwrap().total;
    assert_eq!(completed, 0, "the kept count agrees");
}

async fn setting_completion_changes_a_task_only_when_it_differs(backend: Backend) {
    let (store, _db) = store(backend).await;
    let task = store.insert_task("u", &draft("open"), ticklist::clock::now()).await.unwrap();
    let later = task.updated_at + chrono::Duration::seconds(5);
    let same = store.set_completed("u", task.id, Some(false), later).await.unwrap().unwrap();
    assert_eq!(same, task, "already open: left as it is");
    assert_eq!(store.change_version("u").await.unwrap(), 1, "and no change counted");

    let done = store.set_completed("u", task.id, Some(true), later).await.unwrap().unwrap();
    assert!(done.completed);
    assert_eq!(done.updated_at, later);
    assert_eq!((done.title.as_str(), done.created_at), ("open", task.created_at));
    assert_eq!(store.get_task("u", task.id).await.unwrap().unwrap(), done);
    assert_eq!(store.task_counts("u").await.unwrap(), TaskCounts { total: 1, completed: 1 });
    assert_eq!(store.change_version("u").await.unwrap(), 2);

    let flipped = store.set_completed("u", task.id, None, later).await.unwrap().unwrap();
    assert!(!flipped.completed);
    assert_eq!(store.task_counts("u").await.unwrap(), TaskCounts { total: 1, completed: 0 });

    assert_eq!(store.set_completed("intruder", task.id, None, later).await.unwrap(), None);
    assert_eq!(store.set_completed("u", task.id + 1000, Some(true), later).await.unwrap(), None);
    assert_eq!(store.get_task("u", task.id).await.unwrap().unwrap(), flipped, "untouched by the intruder");
    assert_eq!(store.change_version("u").await.unwrap(), 3);
    assert_eq!(store.change_version("intruder").await.unwrap(), 0);
}

/// Many writes at once (which SQLite commits in groups): every one counted, none lost or doubled.
async fn concurrent_writes_of_every_kind_keep_counts_and_versions_exact(backend: Backend) {
    let (store, _db) = store(backend).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(store.insert_task("u", &draft(&format!("first {i}")), ticklist::clock::now()).await.unwrap().id);
    }
    let mut writes = tokio::task::JoinSet::new();
    for i in 0..30 {
        let store = store.clone();
        let toggled = ids[i % 5];
        writes.spawn(async move {
            let tags = TaskDraft { tags: vec![format!("t{}", i % 3)], ..draft(&format!("new {i}")) };
            store.insert_task("u", &tags, ticklist::clock::now()).await.unwrap();
            assert!(store.set_completed("u", toggled, None, ticklist::clock::now()).await.unwrap().is_some());
        });
    }
    for &id in &ids[5..] {
        let store = store.clone();
        writes.spawn(async move { assert!(store.delete_task("u", id).await.unwrap()) });
    }
    writes.join_all().await;
    // 10 + 30 creates, 30 toggles (each of the first five tasks six times: open again), 5 deletes.
    assert_eq!(store.change_version("u").await.unwrap(), 75);
    assert_eq!(store.task_counts("u").await.unwrap(), TaskCounts { total: 35, completed: 0 });
    let all = store.list_tasks("u", &TaskQuery::parse("limit=100").unwrap()).await.unwrap();
    assert_eq!((all.total, all.tasks.len()), (35, 35));
    assert!(all.tasks.iter().all(|task| !task.completed));
    let tagged = TaskQuery { tags: vec!["t1".into()], ..TaskQuery::default() };
    assert_eq!(store.list_tasks("u", &tagged).await.unwrap().total, 10, "each new task's tag written with it");
}

async fn search_folds_unicode_case_and_escapes_wildcards(backend: Backend) {
    let (store, _db) = store(backend).await;
    store
        .insert_task("u", &TaskDraft { description: Some("ÉCOLE".into()), ..draft("a") }, ticklist::clock::now())
        .await
        .unwrap();
    store.insert_task("u", &draft("50% off"), ticklist::clock::now()).await.unwrap();
    store.insert_task("u", &draft("500 off"), ticklist::clock::now()).await.unwrap();
    let search = |q: &str| TaskQuery { q: Some(q.into()), ..TaskQuery::default() };
    assert_eq!(store.list_tasks("u", &search("école")).await.unwrap().total, 1);
    assert_eq!(store.list_tasks("u", &search("50%")).await.unwrap().tasks[0].title, "50% off");
    assert_eq!(store.list_tasks("u", &search("0_")).await.unwrap().total, 0);
}

async fn sorting_is_the_same_on_both_backends(backend: Backend) {
    let (store, _db) = store(backend).await;
    for (title, due, priority) in
        [("b", Some(2), Priority::Low), ("A", None, Priority::High), ("c", Some(1), Priority::Medium)]
    {
        let due_date = due.map(|d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap());
        store
            .insert_task("u", &TaskDraft { due_date, priority, ..draft(title) }, ticklist::clock::now())
            .await
            .unwrap();
    }
    let titles = |raw: &str| {
        let store = store.clone();
        let query = TaskQuery::parse(raw).unwrap();
        async move { store.list_tasks("u", &query).await.unwrap().tasks.into_iter().map(|t| t.title).collect::<Vec<_>>() }
    };
    assert_eq!(titles("sort=title&order=asc").await, ["A", "b", "c"]);
    assert_eq!(titles("sort=due_date&order=asc").await, ["c", "b", "A"]);
    assert_eq!(titles("sort=due_date&order=desc").await, ["b", "c", "A"]);
    assert_eq!(titles("sort=priority&order=desc").await, ["A", "c", "b"]);
}

async fn migrations_can_run_again(backend: Backend) {
    let (store, _db) = store(backend).await;
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
}

/// A database that applied the Better Auth migration under its first text (whose comment was reworded
/// since) still starts, and then carries the current checksum; any other checksum is still refused.
async fn a_migration_applied_before_its_comment_was_reworded_is_accepted(backend: Backend) {
    const VERSION: i64 = 20261125000001;
    let first_text = match backend {
        Backend::Sqlite => {
            "b1b52b9a4d3907b0de6963e37fd6fe27cb41134bcb05aabd4079c1252a21352e2782df5fa49fb3e7fda3cc3ca7be96b7"
        }
        Backend::Postgres => {
            "a68af1dedfa8c08f37d8b9981a061643ec95704b54eae82353b2b966d2b593ee7a871b7077013df67f6ef4dfaa3db547"
        }
    };
    let (store, _db) = store(backend).await;
    let set_checksum = |checksum: Vec<u8>| {
        let store = store.clone();
        async move {
            let sql = "update _sqlx_migrations set checksum = $1 where version = $2";
            match &store.pool {
                ticklist::db::Pool::Sqlite(pool) => {
                    sqlx::query(sql).bind(checksum).bind(VERSION).execute(pool).await.unwrap();
                }
                ticklist::db::Pool::Postgres(pool) => {
                    sqlx::query(sql).bind(checksum).bind(VERSION).execute(pool).await.unwrap();
                }
            }
        }
    };
    set_checksum(hex::decode(first_text).unwrap()).await;
    store.migrate().await.expect("the first text's checksum is accepted");
    store.migrate().await.expect("and replaced by the current one");

    set_checksum(vec![0; 48]).await;
    assert!(store.migrate().await.is_err(), "any other checksum still stops start-up");
}

async fn jwks_rows_round_trip(backend: Backend) {
    let (store, _db) = store(backend).await;
    let created_at = ticklist::clock::now();
    let row = JwkRow {
        id: "kid1".into(),
        public_key: r#"{"kty":"OKP"}"#.into(),
        private_key: "\"00\"".into(),
        created_at,
        expires_at: None,
        alg: Some("EdDSA".into()),
        crv: Some("Ed25519".into()),
    };
    store.insert_jwk(&row).await.unwrap();
    let rows = store.public_keys().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].id.as_str(), rows[0].created_at, rows[0].alg.as_deref()), ("kid1", created_at, Some("EdDSA")));
    let _ = Utc::now();
}

async fn the_json_page_equals_the_typed_page(backend: Backend) {
    let (store, _db) = store(backend).await;
    let with_everything = TaskDraft {
        description: Some("quote \" and \\ and ünïcode".into()),
        due_date: NaiveDate::from_ymd_opt(2026, 2, 3),
        tags: vec!["a".into(), "b".into()],
        priority: Priority::High,
        completed: true,
        ..draft("full")
    };
    store.insert_task("u", &with_everything, ticklist::clock::now()).await.unwrap();
    for i in 0..5 {
        store
            .insert_task(
                "u",
                &TaskDraft { priority: Priority::ALL[i % 3], ..draft(&format!("t{i}")) },
                ticklist::clock::now(),
            )
            .await
            .unwrap();
    }
    let queries = [
        "",
        "sort=title&order=asc",
        "sort=priority&limit=2&offset=1",
        "status=completed",
        "status=pending",
        "q=zzz",
        "tag=a",
    ];
    assert_eq!(store.list_tasks_json("nobody", &TaskQuery::default()).await.unwrap(), ("[]".into(), 0));
    for raw in queries {
        let query = TaskQuery::parse(raw).unwrap();
        let typed = store.list_tasks("u", &query).await.unwrap();
        let (json, total) = store.list_tasks_json("u", &query).await.unwrap();
        let json = std::str::from_utf8(&json).expect("the JSON is UTF-8");
        let parsed: Vec<ticklist::model::Task> =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{raw}: {e}: {json}"));
        assert_eq!(parsed, typed.tasks, "{raw}");
        assert_eq!(total, typed.total, "{raw}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(json).unwrap(),
            serde_json::to_value(&typed.tasks).unwrap(),
            "{raw}"
        );
    }
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { super::$name(super::Backend::Postgres).await } )*
        }
    };
}

on_both_backends!(
    a_task_round_trips_every_field,
    every_read_and_write_is_scoped_by_user,
    an_update_that_changes_nothing_keeps_updated_at,
    changing_tags_changes_what_the_tag_filter_finds,
    counts_stay_in_step_with_every_kind_of_write,
    concurrent_toggles_of_one_task_lose_no_update,
    setting_completion_changes_a_task_only_when_it_differs,
    concurrent_writes_of_every_kind_keep_counts_and_versions_exact,
    search_folds_unicode_case_and_escapes_wildcards,
    sorting_is_the_same_on_both_backends,
    migrations_can_run_again,
    a_migration_applied_before_its_comment_was_reworded_is_accepted,
    jwks_rows_round_trip,
    the_json_page_equals_the_typed_page,
    the_sql_json_of_tasks_equals_their_serde_json,
    every_kind_of_write_is_seen_by_the_next_read,
    a_write_through_another_instance_is_seen,
    one_users_kept_answers_never_reach_another,
);
