-- The shared task calendar, part 3: the RPCs (called with supabase.rpc) and their helpers.
--
-- Errors: every error raised here has a stable snake_case key as its MESSAGE, a human sentence as
-- DETAIL and an SQLSTATE that PostgREST turns into the HTTP status (private.calendar_fail):
--   403 not_authenticated, not_task_manager, category_not_allowed, not_your_claim
--   404 task_not_found, series_not_found, offer_not_found, circle_not_found, feed_not_found
--   409 task_full, task_cancelled, task_in_past, task_done, task_not_claimed, not_claimed,
--       offer_not_pending, offer_in_past, slots_below_claims, series_ended
--   400 invalid_* (bad input the form should have caught)
-- A task the caller may not see is reported exactly like one that does not exist (task_not_found).
--
-- Security: every function here is `security definer` because it writes rows no user may write
-- directly (claims, series occurrences, offers, feed tokens) or serves someone without a session
-- (the feed); each one checks the caller itself, first thing, with the same consent helpers the
-- policies use. All have an empty search_path and qualify every name.

------------------------------------------------------------------------------------------------------
-- Helpers
------------------------------------------------------------------------------------------------------

/** The caller's active membership of a circle (the owner has one too); circle_not_found otherwise. */
create function private.my_membership(circle_id uuid) returns public.circle_members
language plpgsql stable set search_path = '' as $$
declare
  member public.circle_members;
begin
  if auth.uid() is null then
    perform private.calendar_fail('not_authenticated', 'Sign in first.');
  end if;
  select * into member from public.circle_members m
   where m.circle_id = my_membership.circle_id and m.user_id = auth.uid() and m.status = 'active';
  if member.id is null then
    perform private.calendar_fail('circle_not_found', 'Not found.');
  end if;
  return member;
end;
$$;
comment on function private.my_membership(uuid) is 'The caller''s active membership of a circle, or circle_not_found.';

/**
 * Locks and returns a task the caller can see (the consent rule, as in the tasks policy). A task that
 * does not exist and one the caller may not see give the same task_not_found.
 */
create function private.visible_task_for_update(task_id uuid) returns public.tasks
language plpgsql volatile set search_path = '' as $$
declare
  task public.tasks;
begin
  if auth.uid() is null then
    perform private.calendar_fail('not_authenticated', 'Sign in first.');
  end if;
  -- Visibility first, without a lock, so that nobody can hold up a task they cannot see.
  select * into task from public.tasks t where t.id = visible_task_for_update.task_id;
  if task.id is null
     or not private.consent_allows(private.viewer_scope(auth.uid()), task.circle_id, task.category, task.audience) then
    perform private.calendar_fail('task_not_found', 'Not found.');
  end if;
  -- The row lock serialises claims, releases and completions of one task: of two people taking the
  -- last spot at the same moment, the second sees the first's claim.
  select * into task from public.tasks t where t.id = visible_task_for_update.task_id for no key update;
  return task;
end;
$$;
comment on function private.visible_task_for_update(uuid) is
  'Locks a task the caller can see; task_not_found when it does not exist or is not visible.';

/** Raises not_task_manager or category_not_allowed unless the caller may manage items of `category`. */
create function private.require_task_manager(circle_id uuid, category public.sharing_category) returns void
language plpgsql stable set search_path = '' as $$
declare
  member public.circle_members := private.my_membership(require_task_manager.circle_id);
begin
  if private.can_manage_item(private.viewer_scope(auth.uid()), require_task_manager.circle_id, require_task_manager.category) then
    return;
  end if;
  if member.role = 'coordinator' then
    perform private.calendar_fail('category_not_allowed',
      'You can only create and change tasks in the categories the person shares with you.');
  end if;
  perform private.calendar_fail('not_task_manager', 'Only the person and their coordinators can do that.');
end;
$$;
comment on function private.require_task_manager(uuid, public.sharing_category) is
  'Raises unless the caller is the owner, or a coordinator holding the category.';

/** A timed task can be taken on until it starts; an all-day task until its day is over. */
create function private.task_is_past(task public.tasks) returns boolean
language sql stable set search_path = '' as $$
  select case when task.all_day then coalesce(task.ends_at, task.starts_at + interval '1 day') else task.starts_at end <= now()
$$;
comment on function private.task_is_past(public.tasks) is 'True once a timed task has started or an all-day task''s day is over.';

/** The scope of one member in their circle, for the feed (which has no session to read it from). */
create function private.member_scope(member public.circle_members) returns private.viewer_scope
language sql stable set search_path = '' as $$
  select row(
    member.user_id,
    case when member.role = 'owner' then array[member.circle_id] else '{}'::uuid[] end,
    array[member.circle_id],
    array[member.id],
    '{}'::uuid[],
    coalesce((select array_agg(member.circle_id::text || '/' || g.category::text)
                from public.sharing_grants g where g.member_id = member.id), '{}'),
    '{}'::text[]
  )::private.viewer_scope
$$;
comment on function private.member_scope(public.circle_members) is
  'A member''s consent scope limited to their circle (what private.viewer_scope gives a signed-in user).';

/** When an occurrence of `series` on `day` starts and ends, in the circle's zone `tz`. */
create function private.occurrence_times(series public.task_series, day date, tz text,
  out starts_at timestamptz, out ends_at timestamptz)
language plpgsql stable set search_path = '' as $$
begin
  if series.all_day then
    starts_at := private.zoned_instant(day, time '00:00', tz);
    ends_at := private.zoned_instant(day + 1, time '00:00', tz);
  else
    starts_at := private.zoned_instant(day, series.start_time, tz);
    -- Durations are elapsed time: a 2-hour task across a change still lasts 2 hours.
    ends_at := starts_at + series.duration_minutes * interval '1 minute';
  end if;
end;
$$;
comment on function private.occurrence_times(public.task_series, date, text) is
  'Start and end of a series occurrence on a local date (as recurrence.ts occurrenceOn).';

/** The dates of a series' rule, stopped_from applied. */
create function private.series_rule_dates(series public.task_series) returns setof date
language sql stable set search_path = '' as $$
  select d from private.series_dates(series.frequency, series.repeat_every, series.weekdays, series.first_date,
                                     series.until_date, series.occurrence_count) as d
   where series.stopped_from is null or d < series.stopped_from
$$;
comment on function private.series_rule_dates(public.task_series) is 'Dates of a series (its rule, then stopped_from).';

/** Concrete occurrences are kept this far ahead (recurrence.ts MATERIALISE_WEEKS). */
create function private.materialise_horizon(tz text) returns date
language sql stable set search_path = '' as $$
  select private.local_today(tz) + 8 * 7
