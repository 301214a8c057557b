//! The read cache (`db::reads`) as a client sees it: every write is seen by the next read, whichever
//! read it is and whichever instance made the write, and one user's kept answers never reach another.
use ticklist::db::{READS_TRUSTED_FOR, Store};
use ticklist::model::{TaskDraft, TaskQuery};

use super::common::Backend;
use super::{draft, store};

/// Every read the cache keeps, as the user would see it now: the titles of the default page, the
/// same page's JSON titles, its total, the counts, and task `id`'s title.
async fn everything(store: &Store, user: &str, id: i64) -> (Vec<String>, Vec<String>, u64, (u64, u64), Option<String>) {
    let query = TaskQuery::default();
    let page = store.list_tasks(user, &query).await.unwrap();
    let (json, _) = store.list_tasks_json(user, &query).await.unwrap();
    let json: Vec<ticklist::model::Task> = serde_json::from_slice(&json).unwrap();
    let counts = store.task_counts(user).await.unwrap();
    let task = store.get_task(user, id).await.unwrap();
    (
        page.tasks.iter().map(|task| task.title.clone()).collect(),
        json.iter().map(|task| task.title.clone()).collect(),
        page.total,
        (counts.total, counts.completed),
        task.map(|task| task.title),
    )
}

pub async fn every_kind_of_write_is_seen_by_the_next_read(backend: Backend) {
    let (store, _db) = store(backend).await;
    let now = ticklist::clock::now;
    let first = store.insert_task("u", &draft("first"), now()).await.unwrap();
    // Read twice, so that the second answers come from the cache.
    everything(&store, "u", first.id).await;
    let (titles, json, total, counts, task) = everything(&store, "u", first.id).await;
    assert_eq!(
        (titles, json, total, counts, task),
        (vec!["first".into()], vec!["first".into()], 1, (1, 0), Some("first".into()))
    );

    let second = store.insert_task("u", &draft("second"), now()).await.unwrap();
    let (titles, json, total, counts, _) = everything(&store, "u", first.id).await;
    assert_eq!((titles.len(), json.len(), total, counts), (2, 2, 2, (2, 0)), "after a create");

    store.update_task("u", first.id, now(), |_| draft("renamed")).await.unwrap();
    let (titles, json, _, _, task) = everything(&store, "u", first.id).await;
    assert!(titles.contains(&"renamed".into()) && json.contains(&"renamed".into()), "after an edit: {titles:?}");
    assert_eq!(task.as_deref(), Some("renamed"));

    store.update_task("u", first.id, now(), |_| TaskDraft { completed: true, ..draft("renamed") }).await.unwrap();
    assert_eq!(everything(&store, "u", first.id).await.3, (2, 1), "after a toggle");

    store.set_all_completed("u", true, now()).await.unwrap();
    assert_eq!(everything(&store, "u", first.id).await.3, (2, 2), "after marking all");

    store.delete_task("u", second.id).await.unwrap();
    let (titles, _, total, counts, _) = everything(&store, "u", second.id).await;
    assert_eq!((titles, total, counts), (vec!["renamed".into()], 1, (1, 1)), "after a delete");
    assert_eq!(store.get_task("u", second.id).await.unwrap(), None);

    store.delete_completed("u").await.unwrap();
    let (titles, json, total, counts, task) = everything(&store, "u", first.id).await;
    assert_eq!((titles.len(), json.len(), total, counts, task), (0, 0, 0, (0, 0), None), "after clearing completed");

    let last = store.insert_task("u", &draft("last"), now()).await.unwrap();
    everything(&store, "u", last.id).await;
    store.delete_user("u").await.unwrap();
    let (titles, json, total, counts, task) = everything(&store, "u", last.id).await;
    assert_eq!((titles.len(), json.len(), total, counts, task), (0, 0, 0, (0, 0), None), "after deleting the account");
}

pub async fn a_write_through_another_instance_is_seen(backend: Backend) {
    let (store, db) = store(backend).await;
    let other = Store::connect(&db.url).await.unwrap();
    let task = store.insert_task("u", &draft("before"), ticklist::clock::now()).await.unwrap();
    everything(&store, "u", task.id).await;
    everything(&store, "u", task.id).await;
    other.update_task("u", task.id, ticklist::clock::now(), |_| draft("after")).await.unwrap();
    other.insert_task("u", &draft("new"), ticklist::clock::now()).await.unwrap();
    if backend == Backend::Sqlite {
        // One process serves an SQLite file: another writer's changes show once the version this
        // instance heard of is no longer trusted.
        tokio::time::sleep(READS_TRUSTED_FOR + std::time::Duration::from_millis(50)).await;
    }
    let (titles, json, total, counts, title) = everything(&store, "u", task.id).await;
    assert_eq!((titles.len(), json.len(), total, counts), (2, 2, 2, (2, 0)));
    assert_eq!(title.as_deref(), Some("after"));
}

pub async fn one_users_kept_answers_never_reach_another(backend: Backend) {
    let (store, _db) = store(backend).await;
    let mine = store.insert_task("me", &draft("mine"), ticklist::clock::now()).await.unwrap();
    store.insert_task("you", &draft("yours"), ticklist::clock::now()).await.unwrap();
    store.insert_task("you", &draft("yours too"), ticklist::clock::now()).await.unwrap();
    for _ in 0..2 {
        let (titles, json, total, counts, task) = everything(&store, "me", mine.id).await;
        assert_eq!(
            (titles, json, total, counts, task),
            (vec!["mine".into()], vec!["mine".into()], 1, (1, 0), Some("mine".into()))
        );
        let (titles, json, total, counts, task) = everything(&store, "you", mine.id).await;
        assert_eq!(
            (titles, json, total, counts, task),
            (vec!["yours too".into(), "yours".into()], vec!["yours too".into(), "yours".into()], 2, (2, 0), None)
        );
    }
}
