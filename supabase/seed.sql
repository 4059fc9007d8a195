-- Demo data: Maria's circle, as a newcomer sees it after `npm run dev`. Every demo person signs in with
-- the password "recovery-circle-demo" (printed by `npm run dev`). Dates are relative to today, in the
-- circle's time zone, so the calendar always looks lived-in.

-- People (auth.users as Supabase Auth stores them; profiles follow from the trigger).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', p.id, 'authenticated', 'authenticated', p.email,
  extensions.crypt('recovery-circle-demo', extensions.gen_salt('bf', 10)), now(),
  '{"provider":"email","providers":["email"]}',
  jsonb_build_object('display_name', p.name, 'demo_role', p.demo_role),
  now() - p.joined, now() - p.joined
from (values
  ('00000000-0000-4000-a000-000000000001'::uuid, 'maria@demo.test', 'Maria', 'the person (owner)', interval '60 days'),
  ('00000000-0000-4000-a000-000000000002'::uuid, 'elena@demo.test', 'Elena', 'Mom: coordinator, everything but health', interval '59 days'),
  ('00000000-0000-4000-a000-000000000003'::uuid, 'david@demo.test', 'David', 'Dad: supporter', interval '58 days'),
  ('00000000-0000-4000-a000-000000000004'::uuid, 'leo@demo.test', 'Leo', 'brother: supporter', interval '58 days'),
  ('00000000-0000-4000-a000-000000000005'::uuid, 'sam@demo.test', 'Sam', 'peer group friend: practical, wellbeing', interval '40 days'),
  ('00000000-0000-4000-a000-000000000006'::uuid, 'dr.lee@demo.test', 'Dr. Lee', 'therapist: health, wellbeing', interval '30 days')
) as p(id, email, name, demo_role, joined);

insert into public.circles (id, name, owner_id, time_zone, coordinators_can_invite, created_at)
values ('00000000-0000-4000-b000-000000000001', 'Maria''s circle', '00000000-0000-4000-a000-000000000001',
  'America/New_York', true, now() - interval '60 days');

