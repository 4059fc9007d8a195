-- Issue 10 item 1: series edits reached occurrences the caller cannot see. update_task_series and
-- cancel_task_series checked the series only, then changed, cancelled or deleted every occurrence from a
-- date, including those the person had moved to another category or narrowed to a smaller audience.
-- Now every occurrence is checked with the rule the tasks policies use (can see it and may manage its
-- category); the others are left as they are and counted in the answer ('skipped'). And an occurrence
-- whose category or audience is changed on its own becomes an exception of its series, like one whose
-- time or details are.

/**
 * May the caller change this item, exactly as the tasks update and delete policies say: it is visible
 * to them by the consent rule and they may manage its category.
 */
create function private.can_manage_visible_item(
  scope private.viewer_scope,
  item_circle_id uuid,
  item_category public.sharing_category,
  item_audience uuid[]
) returns boolean
language sql immutable parallel safe as $$
  select private.consent_allows(scope, item_circle_id, item_category, item_audience)
     and private.can_manage_item(scope, item_circle_id, item_category)
$$;
comment on function private.can_manage_visible_item(private.viewer_scope, uuid, public.sharing_category, uuid[]) is
  'The tasks update/delete policy rule for one row: visible by the consent rule, and a category the caller manages.';

create or replace function private.check_task() returns trigger
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
       and (new.starts_at, new.ends_at, new.all_day, new.title, new.kind, new.category, new.audience, new.location,
            new.notes, new.slots, new.contact_preference, new.dietary_needs)
           is distinct from
           (old.starts_at, old.ends_at, old.all_day, old.title, old.kind, old.category, old.audience, old.location,
            old.notes, old.slots, old.contact_preference, old.dietary_needs) then
      new.series_exception := true;
    end if;
  end if;
  return new;
end;
$$;
comment on function private.check_task() is
  'Trigger: date cap, slots >= claims, all-day alignment, marks series occurrences edited one by one (category and audience too).';

/**
 * A change from a date on reaches the later parts of a series too (earlier "this and following" edits
 * made them); the caller must be allowed to change every one of them, by the same rule as occurrences:
 * a later part they cannot see (narrowed to a smaller audience) counts as one they may not change.
 */
create or replace function private.require_chain_manager(series_id uuid) returns void
language plpgsql stable set search_path = '' as $$
declare
  scope private.viewer_scope := private.viewer_scope(auth.uid());
begin
  if exists (
    select 1 from public.task_series s
     where s.id in (select private.series_chain(require_chain_manager.series_id))
       and not private.can_manage_visible_item(scope, s.circle_id, s.category, s.audience)
  ) then
    perform private.calendar_fail('category_not_allowed',
      'Later parts of this series are ones you cannot change; ask the person to change them.');
  end if;
end;
$$;
comment on function private.require_chain_manager(uuid) is
  'Raises category_not_allowed unless the caller may see and manage the series and every later part of it.';

/**
 * "Edit this and following" as before (see 20261127001200_calendar_rpcs.sql), with each occurrence
 * checked first: one the caller may not see or manage is left exactly as it is, keeps its date (no new
 * occurrence is made on it) and is counted. Returns {series_id, updated, created, removed,
 * kept_claimed, kept_edited, skipped}.
 */
create or replace function public.update_task_series(
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
  scope private.viewer_scope := private.viewer_scope(auth.uid());
  n_skipped integer := 0;
  skipped_ids uuid[] := '{}';
  skipped_dates date[] := '{}';
  n_doubled integer;
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
    -- Each occurrence by the rule the policies apply: one the caller may not see or change (the person
    -- moved it to another category or narrowed its audience) is left exactly as it is, and counted.
    if not private.can_manage_visible_item(scope, occurrence.circle_id, occurrence.category, occurrence.audience) then
      n_skipped := n_skipped + 1;
      skipped_ids := skipped_ids || occurrence.id;
      skipped_dates := skipped_dates || occurrence.series_date;
      continue;
    end if;
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
  -- A date held by an occurrence left unchanged above stays taken: no second occurrence on it.
  delete from public.tasks t
   where t.series_id = target.id and t.series_date = any (skipped_dates) and not (t.id = any (skipped_ids));
  get diagnostics n_doubled = row_count;
  n_created := n_created - n_doubled;

  return jsonb_build_object('series_id', target.id, 'updated', n_updated, 'created', n_created,
    'removed', n_removed, 'kept_claimed', n_kept_claimed, 'kept_edited', n_kept_edited, 'skipped', n_skipped);
end;
$$;
comment on function public.update_task_series(uuid, date, text, public.series_frequency, smallint[], integer, date,
  integer, boolean, time, integer, public.task_kind, public.sharing_category, text, text, integer, uuid[],
  public.contact_preference, text) is
  '"Edit this and following" from a date: open occurrences follow; claimed ones keep their time and claims; ones the caller may not manage are left and counted (skipped).';

/**
 * "Cancel this and following" as before, cancelling only the occurrences the caller may see and manage;
 * the others stay scheduled. Returns {cancelled, had_claims, skipped}.
 */
create or replace function public.cancel_task_series(series_id uuid, from_date date, note text default null) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  series public.task_series := private.series_for_manager(cancel_task_series.series_id);
  tz text;
  clean_note text := nullif(btrim(cancel_task_series.note), '');
  n_cancelled integer;
  n_claimed integer;
  scope private.viewer_scope := private.viewer_scope(auth.uid());
  n_skipped integer;
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

  select count(*) into n_skipped
    from public.tasks t
   where t.series_id in (select private.series_chain(series.id))
     and t.series_date >= cancel_task_series.from_date
     and t.status = 'scheduled' and t.starts_at > now()
     and not private.can_manage_visible_item(scope, t.circle_id, t.category, t.audience);
  with cancelled as (
    update public.tasks t
       set status = 'cancelled', cancelled_at = now(), cancelled_by = auth.uid(), cancel_note = clean_note
     where t.series_id in (select private.series_chain(series.id))
       and t.series_date >= cancel_task_series.from_date
       and t.status = 'scheduled' and t.starts_at > now()
       and private.can_manage_visible_item(scope, t.circle_id, t.category, t.audience)
    returning t.id
  )
  select count(*), count(*) filter (where exists (select 1 from public.task_claims c where c.task_id = cancelled.id))
    into n_cancelled, n_claimed
    from cancelled;
  return jsonb_build_object('cancelled', n_cancelled, 'had_claims', n_claimed, 'skipped', n_skipped);
end;
$$;
comment on function public.cancel_task_series(uuid, date, text) is
  'Cancels a series from a date on (owner/coordinator): stops it and cancels the future occurrences the caller may manage.';
