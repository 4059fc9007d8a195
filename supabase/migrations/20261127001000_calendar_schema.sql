-- The shared task calendar, part 1: types, the rest of `tasks`, series, offers, calendar feeds,
-- indexes, privileges and integrity triggers. Policies are in 20261127001100_calendar_policies.sql,
-- the RPCs in 20261127001200_calendar_rpcs.sql; docs/calendar.md explains the rules in words.
--
-- Times: every task is stored as two instants (starts_at, ends_at). An all-day task runs from local
-- midnight to the next local midnight in the circle's zone. A series stores its rule in local terms
-- (dates, a wall-clock time, the circle's zone) and makes concrete `tasks` rows ahead of time, each
-- keyed by (series_id, series_date): claims, cancellations and edits are made on those rows.

------------------------------------------------------------------------------------------------------
-- Types
------------------------------------------------------------------------------------------------------

create type public.task_kind as enum (
  'meal', 'ride', 'errand', 'household', 'childcare', 'pet_care', 'check_in_call', 'visit',
  'appointment_companion', 'other'
);
-- How the person would like a helper to come by (meals and visits only).
create type public.contact_preference as enum ('no_contact', 'brief_visit', 'happy_to_chat');
create type public.task_status as enum ('scheduled', 'done', 'cancelled');
create type public.series_frequency as enum ('daily', 'weekly');
create type public.offer_status as enum ('pending', 'accepted', 'declined', 'withdrawn');

------------------------------------------------------------------------------------------------------
-- Series
------------------------------------------------------------------------------------------------------

-- A recurring task: the template every occurrence starts from, and its rule. The rule means exactly
-- what app/calendar/recurrence.ts's occurrenceDates() means (private.series_dates is its SQL twin,
-- and tests/integration/calendar-series.test.ts holds them to the same answers).
create table public.task_series (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references public.circles (id) on delete cascade,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  kind public.task_kind not null default 'other',
  category public.sharing_category not null default 'practical',
  location text check (location is null or char_length(location) between 1 and 200),
  notes text check (notes is null or char_length(notes) between 1 and 2000),
  slots integer not null default 1 check (slots between 1 and 20),
  audience uuid[] check (audience is null or (cardinality(audience) <= 500 and array_position(audience, null) is null)),
  contact_preference public.contact_preference,
  dietary_needs text check (dietary_needs is null or char_length(dietary_needs) between 1 and 300),
  frequency public.series_frequency not null,
  repeat_every integer not null default 1 check (repeat_every between 1 and 52),
  -- ISO weekdays, Monday = 1 ... Sunday = 7 (weekly series only).
  weekdays smallint[] not null default '{}' check (weekdays <@ '{1,2,3,4,5,6,7}'::smallint[]),
  first_date date not null,
  until_date date,
  occurrence_count integer check (occurrence_count between 1 and 500),
  all_day boolean not null default false,
  start_time time,
  duration_minutes integer check (duration_minutes between 1 and 10080),
  -- "Edit or cancel from a date on": no occurrence on or after this date belongs to this series any
  -- more. The rule itself is kept as it was, so a counted series still counts from its first date.
  stopped_from date,
  -- Occurrences exist (or existed, or were deliberately removed) for every series date up to here.
  materialised_through date,
  -- The series this one continues, when "this and following" split an earlier one.
  previous_series_id uuid references public.task_series (id) on delete set null,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint task_series_id_circle_key unique (id, circle_id),
  constraint task_series_weekly_days_check check ((frequency = 'weekly') = (cardinality(weekdays) > 0)),
  constraint task_series_one_end_check check ((until_date is null) <> (occurrence_count is null)),
  constraint task_series_until_check check (
    until_date is null or (until_date >= first_date and until_date < first_date + interval '2 years')
  ),
  constraint task_series_time_check check (
    case when all_day then start_time is null and duration_minutes is null
         else start_time is not null and duration_minutes is not null end
  ),
  constraint task_series_contact_check check (contact_preference is null or kind in ('meal', 'visit')),
  constraint task_series_dietary_check check (dietary_needs is null or kind = 'meal')
);
alter table public.task_series enable row level security;
create index task_series_circle_id_idx on public.task_series (circle_id);
create index task_series_created_by_idx on public.task_series (created_by);
create index task_series_previous_series_id_idx on public.task_series (previous_series_id);

