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
  ('00000000-0000-4000-c000-000000000004', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000004', 'supporter', 'family', 'Brother', now() - interval '58 days'),
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

-- Tasks around today (times in the circle's zone, America/New_York). Rides to therapy are `health`:
-- only Maria and Dr. Lee see them. The weekly check-in call is a series (wellbeing: Mom, Sam and Dr. Lee
-- see it); meals and dog walks are one-off tasks. Past tasks were done by someone, about half of the
-- coming ones are claimed, the rest need help.
-- Members: c..02 Elena (Mom, coordinator), c..03 David (Dad), c..04 Leo (brother), c..05 Sam (peer),
-- c..06 Dr. Lee.

-- The two series, started three weeks ago; their occurrences are made below up to 8 weeks ahead.
insert into public.task_series (id, circle_id, title, kind, category, notes, slots, frequency, repeat_every, weekdays,
  first_date, until_date, all_day, start_time, duration_minutes, materialised_through, created_by, created_at)
values
  ('00000000-0000-4000-d000-000000000001', '00000000-0000-4000-b000-000000000001', 'Weekly check-in call',
   'check_in_call', 'wellbeing', 'Twenty minutes on the phone: how the week went, nothing heavy.', 1, 'weekly', 1, '{7}',
   current_date - 21 - extract(isodow from current_date)::int % 7, current_date + 180, false, '19:00', 30,
   current_date + 56, '00000000-0000-4000-a000-000000000001', now() - interval '21 days'),
  ('00000000-0000-4000-d000-000000000002', '00000000-0000-4000-b000-000000000001', 'Ride to therapy with Dr. Lee',
   'ride', 'health', 'Pick-up at home 15:30; the session is 16:00-17:00 on Main Street.', 1, 'weekly', 1, '{2}',
   current_date - 21, current_date + 120, false, '15:30', 120,
   current_date + 56, '00000000-0000-4000-a000-000000000001', now() - interval '21 days');

insert into public.tasks (circle_id, title, kind, category, notes, slots, starts_at, ends_at, series_id, series_date, created_by)
select s.circle_id, s.title, s.kind, s.category, s.notes, s.slots, o.starts_at, o.ends_at, s.id, d, s.created_by
from public.task_series s
cross join lateral private.series_dates(s.frequency, s.repeat_every, s.weekdays, s.first_date, s.until_date,
  s.occurrence_count) as d
cross join lateral private.occurrence_times(s, d, 'America/New_York') as o
where s.circle_id = '00000000-0000-4000-b000-000000000001' and d <= s.materialised_through;

-- One-off tasks: dinners (no-contact, vegetarian) on Mondays and Thursdays, dog walks on Wednesdays
-- and Saturdays.
with days as (select (current_date + d) as day from generate_series(-21, 27) as d)
insert into public.tasks (circle_id, title, kind, category, starts_at, ends_at, slots, location, notes,
  contact_preference, dietary_needs, created_by)
select '00000000-0000-4000-b000-000000000001', t.title, t.kind::public.task_kind, 'practical',
  (days.day + t.at) at time zone 'America/New_York', (days.day + t.at + t.length) at time zone 'America/New_York',
  1, t.location, t.notes, t.contact::public.contact_preference, t.dietary, '00000000-0000-4000-a000-000000000002'
from days, (values
  ('Dinner drop-off', 'meal', time '18:00', interval '30 minutes', 1, '12 Elm Street, the porch',
   'Maria will text when she has it. Containers can stay; she will return them.', 'no_contact',
   'Vegetarian, no mushrooms'),
  ('Dinner drop-off', 'meal', time '18:00', interval '30 minutes', 4, '12 Elm Street, the porch',
   'Maria will text when she has it. Containers can stay; she will return them.', 'no_contact',
   'Vegetarian, no mushrooms'),
  ('Walk Biscuit (the dog)', 'pet_care', time '08:00', interval '45 minutes', 3, '12 Elm Street',
   'Lead and bags hang by the back door. He pulls towards the park.', null, null),
  ('Walk Biscuit (the dog)', 'pet_care', time '08:00', interval '45 minutes', 6, '12 Elm Street',
   'Lead and bags hang by the back door. He pulls towards the park.', null, null)
) as t(title, kind, at, length, isodow, location, notes, contact, dietary)
where extract(isodow from days.day) = t.isodow;

-- A few single needs in the coming days.
insert into public.tasks (circle_id, title, kind, category, starts_at, ends_at, all_day, slots, location, notes,
  contact_preference, created_by)
values
  ('00000000-0000-4000-b000-000000000001', 'Help sort the insurance paperwork', 'household', 'general',
   (current_date + 3 + time '10:00') at time zone 'America/New_York',
   (current_date + 3 + time '12:00') at time zone 'America/New_York', false, 2, '12 Elm Street',
   'Two people make it go faster. Coffee provided.', null, '00000000-0000-4000-a000-000000000002'),
  ('00000000-0000-4000-b000-000000000001', 'Groceries for the week', 'errand', 'practical',
   (current_date + 2 + time '00:00') at time zone 'America/New_York',
   (current_date + 3 + time '00:00') at time zone 'America/New_York', true, 1, null,
   'The list is on the shared note; anything vegetarian is fine for the rest.', null,
   '00000000-0000-4000-a000-000000000002'),
  ('00000000-0000-4000-b000-000000000001', 'Afternoon visit: tea and a film', 'visit', 'practical',
   (current_date + 5 + time '15:00') at time zone 'America/New_York',
   (current_date + 5 + time '17:00') at time zone 'America/New_York', false, 1, '12 Elm Street',
   null, 'happy_to_chat', '00000000-0000-4000-a000-000000000001');

-- Who claimed what: past tasks by their usual helper; about half of the coming ones.
insert into public.task_claims (task_id, circle_id, member_id, created_at)
select t.id, t.circle_id,
  case t.kind when 'meal' then '00000000-0000-4000-c000-000000000003'::uuid
              when 'pet_care' then '00000000-0000-4000-c000-000000000004'::uuid
              when 'check_in_call' then '00000000-0000-4000-c000-000000000005'::uuid
              when 'household' then '00000000-0000-4000-c000-000000000002'::uuid end,
  least(t.starts_at - interval '3 days', now())
from public.tasks t
where t.circle_id = '00000000-0000-4000-b000-000000000001'
  and t.kind in ('meal', 'pet_care', 'check_in_call', 'household')
  and (t.starts_at < now() or t.kind = 'household' or extract(doy from t.starts_at)::int % 2 = 0);

-- Most past tasks are marked done; two carry a thank-you note from Maria.
update public.tasks t set status = 'done', done_at = t.ends_at + interval '1 hour',
  done_by = '00000000-0000-4000-a000-000000000001'
where t.circle_id = '00000000-0000-4000-b000-000000000001' and t.ends_at < now() - interval '1 day'
  and exists (select 1 from public.task_claims c where c.task_id = t.id);

insert into public.task_thanks (task_id, circle_id, note, thanked_by)
select t.id, t.circle_id, n.note, '00000000-0000-4000-a000-000000000001'
from (values
  ('meal', 'That lentil soup was perfect. Thank you, Dad.'),
  ('check_in_call', 'Thank you for the call, Sam. It helped more than I said.')
) as n(kind, note)
cross join lateral (
  select t.id, t.circle_id from public.tasks t
   where t.circle_id = '00000000-0000-4000-b000-000000000001' and t.kind = n.kind::public.task_kind
     and t.status = 'done'
   order by t.starts_at desc limit 1
) as t;

-- Next week's check-in call falls on a family birthday: cancelled, with a word for Sam.
update public.tasks t set status = 'cancelled', cancelled_at = now(),
  cancelled_by = '00000000-0000-4000-a000-000000000001', cancel_note = 'Family birthday dinner that evening: talk the week after!'
where t.id = (select t2.id from public.tasks t2
               where t2.series_id = '00000000-0000-4000-d000-000000000001' and t2.starts_at > now() + interval '7 days'
                 and exists (select 1 from public.task_claims c where c.task_id = t2.id)
               order by t2.starts_at limit 1);

-- An offer waiting for Maria's answer.
insert into public.task_offers (circle_id, member_id, kind, category, message, starts_at, ends_at)
values ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-c000-000000000004', 'household', 'practical',
  'I can mow the lawn and clear the gutters on Saturday morning.',
  (current_date + coalesce(nullif((13 - extract(isodow from current_date)::int) % 7, 0), 7) + time '09:00') at time zone 'America/New_York',
  (current_date + coalesce(nullif((13 - extract(isodow from current_date)::int) % 7, 0), 7) + time '11:00') at time zone 'America/New_York');

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

-- The updates side: a wellbeing update with a mood, check-ins (Sam was asked to reach out after the
-- yellow one), support on a few updates, a note from Dad, Mom's draft waiting for Maria's approval, and
-- Maria's support plan (crisis contacts for Mom and Dr. Lee only). Written as Maria, so that the audit
-- log and the plan name her (auth.uid() reads these claims, as it does for a request).
select set_config('request.jwt.claims', '{"sub":"00000000-0000-4000-a000-000000000001","role":"authenticated"}', false);
insert into public.updates (id, circle_id, author_id, category, body, status, mood, check_in, audience, published_at, created_at)
values
  ('00000000-0000-4000-d000-000000000001', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000001',
   'wellbeing', 'Some better days this week. The walks with Biscuit help more than I expected.', 'published', 4, null, null,
   now() - interval '9 days', now() - interval '9 days'),
  ('00000000-0000-4000-d000-000000000002', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000001',
   'wellbeing', 'Up and down today.', 'published', null, 'yellow', null, now() - interval '4 days', now() - interval '4 days'),
  ('00000000-0000-4000-d000-000000000003', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000001',
   'wellbeing', '', 'published', null, 'green', null, now() - interval '20 hours', now() - interval '20 hours'),
  ('00000000-0000-4000-d000-000000000004', '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000002',
   'wellbeing', 'Maria would rather have texts than calls this week. She reads everything, even when she doesn''t answer.',
   'pending', null, null, null, null, now() - interval '3 hours');

insert into public.reach_out_requests (circle_id, update_id, member_id, created_at)
values ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-d000-000000000002',
  '00000000-0000-4000-c000-000000000005', now() - interval '4 days');

