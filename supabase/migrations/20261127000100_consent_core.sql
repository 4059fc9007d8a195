-- The consent-controlled circle, part 1: types, tables, indexes, privileges and integrity triggers.
-- Row-level security policies and their helpers are in 20261127000200_consent_policies.sql, the RPCs
-- in 20261127000300_consent_rpcs.sql. docs/policies.md lists every policy, RPC and error.
--
-- Privileges: the API roles get nothing by default (Supabase grants everything in public to anon and
-- authenticated); each table below is granted explicitly, column by column where a column must stay
-- out of reach. anon gets no table at all.

alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke all on functions from anon, authenticated;
-- Functions are executable by PUBLIC unless revoked; from here on every function is granted one by one.
alter default privileges revoke execute on functions from public;

-- Helpers that policies and RPCs share. Not exposed by the API (PostgREST serves `public` only).
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

------------------------------------------------------------------------------------------------------
-- Types
------------------------------------------------------------------------------------------------------

create type public.member_role as enum ('owner', 'coordinator', 'supporter');
create type public.member_status as enum ('active', 'removed', 'left');
create type public.sharing_category as enum ('practical', 'general', 'milestones', 'wellbeing', 'health');
create type public.relationship as enum ('family', 'friend', 'professional', 'peer', 'community', 'other');
create type public.update_status as enum ('draft', 'pending', 'published', 'declined');

------------------------------------------------------------------------------------------------------
-- Tables
------------------------------------------------------------------------------------------------------

-- One row per auth user, created by a trigger on auth.users. Only the display name is kept here:
-- authorisation never reads user metadata.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(btrim(display_name)) between 1 and 80),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.profiles enable row level security;

create table public.circles (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 80),
  owner_id uuid not null references public.profiles (id) on delete cascade,
  time_zone text not null default 'UTC',
  coordinators_can_invite boolean not null default false,
  updates_paused boolean not null default false,
  updates_paused_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.circles enable row level security;
create index circles_owner_id_idx on public.circles (owner_id);

