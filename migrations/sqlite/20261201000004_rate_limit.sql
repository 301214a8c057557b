-- Better Auth's rate-limit table (rateLimit.storage: "database"), so that every instance on this
-- database counts the same requests: one row per client and endpoint, "lastRequest" in milliseconds.
create table if not exists "rateLimit" ("id" text not null primary key, "key" text not null unique, "count" integer not null, "lastRequest" integer not null);
