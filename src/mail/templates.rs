//! The messages Ticklist sends, in plain text and HTML. Links are absolute, built from
//! `BETTER_AUTH_URL`, and point at the Better Auth endpoints that check the token.
use crate::db::OutboxMail;

/// One kind of message: its subject, the sentence before the link, the button text, and the note
/// after it.
struct Template {
    subject: &'static str,
    lead: &'static str,
    action: &'static str,
    note: &'static str,
}

const RESET_PASSWORD: Template = Template {
    subject: "Reset your Ticklist password",
    lead: "Someone (hopefully you) asked to reset the password of your Ticklist account.",
    action: "Choose a new password",
    note: "The link works once, for one hour. If you did not ask for it, ignore this message: your password stays as it is.",
};

const VERIFY_EMAIL: Template = Template {
    subject: "Confirm your email address for Ticklist",
    lead: "Please confirm that this is your email address.",
    action: "Confirm my email address",
    note: "The link works for one hour. If you did not sign up for Ticklist, ignore this message.",
};

const CHANGE_EMAIL: Template = Template {
    subject: "Confirm your new email address for Ticklist",
    lead: "You asked to use this address for your Ticklist account.",
    action: "Use this email address",
    note: "The link works for one hour. Until you open it, your account keeps its current address.",
};

/// The password-reset message.
pub fn reset_password(to: &str, link: &str) -> OutboxMail {
    render(&RESET_PASSWORD, to, link)
}

/// The "confirm your email" message.
pub fn verify_email(to: &str, link: &str) -> OutboxMail {
    render(&VERIFY_EMAIL, to, link)
}

/// The message to a new address that confirms a change of email.
pub fn change_email(to: &str, link: &str) -> OutboxMail {
    render(&CHANGE_EMAIL, to, link)
}

fn render(template: &Template, to: &str, link: &str) -> OutboxMail {
    let Template { subject, lead, action, note } = template;
    let text_body = format!("Hello,\n\n{lead}\n\n{action}:\n{link}\n\n{note}\n\n— Ticklist\n");
    let href = escape(link);
    let html_body = format!(
        "<!DOCTYPE html><html lang=\"en\"><body style=\"font-family:system-ui,sans-serif;line-height:1.5\">\
         <p>Hello,</p><p>{lead}</p>\
         <p><a href=\"{href}\" style=\"display:inline-block;padding:.6em 1.2em;background:#2457c5;color:#fff;\
         border-radius:6px;text-decoration:none\">{action}</a></p>\
         <p>Or copy this link into your browser:<br><span style=\"word-break:break-all\">{href}</span></p>\
         <p style=\"color:#555\">{note}</p><p>— Ticklist</p></body></html>"
    );
    OutboxMail {
        id: crate::auth::ids::generate_id(),
        recipient: to.to_owned(),
        subject: (*subject).to_owned(),
        text_body,
        html_body,
        attempts: 0,
    }
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_is_in_both_bodies_and_escaped_in_html() {
        let mail = reset_password("a@example.com", "https://tick.dev/api/auth/reset-password/abc?callbackURL=%2Fx&y=1");
        assert!(mail.text_body.contains("https://tick.dev/api/auth/reset-password/abc?callbackURL=%2Fx&y=1"));
        assert!(
            mail.html_body.contains("href=\"https://tick.dev/api/auth/reset-password/abc?callbackURL=%2Fx&amp;y=1\"")
        );
        assert_eq!(mail.recipient, "a@example.com");
    }
}
