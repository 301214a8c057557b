//! The sign-in and sign-up forms. Real HTML forms (they post to `/sign-in` and `/sign-up` and work
//! without JavaScript); once hydrated (an island) they talk to Better Auth's endpoints directly, show
//! its errors, in plain words, next to the field concerned, and go on to the `next` page.
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::client::auth_api::{self, AuthFailure};

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    SignIn,
    SignUp,
}

/// A local path to return to after signing in (`next=`), never another site.
pub fn safe_next(next: Option<String>) -> String {
    ticklist::redirect::next_or_home(next.as_deref())
}

/// The message for an error code a no-JavaScript form post came back with (`?error=`).
fn message_for_code(code: &str) -> AuthFailure {
    auth_api::explain(if code == "RATE_LIMITED" { 429 } else { 400 }, Some(code), code)
}

/// The form for `mode`, set up from the page's query: where to go next (`next`), and what a
/// no-JavaScript post came back with (`email`, `error`), or why the user is here (`reason=expired`).
#[component]
pub fn AuthPage(mode: Mode) -> impl IntoView {
    let query = use_query_map();
    let query = query.read_untracked();
    // What brought the user to sign in, said outside the island (it stays out of the WASM bundle).
    let arrived = match (mode, query.get("deleted").is_some(), query.get("reset").is_some()) {
        (Mode::SignIn, true, _) => Some("Your account and all of its tasks have been deleted."),
        (Mode::SignIn, false, true) => Some("Your password has been changed. Sign in with the new one."),
        _ => None,
    };
    view! {
        {arrived.map(|text| view! { <p class="notice notice-success auth-aside" role="status">{text}</p> })}
        <AuthForm mode next=safe_next(query.get("next")) email=query.get("email").unwrap_or_default()
            error=query.get("error") expired=query.get("reason").as_deref() == Some("expired") />
        {(mode == Mode::SignIn).then(|| view! {
            <p class="auth-aside"><a href="/forgot-password">"Forgot password?"</a></p>
        })}
    }
}

#[island]
fn AuthForm(mode: Mode, next: String, email: String, error: Option<String>, expired: bool) -> impl IntoView {
    let (name, set_name) = signal(String::new());
    let initial_email = email;
    let (email, set_email) = signal(initial_email.clone());
    let (password, set_password) = signal(String::new());
    let (remember, set_remember) = signal(true);
    let (failure, set_failure) = signal(error.map(|code| message_for_code(&code)));
    let (pending, set_pending) = signal(false);
    let next = StoredValue::new(next);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        set_pending.set(true);
        set_failure.set(None);
        spawn_local(async move {
            let result = match mode {
                Mode::SignIn => {
                    auth_api::sign_in(&email.get_untracked(), &password.get_untracked(), remember.get_untracked()).await
                }
                Mode::SignUp => {
                    auth_api::sign_up(&name.get_untracked(), &email.get_untracked(), &password.get_untracked()).await
                }
            };
            match result {
                // The button stays busy while the next page loads.
                Ok(()) => _ = window().location().assign(&next.get_value()),
                Err(failure) => {
                    set_pending.set(false);
                    set_failure.set(Some(failure));
                }
            }
        });
    };

    let field_error =
        move |field: &'static str| move || failure.get().filter(|f| f.field == Some(field)).map(|f| f.message);
    let form_error = move || failure.get().filter(|f| f.field.is_none()).map(|f| f.message);
    let reason = expired.then_some("Your session has ended. Sign in again to continue.");
    let (title, action, button, other_link, other_text) = match mode {
        Mode::SignIn => ("Sign in", "/sign-in", "Sign in", "/sign-up", "No account yet? Create one"),
        Mode::SignUp => {
            ("Create your account", "/sign-up", "Create account", "/sign-in", "Already have an account? Sign in")
        }
    };

    view! {
        <section class="panel auth-panel">
            <h1>{title}</h1>
            <p class="notice" role="status">{reason}</p>
            <form method="post" action=action on:submit=submit novalidate>
                <input type="hidden" name="next" value=next.get_value() />
                {(mode == Mode::SignUp).then(|| view! {
                    <div class="field">
                        <label for="name">"Name"</label>
                        <input id="name" name="name" type="text" autocomplete="name" required
                            aria-describedby="name-error" aria-invalid=move || field_error("name")().is_some().to_string()
                            bind:value=(name, set_name) />
                        <p id="name-error" class="field-error" aria-live="polite">{field_error("name")}</p>
                    </div>
                })}
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required value=initial_email
                        aria-describedby="email-error" aria-invalid=move || field_error("email")().is_some().to_string()
                        bind:value=(email, set_email) />
                    <p id="email-error" class="field-error" aria-live="polite">{field_error("email")}</p>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" required minlength="8" maxlength="128"
                        autocomplete=if mode == Mode::SignUp { "new-password" } else { "current-password" }
                        aria-describedby=if mode == Mode::SignUp { "password-error password-hint" } else { "password-error" } aria-invalid=move || field_error("password")().is_some().to_string()
                        bind:value=(password, set_password) />
                    {(mode == Mode::SignUp).then(|| view! { <p id="password-hint" class="hint">"At least 8 characters."</p> })}
                    <p id="password-error" class="field-error" aria-live="polite">{field_error("password")}</p>
                </div>
                {(mode == Mode::SignIn).then(|| view! {
                    <label class="checkbox">
                        <input type="checkbox" name="rememberMe" value="true" checked=true bind:checked=(remember, set_remember) />
                        " Keep me signed in"
                    </label>
                })}
                <p class="form-error" role="alert" aria-live="assertive">{form_error}</p>
                <button class="button button-wide" type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Please wait…" } else { button }}
                </button>
            </form>
            <p class="switch"><a href=format!("{other_link}?next={}", form_urlencoded::byte_serialize(next.get_value().as_bytes()).collect::<String>())>{other_text}</a></p>
        </section>
    }
}
