//! What the account pages say after a form post came back (`?done=WHAT`, `?error=CODE`), in plain
//! words. The codes are Better Auth's, plus the few the forms add (see `auth::routes::account_forms`).
//! The sign-in and sign-up forms say the codes they do not word themselves this way too.
use const_format::formatcp;
use ticklist::model::{NAME_MAX, PASSWORD_MAX, PASSWORD_MIN};

/// The confirmation for `done=what`; `None` for a value the forms never send.
pub fn done(what: &str) -> Option<&'static str> {
    Some(match what {
        "name" => "Your name has been saved.",
        "email-sent" => "Check the inbox of the new address: we've sent it a link to confirm the change.",
        "email-changed" => "Your email address has been changed.",
        "verification-sent" => "We've sent a new verification link to your email address.",
        "verified" => "Your email address is verified.",
        "password" => "Your password has been changed.",
        "password-everywhere" => "Your password has been changed, and your other devices have been signed out.",
        "signed-out-device" => "That device has been signed out.",
        "signed-out-others" => "All your other devices have been signed out.",
        "sent" => {
            "If an account uses that address, we've sent it a link to reset the password. The link works for one hour."
        }
        _ => return None,
    })
}

/// The explanation of an error code.
pub fn error(code: &str) -> &'static str {
    match code {
        "RATE_LIMITED" => "Too many attempts. Wait a minute and try again.",
        "INVALID_PASSWORD" => "That password isn't right.",
        "PASSWORD_TOO_SHORT" => formatcp!("Use at least {PASSWORD_MIN} characters for the new password."),
        "PASSWORD_TOO_LONG" => formatcp!("Use at most {PASSWORD_MAX} characters for a password."),
        "NAME_REQUIRED" => "Enter your name.",
        "NAME_TOO_LONG" => formatcp!("Use at most {NAME_MAX} characters for your name."),
        "INVALID_EMAIL" => "Enter a valid email address.",
        "EMAIL_IS_THE_SAME" => "That is already your email address.",
        "EMAIL_ALREADY_VERIFIED" => "Your email address is already verified.",
        "USER_ALREADY_EXISTS" => "Another account already uses that email address.",
        "VERIFICATION_EMAIL_NOT_ENABLED" | "RESET_PASSWORD_DISABLED" => {
            "This server can't send email, so this isn't available."
        }
        "SESSION_NOT_FOUND" => "That device was already signed out.",
        "INVALID_TOKEN" | "TOKEN_EXPIRED" | "INVALID_USER" | "USER_NOT_FOUND" => "This link is invalid or has expired.",
        "CREDENTIAL_ACCOUNT_NOT_FOUND" => "This account has no password to change.",
        "INVALID_ORIGIN" | "MISSING_OR_NULL_ORIGIN" => {
            "This page's address isn't allowed to make changes. Open Ticklist from its own address."
        }
        "EXTERNAL_ACCOUNTS" => "Your account is managed by the sign-in server, not here.",
        "SERVICE_UNAVAILABLE" | "INTERNAL_SERVER_ERROR" => "The server had a problem. Try again in a moment.",
        _ => "Something went wrong. Try again.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_the_forms_send_has_its_own_words() {
        for what in ["name", "email-sent", "email-changed", "verification-sent", "verified", "password"] {
            assert!(done(what).is_some(), "{what}");
        }
        assert_eq!(done("<script>"), None);
        for code in ["RATE_LIMITED", "INVALID_PASSWORD", "SESSION_NOT_FOUND", "NAME_TOO_LONG", "EMAIL_IS_THE_SAME"] {
            assert_ne!(error(code), error("SOMETHING_ELSE"), "{code}");
        }
    }
}
