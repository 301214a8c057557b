//! The account page's no-JavaScript forms (`auth::routes::account_forms`): each answers a 303 back to
//! its page with `?done=` or `?error=`, acts through the same logic as its JSON endpoint, under the
//! same origin rule and rate-limit bucket; sessions are named by id, only the user's own are found;
//! and a forgotten password is reset through the forms and the emailed link.
use std::time::Duration;

use reqwest::Response;
use serde_json::{Value, json};

use crate::accounts::{BOTH, MAIL_WAIT, MailApp, answer, clears_cookies, session_cookie, unique_email};
use crate::common::Backend;

use super::ORIGIN;

impl MailApp {
    /// Posts a form (`application/x-www-form-urlencoded`) to `path` from `origin`.
    async fn form_from(&self, origin: &str, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Response {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut request = self
            .client
            .post(self.app.url(path))
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// Posts a form to `path` from the site's own origin.
    async fn form(&self, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Response {
        self.form_from(ORIGIN, path, cookie, fields).await
    }

    /// The user behind `cookie`, as `get-session` tells it.
    async fn user_of(&self, cookie: &str) -> Value {
        answer(self.get("/get-session", Some(cookie)).await).await.1["user"].clone()
    }

    /// The ids of the sessions `cookie`'s user has, by user agent.
    async fn session_ids(&self, cookie: &str) -> Vec<(String, String)> {
        let (status, sessions) = answer(self.get("/list-sessions", Some(cookie)).await).await;
        assert_eq!(status, 200);
        sessions
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["userAgent"].as_str().unwrap_or_default().to_owned(), s["id"].as_str().unwrap().to_owned()))
            .collect()
    }
}

/// A 303 and where it leads.
fn see_other(response: &Response) -> String {
    assert_eq!(response.status(), 303, "a form post is answered with 303 See Other");
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_name_form_saves_a_name_refuses_an_empty_one_and_sends_strangers_to_sign_in() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let cookie = app.sign_up(&unique_email("name"), "password123").await;

    let response = app.form("/account/name", Some(&cookie), &[("name", "  Ada Lovelace ")]).await;
    assert_eq!(see_other(&response), "/account?done=name");
    assert_eq!(app.user_of(&cookie).await["name"], "Ada Lovelace");

    let response = app.form("/account/name", Some(&cookie), &[("name", "   ")]).await;
    assert_eq!(see_other(&response), "/account?error=NAME_REQUIRED&form=profile#profile");
    let long = "n".repeat(129);
    let response = app.form("/account/name", Some(&cookie), &[("name", long.as_str())]).await;
    assert_eq!(see_other(&response), "/account?error=NAME_TOO_LONG&form=profile#profile");
    assert_eq!(app.user_of(&cookie).await["name"], "Ada Lovelace");

    let response = app.form("/account/name", None, &[("name", "Nobody")]).await;
    assert_eq!(see_other(&response), "/sign-in?next=%2Faccount");
}

#[tokio::test]
async fn account_forms_from_another_origin_change_nothing() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let email = unique_email("csrf");
    let cookie = app.sign_up(&email, "password123").await;
    let evil = "http://evil.example";

    let response = app.form_from(evil, "/account/name", Some(&cookie), &[("name", "Pwned")]).await;
    assert_eq!(see_other(&response), "/account?error=INVALID_ORIGIN&form=profile#profile");
    assert_eq!(app.user_of(&cookie).await["name"], "Account User");

    let response = app.form_from(evil, "/account/delete", Some(&cookie), &[("password", "password123")]).await;
    assert_eq!(see_other(&response), "/account?error=INVALID_ORIGIN&form=delete#delete");
    let response = app.form_from(evil, "/account/sessions/revoke-others", Some(&cookie), &[]).await;
    assert_eq!(see_other(&response), "/account?error=INVALID_ORIGIN&form=devices#devices");
    assert!(app.is_signed_in(&cookie).await, "the account is still there");
}

