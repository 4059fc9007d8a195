-- Email digests, reminders and notices, part 1: preferences, the circle's email setting, the delivery
-- log and the claim events behind the immediate notices. The job's functions are in
-- 20261127003100_digest_job.sql; docs/email.md explains the whole in words.
--
-- Exposed to members (RLS, their own JWT): their email preferences and the circle's email setting.
-- Kept in `private` (not served by the API; only the job's security definer functions touch them):
-- the delivery log, which holds rendered emails while they are being sent, and the claim events.

------------------------------------------------------------------------------------------------------
-- Types
------------------------------------------------------------------------------------------------------

create type public.digest_frequency as enum ('daily', 'weekly', 'off');
-- How much of an update (other than health and wellbeing, which never show any text) a digest shows.
create type public.digest_update_text as enum ('titles', 'full');

------------------------------------------------------------------------------------------------------
-- Preferences, per member and circle
------------------------------------------------------------------------------------------------------

-- No row = the defaults (weekly on Monday at 8:00 in the circle's zone, notices on). The row goes
-- with the membership; a member who leaves and comes back keeps the same row (same member id).
create table public.email_preferences (
  member_id uuid primary key,
  circle_id uuid not null,
  digest_frequency public.digest_frequency not null default 'weekly',
  -- ISO weekday of a weekly digest, Monday = 1 ... Sunday = 7.
  digest_weekday smallint not null default 1 check (digest_weekday between 1 and 7),
  -- Local hour (circle's zone) at which digests, and reminders, are sent.
  digest_hour smallint not null default 8 check (digest_hour between 0 and 23),
  -- What "turn it back on" restores after an unsubscribe.
  frequency_before_off public.digest_frequency check (frequency_before_off is distinct from 'off'),
  unsubscribed_at timestamptz,
  -- Immediate notices for the person and coordinators: a task was claimed; a helper released a task
  -- less than 48 hours before it.
  notify_claimed boolean not null default true,
  notify_released boolean not null default true,
  updated_at timestamptz not null default now(),
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table public.email_preferences enable row level security;
create index email_preferences_circle_id_idx on public.email_preferences (circle_id);

create trigger email_preferences_touch_updated_at before update on public.email_preferences
  for each row execute function private.touch_updated_at();
create trigger email_preferences_forbid_reparenting before update on public.email_preferences
  for each row execute function private.forbid_reparenting();

------------------------------------------------------------------------------------------------------
-- The circle's email setting (the person's choice)
------------------------------------------------------------------------------------------------------

-- No row = titles only.
create table public.circle_email_settings (
  circle_id uuid primary key references public.circles (id) on delete cascade,
  update_text public.digest_update_text not null default 'titles',
  updated_at timestamptz not null default now()
);
alter table public.circle_email_settings enable row level security;

create trigger circle_email_settings_touch_updated_at before update on public.circle_email_settings
  for each row execute function private.touch_updated_at();

------------------------------------------------------------------------------------------------------
-- The delivery log (private): one row per email the job decided to send, written before sending
------------------------------------------------------------------------------------------------------

-- Exactly once: a row is inserted (status 'sending', with the rendered email) before anything is sent,
-- and the unique key (member, circle, kind, period) lets only one job ever insert it. The row's
-- batch_key is the Idempotency-Key of the Resend batch that carried it, stored before the request;
-- a job that dies after sending but before marking the row 'sent' leaves it 'sending', and a later
-- run sends the same batch again with the same key, which Resend answers without sending twice.
-- Periods: digest = the local date it is due on ('2026-03-09', daily and weekly alike, so switching
-- on the due day sends one), reminder = the claim's id, notices = the claim event's id.
create table private.email_deliveries (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('digest', 'reminder', 'task_claimed', 'task_released')),
  member_id uuid not null,
  circle_id uuid not null,
  period text not null check (char_length(period) between 1 and 64),
  -- Reminders only: a released claim takes its unsent reminder with it.
  claim_id uuid references public.task_claims (id) on delete cascade,
  status text not null default 'sending'
    check (status in ('sending', 'sent', 'empty', 'failed', 'cancelled', 'expired')),
  idempotency_key text not null unique check (char_length(idempotency_key) <= 256),
  batch_key text check (char_length(batch_key) <= 256),
  batch_index smallint,
  -- The rendered email ({from, to, subject, html, text, headers}) while it may still need sending;
  -- cleared once the row is settled.
  payload jsonb,
  -- Digests: what the digest covered up to (the next one shows what is new after this).
  content_until timestamptz not null,
  attempts integer not null default 0,
  last_error text,
  -- A job holds a 'sending' row until then; after it, another run may take the row over.
  locked_until timestamptz,
  provider_id text,
  created_at timestamptz not null,
  sent_at timestamptz,
  constraint email_deliveries_key unique (member_id, circle_id, kind, period),
  constraint email_deliveries_payload_check check (status <> 'sending' or payload is not null),
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table private.email_deliveries enable row level security;
create index email_deliveries_sending_idx on private.email_deliveries (locked_until) where status = 'sending';
create index email_deliveries_batch_key_idx on private.email_deliveries (batch_key) where batch_key is not null;
create index email_deliveries_circle_id_idx on private.email_deliveries (circle_id);
create index email_deliveries_claim_id_idx on private.email_deliveries (claim_id) where claim_id is not null;
create index email_deliveries_last_digest_idx on private.email_deliveries (member_id, content_until desc)
  where kind = 'digest' and status in ('sent', 'empty', 'sending');

------------------------------------------------------------------------------------------------------
-- Claim events (private): what the immediate notices are about
------------------------------------------------------------------------------------------------------

create table private.task_claim_events (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('claimed', 'released')),
  task_id uuid not null,
  circle_id uuid not null,
  -- The helper who claimed or released.
  member_id uuid not null,
  -- Who made the change (auth.uid()): nobody is told about what they did themselves.
  actor_id uuid,
  created_at timestamptz not null default now(),
  processed_at timestamptz,
  foreign key (task_id, circle_id) references public.tasks (id, circle_id) on delete cascade,
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table private.task_claim_events enable row level security;
create index task_claim_events_pending_idx on private.task_claim_events (id) where processed_at is null;
create index task_claim_events_task_id_idx on private.task_claim_events (task_id);
create index task_claim_events_circle_id_idx on private.task_claim_events (circle_id);
create index task_claim_events_member_id_idx on private.task_claim_events (member_id);

/**
 * Records a claim, or a helper's own release of a task starting within 48 hours, for the notices.
 * Definer: the helper may not write the events table. Never fails the claim or release itself.
 */
create function private.record_claim_event() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  helper uuid;
  task public.tasks;
begin
  if tg_op = 'INSERT' then
    select * into task from public.tasks t where t.id = new.task_id;
    if task.id is not null and task.starts_at > now() then
      insert into private.task_claim_events (kind, task_id, circle_id, member_id, actor_id)
      values ('claimed', new.task_id, new.circle_id, new.member_id, auth.uid());
    end if;
    return null;
  end if;
  -- A release: only the helper's own (not a consent change, a removal or a deleted task), for a task
  -- still to come within 48 hours.
  select m.user_id into helper from public.circle_members m where m.id = old.member_id;
  if helper is null or helper is distinct from auth.uid() then
    return null;
  end if;
  select * into task from public.tasks t where t.id = old.task_id;
  if task.id is not null and task.status = 'scheduled'
     and task.starts_at > now() and task.starts_at <= now() + interval '48 hours' then
    insert into private.task_claim_events (kind, task_id, circle_id, member_id, actor_id)
    values ('released', old.task_id, old.circle_id, old.member_id, auth.uid());
  end if;
  return null;
exception when foreign_key_violation then
  -- The task is being deleted with its claims: nothing to tell.
  return null;
end;
$$;
comment on function private.record_claim_event() is
  'Trigger on task_claims: records claims, and a helper''s own release < 48 h before the task, for the notices.';

create trigger task_claims_record_event after insert or delete on public.task_claims
  for each row execute function private.record_claim_event();

------------------------------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------------------------------

revoke all on public.email_preferences, public.circle_email_settings from public, anon, authenticated;
revoke all on private.email_deliveries, private.task_claim_events from public, anon, authenticated, service_role;

-- Members read and write their own preferences (set_email_preferences); the frequency_before_off and
-- unsubscribed_at bookkeeping is the RPC's.
grant select, insert (member_id, circle_id, digest_frequency, digest_weekday, digest_hour, notify_claimed,
    notify_released, frequency_before_off, unsubscribed_at),
  update (digest_frequency, digest_weekday, digest_hour, notify_claimed, notify_released, frequency_before_off,
    unsubscribed_at)
  on public.email_preferences to authenticated;
-- Everyone in the circle may read the setting (the settings page explains what digests show); only the
-- owner changes it, through set_circle_email_settings (audited).
grant select on public.circle_email_settings to authenticated;

grant all on public.email_preferences, public.circle_email_settings to service_role;

------------------------------------------------------------------------------------------------------
-- Policies
------------------------------------------------------------------------------------------------------

create policy "Members read their own email preferences"
  on public.email_preferences for select to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]));

