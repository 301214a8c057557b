-- Tasks. `user_id` has no foreign key: users may live in an external Better Auth.
-- `tags` holds the JSON array returned to clients; `task_tag` holds one row per tag for filtering.
-- `search` is the lower-cased title and description (lower-cased in Rust, so Unicode-aware on both backends).
-- Timestamps are RFC 3339 text; priority is 0 low, 1 medium, 2 high so that it sorts by urgency.
create table task (
    id integer primary key autoincrement,
    user_id text not null,
    title text not null,
    description text,
    completed integer not null default 0,
    priority integer not null default 1,
    due_date text,
    tags text not null default '[]',
    search text not null,
    created_at text not null,
    updated_at text not null
);
create index task_user_created_idx on task (user_id, created_at, id);
create index task_user_completed_idx on task (user_id, completed, created_at, id);
create index task_user_due_idx on task (user_id, due_date);

create table task_tag (
    task_id integer not null references task (id) on delete cascade,
    user_id text not null,
    tag text not null,
    primary key (task_id, tag)
);
create index task_tag_user_tag_idx on task_tag (user_id, tag, task_id);

-- Per-user counts kept in step with `task` inside every write's transaction, so that the list's
-- X-Total-Count costs one row read however many tasks a user holds.
create table task_count (
    user_id text primary key,
    total integer not null,
    completed integer not null
);
