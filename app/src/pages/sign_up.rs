//! `/sign-up`.
use leptos::prelude::*;
use leptos_meta::Title;

use super::auth_form::{AuthForm, Mode};

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! {
        <Title text="Create account" />
        <AuthForm mode=Mode::SignUp />
    }
}
