-- Accepting an offer asks for a short title (issue 12): the helper's sentence ("I can mow the lawn and
-- clear the gutters on Saturday morning.") stays the task's notes and no longer becomes its title on
-- the calendar, in the digest and in the feed. Same function otherwise; the title has no default now.

drop function public.accept_offer(uuid, text);

/** Turns a pending offer into a task with the given title, already claimed by the member who offered. */
create function public.accept_offer(offer_id uuid, title text) returns public.tasks
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  offer public.task_offers := private.offer_for_manager(accept_offer.offer_id);
  helper public.circle_members;
  clean_title text := nullif(btrim(accept_offer.title), '');
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
  if clean_title is null or char_length(clean_title) > 200 then
    perform private.calendar_fail('invalid_title', 'Give the task a short title of 1 to 200 characters.');
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
  'Owner/coordinator: turns a pending offer into a task (the given title, the offer''s words as notes) already claimed by the member who offered.';

revoke all on function public.accept_offer(uuid, text) from public, anon, authenticated;
grant execute on function public.accept_offer(uuid, text) to authenticated, service_role;