#[tokio::test]
async fn the_password_form_checks_the_current_password_and_can_sign_out_the_other_devices() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("pw-form");
        let here = app.sign_up(&email, "password123").await;
        let there = session_cookie(&app.sign_in(&email, "password123", "other-device").await).unwrap();

        let wrong = [("currentPassword", "not-it-at-all"), ("newPassword", "new-password-1")];
        let response = app.form("/account/password", Some(&here), &wrong).await;
        assert_eq!(see_other(&response), "/account?error=INVALID_PASSWORD&form=password#password", "{backend:?}");
        let short = [("currentPassword", "password123"), ("newPassword", "short")];
        let response = app.form("/account/password", Some(&here), &short).await;
        assert_eq!(see_other(&response), "/account?error=PASSWORD_TOO_SHORT&form=password#password");

        // The checkbox left unticked: the other device stays signed in, this browser keeps its cookie.
        let keep = [("currentPassword", "password123"), ("newPassword", "new-password-1")];
        let response = app.form("/account/password", Some(&here), &keep).await;
        assert_eq!(see_other(&response), "/account?done=password", "{backend:?}");
        assert!(session_cookie(&response).is_none());
        assert!(app.is_signed_in(&there).await && app.is_signed_in(&here).await, "{backend:?}");

        let everywhere =
            [("currentPassword", "new-password-1"), ("newPassword", "new-password-2"), ("revokeOtherSessions", "true")];
        let response = app.form("/account/password", Some(&here), &everywhere).await;
        let fresh = session_cookie(&response).expect("this browser gets a new session");
        assert_eq!(see_other(&response), "/account?done=password-everywhere", "{backend:?}");
        assert!(!app.is_signed_in(&there).await, "{backend:?}: the other device is signed out");
        assert!(app.is_signed_in(&fresh).await, "{backend:?}");
        assert_eq!(app.sign_in(&email, "new-password-2", "x").await.status(), 200, "{backend:?}");
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 401, "{backend:?}");
    }
}

#[tokio::test]
async fn the_password_form_counts_against_the_change_password_rate_limit() {
    let app = MailApp::spawn_with(Backend::Sqlite, |config| config.rate_limit = true).await;
    let cookie = app.sign_up(&unique_email("limit"), "password123").await;
    let wrong = json!({"currentPassword": "not-it-at-all", "newPassword": "new-password-1"});
    for _ in 0..2 {
        assert_eq!(app.post("/change-password", Some(&cookie), wrong.clone()).await.status(), 400);
    }
    let fields = [("currentPassword", "not-it-at-all"), ("newPassword", "new-password-1")];
    let third = app.form("/account/password", Some(&cookie), &fields).await;
    assert_eq!(see_other(&third), "/account?error=INVALID_PASSWORD&form=password#password");
    let fourth = app.form("/account/password", Some(&cookie), &fields).await;
    assert_eq!(see_other(&fourth), "/account?error=RATE_LIMITED&form=password#password");
    assert_eq!(app.post("/change-password", Some(&cookie), wrong).await.status(), 429, "one bucket for both");
}

#[tokio::test]
async fn devices_are_signed_out_by_id_and_only_among_the_users_own_sessions() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let email = unique_email("devices-form");
    let laptop = app.sign_up(&email, "password123").await;
    let phone = session_cookie(&app.sign_in(&email, "password123", "phone").await).unwrap();
    let tablet = session_cookie(&app.sign_in(&email, "password123", "tablet").await).unwrap();
    let stranger = app.sign_up(&unique_email("stranger"), "password123").await;
    let strangers_id = app.session_ids(&stranger).await[0].1.clone();

    let response = app.form("/account/sessions/revoke", Some(&laptop), &[("id", strangers_id.as_str())]).await;
    assert_eq!(see_other(&response), "/account?error=SESSION_NOT_FOUND&form=devices#devices");
    assert!(app.is_signed_in(&stranger).await, "another user's session is not found, let alone ended");

    let ids = app.session_ids(&laptop).await;
    let phone_id = &ids.iter().find(|(agent, _)| agent == "phone").unwrap().1;
    let response = app.form("/account/sessions/revoke", Some(&laptop), &[("id", phone_id.as_str())]).await;
    assert!(!clears_cookies(&response));
    assert_eq!(see_other(&response), "/account?done=signed-out-device");
    assert!(!app.is_signed_in(&phone).await);
    assert!(app.is_signed_in(&tablet).await && app.is_signed_in(&laptop).await);

    let response = app.form("/account/sessions/revoke-others", Some(&laptop), &[]).await;
    assert_eq!(see_other(&response), "/account?done=signed-out-others");
    assert!(!app.is_signed_in(&tablet).await);
    assert_eq!(app.session_ids(&laptop).await.len(), 1);

    // Its own id: this browser is signed out and sent to sign in.
    let own_id = app.session_ids(&laptop).await[0].1.clone();
    let response = app.form("/account/sessions/revoke", Some(&laptop), &[("id", own_id.as_str())]).await;
    assert!(clears_cookies(&response));
    assert_eq!(see_other(&response), "/sign-in");
    assert!(!app.is_signed_in(&laptop).await);
}