$$;
comment on function private.materialise_horizon(text) is 'The last local date for which occurrences must exist (8 weeks ahead).';

/**
 * Inserts the occurrences of a series that do not exist yet, for its dates after materialised_through
 * up to the horizon (8 weeks ahead, or `through` when later: someone looking further ahead in the
 * calendar; at most two years), skipping any already over. Dates whose occurrence was deleted or moved are not
 * made again (they are at or before materialised_through); the unique (series_id, series_date) key
 * makes two runs at once harmless. When the rule has no dates left, materialised_through becomes
 * 'infinity' so the series is never looked at again. Returns the number of occurrences made.
 */
create function private.materialise_series(series_id uuid, through date default null) returns integer
language plpgsql volatile set search_path = '' as $$
#variable_conflict use_column
declare
  series public.task_series;
  tz text;
  horizon date;
  last_date date;
  made integer;
begin
  select * into series from public.task_series s where s.id = materialise_series.series_id for no key update;
  select c.time_zone into tz from public.circles c where c.id = series.circle_id;
  horizon := greatest(private.materialise_horizon(tz),
                      least(coalesce(materialise_series.through, '-infinity'::date), private.local_today(tz) + interval '2 years')::date);
  if series.materialised_through is not null and series.materialised_through >= horizon then
    return 0;
  end if;

  perform set_config('calendar.series_sync', 'on', true);
  with dates as (
    select d from private.series_rule_dates(series) as d
     where d > coalesce(series.materialised_through, '-infinity'::date) and d <= horizon
  ), occurrences as (
    select d, (private.occurrence_times(series, d, tz)).* from dates
  ), inserted as (
    insert into public.tasks (circle_id, title, kind, category, location, notes, slots, audience,
                              contact_preference, dietary_needs, all_day, starts_at, ends_at, series_id,
                              series_date, created_by)
    select series.circle_id, series.title, series.kind, series.category, series.location, series.notes,
           series.slots, series.audience, series.contact_preference, series.dietary_needs, series.all_day,
           o.starts_at, o.ends_at, series.id, o.d, series.created_by
      from occurrences o
     where o.ends_at > now()
    on conflict (series_id, series_date) do nothing
    returning 1
  )
  select count(*) into made from inserted;
  perform set_config('calendar.series_sync', 'off', true);

  select max(d) into last_date from private.series_rule_dates(series) as d;
  update public.task_series s
     set materialised_through = case when last_date is null or last_date <= horizon then 'infinity'::date else horizon end
   where s.id = series.id;
  return made;
end;
$$;
comment on function private.materialise_series(uuid, date) is
  'Makes a series'' missing occurrences up to 8 weeks ahead (idempotent); returns how many it made.';

/** The series rule and template given to create/update, checked with the messages the form shows. */
create function private.check_series_input(
  tz text, title text, first_date date, frequency public.series_frequency, repeat_every integer,
  weekdays smallint[], until_date date, occurrence_count integer, all_day boolean, start_time time,
  duration_minutes integer, kind public.task_kind, slots integer, contact_preference public.contact_preference,
  dietary_needs text
) returns void
language plpgsql stable set search_path = '' as $$
begin
  if title is null or char_length(btrim(title)) not between 1 and 200 then
    perform private.calendar_fail('invalid_title', 'Give the task a title of 1 to 200 characters.');
  end if;
  if first_date is null or first_date < private.local_today(tz) then
    perform private.calendar_fail('invalid_date', 'A series starts today or later.');
  end if;
  if first_date > private.local_today(tz) + interval '2 years' then
    perform private.calendar_fail('invalid_date', 'Choose a date within the next two years.');
  end if;
  if frequency is null or repeat_every is null or repeat_every not between 1 and 52 then
    perform private.calendar_fail('invalid_rule', 'Repeat every 1 to 52 days or weeks.');
  end if;
  if frequency = 'weekly' and cardinality(coalesce(weekdays, '{}')) = 0 then
    perform private.calendar_fail('invalid_rule', 'Choose at least one day of the week.');
  end if;
  if frequency = 'daily' and cardinality(coalesce(weekdays, '{}')) > 0 then
    perform private.calendar_fail('invalid_rule', 'Days of the week only apply to weekly series.');
  end if;
  if not coalesce(weekdays, '{}') <@ '{1,2,3,4,5,6,7}'::smallint[] then
    perform private.calendar_fail('invalid_rule', 'Choose days of the week from the list.');
  end if;
  if (until_date is null) = (occurrence_count is null) then
    perform private.calendar_fail('invalid_end', 'Choose when the series ends: a date or a number of times.');
  end if;
  if until_date is not null and (until_date < first_date or until_date >= first_date + interval '2 years') then
    perform private.calendar_fail('invalid_end', 'The series must end after it starts, within two years.');
  end if;
  if occurrence_count is not null and occurrence_count not between 1 and 500 then
    perform private.calendar_fail('invalid_end', 'A series happens 1 to 500 times.');
  end if;
  if not coalesce(all_day, false) and (start_time is null or duration_minutes is null or duration_minutes not between 1 and 10080) then
    perform private.calendar_fail('invalid_time', 'Choose a start time and an end after it.');
  end if;
  if slots is null or slots not between 1 and 20 then
    perform private.calendar_fail('invalid_slots', 'A task needs 1 to 20 helpers.');
  end if;
  if contact_preference is not null and kind not in ('meal', 'visit') then
    perform private.calendar_fail('invalid_contact_preference', 'A contact preference is for meals and visits.');
  end if;
  if dietary_needs is not null and kind <> 'meal' then
    perform private.calendar_fail('invalid_dietary_needs', 'Dietary needs are for meals.');
  end if;
end;
$$;
comment on function private.check_series_input(text, text, date, public.series_frequency, integer, smallint[], date,
  integer, boolean, time, integer, public.task_kind, integer, public.contact_preference, text) is
  'Validates a series rule and template (invalid_title, invalid_date, invalid_rule, invalid_end, ...).';

------------------------------------------------------------------------------------------------------
-- Claims
------------------------------------------------------------------------------------------------------

/**
 * Claims a spot on a task for the caller, atomically: the task's row lock makes concurrent claims
 * queue, so of N people claiming the last spot exactly one wins and the others get task_full (whose
 * detail names who took it). Claiming a task one already claimed returns that claim.
 */
create function public.claim_task(task_id uuid) returns public.task_claims
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  task public.tasks := private.visible_task_for_update(claim_task.task_id);
  me public.circle_members := private.my_membership(task.circle_id);
  claim public.task_claims;
  taken integer;
  last_name text;
