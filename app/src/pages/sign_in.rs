//! `/sign-in`.
use leptos::prelude::*;
use leptos_meta::Title;

use super::auth_form::{AuthForm, Mode};

#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <Title text="Sign in" />
        <AuthForm mode=Mode::SignIn />
    }
}
