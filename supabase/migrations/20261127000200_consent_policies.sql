-- The consent-controlled circle, part 2: the consent rule and the row-level security policies.
--
-- How a policy decides, in two steps:
--   1. private.viewer_scope(user) reads, once per statement, what the user holds: the circles they own,
--      their ACTIVE memberships, their grants ('<circle id>/<category>' keys) and which of their circles
--      have updates paused. It is the only place that reads membership and grants.
--   2. private.consent_allows(scope, circle_id, category, audience) is the consent rule of SPEC.md,
--      applied to each row: a pure function of the scope and the row, so it costs microseconds.
-- The "Preview as" RPCs call the very same two functions with the previewed member's scope.
--
-- Every policy is `to authenticated`; anon has no table privileges at all. Helpers that read tables are
-- `security definer` with an empty search_path and are wrapped as `(select ...)` so that Postgres runs
-- them once per statement (an initPlan), not once per row.

create type private.viewer_scope as (
  user_id uuid,
  owned_circle_ids uuid[],   -- circles the user owns
  circle_ids uuid[],         -- circles the user owns or is an active member of
  member_ids uuid[],         -- the user's active circle_members ids
  paused_circle_ids uuid[],  -- of circle_ids, those whose updates are paused
  read_keys text[],          -- '<circle id>/<category>' for every grant of an active membership
  write_keys text[]          -- the same, for active coordinator memberships only
);

/**
 * What `viewer` holds: owned circles, active memberships, grants. A user may read their own scope; the
 * owner of `only_circle` may read a member's scope limited to that circle (for "Preview as"). Anyone
 * else gets an empty scope, which allows nothing. plpgsql so that its plan is cached per session: it
 * runs once per statement on every policy-checked query.
 */
create function private.viewer_scope(viewer uuid, only_circle uuid default null)
returns private.viewer_scope
language plpgsql stable security definer set search_path = '' as $$
declare
  result private.viewer_scope;
begin
  select viewer, s.owned, s.owned || s.member_circles, s.member_ids, s.paused, s.read_keys, s.write_keys
    into result
    from (
      with m as (
        select m.id, m.circle_id, m.role, c.updates_paused
          from public.circle_members m
          join public.circles c on c.id = m.circle_id
         where m.user_id = viewer and m.status = 'active' and (only_circle is null or m.circle_id = only_circle)
      ), g as (
        select m.circle_id::text || '/' || g.category::text as key, m.role
          from m join public.sharing_grants g on g.member_id = m.id
      )
      select coalesce((select array_agg(c.id) from public.circles c
                        where c.owner_id = viewer and (only_circle is null or c.id = only_circle)), '{}') as owned,
             coalesce((select array_agg(m.circle_id) from m), '{}') as member_circles,
             coalesce((select array_agg(m.id) from m), '{}') as member_ids,
             coalesce((select array_agg(m.circle_id) from m where m.updates_paused), '{}') as paused,
             coalesce((select array_agg(g.key) from g), '{}') as read_keys,
             coalesce((select array_agg(g.key) from g where g.role = 'coordinator'), '{}') as write_keys
    ) s
   where viewer = auth.uid()
      or exists (select 1 from public.circles c where c.id = only_circle and c.owner_id = auth.uid());
  if not found then
    return row(viewer, '{}', '{}', '{}', '{}', '{}', '{}');
  end if;
  return result;
end;
$$;
comment on function private.viewer_scope(uuid, uuid) is
  'What a user holds (owned circles, active memberships, grants); a member''s scope for the owner''s Preview as.';

/**
 * THE CONSENT RULE (SPEC.md): an item of `circle_id`, `category`, `audience` is visible iff the viewer
 * owns the circle, or is an active member holding the grant for the category and, when the item has an
 * audience, is in it. Pure and cheap: it runs once per row. No SET search_path on purpose (a SET clause
 * costs a settings save/restore per call); it reads no table and uses only built-in operators.
 */
create function private.consent_allows(
  scope private.viewer_scope,
  item_circle_id uuid,
  item_category public.sharing_category,
  item_audience uuid[]
) returns boolean
language plpgsql immutable parallel safe as $$
begin
  return item_circle_id = any (scope.circle_ids)
     and (
       item_circle_id = any (scope.owned_circle_ids)
       or (
         (item_circle_id::text || '/' || item_category::text) = any (scope.read_keys)
         -- audience ids are members of the item's circle (trigger), so an overlap with the viewer's
         -- active member ids means the viewer's membership in this very circle is listed.
         and (item_audience is null or item_audience && scope.member_ids)
       )
     );
end;
$$;
comment on function private.consent_allows(private.viewer_scope, uuid, public.sharing_category, uuid[]) is
  'The consent rule: owner, or active member with the category grant and (if any) in the audience.';

