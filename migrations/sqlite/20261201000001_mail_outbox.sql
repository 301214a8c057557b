-- The outbox of emails (password reset, email verification, change of email): a message is written in
-- the same transaction as the token it carries, a background sender delivers it with retries, and the
-- row is deleted once an SMTP server has accepted it. `next_attempt_at` also leases a row to one sender.
create table if not exists "mail_outbox" ("id" text not null primary key, "recipient" text not null, "subject" text not null, "text_body" text not null, "html_body" text not null, "attempts" integer not null default 0, "next_attempt_at" text not null, "created_at" text not null, "last_error" text);
create index if not exists "mail_outbox_next_attempt_idx" on "mail_outbox" ("next_attempt_at");
