//! `/reset-password?token=…`: where the emailed reset link lands (through
//! `GET /api/auth/reset-password/{token}`, which adds `?token=` or `?error=INVALID_TOKEN`). A plain
//! form post to `/reset-password` sets the new password and goes on to sign in.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use ticklist::model::{PASSWORD_MAX, PASSWORD_MIN};

use super::account::messages;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let query = query.read_untracked();
    let token = query.get("token").filter(|token| !token.is_empty());
    let error = query.get("error");
    let body = match token {
        Some(token) if error.as_deref() != Some("INVALID_TOKEN") => {
            let error = error.map(|code| messages::error(&code));
            view! {
                <p>"Choose a new password for your account. You'll be signed out of every device."</p>
                <form method="post" action="/reset-password">
                    <input type="hidden" name="token" value=token />
                    <div class="field">
                        <label for="new-password">"New password"</label>
                        <input id="new-password" name="newPassword" type="password" autocomplete="new-password"
                            required minlength=PASSWORD_MIN maxlength=PASSWORD_MAX aria-describedby="new-password-hint password-error"
                            aria-invalid=error.is_some().to_string() />
                        <p id="new-password-hint" class="hint">{format!("At least {PASSWORD_MIN} characters.")}</p>
                        <p id="password-error" class="field-error" role="alert">{error}</p>
                    </div>
                    <button class="button button-wide" type="submit">"Set new password"</button>
                </form>
            }
            .into_any()
        }
        _ => view! {
            <p class="form-error" role="alert">
                "This reset link is invalid or has expired. A link works once, for one hour."
            </p>
            <p><a href="/forgot-password">"Ask for a new link"</a></p>
        }
        .into_any(),
    };
    view! {
        <Title text="Choose a new password" />
        <section class="panel auth-panel">
            <h1>"Choose a new password"</h1>
            {body}
        </section>
    }
}
