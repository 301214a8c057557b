//! Email verification (on sign-up, resent, required) and changing the address.
use serde_json::{Value, json};

use super::{BOTH, MAIL_WAIT, MailApp, answer, session_cookie, unique_email};
use crate::common::Backend;

async fn email_verified(app: &MailApp, cookie: &str) -> bool {
    let session: Value = app.get("/get-session", Some(cookie)).await.json().await.unwrap();
    session["user"]["emailVerified"].as_bool().unwrap()
}

#[tokio::test]
async fn the_link_sent_on_sign_up_verifies_the_address() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("verify");
        let cookie = app.sign_up(&email, "password123").await;
        assert!(!email_verified(&app, &cookie).await);
        let mail = app.smtp.wait_for(&email, "Confirm your email", MAIL_WAIT).await;
        let link = mail.link_containing("/api/auth/verify-email?token=").expect("a verification link");
        assert!(link.ends_with("&callbackURL=%2F"), "{link}");
        let token = link.split("token=").nth(1).unwrap().split('&').next().unwrap();
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiJ9."), "Better Auth's HS256 header");

        let without_callback = app.local(&link).split("&callbackURL").next().unwrap().to_owned();
        let response = app.client.get(&without_callback).send().await.unwrap();
        assert_eq!(answer(response).await, (200, json!({"status": true, "user": null})), "{backend:?}");
        assert!(email_verified(&app, &cookie).await, "{backend:?}");
        let followed = app.client.get(app.local(&link)).send().await.unwrap();
        assert_eq!((followed.status().as_u16(), followed.headers()["location"].to_str().unwrap()), (302, "/"));
    }
}

#[tokio::test]
async fn bad_and_expired_verification_tokens_are_refused_or_sent_back_with_an_error() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let (status, body) = answer(app.get("/verify-email?token=garbage", None).await).await;
    assert_eq!((status, body), (401, json!({"message": "Invalid token", "code": "INVALID_TOKEN"})));
    let redirect = app.get("/verify-email?token=garbage&callbackURL=/verified%3Ftab%3D1", None).await;
    assert_eq!(redirect.headers()["location"], "/verified?tab=1&error=INVALID_TOKEN");
    let mut claims = ticklist::auth::account::verification_token::VerificationClaims::new("a@example.com", "u1");
    claims.exp = claims.iat - 5;
    let expired = claims.sign("test-secret-0123456789abcdefghijklmnopqrstuvwxyz");
    let (status, body) = answer(app.get(&format!("/verify-email?token={expired}"), None).await).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("TOKEN_EXPIRED")));
    let (status, _) = answer(app.get("/verify-email?token=x&callbackURL=https://evil.example/", None).await).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn with_verification_required_sign_in_waits_for_the_link() {
    for backend in BOTH {
        let app = MailApp::spawn_with(backend, |config| config.accounts.require_email_verification = true).await;
        let email = unique_email("required");
        let body = json!({"name": "New", "email": email, "password": "password123"});
        let response = app.post("/sign-up/email", None, body.clone()).await;
        assert!(session_cookie(&response).is_none(), "{backend:?}: no session before verification");
        let (status, signed_up) = answer(response).await;
        assert_eq!((status, signed_up["token"].clone()), (200, json!(null)));
        let (status, duplicate) = answer(app.post("/sign-up/email", None, body).await).await;
        assert_eq!(status, 200, "{backend:?}: a taken address is not revealed");
        assert_ne!(duplicate["user"]["id"], signed_up["user"]["id"]);

        let (status, refused) = answer(app.sign_in(&email, "password123", "x").await).await;
        assert_eq!((status, refused["code"].as_str()), (403, Some("EMAIL_NOT_VERIFIED")), "{backend:?}");
        assert_eq!(app.sign_in(&email, "wrong-password", "x").await.status(), 401, "the password is checked first");

        let mail = app.smtp.wait_for(&email, "Confirm your email", MAIL_WAIT).await;
        let link = app.local(&mail.link_containing("verify-email").unwrap());
        assert_eq!(app.client.get(link).send().await.unwrap().status(), 302);
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 200, "{backend:?}");
    }
}

#[tokio::test]
async fn resending_the_verification_email_checks_the_address_of_the_session() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let email = unique_email("resend");
    let cookie = app.sign_up(&email, "password123").await;
    let (status, body) =
        answer(app.post("/send-verification-email", Some(&cookie), json!({"email": "other@example.com"})).await).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("EMAIL_MISMATCH")));
    let (status, _) = answer(app.post("/send-verification-email", Some(&cookie), json!({"email": email})).await).await;
    assert_eq!(status, 200);
    app.smtp.wait_for(&email, "Confirm your email", MAIL_WAIT).await;
    let anonymous = std::time::Instant::now();
    let (status, _) =
        answer(app.post("/send-verification-email", None, json!({"email": unique_email("nobody")})).await).await;
    assert_eq!(status, 200);
    assert!(anonymous.elapsed() >= std::time::Duration::from_millis(500), "anonymous answers take the same time");
}