insert into public.circle_members (id, circle_id, user_id, role, relationship, label, joined_at)
values
  ('00000000-0000-4000-c000-000000000001', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000001', 'owner', null, null, now() - interval '60 days'),
  ('00000000-0000-4000-c000-000000000002', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000002', 'coordinator', 'family', 'Mom', now() - interval '59 days'),
  ('00000000-0000-4000-c000-000000000003', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000003', 'supporter', 'family', 'Dad', now() - interval '58 days'),
  ('00000000-0000-4000-c000-000000000004', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000004', 'supporter', 'family', 'Leo (brother)', now() - interval '58 days'),
  ('00000000-0000-4000-c000-000000000005', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000005', 'supporter', 'peer', 'Sam from group', now() - interval '40 days'),
  ('00000000-0000-4000-c000-000000000006', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000006', 'supporter', 'professional', 'Dr. Lee', now() - interval '30 days');

insert into public.sharing_grants (member_id, circle_id, category, granted_by)
select g.member_id, '00000000-0000-4000-b000-000000000001', g.category::public.sharing_category,
  '00000000-0000-4000-a000-000000000001'
from (values
  ('00000000-0000-4000-c000-000000000002'::uuid, 'practical'), ('00000000-0000-4000-c000-000000000002', 'general'),
  ('00000000-0000-4000-c000-000000000002', 'milestones'), ('00000000-0000-4000-c000-000000000002', 'wellbeing'),
  ('00000000-0000-4000-c000-000000000003', 'practical'), ('00000000-0000-4000-c000-000000000003', 'general'),
  ('00000000-0000-4000-c000-000000000003', 'milestones'),
  ('00000000-0000-4000-c000-000000000004', 'practical'), ('00000000-0000-4000-c000-000000000004', 'general'),
  ('00000000-0000-4000-c000-000000000004', 'milestones'),
  ('00000000-0000-4000-c000-000000000005', 'practical'), ('00000000-0000-4000-c000-000000000005', 'wellbeing'),
  ('00000000-0000-4000-c000-000000000006', 'health'), ('00000000-0000-4000-c000-000000000006', 'wellbeing')
) as g(member_id, category);

-- The history of how the circle came to be.
insert into public.audit_events (circle_id, actor_id, action, subject_member_id, details, created_at)
select '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000001', e.action, e.member_id,
  e.details::jsonb, now() - e.ago
from (values
  ('circle_created', null::uuid, '{}', interval '60 days'),
  ('invitation_accepted', '00000000-0000-4000-c000-000000000002'::uuid, '{"role":"coordinator"}', interval '59 days'),
  ('invitation_accepted', '00000000-0000-4000-c000-000000000003', '{"role":"supporter"}', interval '58 days'),
  ('invitation_accepted', '00000000-0000-4000-c000-000000000004', '{"role":"supporter"}', interval '58 days'),
  ('invitation_accepted', '00000000-0000-4000-c000-000000000005', '{"role":"supporter"}', interval '40 days'),
  ('invitation_accepted', '00000000-0000-4000-c000-000000000006', '{"role":"supporter"}', interval '30 days'),
  ('grant_added', '00000000-0000-4000-c000-000000000002', '{"category":"wellbeing"}', interval '45 days')
) as e(action, member_id, details, ago);

-- A pending invitation: Maria's friend Jo has not answered yet. The token is unknown (only its hash is
-- stored), so it cannot be accepted; Maria can re-send it from the members page.
insert into public.invitations (circle_id, email, role, relationship, label, categories, token_hash, invited_by,
  sent_at, expires_at)
values ('00000000-0000-4000-b000-000000000001', 'jo@demo.test', 'supporter', 'friend', 'Jo',
  '{practical,general,milestones}', encode(extensions.digest('demo-pending-invitation', 'sha256'), 'hex'),
  '00000000-0000-4000-a000-000000000001', now() - interval '2 days', now() + interval '5 days');

-- Tasks around today (times in the circle's zone). Rides to therapy are `health`: only Maria, Dr. Lee
-- and whoever Maria grants health see them.
with circle as (select '00000000-0000-4000-b000-000000000001'::uuid as id, 'America/New_York' as tz),
days as (select (current_date + d) as day, d from generate_series(-21, 27) as d)
insert into public.tasks (id, circle_id, title, category, starts_at, ends_at, slots, created_by)
select gen_random_uuid(), circle.id, t.title, t.category::public.sharing_category,
  (days.day + t.at) at time zone circle.tz, (days.day + t.at + t.length) at time zone circle.tz, t.slots,
  '00000000-0000-4000-a000-000000000002'
from circle, days, (values
  ('Ride to therapy with Dr. Lee', 'health', time '15:30', interval '2 hours', 1, 2),   -- Tuesdays
  ('Dinner drop-off (no-contact, vegetarian)', 'practical', time '18:00', interval '30 minutes', 1, 1), -- Mondays
  ('Dinner drop-off (no-contact, vegetarian)', 'practical', time '18:00', interval '30 minutes', 1, 4), -- Thursdays
  ('Walk Biscuit (the dog)', 'practical', time '08:00', interval '45 minutes', 1, 3),   -- Wednesdays
  ('Walk Biscuit (the dog)', 'practical', time '08:00', interval '45 minutes', 1, 6),   -- Saturdays
  ('Weekly check-in call', 'general', time '19:00', interval '30 minutes', 1, 7)        -- Sundays
) as t(title, category, at, length, slots, isodow)
where extract(isodow from days.day) = t.isodow;

-- Past tasks were done by someone; about half of the coming ones are claimed.
insert into public.task_claims (task_id, circle_id, member_id, created_at)
select t.id, t.circle_id,
  case when t.category = 'health' then '00000000-0000-4000-c000-000000000002'::uuid
       when t.title like 'Walk%' then '00000000-0000-4000-c000-000000000004'::uuid
       when t.title like 'Weekly%' then '00000000-0000-4000-c000-000000000005'::uuid
       else '00000000-0000-4000-c000-000000000003'::uuid end,
  t.starts_at - interval '3 days'
from public.tasks t
where t.circle_id = '00000000-0000-4000-b000-000000000001'
  and (t.starts_at < now() or (extract(doy from t.starts_at)::int % 2 = 0 and t.category <> 'health'));

-- A handful of updates in different categories.
insert into public.updates (circle_id, author_id, category, body, status, published_at, created_at)
select '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000001', u.category::public.sharing_category,
  u.body, 'published', now() - u.ago, now() - u.ago
from (values
  ('milestones', 'Two weeks back at work, half days. Tired but proud.', interval '12 days'),
  ('wellbeing', 'A flat week. Sleeping better, though. Thank you for the quiet company.', interval '6 days'),
  ('health', 'Medication change went fine; next review with Dr. Lee in three weeks.', interval '5 days'),
  ('general', 'Biscuit has decided the postman is his best friend.', interval '3 days'),
  ('practical', 'Thank you for the meals! Vegetarian please, and no need to knock: the porch is fine.', interval '1 day')
) as u(category, body, ago);
