-- Email digests, reminders and notices, part 2: the functions the email job calls (app/jobs/email-job.server.ts),
-- with the service role only. docs/email.md explains the job.
--
-- What each email says is computed by THE consent rule of 20261127000200_consent_policies.sql, never by
-- a filter of its own: for every recipient the job takes private.viewer_scope(recipient) (the very
-- function the policies call, evaluated as that recipient: auth.uid() reads request.jwt.claim.sub,
-- which is set to the recipient's user id for the call and restored after) and keeps an item only when
-- private.consent_allows / private.update_visible say so, exactly as RLS would for that person's JWT.
-- The scopes are computed one by one (microseconds each), the items set-based for a page of members.
--
-- Times: the job passes its clock as p_now (pinned in tests); nothing here reads now() for scheduling.
-- The page functions plan each query for its actual arrays (a cached generic plan guessed 1,000 rows
-- and scanned whole tables) and skip JIT (compiling these queries cost more than running them):
-- through PostgREST, a page of 500 members went from ~750 ms to ~150 ms.

------------------------------------------------------------------------------------------------------
-- Schedule
------------------------------------------------------------------------------------------------------

/**
 * Whether a digest is due at local wall-clock time `local_now` (in the circle's zone): daily from the
 * chosen hour on, weekly from the chosen hour on the chosen ISO weekday. The rest of that local day
 * catches up a missed run; the delivery log's (member, circle, period = local date) key makes it once.
 * A chosen hour skipped by a spring-forward change is caught at the next hour. Twin of isDigestDue()
 * in app/digest/schedule.ts (tests/integration/digest-schedule.test.ts holds them to the same answers).
 */
create function private.digest_is_due(
  local_now timestamp,
  frequency public.digest_frequency,
  weekday smallint,
  hour smallint
) returns boolean
language sql immutable parallel safe as $$
  select case frequency
    when 'daily' then extract(hour from local_now) >= hour
    when 'weekly' then extract(isodow from local_now) = weekday and extract(hour from local_now) >= hour
    else false
  end
$$;
comment on function private.digest_is_due(timestamp, public.digest_frequency, smallint, smallint) is
  'Digest schedule: daily from the chosen local hour, weekly from that hour on the chosen weekday.';

/** The fields of a task an email may show (words and local times are made by the renderer). */
create function private.task_json(t public.tasks) returns jsonb
language sql stable as $$
  select jsonb_build_object(
    'id', t.id, 'title', t.title, 'kind', t.kind, 'category', t.category,
    'starts_at', t.starts_at, 'ends_at', t.ends_at, 'all_day', t.all_day, 'slots', t.slots,
    'location', t.location, 'contact_preference', t.contact_preference)
$$;
comment on function private.task_json(public.tasks) is 'The fields of a task an email may show.';

/** The scope of `viewer` in `circle`, computed by private.viewer_scope as if `viewer` were signed in. */
create function private.scope_as(viewer uuid, circle uuid) returns private.viewer_scope
language plpgsql volatile security definer set search_path = '' as $$
declare
  saved text := current_setting('request.jwt.claim.sub', true);
  result private.viewer_scope;
begin
  perform pg_catalog.set_config('request.jwt.claim.sub', viewer::text, true);
  result := private.viewer_scope(viewer, circle);
  perform pg_catalog.set_config('request.jwt.claim.sub', coalesce(saved, ''), true);
  return result;
end;
$$;
comment on function private.scope_as(uuid, uuid) is
  'private.viewer_scope of a user in a circle, evaluated as that user (for the email job only).';

------------------------------------------------------------------------------------------------------
-- Digests
------------------------------------------------------------------------------------------------------

/**
 * One page of the members whose digest is due at p_now (all members not turned off when p_force),
 * after member id p_after (keyset) and before p_before (when given: the job reads disjoint ranges of
 * ids at once), with what each digest would say: open tasks they could claim in
 * the next 7 days (unclaimed first), their own upcoming tasks, and the updates published since their
 * last digest. Health and wellbeing update text is never returned; other text only when the circle
 * chose full text. Members with nothing to say come back too, with empty lists.
 *
 * Set-based: the page's tasks and updates are read once per circle and returned once
 * ({members: [...], tasks: {id: task}, updates: {id: update}}); each member lists the ids the consent
 * rule lets them see (at most 20 of each, with the totals).
 */
create function public.email_job_digests(
  p_now timestamptz,
  p_after uuid default null,
  p_limit integer default 250,
  p_force boolean default false,
  p_circle_ids uuid[] default null,
  p_before uuid default null
) returns json
language plpgsql volatile security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  member_ids uuid[] := '{}';
  periods text[] := '{}';
  scopes private.viewer_scope[] := '{}';
  circle_ids uuid[] := '{}';
  result json;
begin
  if p_now is null or p_limit is null or p_limit not between 1 and 2000 then
    perform private.fail('invalid_page', 'p_now and a limit between 1 and 2000 are required.');
  end if;
  -- The page, with each member's scope (one statement: appending to arrays in a loop is quadratic).
  select coalesce(array_agg(d.id order by d.id), '{}'),
         coalesce(array_agg(d.period order by d.id), '{}'),
         coalesce(array_agg(private.scope_as(d.user_id, d.circle_id) order by d.id), '{}'),
         coalesce(array_agg(distinct d.circle_id), '{}')
    into member_ids, periods, scopes, circle_ids
    from (
      select m.id, m.user_id, m.circle_id, (p_now at time zone c.time_zone)::date::text as period
        from public.circle_members m
        join public.circles c on c.id = m.circle_id
        left join public.email_preferences p on p.member_id = m.id
       where m.status = 'active'
         and (p_after is null or m.id > p_after)
         and (p_before is null or m.id < p_before)
         and (p_circle_ids is null or m.circle_id = any (p_circle_ids))
         and coalesce(p.digest_frequency, 'weekly') <> 'off'
         and (p_force or private.digest_is_due(p_now at time zone c.time_zone, coalesce(p.digest_frequency, 'weekly'),
                                               coalesce(p.digest_weekday, 1::smallint), coalesce(p.digest_hour, 8::smallint)))
         and not exists (
           select 1 from private.email_deliveries d
            where d.member_id = m.id and d.circle_id = m.circle_id and d.kind = 'digest'
              and d.period = (p_now at time zone c.time_zone)::date::text)
       order by m.id
       limit p_limit
    ) d;

  with recipients as materialized (
    select x.member_id, x.period, x.scope, m.circle_id, m.user_id, m.role, u.email, pr.display_name,
           c.name as circle_name, c.time_zone,
           coalesce(s.update_text, 'titles') as update_text,
           coalesce(ep.digest_frequency, 'weekly') as frequency,
           greatest(
             p_now - interval '7 days',
             coalesce((select max(d.content_until) from private.email_deliveries d
                        where d.member_id = m.id and d.kind = 'digest' and d.status in ('sent', 'empty', 'sending')),
                      m.joined_at)) as since
      from unnest(member_ids, periods) with ordinality as x0(member_id, period, i)
      cross join lateral (select x0.member_id, x0.period, scopes[x0.i] as scope) x
      join public.circle_members m on m.id = x.member_id
      join public.circles c on c.id = m.circle_id
      join auth.users u on u.id = m.user_id
      join public.profiles pr on pr.id = m.user_id
      left join public.circle_email_settings s on s.circle_id = m.circle_id
      left join public.email_preferences ep on ep.member_id = m.id
     where m.id = any (member_ids)
  ), circle_tasks as materialized (
    -- Tasks of the page's circles still claimable (as private.task_is_past has it: timed until they
    -- start, all-day until their day is over, at the job's clock) within 7 days, with who claimed them.
    select t.id, t.circle_id, t.category, t.audience, t.slots, t.starts_at,
           coalesce(cl.n, 0) as claimed, coalesce(cl.members, '{}') as claimants,
           private.task_json(t) || jsonb_build_object('claimed', coalesce(cl.n, 0)) as item
      from public.tasks t
      left join lateral (select count(*)::int as n, array_agg(tc.member_id) as members
                           from public.task_claims tc where tc.task_id = t.id) cl on true
     where t.circle_id = any (circle_ids)
       and t.starts_at > p_now - interval '1 day' and t.starts_at <= p_now + interval '7 days'
       and case when t.all_day then coalesce(t.ends_at, t.starts_at + interval '1 day') else t.starts_at end > p_now
       and t.status = 'scheduled'
  ), circle_updates as materialized (
    select u.id, u.circle_id, u.category, u.audience, u.status, u.author_id, u.published_at,
           jsonb_build_object(
             'id', u.id, 'category', u.category, 'published_at', u.published_at,
             'author', coalesce(ap.display_name, 'Someone'),
             -- Never the text of health or wellbeing updates; others only when the circle chose full text.
             'body', case when u.category in ('health', 'wellbeing') then null
                          when coalesce(s.update_text, 'titles') = 'full' then u.body end) as item
      from public.updates u
      left join public.circle_email_settings s on s.circle_id = u.circle_id
      left join public.profiles ap on ap.id = u.author_id
     where u.circle_id = any (circle_ids)
       and u.status = 'published'
       and u.published_at > p_now - interval '7 days' and u.published_at <= p_now
  ), open_tasks as (
    select r.member_id, array_agg(ct.id order by ct.claimed > 0, ct.starts_at, ct.id) as ids
      from recipients r
      join circle_tasks ct on ct.circle_id = r.circle_id
     where ct.claimed < ct.slots and not (r.member_id = any (ct.claimants))
       and private.consent_allows(r.scope, ct.circle_id, ct.category, ct.audience)
     group by r.member_id
  ), my_tasks as (
    select r.member_id, array_agg(ct.id order by ct.starts_at, ct.id) as ids
      from recipients r
      join circle_tasks ct on ct.circle_id = r.circle_id
     where r.member_id = any (ct.claimants)
       and private.consent_allows(r.scope, ct.circle_id, ct.category, ct.audience)
     group by r.member_id
  ), news as (
    select r.member_id, array_agg(cu.id order by cu.published_at desc, cu.id) as ids
      from recipients r
      join circle_updates cu on cu.circle_id = r.circle_id
     where cu.published_at > r.since
       and cu.author_id is distinct from r.user_id
       and private.update_visible(r.scope, cu.circle_id, cu.category, cu.audience, cu.status, cu.author_id)
     group by r.member_id
  ), members as materialized (
    select r.*, coalesce(o.ids, '{}') as open_ids, coalesce(mt.ids, '{}') as my_ids, coalesce(n.ids, '{}') as update_ids
      from recipients r
      left join open_tasks o on o.member_id = r.member_id
      left join my_tasks mt on mt.member_id = r.member_id
      left join news n on n.member_id = r.member_id
  )
  -- json, not jsonb: built once and sent as is, and much cheaper to build.
  select json_build_object(
    'members', coalesce((select json_agg(json_build_object(
        'member_id', m.member_id, 'circle_id', m.circle_id, 'user_id', m.user_id, 'role', m.role,
        'email', m.email, 'name', m.display_name, 'circle_name', m.circle_name, 'time_zone', m.time_zone,
        'period', m.period, 'frequency', m.frequency, 'since', m.since, 'update_text', m.update_text,
        'open_ids', (m.open_ids)[1:20], 'open_count', cardinality(m.open_ids),
        'my_ids', m.my_ids,
        'update_ids', (m.update_ids)[1:20], 'update_count', cardinality(m.update_ids))
        order by m.member_id) from members m), '[]'),
    'tasks', coalesce((select json_object_agg(ct.id, ct.item) from circle_tasks ct
                        where ct.id in (select unnest((m.open_ids)[1:20] || m.my_ids) from members m)), '{}'),
    'updates', coalesce((select json_object_agg(cu.id, cu.item) from circle_updates cu
                          where cu.id in (select unnest((m.update_ids)[1:20]) from members m)), '{}'))
    into result;
  return result;
end;
$$;
comment on function public.email_job_digests(timestamptz, uuid, integer, boolean, uuid[], uuid) is
  'Email job: a page of members due a digest at p_now, with its content by the consent rule (service role).';

------------------------------------------------------------------------------------------------------
-- Reminders
------------------------------------------------------------------------------------------------------

/**
 * One page (keyset on claim id) of the claims whose reminder is due at p_now: the task starts on the
 * next local day (circle's zone), the member's hour has come, the claim was made before the task's
 * day, and no reminder was recorded for the claim. With who else helps, and the person's name.
 */
create function public.email_job_reminders(
  p_now timestamptz,
  p_after uuid default null,
  p_limit integer default 500,
  p_circle_ids uuid[] default null
) returns setof jsonb
language plpgsql volatile security definer set search_path = '' set jit = off
  set plan_cache_mode = force_custom_plan as $$
declare
  due record;
begin
  if p_now is null or p_limit is null or p_limit not between 1 and 2000 then
    perform private.fail('invalid_page', 'p_now and a limit between 1 and 2000 are required.');
  end if;
  for due in
    select tc.id as claim_id, tc.member_id, m.user_id, t as task, c.time_zone, c.name as circle_name,
           owner.display_name as person_name, u.email, pr.display_name
      from public.tasks t
      join public.circles c on c.id = t.circle_id
      join public.task_claims tc on tc.task_id = t.id
      join public.circle_members m on m.id = tc.member_id
      join auth.users u on u.id = m.user_id
      join public.profiles pr on pr.id = m.user_id
      join public.profiles owner on owner.id = c.owner_id
      left join public.email_preferences p on p.member_id = m.id
     cross join lateral (select (t.starts_at at time zone c.time_zone)::date as day) local
     where t.starts_at > p_now and t.starts_at <= p_now + interval '50 hours'
       and t.status = 'scheduled'
       and m.status = 'active'
       and (p_after is null or tc.id > p_after)
       and (p_circle_ids is null or t.circle_id = any (p_circle_ids))
       and p_now >= private.zoned_instant(local.day - 1, make_time(coalesce(p.digest_hour, 8), 0, 0), c.time_zone)
       and tc.created_at < private.zoned_instant(local.day, time '00:00', c.time_zone)
       and not exists (
         select 1 from private.email_deliveries d
          where d.member_id = tc.member_id and d.circle_id = t.circle_id and d.kind = 'reminder' and d.period = tc.id::text)
     order by tc.id
     limit p_limit
  loop
    -- The same rule as the task page: a member who can no longer see the task is not reminded of it.
    continue when not private.consent_allows(private.scope_as(due.user_id, (due.task).circle_id),
                                             (due.task).circle_id, (due.task).category, (due.task).audience);
    return next jsonb_build_object(
      'claim_id', due.claim_id, 'member_id', due.member_id, 'circle_id', (due.task).circle_id,
      'email', due.email, 'name', due.display_name, 'circle_name', due.circle_name, 'time_zone', due.time_zone,
      'person_name', due.person_name,
      'task', private.task_json(due.task),
      'co_helpers', coalesce((
        select jsonb_agg(coalesce(op.display_name, 'Someone') order by other.created_at)
          from public.task_claims other
          join public.circle_members om on om.id = other.member_id
          left join public.profiles op on op.id = om.user_id
         where other.task_id = (due.task).id and other.member_id <> due.member_id), '[]'));
  end loop;
  -- Keyset: the caller continues after the last claim id of the page, including skipped ones.
  return;
end;
$$;
comment on function public.email_job_reminders(timestamptz, uuid, integer, uuid[]) is
  'Email job: a page of claims whose day-before reminder is due at p_now, by the consent rule (service role).';

------------------------------------------------------------------------------------------------------
-- Immediate notices
------------------------------------------------------------------------------------------------------

/**
 * One page of unprocessed claim events (keyset on id), each with the people to tell: the owner and the
 * active coordinators who can see the task (consent rule), who have not turned that notice off and did
 * not make the change themselves. Events older than a day, or whose task has started, been cancelled or
 * (for a claim) released since, come back with no recipients: they are only marked processed.
 */
create function public.email_job_notices(
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
           c.name as circle_name, c.time_zone, coalesce(hp.display_name, 'Someone') as helper_name,
           (ev.created_at < p_now - interval '24 hours' or t.starts_at <= p_now or t.status <> 'scheduled'
            or (ev.kind = 'claimed' and not exists (
                  select 1 from public.task_claims tc where tc.task_id = ev.task_id and tc.member_id = ev.member_id))
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
         where m.circle_id = e.circle_id and m.status = 'active' and m.role in ('owner', 'coordinator')
           and m.id <> e.member_id and m.user_id is distinct from e.actor_id
           and case e.kind when 'claimed' then coalesce(p.notify_claimed, true) else coalesce(p.notify_released, true) end
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
      'recipients', recipients);
  end loop;
  return;
end;
$$;
comment on function public.email_job_notices(timestamptz, bigint, integer, uuid[]) is
  'Email job: a page of claim events with the owner/coordinators to tell, by the consent rule (service role).';

/** Marks claim events as handled (their notices are in the delivery log, or there was nobody to tell). */
create function public.email_job_events_done(p_now timestamptz, p_ids bigint[]) returns integer
language sql volatile security definer set search_path = '' as $$
  with done as (
    update private.task_claim_events e set processed_at = p_now
     where e.id = any (p_ids) and e.processed_at is null
    returning 1)
  select count(*)::int from done
$$;
comment on function public.email_job_events_done(timestamptz, bigint[]) is
  'Email job: marks claim events processed (service role).';

------------------------------------------------------------------------------------------------------
-- The delivery log
------------------------------------------------------------------------------------------------------

/**
 * Claims deliveries before anything is sent: inserts each row (kind, member_id, circle_id, period,
 * claim_id, idempotency_key, payload, content_until, status 'sending' or 'empty') unless its key
 * (member, circle, kind, period) is already there, and returns the rows this call inserted: only those
 * may be sent by the caller. Rows being sent are leased until p_now + p_lease_seconds.
 */
create function public.email_job_claim(p_now timestamptz, p_rows jsonb, p_lease_seconds integer default 600)
returns table (id bigint, idempotency_key text)
language sql volatile security definer set search_path = '' as $$
  insert into private.email_deliveries as d (kind, member_id, circle_id, period, claim_id, status, idempotency_key,
      payload, content_until, locked_until, created_at, sent_at)
  select x.kind, x.member_id, x.circle_id, x.period, x.claim_id, coalesce(x.status, 'sending'), x.idempotency_key,
         case when coalesce(x.status, 'sending') = 'sending' then x.payload end,
         coalesce(x.content_until, p_now),
         case when coalesce(x.status, 'sending') = 'sending' then p_now + make_interval(secs => p_lease_seconds) end,
         p_now, null
    from jsonb_to_recordset(p_rows) as x(kind text, member_id uuid, circle_id uuid, period text, claim_id uuid,
                                         status text, idempotency_key text, payload jsonb, content_until timestamptz)
   -- A member removed since the page was read is not written to (or sent) at all.
   where exists (select 1 from public.circle_members m
                  where m.id = x.member_id and m.circle_id = x.circle_id and m.status = 'active')
  on conflict on constraint email_deliveries_key do nothing
  returning d.id, d.idempotency_key
$$;
comment on function public.email_job_claim(timestamptz, jsonb, integer) is
  'Email job: records deliveries before sending (unique per member, circle, kind, period); returns those it won.';

/** Stores the Idempotency-Key of the batch that will carry these rows, in this order, before it is sent. */
create function public.email_job_assign_batch(p_ids bigint[], p_batch_key text) returns integer
language sql volatile security definer set search_path = '' as $$
  with done as (
    update private.email_deliveries d set batch_key = p_batch_key, batch_index = x.i - 1
      from unnest(p_ids) with ordinality as x(id, i)
     where d.id = x.id and d.status = 'sending'
    returning 1)
  select count(*)::int from done
$$;
comment on function public.email_job_assign_batch(bigint[], text) is
  'Email job: records which batch (Idempotency-Key, position) carries each delivery, before sending.';

/**
 * Records what happened to deliveries: [{id, outcome: sent|failed|cancelled|retry, provider_id, error,
 * retry_in_seconds}]. Settled rows drop their payload; 'retry' rows stay 'sending', leased until the
 * retry time, for a later run to send again with the same key.
 */
create function public.email_job_settle(p_now timestamptz, p_results jsonb) returns integer
language sql volatile security definer set search_path = '' as $$
  with done as (
    update private.email_deliveries d set
      status = case x.outcome when 'retry' then 'sending' else x.outcome end,
      payload = case when x.outcome = 'retry' then d.payload end,
      provider_id = coalesce(x.provider_id, d.provider_id),
      last_error = case when x.outcome in ('failed', 'retry', 'cancelled') then left(x.error, 1000) else d.last_error end,
      attempts = d.attempts + 1,
      sent_at = case when x.outcome = 'sent' then p_now end,
      locked_until = case when x.outcome = 'retry'
                          then p_now + make_interval(secs => greatest(coalesce(x.retry_in_seconds, 300), 1)) end
      from jsonb_to_recordset(p_results) as x(id bigint, outcome text, provider_id text, error text, retry_in_seconds integer)
     where d.id = x.id and d.status = 'sending' and x.outcome in ('sent', 'failed', 'cancelled', 'retry')
    returning 1)
  select count(*)::int from done
$$;
comment on function public.email_job_settle(timestamptz, jsonb) is
  'Email job: marks deliveries sent, failed (skipped), cancelled, or to retry later with the same key.';

/**
 * Takes over deliveries left 'sending' whose lease ran out (a job that died, or a retry that is due),
 * a whole batch at a time so that it can be sent again exactly as before under the same key. First
 * settles what must not be sent any more: rows older than 23 hours expire (Resend keeps idempotency
 * keys 24 hours: past that, sending again could send twice; a digest's content then rolls into the
 * next one), and rows whose member has left, or whose task has started or been cancelled, are
 * cancelled. Returns the rows taken, leased until p_now + p_lease_seconds, in batch order.
 */
create function public.email_job_recover(
  p_now timestamptz,
  p_limit integer default 100,
  p_lease_seconds integer default 600,
  p_circle_ids uuid[] default null
) returns table (id bigint, kind text, batch_key text, batch_index smallint, idempotency_key text, payload jsonb)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  batch text;
begin
  update private.email_deliveries d set status = 'expired', payload = null, last_error = 'not sent within 23 hours'
   where d.status = 'sending' and d.locked_until < p_now and d.created_at < p_now - interval '23 hours'
     and (p_circle_ids is null or d.circle_id = any (p_circle_ids));
  update private.email_deliveries d set status = 'cancelled', payload = null, last_error = 'no longer to be sent'
   where d.status = 'sending' and d.locked_until < p_now
     and (p_circle_ids is null or d.circle_id = any (p_circle_ids))
     and (
       not exists (select 1 from public.circle_members m where m.id = d.member_id and m.status = 'active')
       or (d.kind = 'reminder' and not exists (
             select 1 from public.task_claims tc join public.tasks t on t.id = tc.task_id
              where tc.id = d.claim_id and t.status = 'scheduled' and t.starts_at > p_now))
     );

  -- Batches that were (maybe) sent go again whole, in their order: lock every row of the batch (in id
  -- order, so two jobs queue rather than deadlock), then take it only if nobody else holds it.
  for batch in
    select distinct d.batch_key from private.email_deliveries d
     where d.status = 'sending' and d.locked_until < p_now and d.batch_key is not null
       and (p_circle_ids is null or d.circle_id = any (p_circle_ids))
     limit greatest(p_limit / 10, 1)
  loop
    perform 1 from private.email_deliveries d where d.batch_key = batch and d.status = 'sending' order by d.id for update;
    continue when exists (select 1 from private.email_deliveries d
                           where d.batch_key = batch and d.status = 'sending' and d.locked_until >= p_now);
    return query
      with leased as (
        update private.email_deliveries d set locked_until = p_now + make_interval(secs => p_lease_seconds)
         where d.batch_key = batch and d.status = 'sending'
        returning d.id, d.kind, d.batch_key, d.batch_index, d.idempotency_key, d.payload
      )
      select * from leased order by leased.batch_index;
  end loop;

  -- Rows claimed but never given a batch (the job stopped before sending): sent afresh.
  return query
    with picked as (
      select d.id from private.email_deliveries d
       where d.status = 'sending' and d.locked_until < p_now and d.batch_key is null
         and (p_circle_ids is null or d.circle_id = any (p_circle_ids))
       order by d.id
       limit p_limit
       for update skip locked
    )
    update private.email_deliveries d set locked_until = p_now + make_interval(secs => p_lease_seconds)
      from picked
     where d.id = picked.id
    returning d.id, d.kind, d.batch_key, d.batch_index, d.idempotency_key, d.payload;
end;
$$;
comment on function public.email_job_recover(timestamptz, integer, integer, uuid[]) is
  'Email job: takes over deliveries left sending (whole batches, same key), expiring or cancelling stale ones.';

------------------------------------------------------------------------------------------------------
-- Who may call what: the job (service role) only
------------------------------------------------------------------------------------------------------

-- Reminders look up tasks starting soon across all circles; the calendar's index leads with circle_id.
create index if not exists tasks_starts_at_scheduled_idx on public.tasks (starts_at) where status = 'scheduled';

revoke all on function
  private.digest_is_due(timestamp, public.digest_frequency, smallint, smallint),
  private.task_json(public.tasks),
  private.scope_as(uuid, uuid),
  public.email_job_digests(timestamptz, uuid, integer, boolean, uuid[], uuid),
  public.email_job_reminders(timestamptz, uuid, integer, uuid[]),
  public.email_job_notices(timestamptz, bigint, integer, uuid[]),
  public.email_job_events_done(timestamptz, bigint[]),
  public.email_job_claim(timestamptz, jsonb, integer),
  public.email_job_assign_batch(bigint[], text),
  public.email_job_settle(timestamptz, jsonb),
  public.email_job_recover(timestamptz, integer, integer, uuid[])
from public, anon, authenticated;

grant execute on function
  private.digest_is_due(timestamp, public.digest_frequency, smallint, smallint),
  public.email_job_digests(timestamptz, uuid, integer, boolean, uuid[], uuid),
  public.email_job_reminders(timestamptz, uuid, integer, uuid[]),
  public.email_job_notices(timestamptz, bigint, integer, uuid[]),
  public.email_job_events_done(timestamptz, bigint[]),
  public.email_job_claim(timestamptz, jsonb, integer),
  public.email_job_assign_batch(bigint[], text),
  public.email_job_settle(timestamptz, jsonb),
  public.email_job_recover(timestamptz, integer, integer, uuid[])
to service_role;
