-- Immediate notices for helpers: a task they claimed was cancelled, or its time changed. A trigger on
-- tasks records one claim event per helper holding a claim at that moment; the email job sends them
-- like the other notices (email_job_notices, replaced here to know the two new kinds). Helpers cannot
-- turn them off: like the day-before reminder, they are about the helper's own promise.
-- docs/email.md explains the whole.

alter table private.task_claim_events
  drop constraint task_claim_events_kind_check,
  add constraint task_claim_events_kind_check check (kind in ('claimed', 'released', 'cancelled', 'rescheduled')),
  -- Rescheduled only: the time the helper had last been told, for "it was …" in the email.
  add column previous_starts_at timestamptz,
  add column previous_ends_at timestamptz,
  add column previous_all_day boolean,
  add constraint task_claim_events_previous_check
    check ((kind = 'rescheduled') = (previous_starts_at is not null and previous_all_day is not null));

alter table private.email_deliveries
  drop constraint email_deliveries_kind_check,
  add constraint email_deliveries_kind_check
    check (kind in ('digest', 'reminder', 'task_claimed', 'task_released', 'task_cancelled', 'task_rescheduled'));

/**
 * Records, for each helper holding a claim, that a task was cancelled or that its time changed. Time
 * changes not yet sent are replaced, keeping the time the helper was last told, so that a few edits
 * in a row make one email. Definer: the editor may not read others' claims nor write the events.
 * Never fails the cancellation or the edit itself.
 */
create function private.record_helper_event() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- Tasks updated by another trigger: an all-day task realigned to the circle's new time zone keeps
  -- its local date, which is no change of time for its helpers.
  if pg_trigger_depth() > 1 then
    return null;
  end if;
  if new.status = 'cancelled' then
    insert into private.task_claim_events (kind, task_id, circle_id, member_id, actor_id)
    select 'cancelled', new.id, new.circle_id, tc.member_id, auth.uid()
      from public.task_claims tc where tc.task_id = new.id;
  elsif new.starts_at > now() then
    with superseded as (
      delete from private.task_claim_events e
       where e.task_id = new.id and e.kind = 'rescheduled' and e.processed_at is null
      returning e.member_id, e.previous_starts_at, e.previous_ends_at, e.previous_all_day
    )
    insert into private.task_claim_events (kind, task_id, circle_id, member_id, actor_id,
                                           previous_starts_at, previous_ends_at, previous_all_day)
    select 'rescheduled', new.id, new.circle_id, tc.member_id, auth.uid(),
           coalesce(s.previous_starts_at, old.starts_at),
           case when s.member_id is null then old.ends_at else s.previous_ends_at end,
           coalesce(s.previous_all_day, old.all_day)
      from public.task_claims tc
      left join superseded s on s.member_id = tc.member_id
     where tc.task_id = new.id;
  end if;
  return null;
exception when others then
  raise warning 'helper notice for task % not recorded: %', new.id, sqlerrm;
  return null;
end;
$$;
comment on function private.record_helper_event() is
  'Trigger on tasks: records, for each helper, a cancellation or a change of time, for the helpers'' notices.';

create trigger tasks_record_helper_events after update of status, starts_at, ends_at, all_day on public.tasks
  for each row when (
    (old.status = 'scheduled' and new.status = 'cancelled')
    or (new.status = 'scheduled'
        and (new.starts_at, new.ends_at, new.all_day) is distinct from (old.starts_at, old.ends_at, old.all_day)))
  execute function private.record_helper_event();

revoke all on function private.record_helper_event() from public, anon, authenticated;

/**
 * One page of unprocessed claim events (keyset on id), each with the people to tell. Claimed and
 * released: the owner and the active coordinators who can see the task (consent rule), who have not
 * turned that notice off. Cancelled and rescheduled: the helper, while still active and able to see the
 * task. Never the one who made the change. Events older than a day, or whose task has started, or
 * whose claim has gone, or that have been overtaken (a released task cancelled, a rescheduled one
 * cancelled or moved back to the time the helper knew), come back with no recipients: they are only
 * marked processed.
 */
