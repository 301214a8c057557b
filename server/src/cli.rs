//! Maintenance commands of the `ticklist` binary besides serving:
//!
//! - `ticklist rotate-keys`: adds a new JWT signing key; older keys keep verifying their tokens.
//! - `ticklist token <user-id>`: prints a JWT for a user, signed like the server signs (for scripts
//!   and benchmarks; it needs the same database and secret as the server).
//! - `ticklist seed-tasks <user-id> <count>`: adds generated tasks to a user's list (benchmarks, demos).
use chrono::Utc;
use ticklist::{AppState, auth::TokenUser, model::NewTask, tasks};

/// Runs `command` with `args`; `Ok(false)` when `command` is not a maintenance command.
pub async fn run(state: &AppState, command: &str, args: &[String]) -> Result<bool, String> {
    match (command, args) {
        ("rotate-keys", []) => {
            let kid = state.signer.rotate().await.map_err(|e| e.to_string())?;
            println!("new signing key {kid}; older keys keep verifying until their tokens expire");
        }
        ("token", [user_id]) => {
            let now = Utc::now();
            let user = TokenUser {
                id: user_id.clone(),
                name: user_id.clone(),
                email: format!("{user_id}@localhost"),
                email_verified: false,
                image: None,
                created_at: now,
                updated_at: now,
            };
            println!("{}", state.signer.sign(&user).await.map_err(|e| e.to_string())?);
        }
        ("seed-tasks", [user_id, count]) => {
            let count: u32 = count.parse().map_err(|_| format!("{count:?} is not a count"))?;
            for i in 0..count {
                let input = NewTask {
                    title: Some(format!("Task {i}")),
                    description: (i % 3 == 0).then(|| format!("Generated task number {i}")),
                    priority: Some(["low", "medium", "high"][i as usize % 3].into()),
                    due_date: (i % 4 == 0).then(|| format!("2027-{:02}-{:02}", i % 12 + 1, i % 28 + 1)),
                    tags: Some(vec![["home", "work", "errands"][i as usize % 3].into()]),
                };
                tasks::create(&state.store, user_id, input).await.map_err(|e| e.to_string())?;
            }
            println!("added {count} tasks for {user_id}");
        }
        _ => return Ok(false),
    }
    Ok(true)
}