/**
 * Updates: the consent rule for published updates, hidden from all but the owner while the circle's
 * updates are paused; drafts, pending and declined updates only for the owner and their author.
 */
create function private.update_visible(
  scope private.viewer_scope,
  item_circle_id uuid,
  item_category public.sharing_category,
  item_audience uuid[],
  item_status public.update_status,
  item_author_id uuid
) returns boolean
language plpgsql immutable parallel safe as $$
begin
  if not (item_circle_id = any (scope.circle_ids)) then
    return false;
  end if;
  if item_circle_id = any (scope.owned_circle_ids) then
    return true;
  end if;
  if item_status = 'published' then
    return not (item_circle_id = any (scope.paused_circle_ids))
       and private.consent_allows(scope, item_circle_id, item_category, item_audience);
  end if;
  return item_author_id = scope.user_id;
end;
$$;
comment on function private.update_visible(private.viewer_scope, uuid, public.sharing_category, uuid[], public.update_status, uuid) is
  'Consent rule for updates: published ones by the rule unless paused; unpublished ones owner and author only.';

/** Who may create or edit an item of this category: the owner, or an active coordinator holding it. */
create function private.can_manage_item(
  scope private.viewer_scope,
  item_circle_id uuid,
  item_category public.sharing_category
) returns boolean
language plpgsql immutable parallel safe as $$
begin
  return item_circle_id = any (scope.owned_circle_ids)
      or (item_circle_id::text || '/' || item_category::text) = any (scope.write_keys);
end;
$$;
comment on function private.can_manage_item(private.viewer_scope, uuid, public.sharing_category) is
  'Owner, or an active coordinator holding the category: may create and edit items of that category.';

/** Circles the signed-in user owns or is an active member of (the index-friendly part of policies). */
create function private.my_circle_ids() returns uuid[]
language plpgsql stable security definer set search_path = '' as $$
declare
  uid uuid := auth.uid();
  result uuid[];
begin
  select coalesce(array_agg(x.circle_id), '{}') into result from (
    select c.id as circle_id from public.circles c where c.owner_id = uid
    union
    select m.circle_id from public.circle_members m where m.user_id = uid and m.status = 'active'
  ) x;
  return result;
end;
$$;
comment on function private.my_circle_ids() is 'Circles the signed-in user owns or is an active member of.';

/** Circles the signed-in user owns. */
create function private.my_owned_circle_ids() returns uuid[]
language plpgsql stable security definer set search_path = '' as $$
declare
  uid uuid := auth.uid();
  result uuid[];
begin
  select coalesce(array_agg(c.id), '{}') into result from public.circles c where c.owner_id = uid;
  return result;
end;
$$;
comment on function private.my_owned_circle_ids() is 'Circles the signed-in user owns.';

/** The signed-in user's active memberships. */
create function private.my_member_ids() returns uuid[]
language plpgsql stable security definer set search_path = '' as $$
declare
  uid uuid := auth.uid();
  result uuid[];
begin
  select coalesce(array_agg(m.id), '{}') into result from public.circle_members m
   where m.user_id = uid and m.status = 'active';
  return result;
end;
$$;
comment on function private.my_member_ids() is 'The signed-in user''s active circle_members ids.';

/**
 * Profiles the signed-in user may read besides their own: everyone in circles they own (former members
 * too, for history) and the active members of circles they are an active member of.
 */
create function private.my_visible_profile_ids() returns uuid[]
language plpgsql stable security definer set search_path = '' as $$
declare
  uid uuid := auth.uid();
  result uuid[];
begin
  select coalesce(array_agg(distinct m.user_id), '{}') into result
    from public.circle_members m
   where m.circle_id in (select c.id from public.circles c where c.owner_id = uid)
      or (m.status = 'active' and m.circle_id in (
            select mine.circle_id from public.circle_members mine where mine.user_id = uid and mine.status = 'active'));
  return result;
end;
$$;
comment on function private.my_visible_profile_ids() is
  'Profiles of people who share a circle with the signed-in user (all members, for an owner).';

grant execute on function
  private.viewer_scope(uuid, uuid),
  private.consent_allows(private.viewer_scope, uuid, public.sharing_category, uuid[]),
  private.update_visible(private.viewer_scope, uuid, public.sharing_category, uuid[], public.update_status, uuid),
  private.can_manage_item(private.viewer_scope, uuid, public.sharing_category),
  private.my_circle_ids(),
  private.my_owned_circle_ids(),
  private.my_member_ids(),
  private.my_visible_profile_ids()
to authenticated, service_role;

------------------------------------------------------------------------------------------------------
-- profiles
------------------------------------------------------------------------------------------------------

create policy "People can read their own profile and those of people in their circles"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()) or id = any ((select private.my_visible_profile_ids())::uuid[]));

create policy "People can update their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

