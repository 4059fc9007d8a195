-- Updates, check-ins, support plan and the person's data (issue 5).
--
-- Builds on the consent migrations (20261127000100..0300): every table here follows the same consent
-- rule through the same helpers (private.viewer_scope, private.consent_allows, private.update_visible),
-- so "Preview as", the pages, emails and a hand-made API call all see the same thing.
--
--   updates (extended)     mood (wellbeing only), check-in colour, edited_at, review by the person
--   update_reactions       "support": one per member, withdrawable. The person reads who; everyone who
--                          sees the update reads the count (update_support_summary)
--   encouragement_notes    private notes to the person: read by the person, and by their author
--   reach_out_requests     "please reach out" from a check-in: the person, and the member asked
--   support_plan_sections  the support plan, one section per kind, each with its own category/audience
--
-- RPCs: share_check_in, review_update, set_update_support, update_support_summary,
-- preview_support_plan, export_circle, delete_circle, delete_account.
--
-- Errors follow 20261127000300: the MESSAGE is a stable key, DETAIL a sentence, the SQLSTATE maps to an
-- HTTP status (22023 → 400, 42501 → 403, PT404 → 404, PT409 → 409).

------------------------------------------------------------------------------------------------------
-- Helpers
------------------------------------------------------------------------------------------------------

/** Raises `key` (the message) with an explicit SQLSTATE and a human detail. */
create function private.raise_error(key text, code text, detail text) returns void
language plpgsql volatile set search_path = '' as $$
begin
  raise exception using errcode = code, message = key, detail = detail;
end;
$$;
comment on function private.raise_error(text, text, text) is
  'Raises an error whose message is a stable key, with the given SQLSTATE and detail.';

/**
 * Plain text as we store it: line breaks as \n, control characters other than \n and \t dropped,
 * surrounding white space trimmed. The text is never interpreted (no HTML, no markup): pages render it
 * as text and only turn http(s) URLs into links.
 */
create function private.clean_text(value text) returns text
language sql immutable set search_path = '' as $$
  select regexp_replace(
    regexp_replace(
      regexp_replace(value, E'\r\n?', E'\n', 'g'),
      E'[\\x01-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]', '', 'g'),
    E'^\\s+|\\s+$', '', 'g')
$$;
comment on function private.clean_text(text) is
  'Normalises plain text: \n line breaks, no control characters, trimmed.';

grant execute on function private.raise_error(text, text, text), private.clean_text(text)
  to authenticated, service_role;

------------------------------------------------------------------------------------------------------
-- Audit actions added here. The list lives in one check constraint; it is rebuilt from its current
-- definition plus ours, so that actions added by other migrations (before this one) are kept.
------------------------------------------------------------------------------------------------------

do $$
declare
  existing text[];
  wanted text[];
begin
  select array_agg(distinct m[1]) into existing
    from pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') as m
   where c.conrelid = 'public.audit_events'::regclass and c.conname = 'audit_events_action_check';
  if existing is null then
    raise exception 'audit_events_action_check not found';
  end if;
  wanted := array(
    select distinct a from unnest(existing || array[
      'update_approved', 'update_declined',
      'plan_section_shared', 'plan_section_sharing_changed', 'plan_section_removed'
    ]) as a order by a);
  alter table public.audit_events drop constraint audit_events_action_check;
  execute format(
    'alter table public.audit_events add constraint audit_events_action_check check (action = any (%L::text[]))',
    wanted);
end;
$$;

------------------------------------------------------------------------------------------------------
-- Account deletion keeps history: a membership outlives its user (user_id becomes null, shown as
-- "former member"), so that past claims, notes and support stay attached to a member row.
------------------------------------------------------------------------------------------------------

alter table public.circle_members alter column user_id drop not null;
alter table public.circle_members drop constraint circle_members_user_id_fkey;
alter table public.circle_members add constraint circle_members_user_id_fkey
  foreign key (user_id) references public.profiles (id) on delete set null;
alter table public.circle_members add constraint circle_members_active_user_check
  check (status <> 'active' or user_id is not null);