insert into public.update_reactions (update_id, circle_id, member_id, created_at)
select u.id, u.circle_id, m.member_id, u.published_at + interval '2 hours'
from public.updates u,
  (values ('00000000-0000-4000-c000-000000000002'::uuid), ('00000000-0000-4000-c000-000000000005')) as m(member_id)
where u.id in ('00000000-0000-4000-d000-000000000001', '00000000-0000-4000-d000-000000000002')
union all
select u.id, u.circle_id, m.member_id, u.published_at + interval '1 hour'
from public.updates u,
  (values ('00000000-0000-4000-c000-000000000003'::uuid), ('00000000-0000-4000-c000-000000000004')) as m(member_id)
where u.circle_id = '00000000-0000-4000-b000-000000000001' and u.category = 'milestones';

insert into public.encouragement_notes (circle_id, author_member_id, update_id, body, created_at)
select '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-c000-000000000003', u.id,
  E'Proud of you, kiddo. Two weeks back at work is no small thing.\nDinner Thursday is on me.', u.published_at + interval '5 hours'
from public.updates u
where u.circle_id = '00000000-0000-4000-b000-000000000001' and u.category = 'milestones';

insert into public.support_plan_sections (circle_id, kind, category, body, audience)
values
  ('00000000-0000-4000-b000-000000000001', 'what_helps', 'general',
   E'Short walks with Biscuit. A text that doesn''t need an answer.\nMeals left on the porch, no need to knock.', null),
  ('00000000-0000-4000-b000-000000000001', 'what_does_not_help', 'general',
   'Advice about medication, or being told to think positive. Surprise visits.', null),
  ('00000000-0000-4000-b000-000000000001', 'warning_signs', 'wellbeing',
   'Sleeping less than five hours for a few nights in a row. Big spending plans. Not answering anyone for more than two days.', null),
  ('00000000-0000-4000-b000-000000000001', 'crisis_contacts', 'wellbeing',
   E'1. Dr. Lee (therapist), weekdays: 555-0142\n2. Mom (Elena)\n3. 988 Suicide & Crisis Lifeline: call or text 988',
   array['00000000-0000-4000-c000-000000000002', '00000000-0000-4000-c000-000000000006']::uuid[]),
  ('00000000-0000-4000-b000-000000000001', 'do_not_contact', 'wellbeing',
   'Please don''t contact my ex, Chris, even in a crisis.', array['00000000-0000-4000-c000-000000000002']::uuid[]),
  ('00000000-0000-4000-b000-000000000001', 'practical_arrangements', 'practical',
   'Biscuit needs a walk morning and evening; Leo has the spare key. Rent and bills are paid automatically.', null);
select set_config('request.jwt.claims', '', false);