#[tokio::test]
async fn the_email_forms_resend_the_verification_and_send_a_change_link_back_to_the_account_page() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let email = unique_email("email-form");
    let cookie = app.sign_up(&email, "password123").await;

    let response = app.form("/account/verify-email", Some(&cookie), &[]).await;
    assert_eq!(see_other(&response), "/account?done=verification-sent");
    let link = wait_for_link(&app, &email, "callbackURL=%2Faccount%3Fdone%3Dverified").await;
    let followed = app.client.get(app.local(&link)).send().await.unwrap();
    assert_eq!(followed.status(), 302);
    assert_eq!(followed.headers()["location"], "/account?done=verified");
    assert_eq!(app.user_of(&cookie).await["emailVerified"], true);
    let response = app.form("/account/verify-email", Some(&cookie), &[]).await;
    assert_eq!(see_other(&response), "/account?error=EMAIL_ALREADY_VERIFIED&form=profile#profile");

    let same = app.form("/account/email", Some(&cookie), &[("newEmail", email.to_uppercase().as_str())]).await;
    assert_eq!(see_other(&same), "/account?error=EMAIL_IS_THE_SAME&form=email#email");
    let invalid = app.form("/account/email", Some(&cookie), &[("newEmail", "not-an-address")]).await;
    assert_eq!(see_other(&invalid), "/account?error=INVALID_EMAIL&form=email#email");

    let new_email = unique_email("moved");
    let response = app.form("/account/email", Some(&cookie), &[("newEmail", new_email.as_str())]).await;
    assert_eq!(see_other(&response), "/account?done=email-sent");
    let mail = app.smtp.wait_for(&new_email, "Confirm your new email", MAIL_WAIT).await;
    let link = mail.link_containing("/api/auth/verify-email").expect("a confirmation link");
    assert!(link.ends_with("callbackURL=%2Faccount%3Fdone%3Demail-changed"), "{link}");
    let followed = app.client.get(app.local(&link)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(followed.headers()["location"], "/account?done=email-changed");
    assert_eq!(app.user_of(&cookie).await["email"], new_email.as_str());
}