/** As in 20261127000100, plus one exception: a deleted account's ended memberships lose their user. */
create or replace function private.forbid_reparenting() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.circle_id is distinct from old.circle_id then
    raise exception using errcode = '42501', message = 'cannot_move_between_circles',
      detail = 'A row cannot be moved to another circle.';
  end if;
  if tg_table_name = 'circle_members' then
    if new.user_id is distinct from old.user_id
       and not (new.user_id is null and new.status <> 'active') then
      raise exception using errcode = '42501', message = 'cannot_move_between_circles',
        detail = 'A membership cannot be given to another user.';
    end if;
  end if;
  return new;
end;
$$;

/**
 * Runs when a profile is deleted (that is, when its auth user is deleted, however that happens): the
 * circles the person owns are deleted with everything in them; every other active membership ends as
 * if they had left (grants dropped, claims on future tasks released, audited). Definer: on a hosted
 * project the delete comes from the auth service's own role.
 */
create function private.before_profile_delete() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  member public.circle_members;
begin
  delete from public.circles c where c.owner_id = old.id;
  for member in
    select * from public.circle_members m where m.user_id = old.id and m.status = 'active' for update
  loop
    perform private.audit(member.circle_id, 'member_left', member.id,
      private.end_membership(member, 'left') || jsonb_build_object('account_deleted', true));
  end loop;
  return old;
end;
$$;
comment on function private.before_profile_delete() is
  'Trigger: a deleted account takes its own circles with it and leaves every other circle (audited).';

create trigger profiles_before_delete before delete on public.profiles
  for each row execute function private.before_profile_delete();

------------------------------------------------------------------------------------------------------
-- updates: mood, check-in colour, edits and review
------------------------------------------------------------------------------------------------------

create type public.check_in_colour as enum ('green', 'yellow', 'red');

alter table public.updates
  add column mood integer,
  add column check_in public.check_in_colour,
  add column edited_at timestamptz,
  add column reviewed_at timestamptz,
  add column reviewed_by uuid references public.profiles (id) on delete set null,
  add column review_note text,
  add constraint updates_mood_check check (mood is null or (mood between 1 and 5 and category = 'wellbeing')),
  add constraint updates_check_in_check check (check_in is null or category = 'wellbeing'),
  add constraint updates_review_note_check check (review_note is null or char_length(review_note) between 1 and 500),
  -- Target of the composite foreign keys that keep reactions, notes and reach-outs in the update's circle.
  add constraint updates_id_circle_key unique (id, circle_id);

-- A check-in may be a colour alone; every other update needs words.
alter table public.updates drop constraint updates_body_check;
alter table public.updates add constraint updates_body_check
  check (char_length(body) <= 10000 and (char_length(btrim(body)) >= 1 or check_in is not null));

-- The feed: published updates of a circle, newest first.
create index updates_circle_id_published_at_idx on public.updates (circle_id, published_at desc, id desc)
  where status = 'published';

/**
 * Validates and normalises an update, with messages a person can act on: words (unless it is a
 * check-in), at most 10,000 characters, mood 1-5 and check-in colours on wellbeing updates only. On
 * edit: a published update stays published and gets edited_at; a reviewed draft gets reviewed_at/by.
 */
create function private.check_update() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.body := private.clean_text(new.body);
  if new.body is null or (new.body = '' and new.check_in is null) then
    perform private.raise_error('update_empty', '22023', 'Write something to share.');
  end if;
  if char_length(new.body) > 10000 then
    perform private.raise_error('update_too_long', '22023', 'Keep an update to 10,000 characters or fewer.');
  end if;
  if new.mood is not null then
    if new.mood not between 1 and 5 then
      perform private.raise_error('invalid_mood', '22023', 'Mood is a number from 1 to 5.');
    end if;
    if new.category <> 'wellbeing' then
      perform private.raise_error('mood_needs_wellbeing', '22023', 'A mood can only go with a wellbeing update.');
    end if;
  end if;
  if new.check_in is not null and new.category <> 'wellbeing' then
    perform private.raise_error('check_in_needs_wellbeing', '22023', 'A check-in is always a wellbeing update.');
  end if;
  new.review_note := nullif(private.clean_text(new.review_note), '');
  if char_length(new.review_note) > 500 then
    perform private.raise_error('review_note_too_long', '22023', 'Keep the note to 500 characters or fewer.');
  end if;

  if tg_op = 'UPDATE' then
    if old.status = 'published' and new.status <> 'published' then
      perform private.raise_error('update_already_published', 'PT409',
        'A published update cannot go back to being a draft. Delete it instead.');
    end if;
    if old.status = 'published'
       and (new.body, new.category, new.audience, new.mood, new.check_in)
           is distinct from (old.body, old.category, old.audience, old.mood, old.check_in) then
      new.edited_at := now();
    end if;
    if old.status in ('draft', 'pending') and new.status in ('published', 'declined') then
      new.reviewed_at := now();
      new.reviewed_by := auth.uid();
    end if;
  end if;
  return new;