------------------------------------------------------------------------------------------------------
-- Tasks: the rest of the fields
------------------------------------------------------------------------------------------------------

alter table public.tasks
  add column kind public.task_kind not null default 'other',
  add column location text check (location is null or char_length(location) between 1 and 200),
  add column notes text check (notes is null or char_length(notes) between 1 and 2000),
  add column all_day boolean not null default false,
  add column contact_preference public.contact_preference,
  add column dietary_needs text check (dietary_needs is null or char_length(dietary_needs) between 1 and 300),
  add column status public.task_status not null default 'scheduled',
  add column cancelled_at timestamptz,
  add column cancelled_by uuid references public.profiles (id) on delete set null,
  add column cancel_note text check (cancel_note is null or char_length(cancel_note) between 1 and 500),
  add column done_at timestamptz,
  add column done_by uuid references public.profiles (id) on delete set null,
  add column series_id uuid,
  -- The series date this occurrence stands for, in the circle's zone; kept when it is moved.
  add column series_date date,
  -- Edited one by one: a later "this and following" edit leaves its date and time alone.
  add column series_exception boolean not null default false,
  add constraint tasks_series_fkey foreign key (series_id, circle_id) references public.task_series (id, circle_id),
  add constraint tasks_series_date_check check ((series_id is null) = (series_date is null)),
  add constraint tasks_series_date_key unique (series_id, series_date),
  add constraint tasks_contact_check check (contact_preference is null or kind in ('meal', 'visit')),
  add constraint tasks_dietary_check check (dietary_needs is null or kind = 'meal'),
  add constraint tasks_status_check check (
    (status = 'cancelled') = (cancelled_at is not null) and (status = 'done') = (done_at is not null)
  ),
  add constraint tasks_all_day_check check (not all_day or ends_at is not null);

-- tasks_circle_id_starts_at_idx (issue 3) serves the policy and "my circle between two dates";
-- tasks_series_date_key serves series lookups. These serve the remaining foreign keys.
create index tasks_cancelled_by_idx on public.tasks (cancelled_by);
create index tasks_done_by_idx on public.tasks (done_by);

-- The thank-you note the person (or a coordinator) writes when a task is done. A table of its own
-- rather than a column of tasks: the note is for the helpers, so only they, the owner and the
-- coordinators holding the task's category read it, not everyone who sees the task.
create table public.task_thanks (
  task_id uuid primary key,
  circle_id uuid not null,
  note text not null check (char_length(btrim(note)) between 1 and 1000),
  thanked_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (task_id, circle_id) references public.tasks (id, circle_id) on delete cascade
);
alter table public.task_thanks enable row level security;
create index task_thanks_circle_id_idx on public.task_thanks (circle_id);
create index task_thanks_thanked_by_idx on public.task_thanks (thanked_by);

------------------------------------------------------------------------------------------------------
-- Offers of help
------------------------------------------------------------------------------------------------------

-- "I can bring dinner on Thursday": a member's offer, which the owner or a coordinator accepts (it
-- becomes a task claimed by that member) or declines with an optional kind word.
create table public.task_offers (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null,
  member_id uuid not null,
  kind public.task_kind not null default 'other',
  category public.sharing_category not null default 'practical',
  message text not null check (char_length(btrim(message)) between 1 and 500),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  all_day boolean not null default false,
  status public.offer_status not null default 'pending',
  response_note text check (response_note is null or char_length(response_note) between 1 and 500),
  responded_by uuid references public.profiles (id) on delete set null,
  responded_at timestamptz,
  task_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade,
  foreign key (task_id, circle_id) references public.tasks (id, circle_id) on delete set null (task_id),
  constraint task_offers_ends_after_start_check check (ends_at > starts_at),
  constraint task_offers_task_check check (task_id is null or status = 'accepted')
);
alter table public.task_offers enable row level security;
create index task_offers_circle_id_status_idx on public.task_offers (circle_id, status);
create index task_offers_member_id_idx on public.task_offers (member_id);
create index task_offers_task_id_idx on public.task_offers (task_id);
create index task_offers_responded_by_idx on public.task_offers (responded_by);

------------------------------------------------------------------------------------------------------
-- Calendar feeds
------------------------------------------------------------------------------------------------------

