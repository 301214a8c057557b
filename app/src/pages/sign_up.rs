//! `/sign-up`.
use leptos::prelude::*;
use leptos_meta::Title;

use super::auth_form::{AuthPage, Mode};

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! {
        <Title text="Create account" />
        <AuthPage mode=Mode::SignUp />
    }
}
