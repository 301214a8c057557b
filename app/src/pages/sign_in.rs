//! `/sign-in`.
use leptos::prelude::*;
use leptos_meta::Title;

use super::auth_form::{AuthPage, Mode};

#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <Title text="Sign in" />
        <AuthPage mode=Mode::SignIn />
    }
}