begin
  select * into claim from public.task_claims c where c.task_id = task.id and c.member_id = me.id;
  if claim.id is not null then
    return claim;
  end if;
  if task.status = 'cancelled' then
    perform private.calendar_fail('task_cancelled', 'This task was cancelled.');
  end if;
  if task.status = 'done' then
    perform private.calendar_fail('task_done', 'This task is already done.');
  end if;
  if private.task_is_past(task) then
    perform private.calendar_fail('task_in_past', 'This task is in the past.');
  end if;
  select count(*) into taken from public.task_claims c where c.task_id = task.id;
  if taken >= task.slots then
    select p.display_name into last_name
      from public.task_claims c
      join public.circle_members m on m.id = c.member_id
      join public.profiles p on p.id = m.user_id
     where c.task_id = task.id
     order by c.created_at desc, c.id
     limit 1;
    perform private.calendar_fail('task_full',
      format('%s just took the last spot.', coalesce(last_name, 'Someone')));
  end if;
  insert into public.task_claims (task_id, circle_id, member_id)
  values (task.id, task.circle_id, me.id)
  returning * into claim;
  return claim;
end;
$$;
comment on function public.claim_task(uuid) is
  'Claims a spot on a visible, future, open task (atomic; task_full when the last spot was just taken).';

/**
 * Gives up a claim before the task starts. Without member_id, the caller's own; the owner and the
 * coordinators holding the task's category may release someone else's (e.g. when plans change).
 */
create function public.release_task(task_id uuid, member_id uuid default null) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  task public.tasks := private.visible_task_for_update(release_task.task_id);
  me public.circle_members := private.my_membership(task.circle_id);
  target uuid := coalesce(release_task.member_id, me.id);
begin
  if target <> me.id
     and not private.can_manage_item(private.viewer_scope(auth.uid()), task.circle_id, task.category) then
    perform private.calendar_fail('not_your_claim', 'Only the person and their coordinators can release someone else''s claim.');
  end if;
  if task.status = 'cancelled' then
    perform private.calendar_fail('task_cancelled', 'This task was cancelled.');
  end if;
  if task.status = 'done' then
    perform private.calendar_fail('task_done', 'This task is already done.');
  end if;
  if private.task_is_past(task) then
    perform private.calendar_fail('task_in_past', 'This task is in the past.');
  end if;
  delete from public.task_claims c where c.task_id = task.id and c.member_id = target;
  if not found then
    perform private.calendar_fail('not_claimed',
      case when target = me.id then 'You have not claimed this task.' else 'This person has not claimed this task.' end);
  end if;
end;
$$;
comment on function public.release_task(uuid, uuid) is
  'Releases the caller''s claim (or, for the owner/coordinators, a member''s) before the task starts.';

/**
 * Marks a task done. A helper who claimed it may; so may the owner and the coordinators holding its
 * category, who may also leave a thank-you note for the helpers (again later, to add or change it).
 * A task nobody claimed cannot be done; marking a done task done again changes nothing.
 */
create function public.complete_task(task_id uuid, thank_you_note text default null) returns public.tasks
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  task public.tasks := private.visible_task_for_update(complete_task.task_id);
  me public.circle_members := private.my_membership(task.circle_id);
  note text := nullif(btrim(complete_task.thank_you_note), '');
  manager boolean := private.can_manage_item(private.viewer_scope(auth.uid()), task.circle_id, task.category);
  result public.tasks;
begin
  if task.status = 'cancelled' then
    perform private.calendar_fail('task_cancelled', 'This task was cancelled.');
  end if;
  if note is not null and not manager then
    perform private.calendar_fail('not_task_manager', 'Only the person and their coordinators can send a thank-you note.');
  end if;
  if char_length(note) > 1000 then
    perform private.calendar_fail('invalid_thank_you', 'Keep the thank-you note to 1000 characters.');
  end if;
  if not exists (select 1 from public.task_claims c where c.task_id = task.id) then
    perform private.calendar_fail('task_not_claimed', 'Nobody has claimed this task yet.');
  end if;
  if not manager and not exists (select 1 from public.task_claims c where c.task_id = task.id and c.member_id = me.id) then
    perform private.calendar_fail('not_claimed', 'Only a helper who claimed this task can mark it done.');
  end if;

  if task.status = 'scheduled' then
    update public.tasks t set status = 'done', done_at = now(), done_by = auth.uid()
     where t.id = task.id returning * into result;
  else
    result := task;
  end if;
  if note is not null then
    insert into public.task_thanks (task_id, circle_id, note, thanked_by)
    values (task.id, task.circle_id, note, auth.uid())
    on conflict (task_id) do update set note = excluded.note, thanked_by = excluded.thanked_by;
  end if;
  return result;
end;
$$;
comment on function public.complete_task(uuid, text) is
  'Marks a claimed task done (its helper, the owner or a coordinator); managers may add a thank-you note.';

/**
 * Cancels one task (or one occurrence of a series), owner or coordinator holding its category. Claims
 * stay on the cancelled task, so that its helpers see the cancellation in their list and calendar
 * feed (STATUS:CANCELLED) instead of the task silently disappearing. Cancelling twice is a no-op.
 */
create function public.cancel_task(task_id uuid, note text default null) returns public.tasks
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  task public.tasks := private.visible_task_for_update(cancel_task.task_id);
  clean_note text := nullif(btrim(cancel_task.note), '');
  result public.tasks;
begin
  perform private.require_task_manager(task.circle_id, task.category);
  if task.status = 'cancelled' then
    return task;
  end if;
  if task.status = 'done' then
    perform private.calendar_fail('task_done', 'This task is already done.');
  end if;
  if private.task_is_past(task) then
    perform private.calendar_fail('task_in_past', 'This task is in the past.');
  end if;
  if char_length(clean_note) > 500 then
    perform private.calendar_fail('invalid_note', 'Keep the note to 500 characters.');
  end if;
  update public.tasks t
     set status = 'cancelled', cancelled_at = now(), cancelled_by = auth.uid(), cancel_note = clean_note
   where t.id = task.id
  returning * into result;
  return result;
end;
$$;
comment on function public.cancel_task(uuid, text) is
  'Cancels a future task or occurrence (owner/coordinator); claims stay so helpers see the cancellation.';

------------------------------------------------------------------------------------------------------
-- Series
------------------------------------------------------------------------------------------------------

/**
 * Creates a recurring task (owner, or a coordinator holding its category) and its occurrences for the
 * next 8 weeks, in one transaction. The rule is read in the circle's zone: occurrences stay at the same
 * local time across daylight-saving changes.
 */