-- One private ICS feed per membership. Only the SHA-256 of its secret token is stored; resetting
-- replaces the hash (the old address stops working), and the row goes with the membership.
create table public.calendar_feeds (
  member_id uuid primary key,
  circle_id uuid not null,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table public.calendar_feeds enable row level security;
create index calendar_feeds_circle_id_idx on public.calendar_feeds (circle_id);

------------------------------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------------------------------

revoke all on public.task_series, public.task_thanks, public.task_offers, public.calendar_feeds
  from public, anon, authenticated;

-- Single tasks are created and edited directly (RLS decides who); status, completion, thanks and
-- series links change only through the RPCs.
grant insert (kind, location, notes, all_day, contact_preference, dietary_needs),
  update (kind, location, notes, all_day, contact_preference, dietary_needs)
  on public.tasks to authenticated;
-- Series and offers are written by their RPCs only.
grant select on public.task_series to authenticated;
grant select on public.task_thanks to authenticated;
grant select on public.task_offers to authenticated;
-- Everything but the token hash.
grant select (member_id, circle_id, created_at) on public.calendar_feeds to authenticated;

grant all on public.task_series, public.task_thanks, public.task_offers, public.calendar_feeds to service_role;

------------------------------------------------------------------------------------------------------
-- Helpers shared by triggers and RPCs
------------------------------------------------------------------------------------------------------

/**
 * Raises a calendar error: a stable snake_case key as the message (the app maps it to words), a human
 * sentence as the detail, and an SQLSTATE that PostgREST turns into the fitting HTTP status.
 * (private.fail of issue 3 maps unknown keys to 400; the calendar needs 404 and 409 for its own.)
 */
create function private.calendar_fail(key text, detail text default null) returns void
language plpgsql volatile set search_path = '' as $$
declare
  code text := case
    when key in ('not_authenticated', 'not_task_manager', 'category_not_allowed', 'not_your_claim') then '42501'
    when key in ('task_not_found', 'series_not_found', 'offer_not_found', 'circle_not_found', 'feed_not_found') then 'PT404'
    when key in ('task_full', 'task_cancelled', 'task_in_past', 'task_done', 'task_not_claimed', 'not_claimed',
                 'offer_not_pending', 'offer_in_past', 'slots_below_claims', 'series_ended') then 'PT409'
    else '22023'
  end;
begin
  raise exception using errcode = code, message = key, detail = coalesce(detail, key);
end;
$$;
comment on function private.calendar_fail(text, text) is
  'Raises a calendar error: stable key as message, human detail, SQLSTATE mapped to 400/403/404/409.';
grant execute on function private.calendar_fail(text, text) to authenticated, service_role;

/**
 * The instant at which the circle's clocks show `local_date local_time`, by RFC 5545's rules, exactly
 * as app/calendar/time.ts's zonedInstant(): a time in the spring-forward gap is read with the offset
 * before the gap (moved forward by it), a time in the repeated fall-back hour is the first of the two.
 * (Postgres' own `timestamp at time zone` picks the second in the fall-back hour.)
 */
create function private.zoned_instant(local_date date, local_time time, tz text) returns timestamptz
language plpgsql stable set search_path = '' as $$
declare
  wall timestamp := local_date + local_time;
  probe timestamptz := wall at time zone 'UTC';
  -- Offsets never exceed a day, so a day either side sees the offsets before and after any change.
  offset_before interval := ((probe - interval '1 day') at time zone tz) - ((probe - interval '1 day') at time zone 'UTC');
  offset_after interval := ((probe + interval '1 day') at time zone tz) - ((probe + interval '1 day') at time zone 'UTC');
  first_guess timestamptz := (wall - offset_before) at time zone 'UTC';
  second_guess timestamptz := (wall - offset_after) at time zone 'UTC';
  first_ok boolean := (first_guess at time zone tz) = wall;
  second_ok boolean := (second_guess at time zone tz) = wall;
begin
  if first_ok and second_ok then
    return least(first_guess, second_guess);
  elsif second_ok then
    return second_guess;
  end if;
  -- Valid, or in the gap: the offset before the change.
  return first_guess;
end;
$$;
comment on function private.zoned_instant(date, time, text) is
  'Instant of a wall-clock time in a zone (gap: moved forward; repeated hour: the first), as time.ts zonedInstant.';
grant execute on function private.zoned_instant(date, time, text) to authenticated, service_role;

/** Today's date in a zone. */
create function private.local_today(tz text) returns date
language sql stable set search_path = '' as $$
  select (pg_catalog.now() at time zone tz)::date
$$;
comment on function private.local_today(text) is 'Today''s date in the given zone.';
grant execute on function private.local_today(text) to authenticated, service_role;

/**
 * Every date of a series' rule, first to last (stopped_from is not applied here): the twin of
 * occurrenceDates() in app/calendar/recurrence.ts. A date belongs when it matches the pattern (every
 * `repeat_every` days from the first date, or the chosen weekdays of every `repeat_every`-th week
 * counted from the first date's Monday), is not before the first date, is within until_date or the
 * count, and within two years and 500 occurrences.
 */
create function private.series_dates(
  frequency public.series_frequency,
  repeat_every integer,
  weekdays smallint[],
  first_date date,
  until_date date,
  occurrence_count integer
) returns setof date
language sql immutable set search_path = '' as $$
  select x.day from (
    select d::date as day, row_number() over (order by d) as n
      from pg_catalog.generate_series(
             first_date::timestamp,
             least(until_date, (first_date + interval '2 years')::date - 1)::timestamp,
             interval '1 day') as d
     where case frequency
             when 'daily' then (d::date - first_date) % repeat_every = 0
             else extract(isodow from d)::smallint = any (weekdays)
                  and ((d::date - date_trunc('week', first_date::timestamp)::date) / 7) % repeat_every = 0
           end
  ) x
  where x.n <= least(coalesce(occurrence_count, 500), 500)
  order by x.day
$$;
comment on function private.series_dates(public.series_frequency, integer, smallint[], date, date, integer) is
  'Dates of a series rule (SQL twin of recurrence.ts occurrenceDates).';
grant execute on function private.series_dates(public.series_frequency, integer, smallint[], date, date, integer)
  to authenticated, service_role;

------------------------------------------------------------------------------------------------------
-- Integrity triggers
------------------------------------------------------------------------------------------------------

create trigger task_series_touch_updated_at before update on public.task_series
  for each row execute function private.touch_updated_at();
create trigger task_thanks_touch_updated_at before update on public.task_thanks
  for each row execute function private.touch_updated_at();
create trigger task_offers_touch_updated_at before update on public.task_offers
  for each row execute function private.touch_updated_at();
create trigger task_series_forbid_reparenting before update on public.task_series
  for each row execute function private.forbid_reparenting();
create trigger task_offers_forbid_reparenting before update on public.task_offers
  for each row execute function private.forbid_reparenting();
create trigger task_thanks_forbid_reparenting before update on public.task_thanks
  for each row execute function private.forbid_reparenting();
create trigger calendar_feeds_forbid_reparenting before update on public.calendar_feeds
  for each row execute function private.forbid_reparenting();
create trigger task_series_check_audience before insert or update on public.task_series
  for each row execute function private.check_audience();

/**
 * Checks a task as it is written, whoever writes it: a start not absurdly far away, no fewer slots
 * than helpers who already claimed it, all-day tasks aligned on the circle's local midnights, and an
 * occurrence of a series marked as edited one by one when its date, time or details change outside
 * the series RPCs (which set calendar.series_sync for their own writes).
 */
create function private.check_task() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  claims integer;
  tz text;
begin
  if tg_op = 'INSERT' or new.starts_at is distinct from old.starts_at then
    if new.starts_at > now() + interval '2 years' then
      perform private.calendar_fail('invalid_date', 'Choose a date within the next two years.');
    end if;
  end if;
  if new.all_day and (tg_op = 'INSERT' or new.starts_at is distinct from old.starts_at
                      or new.ends_at is distinct from old.ends_at or not old.all_day) then
    select c.time_zone into tz from public.circles c where c.id = new.circle_id;
    new.starts_at := private.zoned_instant((new.starts_at at time zone tz)::date, time '00:00', tz);
    new.ends_at := greatest(
      private.zoned_instant((new.ends_at at time zone tz)::date
        + case when (new.ends_at at time zone tz)::time = time '00:00' then 0 else 1 end, time '00:00', tz),
      private.zoned_instant((new.starts_at at time zone tz)::date + 1, time '00:00', tz));
  end if;
  if tg_op = 'UPDATE' then
    if new.slots < old.slots then
      select count(*) into claims from public.task_claims tc where tc.task_id = new.id;
      if claims > new.slots then
        perform private.calendar_fail('slots_below_claims',
          format('%s people have already claimed this task: keep at least %s spots.', claims, claims));
      end if;
    end if;
    if new.series_id is not null and not new.series_exception
       and coalesce(current_setting('calendar.series_sync', true), '') <> 'on'
       and (new.starts_at, new.ends_at, new.all_day, new.title, new.kind, new.location, new.notes, new.slots,
            new.contact_preference, new.dietary_needs)
           is distinct from
           (old.starts_at, old.ends_at, old.all_day, old.title, old.kind, old.location, old.notes, old.slots,
            old.contact_preference, old.dietary_needs) then
      new.series_exception := true;
    end if;
  end if;
  return new;
end;
$$;
comment on function private.check_task() is
  'Trigger: date cap, slots >= claims, all-day alignment, marks series occurrences edited one by one.';

create trigger tasks_check before insert or update on public.tasks
  for each row execute function private.check_task();

/**
 * The consent rule holds for claims too: when a task's category or audience changes, members who can
 * no longer see it lose their claim on it (if it has not started yet: history stays as it was).
 * Definer: the editor may not see (or be allowed to delete) other members' claims.
 */
create function private.release_claims_no_longer_visible() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.starts_at > now() then
    delete from public.task_claims tc
     using public.circle_members m
     where tc.task_id = new.id and m.id = tc.member_id
       and m.role <> 'owner'
       and (
         not exists (select 1 from public.sharing_grants g where g.member_id = m.id and g.category = new.category)
         or (new.audience is not null and not (m.id = any (new.audience)))
       );
  end if;
  return null;
end;
$$;
comment on function private.release_claims_no_longer_visible() is
  'Trigger: a category or audience change releases future claims of members who can no longer see the task.';

create trigger tasks_release_hidden_claims after update of category, audience on public.tasks
  for each row when (new.category is distinct from old.category or new.audience is distinct from old.audience)
  execute function private.release_claims_no_longer_visible();

/** When the person revokes a category, the member's claims on future tasks of it are released. */
create function private.release_claims_of_revoked_grant() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.task_claims tc
   using public.tasks t
   where tc.member_id = old.member_id and t.id = tc.task_id
     and t.category = old.category and t.starts_at > now();
  return null;
end;
$$;
comment on function private.release_claims_of_revoked_grant() is
  'Trigger: revoking a grant releases the member''s claims on future tasks of that category.';

create trigger sharing_grants_release_claims after delete on public.sharing_grants
  for each row execute function private.release_claims_of_revoked_grant();

/** A membership that ends takes its calendar feed with it (the address stops working at once). */
create function private.drop_feed_of_ended_membership() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.calendar_feeds f where f.member_id = new.id;
  return null;
end;
$$;
comment on function private.drop_feed_of_ended_membership() is
  'Trigger: removing or leaving a circle deletes the member''s calendar feed token.';

create trigger circle_members_drop_feed after update of status on public.circle_members
  for each row when (new.status <> 'active') execute function private.drop_feed_of_ended_membership();

/**
 * All-day tasks follow the circle's zone: when the person changes it, each all-day task keeps its
 * local date(s) and moves to the new zone's midnights. Timed tasks keep their instants.
 */
create function private.realign_all_day_tasks() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform set_config('calendar.series_sync', 'on', true);
  update public.tasks t
     set starts_at = private.zoned_instant((t.starts_at at time zone old.time_zone)::date, time '00:00', new.time_zone),
         ends_at = private.zoned_instant((t.ends_at at time zone old.time_zone)::date, time '00:00', new.time_zone)
   where t.circle_id = new.id and t.all_day;
  perform set_config('calendar.series_sync', 'off', true);
  return null;
end;
$$;
comment on function private.realign_all_day_tasks() is
  'Trigger: when a circle''s time zone changes, all-day tasks keep their local dates.';

create trigger circles_realign_all_day_tasks after update of time_zone on public.circles
  for each row when (new.time_zone is distinct from old.time_zone)
  execute function private.realign_all_day_tasks();
