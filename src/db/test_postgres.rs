//! A fresh PostgreSQL database for the store's unit tests (the integration suites have their own,
//! in `tests/common`): on `TEST_DATABASE_URL`, else on what `scripts/pg-test-url` starts.
use std::sync::atomic::{AtomicU32, Ordering};

pub(crate) struct Database {
    pub url: String,
    admin_url: String,
    name: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn admin_url() -> String {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        return url;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-test-url");
    let output = std::process::Command::new(script).output().unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    assert!(output.status.success(), "no PostgreSQL for the tests: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("a UTF-8 URL").trim().to_owned()
}

impl Database {
    pub(crate) async fn new() -> Self {
        let admin_url = admin_url();
        let name = format!("ticklist_unit_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let admin = sqlx::PgPool::connect(&admin_url).await.expect("PostgreSQL for the tests");
        sqlx::query(&format!("create database {name}")).execute(&admin).await.expect("a test database");
        admin.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
        Self { url: format!("{base}/{name}"), admin_url: admin_url.clone(), name }
    }

    pub(crate) async fn drop(self) {
        let admin = sqlx::PgPool::connect(&self.admin_url).await.expect("PostgreSQL for the tests");
        let _ = sqlx::query(&format!("drop database if exists {} with (force)", self.name)).execute(&admin).await;
        admin.close().await;
    }
}