end;
$$;
comment on function private.check_update() is
  'Trigger: validates an update (text, length, mood, check-in) and stamps edited_at / reviewed_at.';

create trigger updates_validate before insert or update on public.updates
  for each row execute function private.check_update();

/**
 * A coordinator's draft approved or declined by the person: a consent decision, audited with the
 * author as subject, so that the author reads it among "changes about you" (the in-app notice).
 */
create function private.audit_update_review() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  author_member uuid;
begin
  if old.status in ('draft', 'pending') and new.status in ('published', 'declined')
     and new.author_id is distinct from (select c.owner_id from public.circles c where c.id = new.circle_id) then
    select m.id into author_member from public.circle_members m
     where m.circle_id = new.circle_id and m.user_id = new.author_id;
    perform private.audit(new.circle_id,
      case new.status when 'published' then 'update_approved' else 'update_declined' end,
      author_member,
      jsonb_strip_nulls(jsonb_build_object('update_id', new.id, 'category', new.category, 'note', new.review_note)));
  end if;
  return null;
end;
$$;
comment on function private.audit_update_review() is
  'Trigger: audits the person''s approval or refusal of someone else''s draft (subject = its author).';

create trigger updates_audit_review after update of status on public.updates
  for each row execute function private.audit_update_review();

grant execute on function private.check_update() to authenticated, service_role;

grant insert (mood, check_in), update (mood, check_in) on public.updates to authenticated;

-- A coordinator tidies away a draft the person declined (they may delete pending ones already).
create policy "Authors delete their declined drafts"
  on public.updates for delete to authenticated
  using (
    author_id = (select auth.uid()) and status = 'declined'
    and circle_id = any ((select private.my_circle_ids())::uuid[])
  );

------------------------------------------------------------------------------------------------------
-- update_reactions ("support")
------------------------------------------------------------------------------------------------------

create table public.update_reactions (
  update_id uuid not null,
  circle_id uuid not null,
  member_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (update_id, member_id),
  foreign key (update_id, circle_id) references public.updates (id, circle_id) on delete cascade,
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table public.update_reactions enable row level security;
create index update_reactions_circle_id_idx on public.update_reactions (circle_id);
create index update_reactions_member_id_idx on public.update_reactions (member_id);
create trigger update_reactions_forbid_reparenting before update on public.update_reactions
  for each row execute function private.forbid_reparenting();

-- Who sent support is for the person; the others learn the count (update_support_summary) and whether
-- they sent it themselves.
create policy "The person sees who sent support on their circle's updates"
  on public.update_reactions for select to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

-- The subquery on updates runs under the updates policy: only while the member may see the update.
create policy "Members see their own support on updates they can see"
  on public.update_reactions for select to authenticated
  using (
    member_id = any ((select private.my_member_ids())::uuid[])
    and exists (select 1 from public.updates u where u.id = update_reactions.update_id)
  );

create policy "Members send support on published updates they can see"
  on public.update_reactions for insert to authenticated
  with check (
    member_id = any ((select private.my_member_ids())::uuid[])
    and not (circle_id = any ((select private.my_owned_circle_ids())::uuid[]))
    and exists (select 1 from public.updates u where u.id = update_reactions.update_id and u.status = 'published')
  );

create policy "Members withdraw their own support"
  on public.update_reactions for delete to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]));

------------------------------------------------------------------------------------------------------
-- encouragement_notes
------------------------------------------------------------------------------------------------------