------------------------------------------------------------------------------------------------------
-- circles (created by create_circle; only name, time zone and the two switches are updatable)
------------------------------------------------------------------------------------------------------

create policy "Owners and active members can read their circles"
  on public.circles for select to authenticated
  using (id = any ((select private.my_circle_ids())::uuid[]));

create policy "Owners can update their circles"
  on public.circles for update to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

------------------------------------------------------------------------------------------------------
-- circle_members (written by the RPCs; the owner edits label and relationship in place)
------------------------------------------------------------------------------------------------------

create policy "Owners can read every member of their circles"
  on public.circle_members for select to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

create policy "Active members can read the active members of their circles"
  on public.circle_members for select to authenticated
  using (status = 'active' and circle_id = any ((select private.my_circle_ids())::uuid[]));

create policy "Owners can edit their members' labels and relationships"
  on public.circle_members for update to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]))
  with check (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

------------------------------------------------------------------------------------------------------
-- sharing_grants (written by set_member_grants and accept_invitation only)
------------------------------------------------------------------------------------------------------

create policy "Owners can read every grant in their circles"
  on public.sharing_grants for select to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

create policy "Members can read their own grants"
  on public.sharing_grants for select to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]));

------------------------------------------------------------------------------------------------------
-- invitations (written by the invitation RPCs only; the token hash column is not granted)
------------------------------------------------------------------------------------------------------

create policy "Owners can read their circles' invitations"
  on public.invitations for select to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

create policy "Active members can read the invitations they sent"
  on public.invitations for select to authenticated
  using (invited_by = (select auth.uid()) and circle_id = any ((select private.my_circle_ids())::uuid[]));

------------------------------------------------------------------------------------------------------
-- tasks
------------------------------------------------------------------------------------------------------

create policy "Members see the tasks their grants allow"
  on public.tasks for select to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and private.consent_allows((select private.viewer_scope(auth.uid())), circle_id, category, audience)
  );

create policy "Owners and coordinators add tasks in categories they hold"
  on public.tasks for insert to authenticated
  with check (private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category));

create policy "Owners and coordinators edit visible tasks in categories they hold"
  on public.tasks for update to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category)
    and private.consent_allows((select private.viewer_scope(auth.uid())), circle_id, category, audience)
  )
  with check (private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category));

create policy "Owners and coordinators delete visible tasks in categories they hold"
  on public.tasks for delete to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category)
    and private.consent_allows((select private.viewer_scope(auth.uid())), circle_id, category, audience)
  );

------------------------------------------------------------------------------------------------------
-- task_claims (written by the calendar's RPCs)
------------------------------------------------------------------------------------------------------

-- The subquery on tasks runs under the tasks policy: a claim is visible exactly when its task is.
create policy "Claims are visible to whoever can see their task"
  on public.task_claims for select to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and exists (select 1 from public.tasks t where t.id = task_claims.task_id)
  );

------------------------------------------------------------------------------------------------------
-- updates
------------------------------------------------------------------------------------------------------

create policy "Members see the updates their grants allow, drafts only their author"
  on public.updates for select to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and private.update_visible((select private.viewer_scope(auth.uid())), circle_id, category, audience, status, author_id)
  );

create policy "Owners post updates, coordinators draft them in categories they hold"
  on public.updates for insert to authenticated
  with check (
    author_id = (select auth.uid())
    and (
      circle_id = any ((select private.my_owned_circle_ids())::uuid[])
      or (status in ('draft', 'pending') and private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category))
    )
  );

create policy "Owners edit any update, authors their unpublished drafts"
  on public.updates for update to authenticated
  using (
    circle_id = any ((select private.my_owned_circle_ids())::uuid[])
    or (
      author_id = (select auth.uid()) and status in ('draft', 'pending')
      and private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category)
    )
  )
  with check (
    circle_id = any ((select private.my_owned_circle_ids())::uuid[])
    or (
      author_id = (select auth.uid()) and status in ('draft', 'pending')
      and private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category)
    )
  );

create policy "Owners delete any update, authors their unpublished drafts"
  on public.updates for delete to authenticated
  using (
    circle_id = any ((select private.my_owned_circle_ids())::uuid[])
    or (
      author_id = (select auth.uid()) and status in ('draft', 'pending')
      and private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category)
    )
  );

------------------------------------------------------------------------------------------------------
-- audit_events (written only inside the RPCs and triggers; no update or delete, ever)
------------------------------------------------------------------------------------------------------

create policy "Owners read their circles' audit log"
  on public.audit_events for select to authenticated
  using (circle_id = any ((select private.my_owned_circle_ids())::uuid[]));

create policy "Members read the audit entries about themselves"
  on public.audit_events for select to authenticated
  using (subject_member_id = any ((select private.my_member_ids())::uuid[]));