create function public.create_task_series(
  circle_id uuid,
  title text,
  first_date date,
  frequency public.series_frequency,
  weekdays smallint[] default '{}',
  repeat_every integer default 1,
  until_date date default null,
  occurrence_count integer default null,
  all_day boolean default false,
  start_time time default null,
  duration_minutes integer default null,
  kind public.task_kind default 'other',
  category public.sharing_category default 'practical',
  location text default null,
  notes text default null,
  slots integer default 1,
  audience uuid[] default null,
  contact_preference public.contact_preference default null,
  dietary_needs text default null
) returns public.task_series
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  tz text;
  series public.task_series;
begin
  perform private.require_task_manager(create_task_series.circle_id, coalesce(create_task_series.category, 'practical'));
  select c.time_zone into tz from public.circles c where c.id = create_task_series.circle_id;
  perform private.check_series_input(tz, create_task_series.title, create_task_series.first_date,
    create_task_series.frequency, create_task_series.repeat_every, create_task_series.weekdays,
    create_task_series.until_date, create_task_series.occurrence_count, create_task_series.all_day,
    create_task_series.start_time, create_task_series.duration_minutes, create_task_series.kind,
    create_task_series.slots, create_task_series.contact_preference, nullif(btrim(create_task_series.dietary_needs), ''));

  insert into public.task_series (circle_id, title, kind, category, location, notes, slots, audience,
    contact_preference, dietary_needs, frequency, repeat_every, weekdays, first_date, until_date,
    occurrence_count, all_day, start_time, duration_minutes, created_by)
  values (create_task_series.circle_id, btrim(create_task_series.title), create_task_series.kind,
    create_task_series.category, nullif(btrim(create_task_series.location), ''),
    nullif(btrim(create_task_series.notes), ''), create_task_series.slots, create_task_series.audience,
    create_task_series.contact_preference, nullif(btrim(create_task_series.dietary_needs), ''),
    create_task_series.frequency, create_task_series.repeat_every,
    array(select distinct d from unnest(coalesce(create_task_series.weekdays, '{}')) as d order by d),
    create_task_series.first_date, create_task_series.until_date, create_task_series.occurrence_count,
    coalesce(create_task_series.all_day, false),
    case when create_task_series.all_day then null else create_task_series.start_time end,
    case when create_task_series.all_day then null else create_task_series.duration_minutes end,
    auth.uid())
  returning * into series;

  perform private.materialise_series(series.id);
  select * into series from public.task_series s where s.id = series.id;
  return series;
end;
$$;
comment on function public.create_task_series(uuid, text, date, public.series_frequency, smallint[], integer, date,
  integer, boolean, time, integer, public.task_kind, public.sharing_category, text, text, integer, uuid[],
  public.contact_preference, text) is
  'Creates a recurring task and its occurrences 8 weeks ahead (owner/coordinator holding the category).';

/** Locks a series the caller can see and may manage; series_not_found / not_task_manager otherwise. */
create function private.series_for_manager(series_id uuid) returns public.task_series
language plpgsql volatile set search_path = '' as $$
declare
  series public.task_series;
begin
  if auth.uid() is null then
    perform private.calendar_fail('not_authenticated', 'Sign in first.');
  end if;
  select * into series from public.task_series s where s.id = series_for_manager.series_id;
  if series.id is null
     or not private.consent_allows(private.viewer_scope(auth.uid()), series.circle_id, series.category, series.audience) then
    perform private.calendar_fail('series_not_found', 'Not found.');
  end if;
  perform private.require_task_manager(series.circle_id, series.category);
  select * into series from public.task_series s where s.id = series_for_manager.series_id for no key update;
  return series;
end;
$$;
comment on function private.series_for_manager(uuid) is 'Locks a visible series the caller may manage.';

/** The series and every series that continues it ("this and following" edits made later). */
create function private.series_chain(series_id uuid) returns setof uuid
language sql stable set search_path = '' as $$
  with recursive chain(id) as (
    select series_id
    union
    select s.id from public.task_series s join chain on s.previous_series_id = chain.id
  )
  select id from chain
$$;
comment on function private.series_chain(uuid) is 'A series and its successors.';

/**
 * A change from a date on reaches the later parts of a series too (earlier "this and following" edits
 * made them); the caller must be allowed to change every one of them, whatever category it took.
 */
create function private.require_chain_manager(series_id uuid) returns void
language plpgsql stable set search_path = '' as $$
begin
  if exists (
    select 1 from public.task_series s
     where s.id in (select private.series_chain(require_chain_manager.series_id))
       and not private.can_manage_item(private.viewer_scope(auth.uid()), s.circle_id, s.category)
  ) then
    perform private.calendar_fail('category_not_allowed',
      'Later parts of this series are in a category you cannot change; ask the person to change them.');
  end if;
end;
$$;
comment on function private.require_chain_manager(uuid) is
  'Raises category_not_allowed unless the caller may manage the series and every later part of it.';

/**
 * "Edit this and following": from `from_date` (today or later) on, the series follows the new rule and
 * template. Before that date nothing changes. What happens to each occurrence on or after the date:
 *   - not claimed, not edited one by one, not started: it follows the new series (new time, new
 *     details), or is removed if its date is no longer in the rule; new dates get new occurrences;
 *   - claimed by someone: it keeps its date, its time and its claims (the helper promised that
 *     time), and takes the new details, category and audience (helpers who could no longer see it
 *     lose their claim, by the consent rule); slots never drop below the claims. If its date is no
 *     longer in the rule it stays as a one-off task, for the person to cancel if it is not needed;
 *   - edited one by one: keeps its date, time and details; takes the new category and audience;
 *   - started, done or cancelled: left exactly as it is.
 * When from_date is the series' first occurrence the series is changed in place; otherwise it is split: the
 * old one stops before from_date and a new one (previous_series_id = the old) starts on it.
 * Returns {series_id, updated, created, removed, kept_claimed, kept_edited}.
 */