create table public.encouragement_notes (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references public.circles (id) on delete cascade,
  author_member_id uuid not null,
  -- The update that prompted the note, if any; the note stays when the update is deleted.
  update_id uuid,
  body text not null check (char_length(btrim(body)) between 1 and 2000),
  created_at timestamptz not null default now(),
  foreign key (author_member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade,
  foreign key (update_id, circle_id) references public.updates (id, circle_id) on delete set null (update_id)
);
alter table public.encouragement_notes enable row level security;
create index encouragement_notes_circle_id_created_at_idx on public.encouragement_notes (circle_id, created_at desc);
create index encouragement_notes_author_member_id_idx on public.encouragement_notes (author_member_id);
create index encouragement_notes_update_id_idx on public.encouragement_notes (update_id);

/** Validates a note of encouragement: words, at most 2,000 characters. */
create function private.check_note() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.body := private.clean_text(new.body);
  if new.body is null or new.body = '' then
    perform private.raise_error('note_empty', '22023', 'Write a few words first.');
  end if;
  if char_length(new.body) > 2000 then
    perform private.raise_error('note_too_long', '22023', 'Keep a note to 2,000 characters or fewer.');
  end if;
  return new;
end;
$$;
comment on function private.check_note() is 'Trigger: a note of encouragement has 1 to 2,000 characters.';
grant execute on function private.check_note() to authenticated, service_role;

create trigger encouragement_notes_validate before insert or update on public.encouragement_notes
  for each row execute function private.check_note();
create trigger encouragement_notes_forbid_reparenting before update on public.encouragement_notes
  for each row execute function private.forbid_reparenting();

create policy "The person reads the notes sent to them"
  on public.encouragement_notes for select to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

create policy "Members read the notes they sent, while in the circle"
  on public.encouragement_notes for select to authenticated
  using (author_member_id = any ((select private.my_member_ids())::uuid[]));

create policy "Members send notes to the person"
  on public.encouragement_notes for insert to authenticated
  with check (
    author_member_id = any ((select private.my_member_ids())::uuid[])
    and not (circle_id = any ((select private.my_owned_circle_ids())::uuid[]))
    and (update_id is null
         or exists (select 1 from public.updates u where u.id = encouragement_notes.update_id and u.status = 'published'))
  );

create policy "The person deletes notes sent to them"
  on public.encouragement_notes for delete to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

------------------------------------------------------------------------------------------------------
-- reach_out_requests (written by share_check_in only)
------------------------------------------------------------------------------------------------------

create table public.reach_out_requests (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null,
  update_id uuid not null,
  member_id uuid not null,
  created_at timestamptz not null default now(),
  constraint reach_out_requests_update_member_key unique (update_id, member_id),
  foreign key (update_id, circle_id) references public.updates (id, circle_id) on delete cascade,
  foreign key (member_id, circle_id) references public.circle_members (id, circle_id) on delete cascade
);
alter table public.reach_out_requests enable row level security;
create index reach_out_requests_circle_id_idx on public.reach_out_requests (circle_id);
create index reach_out_requests_member_id_idx on public.reach_out_requests (member_id);

create policy "The person sees whom they asked to reach out"
  on public.reach_out_requests for select to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

-- Only while the member may still see the check-in itself (grant, audience, pause).
create policy "Members see when they were asked to reach out"
  on public.reach_out_requests for select to authenticated
  using (
    member_id = any ((select private.my_member_ids())::uuid[])
    and exists (select 1 from public.updates u where u.id = reach_out_requests.update_id)
  );

------------------------------------------------------------------------------------------------------
-- support_plan_sections
------------------------------------------------------------------------------------------------------

create type public.plan_section_kind as enum (
  'what_helps', 'what_does_not_help', 'warning_signs', 'crisis_contacts', 'do_not_contact', 'practical_arrangements'
);

create table public.support_plan_sections (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references public.circles (id) on delete cascade,
  kind public.plan_section_kind not null,
  body text not null check (char_length(btrim(body)) between 1 and 5000),
  category public.sharing_category not null,
  audience uuid[] check (audience is null or (cardinality(audience) <= 500 and array_position(audience, null) is null)),
  updated_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint support_plan_sections_circle_kind_key unique (circle_id, kind)
);
alter table public.support_plan_sections enable row level security;

/** Validates a plan section: words, at most 5,000 characters. */
create function private.check_plan_section() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.body := private.clean_text(new.body);
  if new.body is null or new.body = '' then
    perform private.raise_error('plan_section_empty', '22023', 'Write something in this section, or delete it.');
  end if;
  if char_length(new.body) > 5000 then
    perform private.raise_error('plan_section_too_long', '22023', 'Keep a section to 5,000 characters or fewer.');
  end if;
  if tg_op = 'UPDATE' then
    new.updated_by := coalesce(auth.uid(), new.updated_by);
  end if;
  return new;
end;
$$;
comment on function private.check_plan_section() is 'Trigger: a plan section has 1 to 5,000 characters.';
grant execute on function private.check_plan_section() to authenticated, service_role;

/** Who may see a plan section is a consent decision: sharing it, changing that, removing it are audited. */
create function private.audit_plan_section() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    perform private.audit(new.circle_id, 'plan_section_shared', null, jsonb_build_object(
      'section', new.kind, 'category', new.category, 'audience', to_jsonb(new.audience)));
  elsif tg_op = 'UPDATE' then
    if (new.category, new.audience) is distinct from (old.category, old.audience) then
      perform private.audit(new.circle_id, 'plan_section_sharing_changed', null, jsonb_build_object(
        'section', new.kind, 'category', new.category, 'audience', to_jsonb(new.audience),
        'from_category', old.category, 'from_audience', to_jsonb(old.audience)));
    end if;
  elsif exists (select 1 from public.circles c where c.id = old.circle_id) then
    -- (Not when the whole circle is being deleted: its history goes with it.)
    perform private.audit(old.circle_id, 'plan_section_removed', null, jsonb_build_object('section', old.kind));
  end if;
  return null;
end;
$$;
comment on function private.audit_plan_section() is
  'Trigger: audits sharing a plan section, changing its category or audience, and removing it.';

create trigger support_plan_sections_validate before insert or update on public.support_plan_sections
  for each row execute function private.check_plan_section();
create trigger support_plan_sections_check_audience before insert or update on public.support_plan_sections
  for each row execute function private.check_audience();
create trigger support_plan_sections_forbid_reparenting before update on public.support_plan_sections
  for each row execute function private.forbid_reparenting();
create trigger support_plan_sections_touch_updated_at before update on public.support_plan_sections
  for each row execute function private.touch_updated_at();
create trigger support_plan_sections_audit after insert or update or delete on public.support_plan_sections
  for each row execute function private.audit_plan_section();

-- Not hidden by "Take a break": the plan (crisis contacts above all) matters most on a hard day.
create policy "Members see the plan sections their grants allow"
  on public.support_plan_sections for select to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and private.consent_allows((select private.viewer_scope(auth.uid())), circle_id, category, audience)
  );

