-- Web Push delivery by the email job (issue 13), through the same delivery log as email. docs/push.md
-- explains the whole; ADR 009 says why a push may be sent again after a crash.
--
-- Who gets what is NOT decided here: the job takes the recipients the email functions return
-- (email_job_notices, email_job_reminders, email_job_digests: the consent rule and the member's
-- preferences), and asks only for their devices. One log row per device and event: kind 'push_…',
-- the email's period, and the subscription. The row is claimed (inserted, unique) before the push is
-- sent, exactly as an email's, so two overlapping runs never both send it. The only new recipient
-- query is the reach-out one (push_job_reach_outs), because reach-out emails are sent by the check-in
-- page, not by the job: it applies the same rule (private.update_visible for the member's scope).

alter table private.email_deliveries
  -- Push rows only: the device (no foreign key: the log outlives a removed device, and a device
  -- removed while the job claims its row must not fail the job; claim and recover check it exists).
  add column subscription_id uuid,
  drop constraint email_deliveries_kind_check,
  add constraint email_deliveries_kind_check check (kind in (
    'digest', 'reminder', 'task_claimed', 'task_released', 'task_cancelled', 'task_rescheduled',
    'push_open_tasks', 'push_reminder', 'push_task_claimed', 'push_task_released', 'push_task_cancelled',
    'push_task_rescheduled', 'push_reach_out')),
  add constraint email_deliveries_push_check check ((kind like 'push\_%') = (subscription_id is not null)),
  drop constraint email_deliveries_key,
  -- Emails: (member, circle, kind, period) as before (no subscription); pushes: one per device too.
  add constraint email_deliveries_key unique nulls not distinct (member_id, circle_id, kind, period, subscription_id);

create index email_deliveries_push_sending_idx on private.email_deliveries (locked_until)
  where status = 'sending' and subscription_id is not null;

------------------------------------------------------------------------------------------------------
-- Devices of the recipients the email functions chose
------------------------------------------------------------------------------------------------------

/** The push subscriptions of these members (active ones only), oldest first. */
create function public.push_job_devices(p_member_ids uuid[])
returns table (subscription_id uuid, member_id uuid)
language sql stable security definer set search_path = '' as $$
  select s.id, s.member_id
    from public.push_subscriptions s
    join public.circle_members m on m.id = s.member_id and m.circle_id = s.circle_id
   where s.member_id = any (p_member_ids) and m.status = 'active'
   order by s.member_id, s.created_at, s.id
$$;
comment on function public.push_job_devices(uuid[]) is
  'Email job: the push devices of the members it is about to notify (service role).';

/**
 * Reach-out requests of the last 24 hours (keyset on request id) with no push recorded yet, for members
 * still active who have a device, each saying whether the member may still see the check-in (the
 * consent rule, as the page's RLS: grant, audience, pause). Nothing of the check-in itself: only who asked.
 */
create function public.push_job_reach_outs(
  p_now timestamptz,
  p_after uuid default null,
  p_limit integer default 200,
  p_circle_ids uuid[] default null
) returns setof jsonb
language plpgsql volatile security definer set search_path = '' set jit = off as $$
declare
  r record;
begin
  if p_now is null or p_limit is null or p_limit not between 1 and 2000 then
    perform private.fail('invalid_page', 'p_now and a limit between 1 and 2000 are required.');
  end if;
  for r in
    select rr.id, rr.circle_id, rr.member_id, m.user_id, c.name as circle_name,
           coalesce(owner.display_name, 'Someone') as person_name,
           u.category, u.audience, u.status, u.author_id
      from public.reach_out_requests rr
      join public.circle_members m on m.id = rr.member_id and m.circle_id = rr.circle_id
      join public.circles c on c.id = rr.circle_id
      join public.updates u on u.id = rr.update_id
      left join public.profiles owner on owner.id = c.owner_id
     where rr.created_at > p_now - interval '24 hours' and rr.created_at <= p_now
       and m.status = 'active'
       and (p_after is null or rr.id > p_after)
       and (p_circle_ids is null or rr.circle_id = any (p_circle_ids))
       and exists (select 1 from public.push_subscriptions s where s.member_id = rr.member_id)
       and not exists (select 1 from private.email_deliveries d
                        where d.member_id = rr.member_id and d.circle_id = rr.circle_id
                          and d.kind = 'push_reach_out' and d.period = rr.id::text)
     order by rr.id
     limit p_limit
  loop
    -- Rows the member may not see come back too (visible: false), so that the caller's keyset moves on.
    return next jsonb_build_object('request_id', r.id, 'circle_id', r.circle_id, 'member_id', r.member_id,
      'circle_name', r.circle_name, 'person_name', r.person_name,
      'visible', private.update_visible(private.scope_as(r.user_id, r.circle_id), r.circle_id, r.category,
                                        r.audience, r.status, r.author_id));
  end loop;
  return;
end;
$$;
comment on function public.push_job_reach_outs(timestamptz, uuid, integer, uuid[]) is
  'Email job: reach-out requests to push, by the consent rule (service role).';

------------------------------------------------------------------------------------------------------
-- The delivery log, for pushes
------------------------------------------------------------------------------------------------------

/**
 * Claims push deliveries before anything is sent: inserts each row (kind, member_id, circle_id, period,
 * claim_id, subscription_id, idempotency_key, payload) unless it is already there, while the member is
 * active and the device still theirs, and returns the rows this call inserted with the device's
 * endpoint and keys: only those may be sent by the caller.
 */
create function public.push_job_claim(p_now timestamptz, p_rows jsonb, p_lease_seconds integer default 900)
returns table (id bigint, idempotency_key text, endpoint text, p256dh text, auth text)
language sql volatile security definer set search_path = '' as $$
  with claimed as (
    insert into private.email_deliveries as d (kind, member_id, circle_id, period, claim_id, subscription_id, status,
        idempotency_key, payload, content_until, locked_until, created_at)
    select x.kind, x.member_id, x.circle_id, x.period, x.claim_id, x.subscription_id, 'sending', x.idempotency_key,
           x.payload, p_now, p_now + make_interval(secs => p_lease_seconds), p_now
      from jsonb_to_recordset(p_rows) as x(kind text, member_id uuid, circle_id uuid, period text, claim_id uuid,
                                           subscription_id uuid, idempotency_key text, payload jsonb)
     where x.kind like 'push\_%'
       and exists (select 1 from public.circle_members m
                    where m.id = x.member_id and m.circle_id = x.circle_id and m.status = 'active')
       and exists (select 1 from public.push_subscriptions s where s.id = x.subscription_id and s.member_id = x.member_id)
    on conflict do nothing
    returning d.id, d.idempotency_key, d.subscription_id
  )
  select c.id, c.idempotency_key, s.endpoint, s.p256dh, s.auth
    from claimed c join public.push_subscriptions s on s.id = c.subscription_id
   order by c.id
$$;
comment on function public.push_job_claim(timestamptz, jsonb, integer) is
  'Email job: records push deliveries before sending (unique per device and event); returns those it won, with the device.';

/**
 * The push service answered 404 or 410: the subscription has expired or was withdrawn. Every row with
 * that endpoint goes (one browser subscription serves every circle on the device).
 */
create function public.push_job_remove_endpoints(p_endpoints text[]) returns integer
language sql volatile security definer set search_path = '' as $$
  with gone as (delete from public.push_subscriptions s where s.endpoint = any (p_endpoints) returning 1)
  select count(*)::int from gone
$$;
comment on function public.push_job_remove_endpoints(text[]) is
  'Email job: deletes the subscriptions the push service says are gone (404/410) (service role).';

/**
 * Takes over push deliveries left 'sending' whose lease ran out (a job that died, or a retry that is
 * due). First settles those that must not go any more: older than 23 hours → expired; member no longer
 * active, device removed, or (reminders) claim released or task started → cancelled. Returns the rows
 * taken, leased again, with their device.
 */
create function public.push_job_recover(
  p_now timestamptz,
  p_limit integer default 200,
  p_lease_seconds integer default 900,
  p_circle_ids uuid[] default null
) returns table (id bigint, kind text, idempotency_key text, payload jsonb, endpoint text, p256dh text, auth text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
begin
  update private.email_deliveries d set status = 'expired', payload = null, last_error = 'not sent within 23 hours'
   where d.status = 'sending' and d.subscription_id is not null and d.locked_until < p_now
     and d.created_at < p_now - interval '23 hours'
     and (p_circle_ids is null or d.circle_id = any (p_circle_ids));
  update private.email_deliveries d set status = 'cancelled', payload = null, last_error = 'no longer to be sent'
   where d.status = 'sending' and d.subscription_id is not null and d.locked_until < p_now
     and (p_circle_ids is null or d.circle_id = any (p_circle_ids))
     and (
       not exists (select 1 from public.circle_members m where m.id = d.member_id and m.status = 'active')
       or not exists (select 1 from public.push_subscriptions s where s.id = d.subscription_id)
       or (d.kind = 'push_reminder' and not exists (
             select 1 from public.task_claims tc join public.tasks t on t.id = tc.task_id
              where tc.id = d.claim_id and t.status = 'scheduled' and t.starts_at > p_now))
     );
  return query
    with picked as (
      select d.id from private.email_deliveries d
       where d.status = 'sending' and d.subscription_id is not null and d.locked_until < p_now
         and (p_circle_ids is null or d.circle_id = any (p_circle_ids))
       order by d.id
       limit p_limit
       for update skip locked
    ), leased as (
      update private.email_deliveries d set locked_until = p_now + make_interval(secs => p_lease_seconds)
        from picked
       where d.id = picked.id
      returning d.id, d.kind, d.idempotency_key, d.payload, d.subscription_id
    )
    select l.id, l.kind, l.idempotency_key, l.payload, s.endpoint, s.p256dh, s.auth
      from leased l join public.push_subscriptions s on s.id = l.subscription_id
     order by l.id;
end;
$$;
comment on function public.push_job_recover(timestamptz, integer, integer, uuid[]) is
  'Email job: takes over push deliveries left sending (lease ran out), cancelling or expiring stale ones.';

------------------------------------------------------------------------------------------------------
-- Email recovery leaves push rows alone (they carry no email to send to Resend)
------------------------------------------------------------------------------------------------------

create or replace function public.email_job_recover(
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
   where d.status = 'sending' and d.subscription_id is null and d.locked_until < p_now
     and d.created_at < p_now - interval '23 hours'
     and (p_circle_ids is null or d.circle_id = any (p_circle_ids));
  update private.email_deliveries d set status = 'cancelled', payload = null, last_error = 'no longer to be sent'
   where d.status = 'sending' and d.subscription_id is null and d.locked_until < p_now
     and (p_circle_ids is null or d.circle_id = any (p_circle_ids))
     and (
       not exists (select 1 from public.circle_members m where m.id = d.member_id and m.status = 'active')
       or (d.kind = 'reminder' and not exists (
             select 1 from public.task_claims tc join public.tasks t on t.id = tc.task_id
              where tc.id = d.claim_id and t.status = 'scheduled' and t.starts_at > p_now))
     );

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

  return query
    with picked as (
      select d.id from private.email_deliveries d
       where d.status = 'sending' and d.locked_until < p_now and d.batch_key is null and d.subscription_id is null
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

revoke all on function
  public.push_job_devices(uuid[]),
  public.push_job_reach_outs(timestamptz, uuid, integer, uuid[]),
  public.push_job_claim(timestamptz, jsonb, integer),
  public.push_job_remove_endpoints(text[]),
  public.push_job_recover(timestamptz, integer, integer, uuid[])
from public, anon, authenticated;

grant execute on function
  public.push_job_devices(uuid[]),
  public.push_job_reach_outs(timestamptz, uuid, integer, uuid[]),
  public.push_job_claim(timestamptz, jsonb, integer),
  public.push_job_remove_endpoints(text[]),
  public.push_job_recover(timestamptz, integer, integer, uuid[])
to service_role;