create function public.update_task_series(
  series_id uuid,
  from_date date,
  title text,
  frequency public.series_frequency,
  weekdays smallint[] default '{}',
  repeat_every integer default 1,
  until_date date default null,
  occurrence_count integer default null,
  all_day boolean default false,
  start_time time default null,
  duration_minutes integer default null,
  kind public.task_kind default 'other',
  category public.sharing_category default 'practical',
  location text default null,
  notes text default null,
  slots integer default 1,
  audience uuid[] default null,
  contact_preference public.contact_preference default null,
  dietary_needs text default null
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  old_series public.task_series := private.series_for_manager(update_task_series.series_id);
  tz text;
  target public.task_series;
  new_dates date[];
  occurrence public.tasks;
  claims integer;
  times record;
  n_updated integer := 0;
  n_removed integer := 0;
  n_kept_claimed integer := 0;
  n_kept_edited integer := 0;
  n_created integer;
  clean_dietary text := nullif(btrim(update_task_series.dietary_needs), '');
begin
  perform private.require_task_manager(old_series.circle_id, coalesce(update_task_series.category, 'practical'));
  perform private.require_chain_manager(old_series.id);
  select c.time_zone into tz from public.circles c where c.id = old_series.circle_id;
  if old_series.stopped_from is not null and update_task_series.from_date >= old_series.stopped_from then
    perform private.calendar_fail('series_ended', 'This series has already ended on that date.');
  end if;
  perform private.check_series_input(tz, update_task_series.title, update_task_series.from_date,
    update_task_series.frequency, update_task_series.repeat_every, update_task_series.weekdays,
    update_task_series.until_date, update_task_series.occurrence_count, update_task_series.all_day,
    update_task_series.start_time, update_task_series.duration_minutes, update_task_series.kind,
    update_task_series.slots, update_task_series.contact_preference, clean_dietary);

  -- Later splits of this series are folded into the edit: they stop entirely, and their occurrences
  -- are treated below like the series' own.
  update public.task_series s set stopped_from = s.first_date
   where s.id in (select private.series_chain(old_series.id)) and s.id <> old_series.id;

  -- Nothing of the series comes before from_date: change it in place rather than leave an empty one.
  if coalesce((select min(d) from private.series_rule_dates(old_series) as d), old_series.first_date)
     >= update_task_series.from_date then
    update public.task_series s set
      title = btrim(update_task_series.title), kind = update_task_series.kind, category = update_task_series.category,
      location = nullif(btrim(update_task_series.location), ''), notes = nullif(btrim(update_task_series.notes), ''),
      slots = update_task_series.slots, audience = update_task_series.audience,
      contact_preference = update_task_series.contact_preference, dietary_needs = clean_dietary,
      frequency = update_task_series.frequency, repeat_every = update_task_series.repeat_every,
      weekdays = array(select distinct d from unnest(coalesce(update_task_series.weekdays, '{}')) as d order by d),
      first_date = update_task_series.from_date, until_date = update_task_series.until_date,
      occurrence_count = update_task_series.occurrence_count, all_day = coalesce(update_task_series.all_day, false),
      start_time = case when update_task_series.all_day then null else update_task_series.start_time end,
      duration_minutes = case when update_task_series.all_day then null else update_task_series.duration_minutes end,
      stopped_from = null, materialised_through = null
    where s.id = old_series.id
    returning * into target;
  else
    update public.task_series s set stopped_from = update_task_series.from_date where s.id = old_series.id;
    insert into public.task_series (circle_id, title, kind, category, location, notes, slots, audience,
      contact_preference, dietary_needs, frequency, repeat_every, weekdays, first_date, until_date,
      occurrence_count, all_day, start_time, duration_minutes, previous_series_id, created_by)
    values (old_series.circle_id, btrim(update_task_series.title), update_task_series.kind,
      update_task_series.category, nullif(btrim(update_task_series.location), ''),
      nullif(btrim(update_task_series.notes), ''), update_task_series.slots, update_task_series.audience,
      update_task_series.contact_preference, clean_dietary, update_task_series.frequency,
      update_task_series.repeat_every,
      array(select distinct d from unnest(coalesce(update_task_series.weekdays, '{}')) as d order by d),
      update_task_series.from_date, update_task_series.until_date, update_task_series.occurrence_count,
      coalesce(update_task_series.all_day, false),
      case when update_task_series.all_day then null else update_task_series.start_time end,
      case when update_task_series.all_day then null else update_task_series.duration_minutes end,
      old_series.id, auth.uid())
    returning * into target;
  end if;
  new_dates := array(select private.series_rule_dates(target));

  perform set_config('calendar.series_sync', 'on', true);
  for occurrence in
    select * from public.tasks t
     where t.series_id in (select private.series_chain(old_series.id))
       and t.series_date >= update_task_series.from_date
     order by t.series_date
       for no key update
  loop
    if occurrence.status <> 'scheduled' or occurrence.starts_at <= now() then
      -- History and decisions already taken stay as they are; the date stays taken in the new series.
      update public.tasks t set series_id = target.id, series_exception = true
       where t.id = occurrence.id and t.series_id is distinct from target.id;
      continue;
    end if;
    select count(*) into claims from public.task_claims c where c.task_id = occurrence.id;
    select * into times from private.occurrence_times(target, occurrence.series_date, tz);

    if claims = 0 and not occurrence.series_exception then
      if occurrence.series_date = any (new_dates) and times.ends_at > now() then
        update public.tasks t set
          series_id = target.id, title = target.title, kind = target.kind, category = target.category,
          location = target.location, notes = target.notes, slots = target.slots, audience = target.audience,
          contact_preference = target.contact_preference, dietary_needs = target.dietary_needs,
          all_day = target.all_day, starts_at = times.starts_at, ends_at = times.ends_at
         where t.id = occurrence.id;
        n_updated := n_updated + 1;
      else
        delete from public.tasks t where t.id = occurrence.id;
        n_removed := n_removed + 1;
      end if;
    elsif claims > 0 and not occurrence.series_exception then
      update public.tasks t set
        series_id = case when occurrence.series_date = any (new_dates) then target.id end,
        series_date = case when occurrence.series_date = any (new_dates) then occurrence.series_date end,
        series_exception = (occurrence.starts_at, occurrence.ends_at, occurrence.all_day)
                           is distinct from (times.starts_at, times.ends_at, target.all_day),
        title = target.title, kind = target.kind, category = target.category, location = target.location,
        notes = target.notes, slots = greatest(target.slots, claims), audience = target.audience,
        contact_preference = target.contact_preference,
        dietary_needs = target.dietary_needs
       where t.id = occurrence.id;
      n_kept_claimed := n_kept_claimed + 1;
    else
      update public.tasks t set
        series_id = case when occurrence.series_date = any (new_dates) then target.id end,
        series_date = case when occurrence.series_date = any (new_dates) then occurrence.series_date end,
        category = target.category, audience = target.audience
       where t.id = occurrence.id;
      n_kept_edited := n_kept_edited + 1;
    end if;
  end loop;
  perform set_config('calendar.series_sync', 'off', true);

  -- The new series continues from its first date; the dates kept above are already taken.
  update public.task_series s set materialised_through = null where s.id = target.id;
  n_created := private.materialise_series(target.id);

  return jsonb_build_object('series_id', target.id, 'updated', n_updated, 'created', n_created,
    'removed', n_removed, 'kept_claimed', n_kept_claimed, 'kept_edited', n_kept_edited);
end;
$$;
comment on function public.update_task_series(uuid, date, text, public.series_frequency, smallint[], integer, date,
  integer, boolean, time, integer, public.task_kind, public.sharing_category, text, text, integer, uuid[],
  public.contact_preference, text) is
  '"Edit this and following" from a date: open occurrences follow; claimed ones keep their time and claims.';

/**
 * "Cancel this and following": no occurrence on or after `from_date` (today or later) is made any
 * more, and every occurrence from that date that has not started is cancelled, claimed or not: an
 * explicit decision of the person. Claims stay on the cancelled occurrences so their helpers see the
 * cancellation. Returns {cancelled, had_claims}.
 */
create function public.cancel_task_series(series_id uuid, from_date date, note text default null) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  series public.task_series := private.series_for_manager(cancel_task_series.series_id);
  tz text;
  clean_note text := nullif(btrim(cancel_task_series.note), '');
  n_cancelled integer;
  n_claimed integer;
begin
  perform private.require_chain_manager(series.id);
  select c.time_zone into tz from public.circles c where c.id = series.circle_id;
  if cancel_task_series.from_date is null or cancel_task_series.from_date < private.local_today(tz) then
    perform private.calendar_fail('invalid_date', 'Cancel from today or a later date.');
  end if;
  if char_length(clean_note) > 500 then
    perform private.calendar_fail('invalid_note', 'Keep the note to 500 characters.');
  end if;
  update public.task_series s
     set stopped_from = least(coalesce(s.stopped_from, 'infinity'::date), greatest(s.first_date, cancel_task_series.from_date))
   where s.id in (select private.series_chain(series.id));

  with cancelled as (
    update public.tasks t
       set status = 'cancelled', cancelled_at = now(), cancelled_by = auth.uid(), cancel_note = clean_note
     where t.series_id in (select private.series_chain(series.id))
       and t.series_date >= cancel_task_series.from_date
       and t.status = 'scheduled' and t.starts_at > now()
    returning t.id
  )
  select count(*), count(*) filter (where exists (select 1 from public.task_claims c where c.task_id = cancelled.id))
    into n_cancelled, n_claimed
    from cancelled;
  return jsonb_build_object('cancelled', n_cancelled, 'had_claims', n_claimed);
end;
$$;
comment on function public.cancel_task_series(uuid, date, text) is
  'Cancels a series from a date on (owner/coordinator): stops it and cancels its future occurrences.';

/**
 * Keeps every series of a circle 8 weeks ahead, or up to `through` (a date the caller is looking at,
 * at most two years ahead); the calendar and list pages call it when they load, so occurrences appear
 * as time passes without a job (a job may call extend_all_task_series as well).
 * Any active member may call it: it only makes what the series' rules already say, and returns
 * nothing about series the caller may not see.
 */
create function public.extend_task_series(circle_id uuid, through date default null) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  tz text;
  horizon date;
  due uuid;
begin
  perform private.my_membership(extend_task_series.circle_id);
  select c.time_zone into tz from public.circles c where c.id = extend_task_series.circle_id;
  horizon := greatest(private.materialise_horizon(tz),
                      least(coalesce(extend_task_series.through, '-infinity'::date), private.local_today(tz) + interval '2 years')::date);
  for due in
    select s.id from public.task_series s
     where s.circle_id = extend_task_series.circle_id
       and coalesce(s.materialised_through, '-infinity'::date) < horizon
       and (s.stopped_from is null or coalesce(s.materialised_through, '-infinity'::date) < s.stopped_from - 1)
  loop
    perform private.materialise_series(due, horizon);
  end loop;
end;
$$;
comment on function public.extend_task_series(uuid, date) is
  'Makes the missing occurrences of the circle''s series up to 8 weeks ahead (any active member).';

/** For a scheduled job (service role): extend_task_series for every circle. Returns occurrences made. */
create function public.extend_all_task_series() returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  due uuid;
  made integer := 0;
begin
  for due in
    select s.id from public.task_series s join public.circles c on c.id = s.circle_id
     where coalesce(s.materialised_through, '-infinity'::date) < private.materialise_horizon(c.time_zone)
       and (s.stopped_from is null or coalesce(s.materialised_through, '-infinity'::date) < s.stopped_from - 1)
  loop
    made := made + private.materialise_series(due);
  end loop;
  return made;
end;
$$;
comment on function public.extend_all_task_series() is 'Job: keeps every series 8 weeks ahead (service role only).';

------------------------------------------------------------------------------------------------------
-- Offers of help
------------------------------------------------------------------------------------------------------

/** A member offers help ("I can bring dinner on Thursday") in a category they hold. */
create function public.offer_help(
  circle_id uuid,
  message text,
  starts_at timestamptz,
  ends_at timestamptz,
  all_day boolean default false,
  kind public.task_kind default 'other',
  category public.sharing_category default 'practical'
) returns public.task_offers
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  me public.circle_members := private.my_membership(offer_help.circle_id);
  clean_message text := btrim(offer_help.message);
  result public.task_offers;
begin
  if not private.consent_allows(private.viewer_scope(auth.uid()), offer_help.circle_id,
                                coalesce(offer_help.category, 'practical'), null) then
    perform private.calendar_fail('category_not_allowed', 'You can offer help in the categories the person shares with you.');
  end if;
  if clean_message is null or char_length(clean_message) not between 1 and 500 then
    perform private.calendar_fail('invalid_message', 'Say what you can do in 1 to 500 characters.');
  end if;
  if offer_help.starts_at is null or offer_help.ends_at is null or offer_help.ends_at <= offer_help.starts_at then
    perform private.calendar_fail('invalid_time', 'Choose a time, and an end after the start.');
  end if;
  if offer_help.starts_at <= now() then
    perform private.calendar_fail('offer_in_past', 'Offer help for a time that is still to come.');
  end if;
  if offer_help.starts_at > now() + interval '2 years' then
    perform private.calendar_fail('invalid_date', 'Choose a date within the next two years.');
  end if;
  insert into public.task_offers (circle_id, member_id, kind, category, message, starts_at, ends_at, all_day)
  values (offer_help.circle_id, me.id, coalesce(offer_help.kind, 'other'), coalesce(offer_help.category, 'practical'),
          clean_message, offer_help.starts_at, offer_help.ends_at, coalesce(offer_help.all_day, false))
  returning * into result;
  return result;
end;
$$;
comment on function public.offer_help(uuid, text, timestamptz, timestamptz, boolean, public.task_kind, public.sharing_category) is
  'A member offers help at a time, in a category they hold.';

/** Locks a pending-or-not offer that the caller may answer (owner, coordinator holding its category). */
create function private.offer_for_manager(offer_id uuid) returns public.task_offers
language plpgsql volatile set search_path = '' as $$
declare
  offer public.task_offers;
begin
  if auth.uid() is null then
    perform private.calendar_fail('not_authenticated', 'Sign in first.');
  end if;
  select * into offer from public.task_offers o where o.id = offer_for_manager.offer_id for no key update;
  if offer.id is null then
    perform private.calendar_fail('offer_not_found', 'Not found.');
  end if;
  if not private.can_manage_item(private.viewer_scope(auth.uid()), offer.circle_id, offer.category) then
    if offer.member_id = any ((private.viewer_scope(auth.uid())).member_ids) then
      perform private.calendar_fail('not_task_manager', 'The person or a coordinator answers offers.');
    end if;
    perform private.calendar_fail('offer_not_found', 'Not found.');
  end if;
  if offer.status <> 'pending' then
    perform private.calendar_fail('offer_not_pending', 'This offer has already been answered or withdrawn.');
  end if;
  return offer;
end;
$$;
comment on function private.offer_for_manager(uuid) is 'Locks a pending offer the caller may answer.';

/**
 * Accepts an offer: it becomes a task (title given, or the offer's words) claimed by the member who
 * offered, in one transaction. The member must still be in the circle and hold the offer's category.
 */
create function public.accept_offer(offer_id uuid, title text default null) returns public.tasks
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  offer public.task_offers := private.offer_for_manager(accept_offer.offer_id);
  helper public.circle_members;
  clean_title text := coalesce(nullif(btrim(accept_offer.title), ''), left(offer.message, 200));
  task public.tasks;
begin
  select * into helper from public.circle_members m where m.id = offer.member_id;
  if helper.status <> 'active'
     or not private.consent_allows(private.member_scope(helper), offer.circle_id, offer.category, null) then
    perform private.calendar_fail('offer_not_pending', 'The person who offered is no longer able to see such tasks.');
  end if;
  if offer.starts_at <= now() then
    perform private.calendar_fail('offer_in_past', 'The time of this offer has passed.');
  end if;
  if char_length(clean_title) > 200 then
    perform private.calendar_fail('invalid_title', 'Give the task a title of 1 to 200 characters.');
  end if;
  insert into public.tasks (circle_id, title, kind, category, notes, starts_at, ends_at, all_day, slots, created_by)
  values (offer.circle_id, clean_title, offer.kind, offer.category, offer.message, offer.starts_at, offer.ends_at,
          offer.all_day, 1, auth.uid())
  returning * into task;
  insert into public.task_claims (task_id, circle_id, member_id) values (task.id, task.circle_id, helper.id);
  update public.task_offers o
     set status = 'accepted', task_id = task.id, responded_by = auth.uid(), responded_at = now()
   where o.id = offer.id;
  return task;
end;
$$;
comment on function public.accept_offer(uuid, text) is
  'Owner/coordinator: turns a pending offer into a task already claimed by the member who offered.';

/** Declines an offer, with an optional kind word for the member who offered. */
create function public.decline_offer(offer_id uuid, note text default null) returns public.task_offers
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  offer public.task_offers := private.offer_for_manager(decline_offer.offer_id);
  clean_note text := nullif(btrim(decline_offer.note), '');
  result public.task_offers;
begin
  if char_length(clean_note) > 500 then
    perform private.calendar_fail('invalid_note', 'Keep the note to 500 characters.');
  end if;
  update public.task_offers o
     set status = 'declined', response_note = clean_note, responded_by = auth.uid(), responded_at = now()
   where o.id = offer.id
  returning * into result;
  return result;
end;
$$;
comment on function public.decline_offer(uuid, text) is 'Owner/coordinator: declines a pending offer, with an optional note.';

/** The member who offered takes a pending offer back. */
create function public.withdraw_offer(offer_id uuid) returns public.task_offers
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  offer public.task_offers;
  result public.task_offers;
begin
  if auth.uid() is null then
    perform private.calendar_fail('not_authenticated', 'Sign in first.');
  end if;
  select * into offer from public.task_offers o
   where o.id = withdraw_offer.offer_id and o.member_id = any ((private.viewer_scope(auth.uid())).member_ids)
     for no key update;
  if offer.id is null then
    perform private.calendar_fail('offer_not_found', 'Not found.');
  end if;
  if offer.status <> 'pending' then
    perform private.calendar_fail('offer_not_pending', 'This offer has already been answered or withdrawn.');
  end if;
  update public.task_offers o set status = 'withdrawn' where o.id = offer.id returning * into result;
  return result;
end;
$$;
comment on function public.withdraw_offer(uuid) is 'The member who offered withdraws a pending offer.';

------------------------------------------------------------------------------------------------------
-- Calendar feeds
------------------------------------------------------------------------------------------------------

/**
 * Creates the caller's private calendar feed for a circle, or resets it: a new secret replaces the old
 * one, whose address stops working at once. Returns the raw token once; only its SHA-256 is stored.
 */
create function public.reset_calendar_feed(circle_id uuid) returns text
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  me public.circle_members := private.my_membership(reset_calendar_feed.circle_id);
  raw_token text := private.new_invitation_token();
begin
  insert into public.calendar_feeds as f (member_id, circle_id, token_hash)
  values (me.id, me.circle_id, private.hash_token(raw_token))
  on conflict (member_id) do update set token_hash = excluded.token_hash, created_at = now();
  return raw_token;
end;
$$;
comment on function public.reset_calendar_feed(uuid) is
  'Creates or replaces the caller''s calendar feed token for a circle; returns the raw token once.';

/** Turns the caller's calendar feed for a circle off. */
create function public.delete_calendar_feed(circle_id uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  me public.circle_members := private.my_membership(delete_calendar_feed.circle_id);
begin
  delete from public.calendar_feeds f where f.member_id = me.id;
end;
$$;
comment on function public.delete_calendar_feed(uuid) is 'Deletes the caller''s calendar feed token for a circle.';

/**
 * The contents of a calendar feed: the tasks its member claimed (from 60 days ago on, cancelled ones
 * included so that calendars drop them), as far as that member may still see them by the consent
 * rule. Callable by anon: calendar apps fetch without a session, and the 256-bit token is the secret.
 */
create function public.calendar_feed(token text) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
#variable_conflict use_column
declare
  member public.circle_members;
  scope private.viewer_scope;
  result jsonb;
begin
  if calendar_feed.token is null or char_length(calendar_feed.token) not between 20 and 200 then
    perform private.calendar_fail('feed_not_found', 'This calendar address is not valid.');
  end if;
  select m.* into member
    from public.calendar_feeds f join public.circle_members m on m.id = f.member_id
   where f.token_hash = private.hash_token(calendar_feed.token) and m.status = 'active';
  if member.id is null then
    perform private.calendar_fail('feed_not_found', 'This calendar address is not valid.');
  end if;
  scope := private.member_scope(member);
  select jsonb_build_object(
    'circle_id', c.id,
    'circle_name', c.name,
    'time_zone', c.time_zone,
    'tasks', coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', t.id, 'title', t.title, 'kind', t.kind, 'location', t.location, 'notes', t.notes,
        'starts_at', t.starts_at, 'ends_at', t.ends_at, 'all_day', t.all_day, 'status', t.status,
        'contact_preference', t.contact_preference, 'dietary_needs', t.dietary_needs,
        'updated_at', t.updated_at) order by t.starts_at)
        from public.tasks t
        join public.task_claims tc on tc.task_id = t.id and tc.member_id = member.id
       where t.circle_id = member.circle_id
         and t.starts_at > now() - interval '60 days'
         and private.consent_allows(scope, t.circle_id, t.category, t.audience)
    ), '[]'::jsonb))
    into result
    from public.circles c where c.id = member.circle_id;
  return result;