create policy "The person writes their support plan"
  on public.support_plan_sections for insert to authenticated
  with check (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

create policy "The person edits their support plan"
  on public.support_plan_sections for update to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]))
  with check (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

create policy "The person deletes sections of their support plan"
  on public.support_plan_sections for delete to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

------------------------------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------------------------------

revoke all on public.update_reactions, public.encouragement_notes, public.reach_out_requests,
  public.support_plan_sections from public, anon, authenticated;

grant select, delete, insert (update_id, circle_id, member_id) on public.update_reactions to authenticated;
grant select, delete, insert (circle_id, author_member_id, update_id, body) on public.encouragement_notes to authenticated;
grant select on public.reach_out_requests to authenticated;
grant select, delete,
  insert (circle_id, kind, body, category, audience),
  update (body, category, audience)
  on public.support_plan_sections to authenticated;

grant all on public.update_reactions, public.encouragement_notes, public.reach_out_requests,
  public.support_plan_sections to service_role;

------------------------------------------------------------------------------------------------------
-- RPCs
------------------------------------------------------------------------------------------------------

/**
 * The check-in: in one transaction, a wellbeing update with a colour (and an optional line), and a
 * reach-out request for each member the person ticked. Only members who hold wellbeing may be asked
 * (they are the ones who will see the check-in). With only_reach_out, the check-in's audience is the
 * people asked. Returns the update id and, for the reach-out emails, each recipient's email and name.
 * Definer: the emails live in auth.users. Owner only.
 */
create function public.share_check_in(
  circle_id uuid,
  colour public.check_in_colour,
  note text default null,
  reach_out uuid[] default null,
  only_reach_out boolean default false
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  clean_note text := coalesce(private.clean_text(share_check_in.note), '');
  asked uuid[];
  new_update public.updates;
  recipients jsonb;
begin
  perform private.require_owner(share_check_in.circle_id, 'circle_not_found');
  if share_check_in.colour is null then
    perform private.raise_error('invalid_check_in', '22023', 'Choose green, yellow or red.');
  end if;
  if char_length(clean_note) > 500 then
    perform private.raise_error('check_in_note_too_long', '22023', 'Keep the line to 500 characters or fewer.');
  end if;
  if array_position(share_check_in.reach_out, null) is not null or cardinality(share_check_in.reach_out) > 100 then
    perform private.raise_error('invalid_reach_out', '22023', 'Choose people from the list.');
  end if;
  asked := array(select distinct a from unnest(coalesce(share_check_in.reach_out, '{}')) as a order by a);
  if exists (
    select 1 from unnest(asked) as a(member_id)
     where not exists (
       select 1 from public.circle_members m
         join public.sharing_grants g on g.member_id = m.id and g.category = 'wellbeing'
        where m.id = a.member_id and m.circle_id = share_check_in.circle_id
          and m.status = 'active' and m.role <> 'owner')
  ) then
    perform private.raise_error('invalid_reach_out', '22023',
      'You can only ask people who see your wellbeing updates to reach out.');
  end if;
  if coalesce(share_check_in.only_reach_out, false) and cardinality(asked) = 0 then
    perform private.raise_error('invalid_reach_out', '22023', 'Tick at least one person to share this check-in with.');
  end if;

  insert into public.updates (circle_id, author_id, category, body, status, check_in, audience)
  values (share_check_in.circle_id, auth.uid(), 'wellbeing', clean_note, 'published', share_check_in.colour,
          case when coalesce(share_check_in.only_reach_out, false) then asked end)
  returning * into new_update;

  insert into public.reach_out_requests (circle_id, update_id, member_id)
  select share_check_in.circle_id, new_update.id, a from unnest(asked) as a;

  select coalesce(jsonb_agg(jsonb_build_object(
           'member_id', m.id, 'email', u.email, 'name', p.display_name, 'label', m.label) order by p.display_name), '[]')
    into recipients
    from public.circle_members m
    join auth.users u on u.id = m.user_id
    join public.profiles p on p.id = m.user_id
   where m.id = any (asked);

  return jsonb_build_object('update_id', new_update.id, 'recipients', recipients);
end;
$$;
comment on function public.share_check_in(uuid, public.check_in_colour, text, uuid[], boolean) is
  'Owner only: a check-in (wellbeing update with a colour) and reach-out requests, atomically; returns recipients.';

/**
 * The person approves (publishes) or declines a draft someone else wrote, with an optional note for a
 * refusal. Audited by trigger. Returns what the notice to the author needs (their email and name).
 * Definer: the author's email lives in auth.users. Owner only; anyone else learns nothing.
 */
create function public.review_update(update_id uuid, approve boolean, note text default null)
returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  target public.updates;
  author_email text;
  author_name text;
  circle_name text;
begin
  if auth.uid() is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  select * into target from public.updates u where u.id = review_update.update_id for update;
  if target.id is null then
    perform private.raise_error('update_not_found', 'PT404', 'Not found.');
  end if;
  if not exists (select 1 from public.circles c where c.id = target.circle_id and c.owner_id = auth.uid()) then
    -- A coordinator may see their own draft, but only the person reviews it.
    if exists (select 1 from public.circle_members m
                where m.circle_id = target.circle_id and m.user_id = auth.uid() and m.status = 'active')
       and target.author_id = auth.uid() then
      perform private.fail('not_circle_owner', 'Only the person whose circle this is can approve an update.');
    end if;
    perform private.raise_error('update_not_found', 'PT404', 'Not found.');
  end if;
  if review_update.approve is null then
    perform private.raise_error('invalid_review', '22023', 'Choose to approve or decline.');
  end if;
  if target.status not in ('draft', 'pending') then
    perform private.raise_error('update_already_reviewed', 'PT409', 'This draft has already been approved or declined.');
  end if;

  update public.updates u
     set status = case when review_update.approve then 'published' else 'declined' end::public.update_status,
         review_note = case when review_update.approve then null else review_update.note end
   where u.id = target.id
  returning * into target;

  select u.email, p.display_name into author_email, author_name
    from auth.users u join public.profiles p on p.id = u.id
   where u.id = target.author_id and u.id <> auth.uid();
  select c.name into circle_name from public.circles c where c.id = target.circle_id;
  return jsonb_build_object('update_id', target.id, 'status', target.status, 'circle_name', circle_name,
    'author_email', author_email, 'author_name', author_name);
end;
$$;
comment on function public.review_update(uuid, boolean, text) is
  'Owner only: approves (publishes) or declines a draft; returns the author''s email for the notice.';

/**
 * Sends or withdraws the caller's support on an update they can see. Invoker: RLS on updates and
 * update_reactions decides; the checks here only turn refusals into clear errors. Returns the count.
 */
create function public.set_update_support(update_id uuid, supported boolean) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  target public.updates;
  me uuid;
  total integer;
begin
  if auth.uid() is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  select * into target from public.updates u where u.id = set_update_support.update_id;
  if target.id is null or target.status <> 'published' then
    perform private.raise_error('update_not_found', 'PT404', 'Not found.');
  end if;
  if target.circle_id = any (private.my_owned_circle_ids()) then
    perform private.raise_error('cannot_support_own_update', '22023', 'This is your own update.');
  end if;
  select m.id into me from public.circle_members m
   where m.circle_id = target.circle_id and m.user_id = auth.uid() and m.status = 'active';
  if coalesce(set_update_support.supported, true) then
    insert into public.update_reactions (update_id, circle_id, member_id)
    values (target.id, target.circle_id, me)
    on conflict do nothing;
  else
    delete from public.update_reactions r where r.update_id = target.id and r.member_id = me;
  end if;
  select s.supporters into total from public.update_support_summary(array[target.id]) as s;
  return coalesce(total, 0);
end;
$$;
comment on function public.set_update_support(uuid, boolean) is
  'Sends (true) or withdraws (false) the caller''s support on an update they can see; returns the count.';

/**
 * How many members sent support on each of the given updates, and whether the caller did, for the
 * updates the caller may see (the same rule as the updates policy). Definer: the count includes
 * reactions the caller may not read one by one.
 */
create function public.update_support_summary(update_ids uuid[])
returns table (update_id uuid, supporters integer, supported_by_me boolean)
language plpgsql stable security definer set search_path = '' as $$
#variable_conflict use_column
declare
  scope private.viewer_scope := private.viewer_scope(auth.uid());
begin
  if auth.uid() is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  if cardinality(update_support_summary.update_ids) > 200 then
    perform private.raise_error('too_many_updates', '22023', 'Ask for at most 200 updates at a time.');
  end if;
  return query
    select u.id, count(r.member_id)::integer, coalesce(bool_or(r.member_id = any (scope.member_ids)), false)
      from public.updates u
      left join public.update_reactions r on r.update_id = u.id
     where u.id = any (update_support_summary.update_ids)
       and u.status = 'published'
       and private.update_visible(scope, u.circle_id, u.category, u.audience, u.status, u.author_id)
     group by u.id;
end;
$$;
comment on function public.update_support_summary(uuid[]) is
  'Support counts (and whether the caller sent support) for the given updates the caller may see.';

/** "Preview as" for the support plan: the sections a member sees, by the same rule. Owner only. */
create function public.preview_support_plan(member_id uuid) returns setof public.support_plan_sections
language plpgsql stable security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  member public.circle_members := private.member_to_preview(preview_support_plan.member_id);
  scope private.viewer_scope := private.viewer_scope(member.user_id, member.circle_id);
begin
  return query
    select s.* from public.support_plan_sections s
     where s.circle_id = member.circle_id
       and private.consent_allows(scope, s.circle_id, s.category, s.audience);
end;
$$;
comment on function public.preview_support_plan(uuid) is
  'Owner only: the support plan sections exactly as the given member sees them (same rule as RLS).';

/**
 * Everything of a circle as one JSON document, for the person (owner only): the circle, members,
 * grants, invitations (never token hashes), tasks (with the calendar's series, thanks and offers),
 * claims, updates, support, notes, reach-outs, the support plan and the audit log. Invoker: the owner
 * may read all of it through RLS anyway.
 */
create function public.export_circle(circle_id uuid) returns jsonb
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
      select coalesce(jsonb_agg(to_jsonb(a) order by a.id), '[]') from public.audit_events a where a.circle_id = cid)
  );
