-- Each user's change version: raised by every write to their tasks in the same transaction, carried by
-- each live-sync event, so a client can tell which changes it has seen and which it missed.
alter table task_count add column version integer not null default 0;