end;
$$;
comment on function public.calendar_feed(text) is
  'ICS feed data for a token (anon allowed: the token is the secret): the member''s visible claimed tasks.';

------------------------------------------------------------------------------------------------------
-- Reads for the pages
------------------------------------------------------------------------------------------------------

/**
 * Everything the calendar and list pages read, in one round trip: the tasks of the circle that start
 * in [starts_from, starts_before) with their claims, the members' names, and the caller's own grants.
 * Series are first kept made ahead (up to `through` when the page looks further than 8 weeks).
 * INVOKER: every select below runs under the caller's row-level security, exactly as the same selects
 * made one by one through PostgREST would; this only saves the round trips.
 */
create function public.calendar_window(
  circle_id uuid,
  starts_from timestamptz,
  starts_before timestamptz,
  through date default null
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  result jsonb;
begin
  perform public.extend_task_series(calendar_window.circle_id, calendar_window.through);
  select jsonb_build_object(
    'tasks', coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', t.id, 'circle_id', t.circle_id, 'title', t.title, 'kind', t.kind, 'category', t.category,
        'starts_at', t.starts_at, 'ends_at', t.ends_at, 'all_day', t.all_day, 'slots', t.slots,
        'audience', t.audience, 'status', t.status, 'location', t.location, 'notes', t.notes,
        'contact_preference', t.contact_preference, 'dietary_needs', t.dietary_needs,
        'series_id', t.series_id, 'series_date', t.series_date, 'series_exception', t.series_exception,
        'cancel_note', t.cancel_note, 'done_at', t.done_at, 'created_by', t.created_by,
        'task_claims', coalesce((
          select jsonb_agg(jsonb_build_object('member_id', c.member_id, 'created_at', c.created_at) order by c.created_at, c.id)
            from public.task_claims c where c.task_id = t.id), '[]'::jsonb)
      ) order by t.starts_at, t.id)
        from public.tasks t
       where t.circle_id = calendar_window.circle_id
         and t.starts_at >= calendar_window.starts_from and t.starts_at < calendar_window.starts_before
    ), '[]'::jsonb),
    'members', coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', m.id, 'role', m.role, 'label', m.label, 'status', m.status, 'name', coalesce(p.display_name, 'Someone')))
        from public.circle_members m left join public.profiles p on p.id = m.user_id
       where m.circle_id = calendar_window.circle_id
    ), '[]'::jsonb),
    'my_categories', coalesce((
      select jsonb_agg(g.category order by g.category)
        from public.sharing_grants g join public.circle_members m on m.id = g.member_id
       where g.circle_id = calendar_window.circle_id and m.user_id = auth.uid() and m.status = 'active'
    ), '[]'::jsonb)
  ) into result;
  return result;
