//! Shared by the test binaries: fresh databases on SQLite and PostgreSQL.
#![allow(dead_code)]
pub mod smtp;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database that is removed when dropped.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// The PostgreSQL admin URL: `TEST_DATABASE_URL`, else what `scripts/pg-test-url` provides (it starts
/// the local cluster when needed). Panics, never skips, when there is none.
pub fn postgres_admin_url() -> String {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        return url;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-test-url");
    let output = Command::new(script).output().unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    assert!(
        output.status.success(),
        "no PostgreSQL for the PostgreSQL half of the tests: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let url = String::from_utf8(output.stdout).expect("a UTF-8 URL").trim().to_owned();
    // SAFETY-free caching for the other tests of this binary.
    unsafe { std::env::set_var("TEST_DATABASE_URL", &url) };
    url
}

fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(admin_url);
    format!("{base}/{name}")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDb { url, cleanup: Cleanup::Sqlite(dir) }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!(
                    "ticklist_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    rand::random::<u32>()
                );
                let admin = sqlx::PgPool::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at TEST_DATABASE_URL: {e}"));
                sqlx::query(&format!("create database {name}")).execute(&admin).await.expect("create a test database");
                admin.close().await;
                TestDb { url: database_url(&admin_url, &name), cleanup: Cleanup::Postgres { admin_url, name } }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime; a separate thread with its own runtime may block.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
                runtime.block_on(async {
                    if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                        let _ =
                            sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&admin).await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}
