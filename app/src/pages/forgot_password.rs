//! `/forgot-password`: asks for a reset link by email (a plain form post to `/forgot-password`). The
//! answer is the same whether or not the address has an account.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::account::messages;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let query = query.read_untracked();
    let error = query.get("error").map(|code| messages::error(&code));
    let done = query.get("done").and_then(|what| messages::done(&what)).filter(|_| error.is_none());
    let email = query.get("email").unwrap_or_default();
    view! {
        <Title text="Forgot password" />
        <section class="panel auth-panel">
            <h1>"Forgot your password?"</h1>
            <p class="notice notice-success" role="status">{done}</p>
            <p>"Enter the email address of your account, and we'll send you a link to choose a new password."</p>
            <form method="post" action="/forgot-password">
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required value=email
                        aria-describedby="email-error" aria-invalid=error.is_some().to_string() />
                    <p id="email-error" class="field-error" role="alert">{error}</p>
                </div>
                <button class="button button-wide" type="submit">"Send reset link"</button>
            </form>
            <p class="switch"><a href="/sign-in">"Back to sign in"</a></p>
        </section>
    }
}
