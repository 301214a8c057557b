-- Accounts deleted lately: every instance refuses the JWTs of these users until the tokens have
-- expired anyway (rows older than the longest token lifetime are pruned). Tasks have no foreign key
-- to "user", so this list, not a join, is what reaches every instance.
create table if not exists "account_deletion" ("user_id" text not null primary key, "deleted_at" timestamptz not null);