create policy "Members add their own email preferences"
  on public.email_preferences for insert to authenticated
  with check (member_id = any ((select private.my_member_ids())::uuid[]));

create policy "Members change their own email preferences"
  on public.email_preferences for update to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]))
  with check (member_id = any ((select private.my_member_ids())::uuid[]));

create policy "Members of a circle read its email setting"
  on public.circle_email_settings for select to authenticated
  using (circle_id = any ((select private.my_circle_ids())::uuid[]));

------------------------------------------------------------------------------------------------------
-- RPCs for members
------------------------------------------------------------------------------------------------------

/**
 * Sets the caller's email preferences in a circle; a null argument leaves that field as it is (or at
 * its default). Turning the digest off remembers the frequency before, for "turn it back on".
 * Invoker: RLS lets a member write only their own row.
 */
create function public.set_email_preferences(
  circle_id uuid,
  digest_frequency public.digest_frequency default null,
  digest_weekday smallint default null,
  digest_hour smallint default null,
  notify_claimed boolean default null,
  notify_released boolean default null
) returns public.email_preferences
language plpgsql volatile security invoker set search_path = '' as $$
#variable_conflict use_variable
declare
  member_id uuid;
  current public.email_preferences;
  result public.email_preferences;
  next_frequency public.digest_frequency;