-- One row per user and circle, for the whole history: leaving or being removed changes `status`, and
-- accepting a new invitation later reactivates the same row (same id, so audiences stay meaningful).
create table public.circle_members (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references public.circles (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.member_role not null,
  relationship public.relationship,
  label text check (label is null or char_length(label) between 1 and 60),
  status public.member_status not null default 'active',
  joined_at timestamptz not null default now(),
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint circle_members_circle_user_key unique (circle_id, user_id),
  -- Target of the composite foreign keys that keep grants and claims inside their member's circle.
  constraint circle_members_id_circle_key unique (id, circle_id),
  constraint circle_members_relationship_check check (role = 'owner' or relationship is not null),
  constraint circle_members_owner_active_check check (role <> 'owner' or status = 'active'),
  constraint circle_members_ended_check check ((status = 'active') = (ended_at is null))
);
alter table public.circle_members enable row level security;
create unique index circle_members_one_owner_idx on public.circle_members (circle_id) where role = 'owner';
create index circle_members_user_id_status_idx on public.circle_members (user_id, status);

-- The categories the person shares with a member. circle_id is carried (and kept equal to the
-- member's circle by the composite foreign key) so that the owner's policy needs no join.
create table public.sharing_grants (
  member_id uuid not null,
  circle_id uuid not null,
  category public.sharing_category not null,
  granted_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (member_id, category),
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table public.sharing_grants enable row level security;
create index sharing_grants_circle_id_idx on public.sharing_grants (circle_id);

-- Only the SHA-256 of the emailed token is stored. email is kept lower-cased and trimmed.
create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references public.circles (id) on delete cascade,
  email text not null check (
    email = lower(btrim(email)) and char_length(email) between 3 and 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'
  ),
  role public.member_role not null check (role <> 'owner'),
  relationship public.relationship not null,
  label text check (label is null or char_length(label) between 1 and 60),
  categories public.sharing_category[] not null default '{}',
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  invited_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  sent_at timestamptz not null default now(),
  send_count integer not null default 1,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references public.profiles (id) on delete set null,
  member_id uuid,
  declined_at timestamptz,
  revoked_at timestamptz,
  constraint invitations_one_outcome_check check (num_nonnulls(accepted_at, declined_at, revoked_at) <= 1),
  constraint invitations_categories_check check (array_position(categories, null) is null)
);
alter table public.invitations enable row level security;
create index invitations_circle_id_email_idx on public.invitations (circle_id, email);
create index invitations_invited_by_idx on public.invitations (invited_by);

-- Minimal for now: the calendar issue adds kind, location, notes, series and the rest.
create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references public.circles (id) on delete cascade,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  category public.sharing_category not null default 'practical',
  starts_at timestamptz not null,
  ends_at timestamptz,
  slots integer not null default 1 check (slots between 1 and 20),
  -- circle_members ids; null = everyone holding the category. Checked by a trigger (arrays have no FKs).
  audience uuid[] check (audience is null or (cardinality(audience) <= 500 and array_position(audience, null) is null)),
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint tasks_id_circle_key unique (id, circle_id),
  constraint tasks_ends_after_start_check check (ends_at is null or ends_at > starts_at)
);
alter table public.tasks enable row level security;
-- Serves both the policy's circle filter and "tasks of my circle between two dates".
create index tasks_circle_id_starts_at_idx on public.tasks (circle_id, starts_at);
create index tasks_created_by_idx on public.tasks (created_by);

create table public.task_claims (
  id uuid primary key default gen_random_uuid(),
  task_id uuid not null,
  circle_id uuid not null,
  member_id uuid not null,
  created_at timestamptz not null default now(),
  constraint task_claims_task_member_key unique (task_id, member_id),
  foreign key (task_id, circle_id) references public.tasks (id, circle_id) on delete cascade,
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table public.task_claims enable row level security;
create index task_claims_circle_id_idx on public.task_claims (circle_id);
create index task_claims_member_id_idx on public.task_claims (member_id);

-- Minimal for now: the updates issue adds mood, check-ins, reactions and the rest.
create table public.updates (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references public.circles (id) on delete cascade,
  author_id uuid default auth.uid() references public.profiles (id) on delete set null,
  category public.sharing_category not null default 'general',
  body text not null check (char_length(btrim(body)) between 1 and 10000),
  status public.update_status not null default 'published',
  audience uuid[] check (audience is null or (cardinality(audience) <= 500 and array_position(audience, null) is null)),
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.updates enable row level security;
create index updates_circle_id_created_at_idx on public.updates (circle_id, created_at desc);
create index updates_author_id_idx on public.updates (author_id);

-- Append-only. actor_id and subject_member_id are plain ids, without foreign keys, so that the record
-- outlives the people in it (a foreign key action would have to update or delete audit rows).
create table public.audit_events (
  id bigint generated always as identity primary key,
  circle_id uuid not null references public.circles (id) on delete cascade,
  actor_id uuid,
  action text not null check (action in (
    'circle_created',
    'invitation_sent', 'invitation_resent', 'invitation_revoked', 'invitation_accepted', 'invitation_declined',
    'grant_added', 'grant_revoked', 'role_changed', 'member_removed', 'member_left',
    'updates_paused', 'updates_resumed', 'settings_changed'
  )),
  subject_member_id uuid,
  details jsonb not null default '{}',
  created_at timestamptz not null default now()
);
alter table public.audit_events enable row level security;
create index audit_events_circle_id_created_at_idx on public.audit_events (circle_id, created_at);
create index audit_events_subject_member_id_idx on public.audit_events (subject_member_id);

------------------------------------------------------------------------------------------------------
-- Privileges (policies decide which rows; these decide which tables and columns at all)
------------------------------------------------------------------------------------------------------

revoke all on public.profiles, public.circles, public.circle_members, public.sharing_grants, public.invitations,
  public.tasks, public.task_claims, public.updates, public.audit_events from public, anon, authenticated;

grant select, update (display_name) on public.profiles to authenticated;
-- owner_id is never updatable; updates_paused and coordinators_can_invite changes are audited by a trigger.
grant select, update (name, time_zone, coordinators_can_invite, updates_paused) on public.circles to authenticated;
-- Membership, role and status change only through the RPCs; the owner may edit labels in place.
grant select, update (label, relationship) on public.circle_members to authenticated;
grant select on public.sharing_grants to authenticated;
-- Everything but the token hash.
grant select (id, circle_id, email, role, relationship, label, categories, invited_by, created_at, sent_at,
  send_count, expires_at, accepted_at, accepted_by, member_id, declined_at, revoked_at)
  on public.invitations to authenticated;
grant select, delete,
  insert (circle_id, title, category, starts_at, ends_at, slots, audience),
  update (title, category, starts_at, ends_at, slots, audience)
  on public.tasks to authenticated;
-- Claims are written by the calendar's RPCs (claim_task, release_task) and by remove_member/leave_circle.
grant select on public.task_claims to authenticated;
grant select, delete,
  insert (circle_id, category, body, status, audience),
  update (category, body, status, audience)
  on public.updates to authenticated;
grant select on public.audit_events to authenticated;

grant all on public.profiles, public.circles, public.circle_members, public.sharing_grants, public.invitations,
  public.tasks, public.task_claims, public.updates, public.audit_events to service_role;

------------------------------------------------------------------------------------------------------
-- Integrity triggers
------------------------------------------------------------------------------------------------------

/** Keeps updated_at current on every update. */
create function private.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.touch_updated_at() is 'Keeps updated_at current on every update.';

create trigger profiles_touch_updated_at before update on public.profiles
  for each row execute function private.touch_updated_at();
create trigger circles_touch_updated_at before update on public.circles
  for each row execute function private.touch_updated_at();
create trigger circle_members_touch_updated_at before update on public.circle_members
  for each row execute function private.touch_updated_at();
create trigger tasks_touch_updated_at before update on public.tasks
  for each row execute function private.touch_updated_at();
create trigger updates_touch_updated_at before update on public.updates
  for each row execute function private.touch_updated_at();

/** Nobody moves a row to another circle or another user, whatever their privileges. */
create function private.forbid_reparenting() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.circle_id is distinct from old.circle_id then
    raise exception using errcode = '42501', message = 'cannot_move_between_circles',
      detail = 'A row cannot be moved to another circle.';
  end if;
  if tg_table_name = 'circle_members' then
    if new.user_id is distinct from old.user_id then
      raise exception using errcode = '42501', message = 'cannot_move_between_circles',
        detail = 'A membership cannot be given to another user.';
    end if;
  end if;
  return new;
end;
$$;
comment on function private.forbid_reparenting() is
  'Trigger: refuses any change of circle_id (and of circle_members.user_id), even from the service role.';

create trigger circle_members_forbid_reparenting before update on public.circle_members
  for each row execute function private.forbid_reparenting();
create trigger sharing_grants_forbid_reparenting before update on public.sharing_grants
  for each row execute function private.forbid_reparenting();
create trigger invitations_forbid_reparenting before update on public.invitations
  for each row execute function private.forbid_reparenting();
create trigger tasks_forbid_reparenting before update on public.tasks
  for each row execute function private.forbid_reparenting();
create trigger task_claims_forbid_reparenting before update on public.task_claims
  for each row execute function private.forbid_reparenting();
create trigger updates_forbid_reparenting before update on public.updates
  for each row execute function private.forbid_reparenting();

/** True when tz is an IANA zone name Postgres knows (not a POSIX offset string such as 'UTC+3'). */
create function private.is_valid_time_zone(tz text) returns boolean
language plpgsql stable set search_path = '' as $$
begin
  -- Area/Location names (Europe/Dublin, America/Argentina/Salta, Etc/GMT+3) or UTC; not POSIX strings
  -- such as 'UTC+3' or '+05', which Postgres would also accept (with the sign inverted).
  if tz is null or char_length(tz) > 64 or tz !~ '^(UTC|[A-Z][A-Za-z_]*(/[A-Za-z0-9_+-]+)+)$' then
    return false;
  end if;
  perform pg_catalog.now() at time zone tz;
  return true;
exception when invalid_parameter_value then
  return false;
end;
$$;
comment on function private.is_valid_time_zone(text) is
  'True when tz is a time zone name Postgres knows, such as Europe/Dublin or UTC.';
-- Called by the circles trigger, which runs as the user who updates the circle.
grant execute on function private.is_valid_time_zone(text) to authenticated, service_role;

/** Validates circles: a real time zone, an owner that never changes, pause timestamp kept. */
create function private.check_circle() returns trigger
language plpgsql set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and new.owner_id is distinct from old.owner_id then
    raise exception using errcode = '42501', message = 'cannot_change_owner',
      detail = 'The owner of a circle never changes.';
  end if;
  if tg_op = 'INSERT' or new.time_zone is distinct from old.time_zone then
    if not private.is_valid_time_zone(new.time_zone) then
      raise exception using errcode = '22023', message = 'invalid_time_zone',
        detail = format('%s is not a known time zone.', new.time_zone);
    end if;
  end if;
  if tg_op = 'INSERT' or new.updates_paused is distinct from old.updates_paused then
    new.updates_paused_at := case when new.updates_paused then now() end;
  end if;
  return new;
end;
$$;
comment on function private.check_circle() is
  'Trigger: refuses an owner change or an unknown time zone; stamps updates_paused_at.';

create trigger circles_check before insert or update on public.circles
  for each row execute function private.check_circle();

/** Stores an audience without duplicates and in a stable order. */
create function private.normalize_audience() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.audience is not null then
    new.audience := array(select distinct a from unnest(new.audience) as a order by a);
  end if;
  return new;
end;
$$;
comment on function private.normalize_audience() is 'Trigger: removes duplicates from an audience and sorts it.';

/**
 * An audience lists members of the item's own circle: an id from another circle would otherwise let an
 * item be aimed at someone elsewhere. An AFTER trigger, so that it runs only once the row has passed
 * the RLS check (a BEFORE trigger would answer an outsider about other circles' member ids first).
 * Definer: it must see every member row.
 */
create function private.check_audience() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.audience is not null and exists (
    select 1 from unnest(new.audience) as a(member_id)
    where not exists (
      select 1 from public.circle_members m where m.id = a.member_id and m.circle_id = new.circle_id
    )
  ) then
    raise exception using errcode = '22023', message = 'invalid_audience',
      detail = 'The audience may only list members of this circle.';
  end if;
  -- Also usable as a BEFORE trigger (then it passes the row on unchanged).
  return new;
end;
$$;
comment on function private.check_audience() is
  'Trigger: an item''s audience may only name members of the item''s own circle.';

create trigger tasks_normalize_audience before insert or update of audience on public.tasks
  for each row execute function private.normalize_audience();
create trigger updates_normalize_audience before insert or update of audience on public.updates
  for each row execute function private.normalize_audience();
create constraint trigger tasks_check_audience after insert or update of audience on public.tasks
  for each row execute function private.check_audience();
create constraint trigger updates_check_audience after insert or update of audience on public.updates
  for each row execute function private.check_audience();

/** Audit rows are permanent: no update, no delete, no truncate, whoever asks (table owner included). */
create function private.forbid_audit_changes() returns trigger
language plpgsql set search_path = '' as $$
begin
  -- The one exception: deleting a circle deletes its history with it (the cascade runs after the
  -- circle row is gone, so the circle no longer exists when we get here).
  if tg_op = 'DELETE' then
    if not exists (select 1 from public.circles c where c.id = old.circle_id) then
      return old;
    end if;
  end if;
  raise exception using errcode = '42501', message = 'audit_log_is_append_only',
    detail = 'Audit entries cannot be changed or deleted.';
end;
$$;
comment on function private.forbid_audit_changes() is
  'Trigger: audit entries cannot be updated, deleted or truncated, except with their deleted circle.';

create trigger audit_events_no_update before update on public.audit_events
  for each row execute function private.forbid_audit_changes();
create trigger audit_events_no_delete before delete on public.audit_events
  for each row execute function private.forbid_audit_changes();
create trigger audit_events_no_truncate before truncate on public.audit_events
  for each statement execute function private.forbid_audit_changes();

/** Stamps published_at the first time an update is published. */
create function private.stamp_published_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status = 'published' and new.published_at is null then
    new.published_at := now();
  end if;
  return new;
end;
$$;
comment on function private.stamp_published_at() is 'Trigger: stamps updates.published_at on first publication.';

create trigger updates_stamp_published_at before insert or update on public.updates
  for each row execute function private.stamp_published_at();

------------------------------------------------------------------------------------------------------
-- Profiles from auth.users
------------------------------------------------------------------------------------------------------

/** The name a new user is shown by: user_metadata.display_name, else the local part of the email. */
create function private.default_display_name(meta jsonb, email text) returns text
language sql immutable set search_path = '' as $$
  select left(coalesce(
    nullif(btrim(meta ->> 'display_name'), ''),
    nullif(btrim(split_part(coalesce(email, ''), '@', 1)), ''),
    'Member'
  ), 80)
$$;
comment on function private.default_display_name(jsonb, text) is
  'Display name for a new profile: user_metadata.display_name, else the email''s local part, else Member.';

/** Creates the profile of every new auth user. Definer: runs as part of the auth service's insert. */
create function private.handle_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.profiles (id, display_name)
  values (new.id, private.default_display_name(new.raw_user_meta_data, new.email))
  on conflict (id) do nothing;
  return new;
end;
$$;
comment on function private.handle_new_user() is 'Trigger on auth.users: creates the user''s profile.';

create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();

-- Users who signed up before this migration.
insert into public.profiles (id, display_name)
select u.id, private.default_display_name(u.raw_user_meta_data, u.email) from auth.users u
on conflict (id) do nothing;