#[tokio::test]
async fn a_new_address_is_used_once_its_link_is_opened() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("old");
        let taken = unique_email("taken");
        app.sign_up(&taken, "password123").await;
        let cookie = app.sign_up(&email, "password123").await;
        let (status, body) = answer(app.post("/change-email", Some(&cookie), json!({"newEmail": email})).await).await;
        assert_eq!((status, body), (400, json!({"message": "Email is the same"})));
        let (status, _) = answer(app.post("/change-email", Some(&cookie), json!({"newEmail": taken})).await).await;
        assert_eq!(status, 200, "{backend:?}: a taken address looks like success");

        let new_email = unique_email("new");
        let (status, _) =
            answer(app.post("/change-email", Some(&cookie), json!({"newEmail": new_email.to_uppercase()})).await).await;
        assert_eq!(status, 200);
        let mail = app.smtp.wait_for(&new_email, "Confirm your new email", MAIL_WAIT).await;
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 200, "unchanged until the link is opened");
        let link = app.local(&mail.link_containing("verify-email").unwrap());
        let link = link.split("&callbackURL").next().unwrap().to_owned();
        let (status, body) = answer(app.client.get(link).header("cookie", &cookie).send().await.unwrap()).await;
        assert_eq!((status, body["user"]["email"].as_str()), (200, Some(new_email.as_str())), "{backend:?}");
        assert_eq!(app.sign_in(&new_email, "password123", "x").await.status(), 200, "{backend:?}");
        assert_eq!(app.sign_in(&email, "password123", "x").await.status(), 401, "{backend:?}");
        assert_eq!(
            app.smtp.messages().iter().filter(|m| m.to == taken && m.subject().contains("new email")).count(),
            0
        );
    }
}

#[tokio::test]
async fn the_profile_takes_a_bounded_name_and_an_http_image_but_not_an_email() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let cookie = app.sign_up(&unique_email("profile"), "password123").await;
    let change = json!({"name": "Renamed", "image": "https://img.example/a.png"});
    let response = app.post("/update-user", Some(&cookie), change).await;
    assert!(session_cookie(&response).is_some(), "the session cookie is sent again");
    assert_eq!(answer(response).await, (200, json!({"status": true})));
    let session: Value = app.get("/get-session", Some(&cookie)).await.json().await.unwrap();
    assert_eq!(
        (session["user"]["name"].as_str(), session["user"]["image"].as_str()),
        (Some("Renamed"), Some("https://img.example/a.png"))
    );
    for (body, code) in [
        (json!({"email": "x@example.com"}), Some("EMAIL_CAN_NOT_BE_UPDATED")),
        (json!({"image": "javascript:alert(1)"}), Some("VALIDATION_ERROR")),
        (json!({"name": "n".repeat(129)}), Some("VALIDATION_ERROR")),
        (json!({"emailVerified": true}), None),
    ] {
        let (status, answer) = answer(app.post("/update-user", Some(&cookie), body.clone()).await).await;
        assert_eq!((status, answer["code"].as_str()), (400, code), "{body}");
    }
    assert_eq!(answer(app.post("/update-user", Some(&cookie), json!({"image": null})).await).await.0, 200);
}

#[tokio::test]
async fn a_change_of_email_link_is_spent_once_the_address_has_changed() {
    for backend in BOTH {
        let app = MailApp::spawn(backend).await;
        let email = unique_email("spent");
        let cookie = app.sign_up(&email, "password123").await;
        let (first, second) = (unique_email("first"), unique_email("second"));
        let mut links = Vec::new();
        for new_email in [&first, &second] {
            let (status, _) =
                answer(app.post("/change-email", Some(&cookie), json!({"newEmail": new_email})).await).await;
            assert_eq!(status, 200);
            let mail = app.smtp.wait_for(new_email, "Confirm your new email", MAIL_WAIT).await;
            let link = app.local(&mail.link_containing("verify-email").unwrap());
            links.push(link.split("&callbackURL").next().unwrap().to_owned());
        }
        let open = |link: &String| app.client.get(link).header("cookie", &cookie).send();
        let (status, body) = answer(open(&links[1]).await.unwrap()).await;
        assert_eq!((status, body["user"]["email"].as_str()), (200, Some(second.as_str())), "{backend:?}");
        // As Better Auth: each link was made for the old address, which the account no longer has.
        for link in &links {
            let (status, body) = answer(open(link).await.unwrap()).await;
            assert_eq!(
                (status, body),
                (401, json!({"message": "Invalid token", "code": "INVALID_TOKEN"})),
                "{backend:?}"
            );
        }
        assert_eq!(app.sign_in(&second, "password123", "x").await.status(), 200, "{backend:?}");
        assert_eq!(app.sign_in(&first, "password123", "x").await.status(), 401, "{backend:?}");
    }
}

#[tokio::test]
async fn a_verification_link_verifies_only_the_account_it_was_made_for() {
    let app = MailApp::spawn(Backend::Sqlite).await;
    let first = app.sign_up(&unique_email("first"), "password123").await;
    let other_email = unique_email("other");
    let other = app.sign_up(&other_email, "password123").await;
    let session: Value = app.get("/get-session", Some(&first)).await.json().await.unwrap();
    let first_id = session["user"]["id"].as_str().unwrap();
    // A token for the other account's address naming the first account (as an old link would after the
    // address moved from one account to another).
    let claims = ticklist::auth::account::verification_token::VerificationClaims::new(&other_email, first_id);
    let token = claims.sign("test-secret-0123456789abcdefghijklmnopqrstuvwxyz");
    let (status, body) = answer(app.get(&format!("/verify-email?token={token}"), None).await).await;
    assert_eq!((status, body), (401, json!({"message": "Invalid token", "code": "INVALID_TOKEN"})));
    assert!(!email_verified(&app, &other).await);
}