end;
$$;
comment on function public.export_circle(uuid) is
  'Owner only: the whole circle as one JSON document (no secrets such as invitation token hashes).';

/** Folds what phones type differently (case, curly quotes) so that "Maria’s circle" matches. */
create function private.confirmation_form(value text) returns text
language sql immutable set search_path = '' as $$
  select lower(btrim(translate(coalesce(value, ''), '‘’‛“”', '''''''""')))
$$;
comment on function private.confirmation_form(text) is
  'A typed confirmation, folded: trimmed, lower case, straight quotes.';

/**
 * Deletes a circle and everything in it (members, grants, invitations, tasks, claims, updates, notes,
 * plan, audit log). The caller must own it and type its name. Definer: no one may delete circles
 * directly.
 */
create function public.delete_circle(circle_id uuid, confirm_name text) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  the_circle public.circles;
begin
  perform private.require_owner(delete_circle.circle_id, 'circle_not_found');
  select * into the_circle from public.circles c where c.id = delete_circle.circle_id for update;
  if private.confirmation_form(delete_circle.confirm_name) <> private.confirmation_form(the_circle.name) then
    perform private.raise_error('circle_name_mismatch', '22023', 'Type the name of the circle exactly to delete it.');
  end if;
  delete from public.circles c where c.id = the_circle.id;
