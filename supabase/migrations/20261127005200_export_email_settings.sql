-- The circle's export also carries the person's email choices (added with issue 6, after export_circle
-- was written): the circle's "titles only / full text" setting and the person's own digest and notice
-- preferences. Same function otherwise; still security invoker, so RLS decides what it reads.

create or replace function public.export_circle(circle_id uuid) returns jsonb
language plpgsql stable security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  the_circle public.circles;
  cid uuid := export_circle.circle_id;
  calendar jsonb := '{}';
  calendar_table text;
  part jsonb;
begin
  perform private.require_owner(cid, 'circle_not_found');
  select * into the_circle from public.circles c where c.id = cid;
  -- The calendar's own tables, when present (calendar_feeds is left out: it holds secrets).
  foreach calendar_table in array array['task_series', 'task_thanks', 'task_offers'] loop
    if to_regclass('public.' || calendar_table) is not null then
      execute format('select coalesce(jsonb_agg(to_jsonb(x)), ''[]'') from public.%I x where x.circle_id = $1', calendar_table)
        into part using cid;
      calendar := calendar || jsonb_build_object(calendar_table, part);
    end if;
  end loop;
  return calendar || jsonb_build_object(
    'format', 'recovery-circle-export/1',
    'exported_at', now(),
    'circle', to_jsonb(the_circle),
    'members', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'id', m.id, 'user_id', m.user_id, 'name', coalesce(p.display_name, 'Former member'),
               'role', m.role, 'relationship', m.relationship, 'label', m.label, 'status', m.status,
               'joined_at', m.joined_at, 'ended_at', m.ended_at) order by m.joined_at), '[]')
        from public.circle_members m left join public.profiles p on p.id = m.user_id
       where m.circle_id = cid),
    'grants', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'member_id', g.member_id, 'category', g.category, 'granted_by', g.granted_by,
               'created_at', g.created_at) order by g.member_id, g.category), '[]')
        from public.sharing_grants g where g.circle_id = cid),
    'invitations', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'id', i.id, 'email', i.email, 'role', i.role, 'relationship', i.relationship, 'label', i.label,
               'categories', to_jsonb(i.categories), 'invited_by', i.invited_by, 'created_at', i.created_at,
               'sent_at', i.sent_at, 'expires_at', i.expires_at, 'accepted_at', i.accepted_at,
               'declined_at', i.declined_at, 'revoked_at', i.revoked_at, 'member_id', i.member_id)
             order by i.created_at), '[]')
        from public.invitations i where i.circle_id = cid),
    'tasks', (
      select coalesce(jsonb_agg(to_jsonb(t) order by t.starts_at), '[]') from public.tasks t where t.circle_id = cid),
    'task_claims', (
      select coalesce(jsonb_agg(to_jsonb(tc) order by tc.created_at), '[]')
        from public.task_claims tc where tc.circle_id = cid),
    'updates', (
      select coalesce(jsonb_agg(to_jsonb(u) order by u.created_at), '[]') from public.updates u where u.circle_id = cid),
    'update_reactions', (
      select coalesce(jsonb_agg(to_jsonb(r) order by r.created_at), '[]')
        from public.update_reactions r where r.circle_id = cid),
    'encouragement_notes', (
      select coalesce(jsonb_agg(to_jsonb(n) order by n.created_at), '[]')
        from public.encouragement_notes n where n.circle_id = cid),
    'reach_out_requests', (
      select coalesce(jsonb_agg(to_jsonb(ro) order by ro.created_at), '[]')
        from public.reach_out_requests ro where ro.circle_id = cid),
    'support_plan', (
      select coalesce(jsonb_agg(to_jsonb(s) order by s.kind), '[]')
        from public.support_plan_sections s where s.circle_id = cid),
    'audit_log', (
      select coalesce(jsonb_agg(to_jsonb(a) order by a.id), '[]') from public.audit_events a where a.circle_id = cid),
    -- The person's email choices: what digests may show of updates (null: never changed, titles only),
    -- and their own digest and notice settings (null: the defaults). Members' own settings are theirs.
    'email_settings', (
      select to_jsonb(s) - 'circle_id' from public.circle_email_settings s where s.circle_id = cid),
    'my_email_preferences', (
      select to_jsonb(p) - 'circle_id' from public.email_preferences p
        join public.circle_members m on m.id = p.member_id
       where p.circle_id = cid and m.user_id = auth.uid())
  );
end;
$$;
