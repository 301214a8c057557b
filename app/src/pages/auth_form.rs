//! The sign-in and sign-up forms: plain HTML forms rendered on the server. They post to `/sign-in` and
//! `/sign-up`, which answer with a 303: on to the `next` page with the session cookie, or back here
//! with Better Auth's error code, shown in plain words next to the field it concerns. No WASM is
//! needed for them; the board fetches its first token with the session cookie.
use const_format::formatcp;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use ticklist::model::{PASSWORD_MAX, PASSWORD_MIN};

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    SignIn,
    SignUp,
}

/// A local path to return to after signing in (`next=`), never another site.
pub fn safe_next(next: Option<String>) -> String {
    ticklist::redirect::next_or_home(next.as_deref())
}

/// A refusal the form came back with, and the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    /// `email`, `password`, `name`, or `None` for the form as a whole.
    field: Option<&'static str>,
    message: &'static str,
}

/// Better Auth's error code (and, for a validation error, the field it names) in plain words: the
/// codes about one field, and the two said differently on these forms; any other code as the account
/// forms say it (`account::messages`).
fn explain(code: &str, field: Option<&str>) -> Failure {
    let (field, message) = match (code, field) {
        ("INVALID_EMAIL_OR_PASSWORD", _) => (Some("password"), "That email and password don't match an account."),
        ("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" | "USER_ALREADY_EXISTS", _) => {
            (Some("email"), "An account with this email already exists. Sign in instead.")
        }
        ("PASSWORD_TOO_SHORT", _) => (Some("password"), formatcp!("Use at least {PASSWORD_MIN} characters.")),
        ("PASSWORD_TOO_LONG", _) => (Some("password"), formatcp!("Use at most {PASSWORD_MAX} characters.")),
        ("VALIDATION_ERROR", Some("email")) => (Some("email"), "Enter a valid email address."),
        ("VALIDATION_ERROR", Some("name")) => (Some("name"), "Enter your name."),
        ("VALIDATION_ERROR", Some("password")) => (Some("password"), "Enter a password."),
        ("INVALID_ORIGIN" | "MISSING_OR_NULL_ORIGIN", _) => {
            (None, "This page's address isn't allowed to sign in. Open Ticklist from its own address.")
        }
        // Sign-in's limit is counted over seconds, not a minute.
        ("RATE_LIMITED", _) => (None, "Too many attempts. Wait a few seconds and try again."),
        (code, _) => (None, super::account::messages::error(code)),
    };
    Failure { field, message }
}

/// The form for `mode`, set up from the page's query: where to go next (`next`), and what the last
/// post came back with (`error`, `field`, `email`), or why the user is here (`reason=expired`).
#[component]
pub fn AuthPage(mode: Mode) -> impl IntoView {
    let query = use_query_map();
    let query = query.read_untracked();
    // What brought the user to sign in.
    let arrived = match (mode, query.get("deleted").is_some(), query.get("reset").is_some()) {
        (Mode::SignIn, true, _) => Some("Your account and all of its tasks have been deleted."),
        (Mode::SignIn, false, true) => Some("Your password has been changed. Sign in with the new one."),
        _ => None,
    };
    view! {
        {arrived.map(|text| view! { <p class="notice notice-success auth-aside" role="status">{text}</p> })}
        <AuthForm mode next=safe_next(query.get("next")) email=query.get("email").unwrap_or_default()
            failure=query.get("error").map(|code| explain(&code, query.get("field").as_deref()))
            expired=query.get("reason").as_deref() == Some("expired") />
        {(mode == Mode::SignIn).then(|| view! {
            <p class="auth-aside"><a href="/forgot-password">"Forgot password?"</a></p>
        })}
    }
}

#[component]
fn AuthForm(mode: Mode, next: String, email: String, failure: Option<Failure>, expired: bool) -> impl IntoView {
    let field_error = |field: &'static str| failure.as_ref().filter(|f| f.field == Some(field)).map(|f| f.message);
    let invalid = |field: &'static str| field_error(field).is_some().to_string();
    let form_error = failure.as_ref().filter(|f| f.field.is_none()).map(|f| f.message);
    let reason = expired.then_some("Your session has ended. Sign in again to continue.");
    let (title, action, button, other_link, other_text) = match mode {
        Mode::SignIn => ("Sign in", "/sign-in", "Sign in", "/sign-up", "No account yet? Create one"),
        Mode::SignUp => {
            ("Create your account", "/sign-up", "Create account", "/sign-in", "Already have an account? Sign in")
        }
    };
    let other_href =
        format!("{other_link}?next={}", form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());

    // `novalidate`: the server checks every field and says what is wrong next to it, in the same words
    // whichever check failed, rather than the browser's own bubbles.
    view! {
        <section class="panel auth-panel">
            <h1>{title}</h1>
            <p class="notice" role="status">{reason}</p>
            <form method="post" action=action novalidate>
                <input type="hidden" name="next" value=next />
                {(mode == Mode::SignUp).then(|| view! {
                    <div class="field">
                        <label for="name">"Name"</label>
                        <input id="name" name="name" type="text" autocomplete="name" required
                            aria-describedby="name-error" aria-invalid=invalid("name") />
                        <p id="name-error" class="field-error" aria-live="polite">{field_error("name")}</p>
                    </div>
                })}
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required value=email
                        aria-describedby="email-error" aria-invalid=invalid("email") />
                    <p id="email-error" class="field-error" aria-live="polite">{field_error("email")}</p>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" required minlength=PASSWORD_MIN maxlength=PASSWORD_MAX
                        autocomplete=if mode == Mode::SignUp { "new-password" } else { "current-password" }
                        aria-describedby=if mode == Mode::SignUp { "password-error password-hint" } else { "password-error" }
                        aria-invalid=invalid("password") />
                    {(mode == Mode::SignUp).then(|| view! { <p id="password-hint" class="hint">{format!("At least {PASSWORD_MIN} characters.")}</p> })}
                    <p id="password-error" class="field-error" aria-live="polite">{field_error("password")}</p>
                </div>
                {(mode == Mode::SignIn).then(|| view! {
                    <label class="checkbox">
                        <input type="checkbox" name="rememberMe" value="true" checked=true />
                        " Keep me signed in"
                    </label>
                })}
                <p class="form-error" role="alert" aria-live="assertive">{form_error}</p>
                <button class="button button-wide" type="submit">{button}</button>
            </form>
            <p class="switch"><a href=other_href>{other_text}</a></p>
        </section>
    }
}
