-- calendar_window, leaner: the calendar and list pages show a task's title, kind, time, place, state and
-- helpers; its notes, contact preference, dietary needs and the rest are read on the task's own page.
-- Building the reply as json (text) rather than jsonb also skips a binary conversion that PostgREST
-- only turns back into text. Same reads under the caller's RLS (security invoker), same arguments.

drop function public.calendar_window(uuid, timestamptz, timestamptz, date);

create function public.calendar_window(
  circle_id uuid,
  starts_from timestamptz,
  starts_before timestamptz,
  through date default null
) returns json
language plpgsql volatile security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  result json;
begin
  perform public.extend_task_series(calendar_window.circle_id, calendar_window.through);
  select json_build_object(
    'tasks', coalesce((
      select json_agg(json_build_object(
        'id', t.id, 'title', t.title, 'kind', t.kind, 'category', t.category, 'starts_at', t.starts_at,
        'ends_at', t.ends_at, 'all_day', t.all_day, 'slots', t.slots, 'status', t.status,
        'location', t.location, 'series_id', t.series_id,
        'claimed_by', coalesce((
          select json_agg(c.member_id order by c.created_at, c.id) from public.task_claims c where c.task_id = t.id
        ), '[]'::json)
      ) order by t.starts_at, t.id)
        from public.tasks t
       where t.circle_id = calendar_window.circle_id
         and t.starts_at >= calendar_window.starts_from and t.starts_at < calendar_window.starts_before
    ), '[]'::json),
    'members', coalesce((
      select json_agg(json_build_object(
        'id', m.id, 'role', m.role, 'label', m.label, 'status', m.status, 'name', coalesce(p.display_name, 'Someone')))
        from public.circle_members m left join public.profiles p on p.id = m.user_id
       where m.circle_id = calendar_window.circle_id
    ), '[]'::json),
    'my_categories', coalesce((
      select json_agg(g.category order by g.category)
        from public.sharing_grants g join public.circle_members m on m.id = g.member_id
       where g.circle_id = calendar_window.circle_id and m.user_id = auth.uid() and m.status = 'active'
    ), '[]'::json)
  ) into result;
  return result;
end;
$$;
comment on function public.calendar_window(uuid, timestamptz, timestamptz, date) is
  'The calendar and list pages'' reads in one round trip (invoker: RLS applies): tasks in a range with who claimed them, members, own grants.';

revoke all on function public.calendar_window(uuid, timestamptz, timestamptz, date) from public, anon, authenticated;
grant execute on function public.calendar_window(uuid, timestamptz, timestamptz, date) to authenticated, service_role;