create or replace function public.email_job_notices(
  p_now timestamptz,
  p_after bigint default null,
  p_limit integer default 200,
  p_circle_ids uuid[] default null
) returns setof jsonb
language plpgsql volatile security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  e record;
  r record;
  recipients jsonb;
begin
  if p_now is null or p_limit is null or p_limit not between 1 and 2000 then
    perform private.fail('invalid_page', 'p_now and a limit between 1 and 2000 are required.');
  end if;
  for e in
    select ev.id, ev.kind, ev.task_id, ev.circle_id, ev.member_id, ev.actor_id, ev.created_at, t as task,
           ev.previous_starts_at, ev.previous_ends_at, ev.previous_all_day,
           c.name as circle_name, c.time_zone, coalesce(hp.display_name, 'Someone') as helper_name,
           (ev.created_at < p_now - interval '24 hours' or t.starts_at <= p_now
            or t.status::text <> case ev.kind when 'cancelled' then 'cancelled' else 'scheduled' end
            or (ev.kind <> 'released' and not exists (
                  select 1 from public.task_claims tc where tc.task_id = ev.task_id and tc.member_id = ev.member_id))
            or (ev.kind = 'rescheduled' and (t.starts_at, t.ends_at, t.all_day)
                  is not distinct from (ev.previous_starts_at, ev.previous_ends_at, ev.previous_all_day))
           ) as stale
      from private.task_claim_events ev
      join public.tasks t on t.id = ev.task_id
      join public.circles c on c.id = ev.circle_id
      join public.circle_members hm on hm.id = ev.member_id
      left join public.profiles hp on hp.id = hm.user_id
     where ev.processed_at is null
       and (p_after is null or ev.id > p_after)
       and (p_circle_ids is null or ev.circle_id = any (p_circle_ids))
     order by ev.id
     limit p_limit
  loop
    recipients := '[]';
    if not e.stale then
      for r in
        select m.id as member_id, m.user_id, u.email, pr.display_name
          from public.circle_members m
          join auth.users u on u.id = m.user_id
          join public.profiles pr on pr.id = m.user_id
          left join public.email_preferences p on p.member_id = m.id
         where m.circle_id = e.circle_id and m.status = 'active' and m.user_id is distinct from e.actor_id
           and case e.kind
                 when 'claimed' then m.role in ('owner', 'coordinator') and m.id <> e.member_id
                                     and coalesce(p.notify_claimed, true)
                 when 'released' then m.role in ('owner', 'coordinator') and m.id <> e.member_id
                                      and coalesce(p.notify_released, true)
                 -- Cancelled, rescheduled: the helper, about their own promise (not to be turned off).
                 else m.id = e.member_id
               end
         order by m.id
      loop
        if private.consent_allows(private.scope_as(r.user_id, e.circle_id), e.circle_id, (e.task).category, (e.task).audience) then
          recipients := recipients || jsonb_build_object(
            'member_id', r.member_id, 'user_id', r.user_id, 'email', r.email, 'name', r.display_name);
        end if;
      end loop;
    end if;
    return next jsonb_build_object(
      'event_id', e.id, 'kind', e.kind, 'circle_id', e.circle_id, 'circle_name', e.circle_name,
      'time_zone', e.time_zone, 'helper_name', e.helper_name, 'task', private.task_json(e.task),
      -- The cancel note is written for the helpers (task notes never go into emails).
      'cancel_note', case when e.kind = 'cancelled' then (e.task).cancel_note end,
      'previous_time', case when e.kind = 'rescheduled' then jsonb_build_object(
        'starts_at', e.previous_starts_at, 'ends_at', e.previous_ends_at, 'all_day', e.previous_all_day) end,
      'recipients', recipients);
  end loop;
  return;
end;
$$;
comment on function public.email_job_notices(timestamptz, bigint, integer, uuid[]) is
  'Email job: a page of claim events with the people to tell (owner/coordinators, or the helper), by the consent rule (service role).';