end;
$$;
comment on function public.delete_circle(uuid, text) is
  'Owner only, after typing the circle''s name: deletes the circle and everything in it.';

/**
 * Deletes the caller's account after they type their email address. The circles they own go with it;
 * in the others they become a former member (claims on future tasks released, history kept). See
 * private.before_profile_delete. Definer: only the auth schema's owner may delete auth users.
 */
create function public.delete_account(confirm_email text) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  caller uuid := auth.uid();
  account_email text;
begin
  if caller is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  select u.email into account_email from auth.users u where u.id = caller;
  if account_email is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  if private.confirmation_form(delete_account.confirm_email) <> private.confirmation_form(account_email) then
    perform private.raise_error('account_email_mismatch', '22023', 'Type your email address exactly to delete your account.');
  end if;
  delete from auth.users u where u.id = caller;
end;
$$;
comment on function public.delete_account(text) is
  'Deletes the caller''s account (after typing its email): own circles deleted, other memberships ended.';

------------------------------------------------------------------------------------------------------
-- Who may call what
------------------------------------------------------------------------------------------------------

revoke all on function
  public.share_check_in(uuid, public.check_in_colour, text, uuid[], boolean),
  public.review_update(uuid, boolean, text),
  public.set_update_support(uuid, boolean),
  public.update_support_summary(uuid[]),
  public.preview_support_plan(uuid),
  public.export_circle(uuid),
  public.delete_circle(uuid, text),
  public.delete_account(text)
from public, anon, authenticated;

grant execute on function
  public.share_check_in(uuid, public.check_in_colour, text, uuid[], boolean),
  public.review_update(uuid, boolean, text),
  public.set_update_support(uuid, boolean),
  public.update_support_summary(uuid[]),
  public.preview_support_plan(uuid),
  public.export_circle(uuid),
  public.delete_circle(uuid, text),
  public.delete_account(text)
to authenticated, service_role;
