-- Web Push subscriptions (issue 13): one row per member and device that turned notifications on for a
-- circle. The endpoint and keys are the browser's PushSubscription; the email job sends to them through
-- the same delivery log as email. A member sees and removes only their own; a membership that ends
-- (left, removed) takes its subscriptions with it, and the job deletes one the push service answers
-- 404/410 for.

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null,
  circle_id uuid not null,
  endpoint text not null check (endpoint ~ '^https://' and char_length(endpoint) <= 2048),
  p256dh text not null check (p256dh ~ '^[A-Za-z0-9_-]{80,100}$'),
  auth text not null check (auth ~ '^[A-Za-z0-9_-]{16,32}$'),
  device_label text not null check (char_length(device_label) between 1 and 60),
  created_at timestamptz not null default now(),
  constraint push_subscriptions_member_endpoint_key unique (member_id, endpoint),
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table public.push_subscriptions enable row level security;
create index push_subscriptions_circle_id_idx on public.push_subscriptions (circle_id);

create policy "Members see their own devices"
  on public.push_subscriptions for select to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]));
create policy "Members add their own devices"
  on public.push_subscriptions for insert to authenticated
  with check (member_id = any ((select private.my_member_ids())::uuid[]));
create policy "Members update their own devices"
  on public.push_subscriptions for update to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]))
  with check (member_id = any ((select private.my_member_ids())::uuid[]));
create policy "Members remove their own devices"
  on public.push_subscriptions for delete to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]));

revoke all on public.push_subscriptions from anon, authenticated;
grant select, delete on public.push_subscriptions to authenticated;
grant insert (member_id, circle_id, endpoint, p256dh, auth, device_label) on public.push_subscriptions to authenticated;
grant update (p256dh, auth, device_label) on public.push_subscriptions to authenticated;
grant all on public.push_subscriptions to service_role;

create trigger push_subscriptions_forbid_reparenting before update on public.push_subscriptions
  for each row execute function private.forbid_reparenting();

/** A membership that ends takes its devices with it: no more notifications from that circle. */
create function private.drop_push_of_ended_membership() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.push_subscriptions s where s.member_id = new.id;
  return null;
end;
$$;
comment on function private.drop_push_of_ended_membership() is
  'Trigger: removing or leaving a circle deletes the member''s push subscriptions.';
revoke all on function private.drop_push_of_ended_membership() from public;

create trigger circle_members_drop_push after update of status on public.circle_members
  for each row when (new.status <> 'active') execute function private.drop_push_of_ended_membership();