/// Waits for a message to `to` with a link containing `needle`.
async fn wait_for_link(app: &MailApp, to: &str, needle: &str) -> String {
    let deadline = tokio::time::Instant::now() + MAIL_WAIT;
    loop {
        let found = app
            .smtp
            .messages()
            .into_iter()
            .filter(|m| m.to.eq_ignore_ascii_case(to))
            .find_map(|m| m.link_containing(needle));
        if let Some(link) = found {
            return link;
        }
        assert!(tokio::time::Instant::now() < deadline, "no link with {needle:?} to {to}: {:?}", app.smtp.messages());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn deleting_the_account_by_form_needs_the_password_then_signs_out_for_good() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("delete-form");
        let cookie = app.sign_up(&email, "password123").await;
        let user_id = app.user_of(&cookie).await["id"].as_str().unwrap().to_owned();
        let jwt = app.jwt(&cookie).await;
        let task = app
            .client
            .post(app.app.url(&format!("/api/{user_id}/tasks")))
            .bearer_auth(&jwt)
            .json(&json!({"title": "Doomed"}))
            .send()
            .await
            .unwrap();
        assert_eq!(task.status(), 201);

        for wrong in ["", "not-the-password"] {
            let response = app.form("/account/delete", Some(&cookie), &[("password", wrong)]).await;
            assert_eq!(see_other(&response), "/account?error=INVALID_PASSWORD&form=delete#delete", "{backend:?}");
        }
        assert!(app.is_signed_in(&cookie).await);

        let response = app.form("/account/delete", Some(&cookie), &[("password", "password123")]).await;
        assert!(clears_cookies(&response), "{backend:?}");
        assert_eq!(see_other(&response), "/sign-in?deleted=1");
        assert!(!app.is_signed_in(&cookie).await);
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 401, "{backend:?}");
        let counts = ticklist::tasks::counts(&app.app.state.store, &user_id).await.unwrap();
        assert_eq!(counts.total, 0, "{backend:?}: the tasks went with the account");
    }
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_forms_and_the_emailed_link() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("forgot-form");
        let before = app.sign_up(&email, "password123").await;

        let unknown = app.form("/forgot-password", None, &[("email", unique_email("nobody").as_str())]).await;
        assert_eq!(see_other(&unknown), "/forgot-password?done=sent", "{backend:?}: unknown addresses look the same");
        let invalid = app.form("/forgot-password", None, &[("email", "no at sign")]).await;
        assert_eq!(see_other(&invalid), "/forgot-password?error=INVALID_EMAIL&email=no+at+sign");
        let known = app.form("/forgot-password", None, &[("email", email.to_uppercase().as_str())]).await;
        assert_eq!(see_other(&known), "/forgot-password?done=sent");

        let mail = app.smtp.wait_for(&email, "Reset your Ticklist password", MAIL_WAIT).await;
        let link = mail.link_containing("/api/auth/reset-password/").expect("a reset link");
        assert!(link.ends_with("?callbackURL=%2Freset-password"), "the link lands on the reset page: {link}");
        let followed = app.client.get(app.local(&link)).send().await.unwrap();
        let location = followed.headers()["location"].to_str().unwrap().to_owned();
        let token = location.strip_prefix("http://127.0.0.1:3000/reset-password?token=").expect("the page").to_owned();

        let short = app.form("/reset-password", None, &[("token", token.as_str()), ("newPassword", "short")]).await;
        assert_eq!(see_other(&short), format!("/reset-password?token={token}&error=PASSWORD_TOO_SHORT"));
        let fields = [("token", token.as_str()), ("newPassword", "brand-new-pass")];
        let reset = app.form("/reset-password", None, &fields).await;
        assert_eq!(see_other(&reset), "/sign-in?reset=1", "{backend:?}");
        let again = app.form("/reset-password", None, &fields).await;
        assert_eq!(see_other(&again), "/reset-password?error=INVALID_TOKEN", "{backend:?}: a token works once");
        let forged = app.form("/reset-password", None, &[("token", "forged"), ("newPassword", "brand-new-pass")]).await;
        assert_eq!(see_other(&forged), "/reset-password?error=INVALID_TOKEN");

        assert!(!app.is_signed_in(&before).await, "{backend:?}: a reset signs out every session");
        assert_eq!(app.sign_in(&email, "brand-new-pass", "x").await.status(), 200, "{backend:?}");
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 401, "{backend:?}");
    }
}

#[tokio::test]
async fn the_forgot_password_form_shares_the_request_password_reset_rate_limit() {
    let app = MailApp::spawn_with(Backend::Sqlite, |config| config.rate_limit = true).await;
    let email = unique_email("forgot-limit");
    for _ in 0..3 {
        assert_eq!(
            see_other(&app.form("/forgot-password", None, &[("email", email.as_str())]).await),
            "/forgot-password?done=sent"
        );
    }
    let fourth = app.form("/forgot-password", None, &[("email", email.as_str())]).await;
    assert_eq!(see_other(&fourth), format!("/forgot-password?error=RATE_LIMITED&email={}", email.replace('@', "%40")));
    assert_eq!(app.post("/request-password-reset", None, json!({"email": email})).await.status(), 429);
}
