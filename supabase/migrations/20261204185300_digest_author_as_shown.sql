-- The digest names an update's author as the app shows it: every published update speaks for the
-- person (a coordinator's draft is published only when the person approves it), so the author is the
-- circle owner's name, not the drafter's (issue 12). The rest of email_job_digests is unchanged.

create or replace function public.email_job_digests(
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
             'author', coalesce(op.display_name, 'Someone'),
             -- Never the text of health or wellbeing updates; others only when the circle chose full text.
             'body', case when u.category in ('health', 'wellbeing') then null
                          when coalesce(s.update_text, 'titles') = 'full' then u.body end) as item
      from public.updates u
      left join public.circle_email_settings s on s.circle_id = u.circle_id
      join public.circles c on c.id = u.circle_id
      left join public.profiles op on op.id = c.owner_id
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
