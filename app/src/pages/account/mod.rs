//! `/account`: the signed-in user's profile, email, password, devices, and deleting the account.
//! Rendered on the server only (no island: it adds nothing to the WASM bundle); every change is a
//! plain form post to `auth::routes::account_forms`, which answers with a 303 back here carrying
//! `?done=WHAT` or `?error=CODE&form=SECTION`, shown in place. Signed-out visitors go to sign in.
mod device;
pub mod messages;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_query_map};
use ticklist::model::{NAME_MAX, PASSWORD_MAX, PASSWORD_MIN};

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

/// A form's error, under it (and named by its fields' `aria-describedby`).
#[component]
fn FormError(id: &'static str, error: Option<&'static str>) -> impl IntoView {
    view! { <p id=id class="form-error" role="alert">{error}</p> }
}

#[component]
fn Profile(name: String, email: String, email_verified: bool, error: Option<&'static str>) -> impl IntoView {
    view! {
        <section class="panel account-section" id="profile" aria-labelledby="profile-title">
            <h2 id="profile-title">"Profile"</h2>
            <form method="post" action="/account/name">
                <div class="field">
                    <label for="account-name">"Name"</label>
                    <input id="account-name" name="name" type="text" autocomplete="name" required maxlength=NAME_MAX
                        value=name aria-describedby="profile-error" />
                </div>
                <button class="button" type="submit">"Save name"</button>
            </form>
            <p class="account-email">
                "Email: " <strong data-testid="account-email">{email}</strong> " "
                {if email_verified {
                    view! { <span class="badge badge-ok">"Verified"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-warning">"Not verified"</span> }.into_any()
                }}
            </p>
            {(!email_verified).then(|| view! {
                <div class="notice">
                    <p>"Please verify your email address: open the link we sent you, or ask for a new one."</p>
                    <form method="post" action="/account/verify-email">
                        <button class="button button-quiet button-small" type="submit">"Resend verification email"</button>
                    </form>
                </div>
            })}
            <FormError id="profile-error" error />
        </section>
    }
}

#[component]
fn ChangeEmail(error: Option<&'static str>) -> impl IntoView {
    view! {
        <section class="panel account-section" id="email" aria-labelledby="email-title">
            <h2 id="email-title">"Change email"</h2>
            <form method="post" action="/account/email">
                <div class="field">
                    <label for="new-email">"New email"</label>
                    <input id="new-email" name="newEmail" type="email" autocomplete="email" required
                        aria-describedby="new-email-hint email-error" aria-invalid=error.is_some().to_string() />
                    <p id="new-email-hint" class="hint">"We'll send a link to the new address to confirm it."</p>
                </div>
                <FormError id="email-error" error />
                <button class="button" type="submit">"Change email"</button>
            </form>
        </section>
    }
}

#[component]
fn ChangePassword(error: Option<&'static str>) -> impl IntoView {
    view! {
        <section class="panel account-section" id="password" aria-labelledby="password-title">
            <h2 id="password-title">"Change password"</h2>
            <form method="post" action="/account/password">
                <div class="field">
                    <label for="current-password">"Current password"</label>
                    <input id="current-password" name="currentPassword" type="password" autocomplete="current-password"
                        required maxlength=PASSWORD_MAX aria-describedby="password-error" />
                </div>
                <div class="field">
                    <label for="new-password">"New password"</label>
                    <input id="new-password" name="newPassword" type="password" autocomplete="new-password" required
                        minlength=PASSWORD_MIN maxlength=PASSWORD_MAX aria-describedby="new-password-hint password-error" />
                    <p id="new-password-hint" class="hint">{format!("At least {PASSWORD_MIN} characters.")}</p>
                </div>
                <label class="checkbox">
                    <input type="checkbox" name="revokeOtherSessions" value="true" checked=true />
                    " Sign out my other devices"
                </label>
                <FormError id="password-error" error />
                <button class="button" type="submit">"Change password"</button>
            </form>
        </section>
    }
}

#[component]
fn Devices(devices: Vec<Device>, error: Option<&'static str>) -> impl IntoView {
    let others = devices.iter().filter(|device| !device.current).count();
    view! {
        <section class="panel account-section" id="devices" aria-labelledby="devices-title">
            <h2 id="devices-title">"Signed-in devices"</h2>
            <ul class="devices">
                {devices.into_iter().map(|device| view! { <DeviceItem device /> }).collect_view()}
            </ul>
            <FormError id="devices-error" error />
            {(others > 0).then(|| view! {
                <form method="post" action="/account/sessions/revoke-others">
                    <button class="button button-quiet" type="submit">"Sign out all other devices"</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn DeviceItem(device: Device) -> impl IntoView {
    let name = device::describe(device.user_agent.as_deref());
    let hidden_name = format!(" {name}, signed in {}", device.created_at.format("%Y-%m-%d %H:%M UTC"));
    view! {
        <li class="device" data-testid="device" data-current=device.current.to_string()>
            <div class="device-info">
                <p class="device-name">
                    <strong>{name}</strong>
                    {device.current.then(|| view! { " " <span class="badge badge-ok">"This device"</span> })}
                </p>
                <p class="device-meta">
                    {device.ip_address.map(|ip| view! { "IP " {ip} " · " })}
                    "Signed in " {when(device.created_at)} " · Last active " {when(device.last_active)}
                </p>
            </div>
            {(!device.current).then(|| view! {
                <form method="post" action="/account/sessions/revoke">
                    <input type="hidden" name="id" value=device.id />
                    <button class="button button-quiet button-small" type="submit">
                        "Sign out" <span class="visually-hidden">{hidden_name}</span>
                    </button>
                </form>
            })}
        </li>
    }
}

#[component]
fn DeleteAccount(error: Option<&'static str>) -> impl IntoView {
    view! {
        <section class="panel account-section account-danger" id="delete" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete account"</h2>
            <p class="notice" id="delete-warning">
                <strong>"This deletes your account and all of your tasks, for good."</strong>
                " It can't be undone, and every device is signed out."
            </p>
            <form method="post" action="/account/delete">
                <div class="field">
                    <label for="delete-password">"Your password"</label>
                    <input id="delete-password" name="password" type="password" autocomplete="current-password"
                        required maxlength=PASSWORD_MAX aria-describedby="delete-warning delete-error" />
                </div>
                <FormError id="delete-error" error />
                <button class="button button-quiet button-danger" type="submit">"Delete my account and tasks"</button>
            </form>
        </section>
    }
}
