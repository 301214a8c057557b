//! `/account`: the signed-in user's profile, email, password, devices, and deleting the account.
//! Rendered on the server only (no island: it adds nothing to the WASM bundle); every change is a
//! plain form post to `auth::routes::account_forms`, which answers with a 303 back here carrying
//! `?done=WHAT` or `?error=CODE&form=SECTION`, shown in place. Signed-out visitors go to sign in.
mod device;
pub mod messages;
mod sections;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_query_map};

use sections::{ChangeEmail, ChangePassword, DeleteAccount, Devices, Profile};

/// What the page shows, read from the database while it renders.
#[derive(Debug, Clone)]
struct Account {
    name: String,
    email: String,
    email_verified: bool,
    /// The signed-in devices, oldest first; empty when accounts live in an external Better Auth.
    devices: Vec<Device>,
    /// Accounts live in an external Better Auth, which is where they are managed.
    external: bool,
}

/// One session, as the page shows it: by id, never by its token.
#[derive(Debug, Clone)]
struct Device {
    id: String,
    user_agent: Option<String>,
    ip_address: Option<String>,
    created_at: DateTime<Utc>,
    last_active: DateTime<Utc>,
    current: bool,
}

/// The signed-in account of the request being rendered: `Ok(None)` when nobody is signed in. (The
/// page is never rendered in the browser: it has no island.)
async fn load() -> Result<Option<Account>, String> {
    #[cfg(feature = "ssr")]
    return server::load().await;
    #[cfg(not(feature = "ssr"))]
    {
        Ok(None)
    }
}

#[cfg(feature = "ssr")]
mod server {
    use leptos::prelude::*;
    use ticklist::auth::{account::SignedIn, provider::Provider};

    use super::{Account, Device};

    pub async fn load() -> Result<Option<Account>, String> {
        let state = expect_context::<ticklist::AppState>();
        let parts: http::request::Parts = leptos_axum::extract().await.map_err(|error| error.to_string())?;
        if let Provider::External(_) = state.auth.provider {
            let user = ticklist::auth::current_user(&state, &parts.headers).await;
            return Ok(user.map(|user| Account {
                name: user.name,
                email: user.email,
                email_verified: user.email_verified,
                devices: Vec::new(),
                external: true,
            }));
        }
        let problem = |_| "The server had a problem. Try again in a moment.".to_owned();
        let Ok(signed_in) = SignedIn::of(&state, &parts.headers).await.map_err(problem)? else { return Ok(None) };
        let sessions = ticklist::auth::account::sessions::devices(&state, &signed_in).await.map_err(problem)?;
        let devices = sessions
            .into_iter()
            .map(|session| Device {
                current: session.id == signed_in.session.id,
                id: session.id,
                user_agent: session.user_agent,
                ip_address: session.ip_address.filter(|ip| !ip.is_empty()),
                created_at: session.created_at,
                last_active: session.updated_at,
            })
            .collect();
        let user = signed_in.user;
        Ok(Some(Account {
            name: user.name,
            email: user.email,
            email_verified: user.email_verified,
            devices,
            external: false,
        }))
    }
}

/// A moment as the page shows it (in UTC: the server does not know the reader's time zone).
fn when(moment: DateTime<Utc>) -> impl IntoView {
    view! { <time datetime=moment.to_rfc3339()>{moment.format("%Y-%m-%d %H:%M UTC").to_string()}</time> }
}

/// What a form post came back with: a confirmation, or an error and the section it belongs to.
#[derive(Debug, Clone, Default)]
struct Outcome {
    done: Option<&'static str>,
    error: Option<&'static str>,
    form: Option<String>,
}

impl Outcome {
    /// The error for the form `section`, if it is the one that failed.
    fn error_in(&self, section: &str) -> Option<&'static str> {
        self.error.filter(|_| self.form.as_deref() == Some(section))
    }

    /// An error that belongs to no form (e.g. from a link followed), shown at the top.
    fn page_error(&self) -> Option<&'static str> {
        const SECTIONS: [&str; 5] = ["profile", "email", "password", "devices", "delete"];
        self.error.filter(|_| !self.form.as_deref().is_some_and(|form| SECTIONS.contains(&form)))
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let query = use_query_map();
    let query = query.read_untracked();
    let error = query.get("error").map(|code| messages::error(&code));
    let outcome = Outcome {
        done: query.get("done").and_then(|what| messages::done(&what)).filter(|_| error.is_none()),
        error,
        form: query.get("form"),
    };
    view! {
        <Title text="Your account" />
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
            {move || {
                let outcome = outcome.clone();
                Suspend::new(async move {
                    match load().await {
                        Ok(Some(account)) => view! { <AccountSections account outcome /> }.into_any(),
                        Ok(None) => view! { <Redirect path="/sign-in?next=%2Faccount" /> }.into_any(),
                        Err(problem) => view! {
                            <section class="panel">
                                <h1>"Your account"</h1>
                                <p class="form-error" role="alert">{problem}</p>
                            </section>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AccountSections(account: Account, outcome: Outcome) -> impl IntoView {
    let Account { name, email, email_verified, devices, external } = account;
    view! {
        <div class="account">
            <h1>"Your account"</h1>
            <p class="notice notice-success" role="status">{outcome.done}</p>
            <p class="form-error" role="alert">{outcome.page_error()}</p>
            {if external {
                view! {
                    <section class="panel">
                        <h2>{name}</h2>
                        <p>{email}</p>
                        <p>"Your account is managed by the sign-in server this site uses."</p>
                    </section>
                }
                .into_any()
            } else {
                view! {
                    <Profile name email email_verified error=outcome.error_in("profile") />
                    <ChangeEmail error=outcome.error_in("email") />
                    <ChangePassword error=outcome.error_in("password") />
                    <Devices devices error=outcome.error_in("devices") />
                    <DeleteAccount error=outcome.error_in("delete") />
                }
                .into_any()
            }}
        </div>
    }
}
