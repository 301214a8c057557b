//! The account settings: where mail goes (`SMTP_URL`, `MAIL_FROM`) and the account rules
//! (`REQUIRE_EMAIL_VERIFICATION`, `REVOKE_SESSIONS_ON_PASSWORD_RESET`, `CHANGE_EMAIL_WITHOUT_VERIFICATION`).
use super::{ConfigError, Environment, Secret};

/// How Ticklist sends mail and which account rules apply.
#[derive(Debug, Clone)]
pub struct AccountOptions {
    /// `SMTP_URL`: `smtp://[user:password@]host[:port]` (plain; add `?tls=required` for STARTTLS) or
    /// `smtps://…` (TLS from the start). Holds credentials: never printed.
    pub smtp_url: Option<Secret>,
    /// `MAIL_FROM`: the sender of every message. Default `Ticklist <no-reply@<host of BETTER_AUTH_URL>>`.
    pub mail_from: String,
    /// Without `SMTP_URL`, development writes each message (and its link) to the log; production has
    /// no mail, and the features that need it answer as Better Auth does without a sender.
    pub log_mail: bool,
    /// `REQUIRE_EMAIL_VERIFICATION` (default off): sign-in answers `EMAIL_NOT_VERIFIED` until verified.
    pub require_email_verification: bool,
    /// `REVOKE_SESSIONS_ON_PASSWORD_RESET` (default on): a reset signs out every session.
    pub revoke_sessions_on_password_reset: bool,
    /// `CHANGE_EMAIL_WITHOUT_VERIFICATION` (default off): an unverified user's email changes at once.
    pub change_email_without_verification: bool,
}

impl AccountOptions {
    pub(super) fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        environment: Environment,
        host: &str,
    ) -> Result<Self, ConfigError> {
        let smtp_url = get("SMTP_URL");
        if let Some(url) = &smtp_url {
            let parsed = url::Url::parse(url).ok().filter(|url| matches!(url.scheme(), "smtp" | "smtps"));
            if parsed.is_none_or(|url| url.host().is_none()) {
                return Err(ConfigError {
                    variable: "SMTP_URL",
                    message: "must be smtp://host[:port] or smtps://host[:port], with user:password@ if needed".into(),
                });
            }
        }
        let mail_from = get("MAIL_FROM").unwrap_or_else(|| format!("Ticklist <no-reply@{host}>"));
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError {
                variable: "MAIL_FROM",
                message: format!("{mail_from:?} is not an email address"),
            });
        }
        Ok(Self {
            log_mail: smtp_url.is_none() && environment == Environment::Development,
            smtp_url: smtp_url.map(Secret::new),
            mail_from,
            require_email_verification: flag(get, "REQUIRE_EMAIL_VERIFICATION", false)?,
            revoke_sessions_on_password_reset: flag(get, "REVOKE_SESSIONS_ON_PASSWORD_RESET", true)?,
            change_email_without_verification: flag(get, "CHANGE_EMAIL_WITHOUT_VERIFICATION", false)?,
        })
    }

    /// Whether emails can be sent at all (to an SMTP server or, in development, the log).
    pub fn can_send_mail(&self) -> bool {
        self.smtp_url.is_some() || self.log_mail
    }
}

/// An on/off setting.
pub(super) fn flag(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(name).as_deref() {
        None => Ok(default),
        Some("on" | "true" | "1") => Ok(true),
        Some("off" | "false" | "0") => Ok(false),
        Some(other) => Err(ConfigError { variable: name, message: format!("must be on or off, not {other:?}") }),
    }
}
