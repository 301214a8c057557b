//! The account page's sections, one form each: profile, email, password, devices, deleting the
//! account. Each shows the error its last post came back with, under it.
use leptos::prelude::*;
use ticklist::model::{NAME_MAX, PASSWORD_MAX, PASSWORD_MIN};

use super::{Device, device, when};

/// A form's error, under it (and named by its fields' `aria-describedby`).
#[component]
fn FormError(id: &'static str, error: Option<&'static str>) -> impl IntoView {
    view! { <p id=id class="form-error" role="alert">{error}</p> }
}

#[component]
pub(super) fn Profile(name: String, email: String, email_verified: bool, error: Option<&'static str>) -> impl IntoView {
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
pub(super) fn ChangeEmail(error: Option<&'static str>) -> impl IntoView {
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
pub(super) fn ChangePassword(error: Option<&'static str>) -> impl IntoView {
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
pub(super) fn Devices(devices: Vec<Device>, error: Option<&'static str>) -> impl IntoView {
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
pub(super) fn DeleteAccount(error: Option<&'static str>) -> impl IntoView {
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