end;
$$;
comment on function public.calendar_window(uuid, timestamptz, timestamptz, date) is
  'The calendar page''s reads in one round trip (invoker: RLS applies): tasks in a range with claims, members, own grants.';

------------------------------------------------------------------------------------------------------
-- Who may call what
------------------------------------------------------------------------------------------------------

revoke all on function
  public.claim_task(uuid),
  public.release_task(uuid, uuid),
  public.complete_task(uuid, text),
  public.cancel_task(uuid, text),
  public.create_task_series(uuid, text, date, public.series_frequency, smallint[], integer, date, integer, boolean,
    time, integer, public.task_kind, public.sharing_category, text, text, integer, uuid[], public.contact_preference, text),
  public.update_task_series(uuid, date, text, public.series_frequency, smallint[], integer, date, integer, boolean,
    time, integer, public.task_kind, public.sharing_category, text, text, integer, uuid[], public.contact_preference, text),
  public.cancel_task_series(uuid, date, text),
  public.extend_task_series(uuid, date),
  public.extend_all_task_series(),
  public.calendar_window(uuid, timestamptz, timestamptz, date),
  public.offer_help(uuid, text, timestamptz, timestamptz, boolean, public.task_kind, public.sharing_category),
  public.accept_offer(uuid, text),
  public.decline_offer(uuid, text),
  public.withdraw_offer(uuid),
  public.reset_calendar_feed(uuid),
  public.delete_calendar_feed(uuid),
  public.calendar_feed(text)