begin
  if auth.uid() is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  select m.id into member_id from public.circle_members m
   where m.circle_id = set_email_preferences.circle_id and m.user_id = auth.uid() and m.status = 'active';
  if member_id is null then
    perform private.fail('circle_not_found', 'Not found.');
  end if;
  if digest_weekday is not null and digest_weekday not between 1 and 7 then
    perform private.fail('invalid_weekday', 'Choose a day of the week.');
  end if;
  if digest_hour is not null and digest_hour not between 0 and 23 then
    perform private.fail('invalid_hour', 'Choose an hour between 00:00 and 23:00.');
  end if;
  select * into current from public.email_preferences p where p.member_id = member_id for update;
  next_frequency := coalesce(digest_frequency, current.digest_frequency, 'weekly');

  insert into public.email_preferences as p (member_id, circle_id, digest_frequency, digest_weekday, digest_hour,
      notify_claimed, notify_released, frequency_before_off, unsubscribed_at)
  values (member_id, set_email_preferences.circle_id, next_frequency, coalesce(digest_weekday, 1::smallint),
      coalesce(digest_hour, 8::smallint), coalesce(notify_claimed, true), coalesce(notify_released, true),
      case when next_frequency = 'off' then 'weekly'::public.digest_frequency end,
      case when next_frequency = 'off' then now() end)
  on conflict on constraint email_preferences_pkey do update set
    digest_frequency = next_frequency,
    digest_weekday = coalesce(set_email_preferences.digest_weekday, p.digest_weekday),
    digest_hour = coalesce(set_email_preferences.digest_hour, p.digest_hour),
    notify_claimed = coalesce(set_email_preferences.notify_claimed, p.notify_claimed),
    notify_released = coalesce(set_email_preferences.notify_released, p.notify_released),
    frequency_before_off = case
      when next_frequency <> 'off' then null
      when p.digest_frequency <> 'off' then p.digest_frequency
      else p.frequency_before_off end,
    unsubscribed_at = case
      when next_frequency <> 'off' then null
      when p.digest_frequency <> 'off' then now()
      else p.unsubscribed_at end
  returning * into result;
  return result;
end;
$$;
comment on function public.set_email_preferences(uuid, public.digest_frequency, smallint, smallint, boolean, boolean) is
  'The caller''s digest frequency, weekday, hour and notice switches in a circle (nulls leave a field as is).';

/** The person chooses whether digests show the text of updates (never health or wellbeing). Audited. */
create function public.set_circle_email_settings(circle_id uuid, update_text public.digest_update_text)
returns public.circle_email_settings
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_variable
declare
  before public.digest_update_text;
  result public.circle_email_settings;
begin
  perform private.require_owner(circle_id, 'circle_not_found');
  if update_text is null then
    perform private.fail('invalid_update_text', 'Choose titles only or full text.');
  end if;
  select s.update_text into before from public.circle_email_settings s where s.circle_id = circle_id;
  insert into public.circle_email_settings as s (circle_id, update_text) values (circle_id, update_text)
  on conflict on constraint circle_email_settings_pkey do update set update_text = excluded.update_text
  returning * into result;
  if coalesce(before, 'titles') is distinct from update_text then
    perform private.audit(circle_id, 'settings_changed', null, jsonb_build_object('digest_update_text', update_text));
  end if;
  return result;
end;
$$;
comment on function public.set_circle_email_settings(uuid, public.digest_update_text) is
  'Owner only: whether digests show update titles only or their full text (never health/wellbeing); audited.';

revoke all on function
  public.set_email_preferences(uuid, public.digest_frequency, smallint, smallint, boolean, boolean),
  public.set_circle_email_settings(uuid, public.digest_update_text),
  private.record_claim_event()
from public, anon, authenticated;
grant execute on function
  public.set_email_preferences(uuid, public.digest_frequency, smallint, smallint, boolean, boolean),
  public.set_circle_email_settings(uuid, public.digest_update_text)
to authenticated, service_role;
