//! Outgoing mail. Messages are written to the `mail_outbox` table (with the token they carry, in one
//! transaction) and delivered by [`sender`] in the background: sending never delays or fails a
//! request, and an SMTP server that is down delays mail without losing any.
pub mod sender;
pub mod templates;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor, message::Mailbox};

use crate::config::AccountOptions;
use crate::db::OutboxMail;

/// The mail side of the app state: where messages go, and the outbox's doorbell.
#[derive(Clone)]
pub struct Mail {
    pub postman: Postman,
    pub outbox: sender::Outbox,
}

impl Mail {
    /// Sets up mail from the settings and starts the background sender (when mail can go anywhere).
    pub fn start(options: &AccountOptions, store: &crate::db::Store) -> Self {
        let postman = Postman::new(options).unwrap_or_else(|error| {
            tracing::error!(%error, "mail is off");
            Postman::Off
        });
        if !postman.is_on() {
            tracing::warn!(
                "SMTP_URL is not set: password reset, email verification and change of email are off \
                 (they answer as Better Auth does without an email sender)"
            );
        }
        let outbox = sender::Outbox::default();
        outbox.spawn_sender(store.clone(), postman.clone());
        Self { postman, outbox }
    }
}

/// Where messages go.
#[derive(Clone)]
pub enum Postman {
    /// An SMTP server (`SMTP_URL`).
    Smtp { transport: Box<AsyncSmtpTransport<Tokio1Executor>>, from: Mailbox },
    /// The log, at `info` (development without `SMTP_URL`).
    Log,
    /// Nowhere: mail features are off (production without `SMTP_URL`).
    Off,
}

impl Postman {
    pub fn new(options: &AccountOptions) -> Result<Self, String> {
        let from: Mailbox = options.mail_from.parse().map_err(|_| "MAIL_FROM is not an email address".to_owned())?;
        match &options.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|error| format!("SMTP_URL: {error}"))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build()
                    .into();
                Ok(Postman::Smtp { transport, from })
            }
            None if options.log_mail => Ok(Postman::Log),
            None => Ok(Postman::Off),
        }
    }

    /// Whether messages can go anywhere (else the features that need mail are off).
    pub fn is_on(&self) -> bool {
        !matches!(self, Postman::Off)
    }

    /// Delivers one message; `Err` is worth retrying.
    pub async fn deliver(&self, mail: &OutboxMail) -> Result<(), String> {
        match self {
            Postman::Smtp { transport, from } => {
                let to: Mailbox = mail.recipient.parse().map_err(|_| format!("bad recipient {:?}", mail.recipient))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&mail.subject)
                    .multipart(lettre::message::MultiPart::alternative_plain_html(
                        mail.text_body.clone(),
                        mail.html_body.clone(),
                    ))
                    .map_err(|error| error.to_string())?;
                transport.send(message).await.map(drop).map_err(|error| error.to_string())
            }
            Postman::Log => {
                tracing::info!(to = %mail.recipient, subject = %mail.subject, body = %mail.text_body, "mail (no SMTP_URL: logged, not sent)");
                Ok(())
            }
            Postman::Off => Err("no SMTP_URL is configured".into()),
        }
    }
}