from public, anon, authenticated;

grant execute on function
  public.claim_task(uuid),
  public.release_task(uuid, uuid),
  public.complete_task(uuid, text),
  public.cancel_task(uuid, text),
  public.create_task_series(uuid, text, date, public.series_frequency, smallint[], integer, date, integer, boolean,
    time, integer, public.task_kind, public.sharing_category, text, text, integer, uuid[], public.contact_preference, text),
  public.update_task_series(uuid, date, text, public.series_frequency, smallint[], integer, date, integer, boolean,
    time, integer, public.task_kind, public.sharing_category, text, text, integer, uuid[], public.contact_preference, text),
  public.cancel_task_series(uuid, date, text),
  public.extend_task_series(uuid, date),
  public.calendar_window(uuid, timestamptz, timestamptz, date),
  public.offer_help(uuid, text, timestamptz, timestamptz, boolean, public.task_kind, public.sharing_category),
  public.accept_offer(uuid, text),
  public.decline_offer(uuid, text),
  public.withdraw_offer(uuid),
  public.reset_calendar_feed(uuid),
  public.delete_calendar_feed(uuid)
to authenticated, service_role;

grant execute on function public.extend_all_task_series() to service_role;
-- Calendar apps fetch the feed without a session: the token is the proof.
grant execute on function public.calendar_feed(text) to anon, authenticated, service_role;
