-- The consent-controlled circle, part 3: the RPCs (called with supabase.rpc) and their helpers.
--
-- Errors: every error raised here has a stable snake_case key as its MESSAGE (what the app maps to
-- words), a human sentence as DETAIL, and an SQLSTATE that PostgREST turns into an HTTP status:
-- 42501 → 401/403, PT404 → 404, PT409 → 409, PT429 → 429, 22023 → 400. See docs/policies.md.
--
-- Security: functions that only need what RLS already allows the caller run as `security invoker`
-- (set_updates_paused, update_circle_settings, preview_tasks, preview_updates). The others are
-- `security definer` because they write rows no user may write directly (memberships, grants,
-- invitations, audit entries) or serve someone who is not a member yet (the invitee); each one checks
-- the caller itself, first thing. All have an empty search_path and qualify every name.

------------------------------------------------------------------------------------------------------
-- Helpers
------------------------------------------------------------------------------------------------------

/** Raises the error `key` with its SQLSTATE (see the table in docs/policies.md) and a human detail. */
create function private.fail(key text, detail text default null) returns void
language plpgsql volatile set search_path = '' as $$
declare
  code text := case
    when key in ('not_authenticated', 'not_circle_owner', 'not_allowed_to_invite', 'invitation_wrong_account',
                 'email_not_confirmed', 'cannot_change_owner') then '42501'
    when key in ('circle_not_found', 'member_not_found', 'invitation_not_found') then 'PT404'
    when key in ('already_member', 'invitation_already_pending', 'invitation_expired', 'invitation_revoked',
                 'invitation_used', 'invitation_declined', 'member_not_active', 'owner_cannot_leave') then 'PT409'
    when key = 'rate_limited' then 'PT429'
    else '22023'
  end;
begin
  raise exception using errcode = code, message = key, detail = coalesce(detail, key);
end;
$$;
comment on function private.fail(text, text) is
  'Raises an error whose message is a stable key and whose SQLSTATE maps to an HTTP status.';
grant execute on function private.fail(text, text) to authenticated, service_role;

/** Appends an audit entry, as the signed-in user, in the caller's transaction. Not granted to anyone. */
create function private.audit(circle_id uuid, action text, subject_member_id uuid, details jsonb default '{}')
returns void
language sql volatile set search_path = '' as $$
  insert into public.audit_events (circle_id, actor_id, action, subject_member_id, details)
  values (circle_id, auth.uid(), action, subject_member_id, coalesce(details, '{}'))
$$;
comment on function private.audit(uuid, text, uuid, jsonb) is
  'Appends an audit entry (actor = the signed-in user) in the same transaction as the change.';

/** Audits direct changes to the consent switches of a circle (pause, coordinators_can_invite). */
create function private.audit_circle_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.updates_paused is distinct from old.updates_paused then
    perform private.audit(new.id, case when new.updates_paused then 'updates_paused' else 'updates_resumed' end, null);
  end if;
  if new.coordinators_can_invite is distinct from old.coordinators_can_invite then
    perform private.audit(new.id, 'settings_changed', null,
      jsonb_build_object('coordinators_can_invite', new.coordinators_can_invite));
  end if;
  return null;
end;
$$;
comment on function private.audit_circle_change() is
  'Trigger: writes the audit entry for a pause/resume or a coordinators_can_invite change, however made.';

create trigger circles_audit_changes after update of updates_paused, coordinators_can_invite on public.circles
  for each row execute function private.audit_circle_change();

/** A fresh invitation token: 32 random bytes, base64url (43 characters). Shown once, never stored. */
create function private.new_invitation_token() returns text
language sql volatile set search_path = '' as $$
  select rtrim(translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '=')
$$;
comment on function private.new_invitation_token() is 'A new 256-bit invitation token, base64url.';

/** What is stored of a token: its SHA-256, hex. */
create function private.hash_token(token text) returns text
language sql immutable set search_path = '' as $$
  select encode(extensions.digest(token, 'sha256'), 'hex')
$$;
comment on function private.hash_token(text) is 'SHA-256 of an invitation token, hex: the only form stored.';

/** pending | expired | revoked | accepted | declined, from an invitation's timestamps. */
create function private.invitation_state(
  accepted_at timestamptz, declined_at timestamptz, revoked_at timestamptz, expires_at timestamptz
) returns text
language sql stable set search_path = '' as $$
  select case
    when accepted_at is not null then 'accepted'
    when declined_at is not null then 'declined'
    when revoked_at is not null then 'revoked'
    when expires_at <= now() then 'expired'
    else 'pending'
  end
$$;
comment on function private.invitation_state(timestamptz, timestamptz, timestamptz, timestamptz) is
  'State of an invitation: accepted, declined, revoked, expired or pending.';
grant execute on function private.invitation_state(timestamptz, timestamptz, timestamptz, timestamptz)
  to authenticated, service_role;

/** Raises the error for an invitation that is not pending (or expired, when that is acceptable). */
create function private.require_open_invitation(state text, allow_expired boolean) returns void
language plpgsql stable set search_path = '' as $$
begin
  case state
    when 'accepted' then perform private.fail('invitation_used', 'This invitation has already been used.');
    when 'declined' then perform private.fail('invitation_declined', 'This invitation was declined.');
    when 'revoked' then perform private.fail('invitation_revoked', 'This invitation was withdrawn.');
    when 'expired' then
      if not allow_expired then
        perform private.fail('invitation_expired', 'This invitation has expired.');
      end if;
    else null;
  end case;
end;
$$;
comment on function private.require_open_invitation(text, boolean) is
  'Raises invitation_used/declined/revoked/expired unless the invitation is still open.';

/** At most 50 invitation emails (new or re-sent) per circle in any 24 hours. */
create function private.check_invitation_rate(circle_id uuid) returns void
language plpgsql stable set search_path = '' as $$
begin
  if (select count(*) from public.audit_events a
       where a.circle_id = check_invitation_rate.circle_id
         and a.action in ('invitation_sent', 'invitation_resent')
         and a.created_at > now() - interval '24 hours') >= 50 then
    perform private.fail('rate_limited', 'This circle has sent 50 invitations in the last 24 hours. Try again later.');
  end if;
end;
$$;
comment on function private.check_invitation_rate(uuid) is
  'Raises rate_limited when the circle has sent 50 invitation emails in the last 24 hours.';

/**
 * The caller's standing in a circle for an owner-only action. Someone outside the circle learns
 * nothing (`not_found_key`); an active member who is not the owner gets not_circle_owner.
 */
create function private.require_owner(circle_id uuid, not_found_key text) returns void
language plpgsql stable set search_path = '' as $$
declare
  caller uuid := auth.uid();
begin
  if caller is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  if exists (select 1 from public.circles c where c.id = require_owner.circle_id and c.owner_id = caller) then
    return;
  end if;
  if exists (select 1 from public.circle_members m
             where m.circle_id = require_owner.circle_id and m.user_id = caller and m.status = 'active') then
    perform private.fail('not_circle_owner', 'Only the person whose circle this is can do that.');
  end if;
  perform private.fail(not_found_key, 'Not found.');
end;
$$;
comment on function private.require_owner(uuid, text) is
  'Raises unless the signed-in user owns the circle (not_circle_owner for members, a not-found key for others).';
grant execute on function private.require_owner(uuid, text) to authenticated, service_role;

/** Makes sure the signed-in user has a profile (users created before the trigger existed). */
create function private.ensure_profile(user_id uuid) returns void
language sql volatile set search_path = '' as $$
  insert into public.profiles (id, display_name)
  select u.id, private.default_display_name(u.raw_user_meta_data, u.email) from auth.users u where u.id = user_id
  on conflict (id) do nothing
$$;
comment on function private.ensure_profile(uuid) is 'Creates the profile of an auth user if it is missing.';

/** Drops a leaving member's grants and future claims; returns what was dropped, for the audit entry. */
create function private.end_membership(member public.circle_members, new_status public.member_status)
returns jsonb
language plpgsql volatile set search_path = '' as $$
declare
  dropped public.sharing_category[];
  released integer;
begin
  update public.circle_members m set status = new_status, ended_at = now() where m.id = member.id;
  -- Claims first, so that the count is ours even where a grant trigger also releases claims.
  with r as (
    delete from public.task_claims tc using public.tasks t
    where tc.task_id = t.id and tc.member_id = member.id and t.starts_at > now()
    returning tc.id
  )
  select count(*) into released from r;
  with d as (delete from public.sharing_grants g where g.member_id = member.id returning g.category)
  select coalesce(array_agg(d.category order by d.category), '{}') into dropped from d;
  return jsonb_build_object('categories', to_jsonb(dropped), 'released_claims', released);
end;
$$;
comment on function private.end_membership(public.circle_members, public.member_status) is
  'Marks a membership removed/left, drops its grants and releases its claims on future tasks.';

------------------------------------------------------------------------------------------------------
-- Circles
------------------------------------------------------------------------------------------------------

/** Creates a circle owned by the caller, with the owner's membership, in one transaction. */
create function public.create_circle(name text, time_zone text default 'UTC')
returns public.circles
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  caller uuid := auth.uid();
  clean_name text := btrim(create_circle.name);
  result public.circles;
begin
  if caller is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  if clean_name is null or char_length(clean_name) not between 1 and 80 then
    perform private.fail('invalid_circle_name', 'Give the circle a name of 1 to 80 characters.');
  end if;
  if not private.is_valid_time_zone(create_circle.time_zone) then
    perform private.fail('invalid_time_zone', 'Choose a time zone from the list.');
  end if;
  perform private.ensure_profile(caller);

  insert into public.circles (name, owner_id, time_zone)
  values (clean_name, caller, create_circle.time_zone)
  returning * into result;
  insert into public.circle_members (circle_id, user_id, role) values (result.id, caller, 'owner');
  perform private.audit(result.id, 'circle_created', null, jsonb_build_object('name', result.name));
  return result;
end;
$$;
comment on function public.create_circle(text, text) is
  'Creates a circle owned by the caller, with the owner''s membership, atomically.';

/** Pauses or resumes every update of the circle (owner only). Invoker: RLS and column grants suffice. */
create function public.set_updates_paused(circle_id uuid, paused boolean)
returns public.circles
language plpgsql volatile security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  result public.circles;
begin
  perform private.require_owner(set_updates_paused.circle_id, 'circle_not_found');
  if set_updates_paused.paused is null then
    perform private.fail('invalid_paused', 'Say whether updates are paused.');
  end if;
  update public.circles c set updates_paused = set_updates_paused.paused
   where c.id = set_updates_paused.circle_id
  returning * into result;
  return result;
end;
$$;
comment on function public.set_updates_paused(uuid, boolean) is
  '"Take a break": hides every update from everyone but the owner while on (owner only, audited).';

/** Changes the circle's name, time zone or whether coordinators may invite; null leaves a field as is. */
create function public.update_circle_settings(
  circle_id uuid,
  name text default null,
  time_zone text default null,
  coordinators_can_invite boolean default null
) returns public.circles
language plpgsql volatile security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  clean_name text := btrim(update_circle_settings.name);
  result public.circles;
begin
  perform private.require_owner(update_circle_settings.circle_id, 'circle_not_found');
  if clean_name is not null and char_length(clean_name) not between 1 and 80 then
    perform private.fail('invalid_circle_name', 'Give the circle a name of 1 to 80 characters.');
  end if;
  if update_circle_settings.time_zone is not null and not private.is_valid_time_zone(update_circle_settings.time_zone) then
    perform private.fail('invalid_time_zone', 'Choose a time zone from the list.');
  end if;
  update public.circles c set
    name = coalesce(clean_name, c.name),
    time_zone = coalesce(update_circle_settings.time_zone, c.time_zone),
    coordinators_can_invite = coalesce(update_circle_settings.coordinators_can_invite, c.coordinators_can_invite)
  where c.id = update_circle_settings.circle_id
  returning * into result;
  return result;
end;
$$;
comment on function public.update_circle_settings(uuid, text, text, boolean) is
  'Owner only: name, time zone, coordinators_can_invite (null = unchanged; the switch is audited).';

------------------------------------------------------------------------------------------------------
-- Invitations
------------------------------------------------------------------------------------------------------

create type public.invitation_token as (
  invitation_id uuid,
  token text,
  expires_at timestamptz
);
comment on type public.invitation_token is 'The raw invitation token, returned once to put in the email link.';

create type public.invitation_preview as (
  state text,                                -- pending | expired | revoked | accepted | declined
  circle_id uuid,                            -- only for the member who accepted it
  circle_name text,                          -- the fields below only while pending or expired
  inviter_name text,
  role public.member_role,
  relationship public.relationship,
  label text,
  categories public.sharing_category[],
  expires_at timestamptz,
  email_hint text,                           -- e.g. s***@example.com: which account to sign in with
  for_current_user boolean                   -- null when signed out; false = wrong account
);
comment on type public.invitation_preview is 'What the invitation page shows before the invitee accepts.';

/** The view the owner reads invitations through: every column but the token hash, plus the state. */
create view public.invitations_with_state with (security_invoker = true) as
select i.id, i.circle_id, i.email, i.role, i.relationship, i.label, i.categories, i.invited_by, i.created_at,
       i.sent_at, i.send_count, i.expires_at, i.accepted_at, i.accepted_by, i.member_id, i.declined_at,
       i.revoked_at, private.invitation_state(i.accepted_at, i.declined_at, i.revoked_at, i.expires_at) as state
from public.invitations i;
comment on view public.invitations_with_state is
  'Invitations with their state (pending, expired, revoked, accepted, declined); RLS of invitations applies.';
revoke all on public.invitations_with_state from public, anon, authenticated;
grant select on public.invitations_with_state to authenticated, service_role;

/**
 * Invites someone by email. The owner chooses role and categories (defaults by role when null); a
 * coordinator may invite supporters when the owner allows it, and their invitations carry practical
 * only. Returns the raw token once; only its SHA-256 is stored. At most 50 emails per circle per day.
 */
create function public.create_invitation(
  circle_id uuid,
  email text,
  role public.member_role default 'supporter',
  relationship public.relationship default 'other',
  label text default null,
  categories public.sharing_category[] default null
) returns public.invitation_token
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  caller uuid := auth.uid();
  clean_email text := lower(btrim(create_invitation.email));
  clean_label text := nullif(btrim(create_invitation.label), '');
  the_circle public.circles;
  inviter public.circle_members;
  cats public.sharing_category[];
  raw_token text := private.new_invitation_token();
  result public.invitation_token;
begin
  if caller is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  -- The row lock serialises invitations per circle, so the rate limit holds under concurrency.
  select * into the_circle from public.circles c where c.id = create_invitation.circle_id for no key update;
  select * into inviter from public.circle_members m
   where m.circle_id = the_circle.id and m.user_id = caller and m.status = 'active';
  if the_circle.id is null or inviter.id is null then
    perform private.fail('circle_not_found', 'Not found.');
  end if;

  if create_invitation.role is null or create_invitation.role = 'owner' then
    perform private.fail('invalid_role', 'Invite someone as a coordinator or a supporter.');
  end if;
  if inviter.role = 'owner' then
    cats := coalesce(create_invitation.categories, case create_invitation.role
      when 'coordinator' then array['practical', 'general', 'milestones', 'wellbeing']::public.sharing_category[]
      else array['practical', 'general', 'milestones']::public.sharing_category[] end);
  elsif inviter.role = 'coordinator' and the_circle.coordinators_can_invite then
    if create_invitation.role <> 'supporter' then
      perform private.fail('not_allowed_to_invite', 'Coordinators can invite supporters only.');
    end if;
    cats := array['practical']::public.sharing_category[];
  else
    perform private.fail('not_allowed_to_invite', 'Only the person whose circle this is can invite here.');
  end if;
  if array_position(cats, null) is not null then
    perform private.fail('invalid_categories', 'Choose sharing categories from the list.');
  end if;
  cats := array(select distinct c from unnest(cats) as c order by c);

  if clean_email is null or char_length(clean_email) > 254 or clean_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    perform private.fail('invalid_email', 'Enter an email address such as name@example.com.');
  end if;
  if create_invitation.relationship is null then
    perform private.fail('invalid_relationship', 'Choose a relationship.');
  end if;
  if char_length(clean_label) > 60 then
    perform private.fail('invalid_label', 'Keep the label to 60 characters.');
  end if;
  if exists (select 1 from public.circle_members m join auth.users u on u.id = m.user_id
             where m.circle_id = the_circle.id and m.status = 'active' and lower(u.email) = clean_email) then
    perform private.fail('already_member', 'This person is already in the circle.');
  end if;
  if exists (select 1 from public.invitations i
             where i.circle_id = the_circle.id and i.email = clean_email
               and private.invitation_state(i.accepted_at, i.declined_at, i.revoked_at, i.expires_at) = 'pending') then
    perform private.fail('invitation_already_pending', 'This person already has an invitation waiting. Re-send it instead.');
  end if;
  perform private.check_invitation_rate(the_circle.id);

  insert into public.invitations (circle_id, email, role, relationship, label, categories, token_hash, invited_by, expires_at)
  values (the_circle.id, clean_email, create_invitation.role, create_invitation.relationship, clean_label, cats,
          private.hash_token(raw_token), caller, now() + interval '7 days')
  returning id, raw_token, expires_at into result.invitation_id, result.token, result.expires_at;

  perform private.audit(the_circle.id, 'invitation_sent', null, jsonb_build_object(
    'invitation_id', result.invitation_id, 'email', clean_email, 'role', create_invitation.role,
    'relationship', create_invitation.relationship, 'label', clean_label, 'categories', to_jsonb(cats)));
  return result;
end;
$$;
comment on function public.create_invitation(uuid, text, public.member_role, public.relationship, text, public.sharing_category[]) is
  'Invites by email (owner; coordinator when allowed, supporters with practical only); returns the raw token once.';

/**
 * Loads an invitation for the owner or its inviter and locks it. Someone outside the circle gets
 * invitation_not_found; a member without the right gets not_allowed_to_invite.
 */
create function private.invitation_for_manager(invitation_id uuid) returns public.invitations
language plpgsql volatile set search_path = '' as $$
declare
  caller uuid := auth.uid();
  inv public.invitations;
  the_circle public.circles;
  me public.circle_members;
begin
  if caller is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  select * into inv from public.invitations i where i.id = invitation_for_manager.invitation_id for update;
  select * into the_circle from public.circles c where c.id = inv.circle_id;
  select * into me from public.circle_members m
   where m.circle_id = inv.circle_id and m.user_id = caller and m.status = 'active';
  if inv.id is null or me.id is null then
    perform private.fail('invitation_not_found', 'Not found.');
  end if;
  if not (me.role = 'owner'
          or (me.role = 'coordinator' and the_circle.coordinators_can_invite and inv.invited_by = caller)) then
    perform private.fail('not_allowed_to_invite', 'Only the person whose circle this is can manage this invitation.');
  end if;
  return inv;
end;
$$;
comment on function private.invitation_for_manager(uuid) is
  'Locks and returns an invitation the caller may manage (owner, or the coordinator who sent it).';

/** Sends a new link for a pending or expired invitation: new token (the old link dies), 7 more days. */
create function public.resend_invitation(id uuid) returns public.invitation_token
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  inv public.invitations := private.invitation_for_manager(resend_invitation.id);
  raw_token text := private.new_invitation_token();
  result public.invitation_token;
begin
  perform private.require_open_invitation(
    private.invitation_state(inv.accepted_at, inv.declined_at, inv.revoked_at, inv.expires_at), true);
  perform 1 from public.circles c where c.id = inv.circle_id for no key update;
  perform private.check_invitation_rate(inv.circle_id);
  update public.invitations i
     set token_hash = private.hash_token(raw_token), expires_at = now() + interval '7 days',
         sent_at = now(), send_count = i.send_count + 1
   where i.id = inv.id
  returning i.id, raw_token, i.expires_at into result.invitation_id, result.token, result.expires_at;
  perform private.audit(inv.circle_id, 'invitation_resent', null,
    jsonb_build_object('invitation_id', inv.id, 'email', inv.email));
  return result;
end;
$$;
comment on function public.resend_invitation(uuid) is
  'Re-sends a pending or expired invitation: a new token replaces the old one, valid 7 more days.';

/** Withdraws a pending (or expired) invitation; its link stops working at once. */
create function public.revoke_invitation(id uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  inv public.invitations := private.invitation_for_manager(revoke_invitation.id);
begin
  perform private.require_open_invitation(
    private.invitation_state(inv.accepted_at, inv.declined_at, inv.revoked_at, inv.expires_at), true);
  update public.invitations i set revoked_at = now() where i.id = inv.id;
  perform private.audit(inv.circle_id, 'invitation_revoked', null,
    jsonb_build_object('invitation_id', inv.id, 'email', inv.email));
end;
$$;
comment on function public.revoke_invitation(uuid) is 'Withdraws a pending or expired invitation (owner or its inviter).';

/**
 * What the invitation page shows: who invites you, to which circle, as what, and exactly which
 * categories will be shared with you. Callable by anon: the invitee may not have an account yet, and
 * the 256-bit token is the secret (it is what the email carries). Details are shown only while the
 * invitation is pending or expired; for a used, declined or revoked link only its state.
 */
create function public.invitation_preview(token text) returns public.invitation_preview
language plpgsql stable security definer set search_path = '' as $$
#variable_conflict use_column
declare
  caller uuid := auth.uid();
  inv public.invitations;
  result public.invitation_preview;
  caller_email text;
begin
  if invitation_preview.token is null or char_length(invitation_preview.token) not between 20 and 200 then
    perform private.fail('invitation_not_found', 'This invitation link is not valid.');
  end if;
  select * into inv from public.invitations i where i.token_hash = private.hash_token(invitation_preview.token);
  if not found then
    perform private.fail('invitation_not_found', 'This invitation link is not valid.');
  end if;

  result.state := private.invitation_state(inv.accepted_at, inv.declined_at, inv.revoked_at, inv.expires_at);
  if caller is not null then
    select lower(u.email) into caller_email from auth.users u where u.id = caller;
    result.for_current_user := caller_email is not distinct from inv.email;
  end if;
  if result.state = 'accepted' and inv.accepted_by = caller then
    result.circle_id := inv.circle_id;
  end if;
  if result.state in ('pending', 'expired') then
    select c.name, p.display_name into result.circle_name, result.inviter_name
      from public.circles c left join public.profiles p on p.id = inv.invited_by
     where c.id = inv.circle_id;
    result.role := inv.role;
    result.relationship := inv.relationship;
    result.label := inv.label;
    result.categories := inv.categories;
    result.expires_at := inv.expires_at;
    result.email_hint := left(inv.email, 1) || '***@' || split_part(inv.email, '@', 2);
  end if;
  return result;
end;
$$;
comment on function public.invitation_preview(text) is
  'Invitation page data for a token (anon allowed: the token is the secret); details only while pending/expired.';

/**
 * Accepts an invitation: the signed-in user's email (from auth.users, confirmed) must equal the invited
 * email, case-insensitively. Creates or reactivates the membership and its grants atomically; the
 * invitation row is locked, so of two concurrent accepts exactly one succeeds.
 */
create function public.accept_invitation(token text) returns public.circle_members
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  caller uuid := auth.uid();
  inv public.invitations;
  account auth.users;
  member public.circle_members;
  was_member boolean;
begin
  if caller is null then
    perform private.fail('not_authenticated', 'Sign in or create an account to accept this invitation.');
  end if;
  if accept_invitation.token is null or char_length(accept_invitation.token) not between 20 and 200 then
    perform private.fail('invitation_not_found', 'This invitation link is not valid.');
  end if;
  select * into inv from public.invitations i
   where i.token_hash = private.hash_token(accept_invitation.token) for update;
  if not found then
    perform private.fail('invitation_not_found', 'This invitation link is not valid.');
  end if;
  perform private.require_open_invitation(
    private.invitation_state(inv.accepted_at, inv.declined_at, inv.revoked_at, inv.expires_at), false);

  select * into account from auth.users u where u.id = caller;
  if account.id is null or lower(account.email) is distinct from inv.email then
    perform private.fail('invitation_wrong_account', 'This invitation was sent to a different email address.');
  end if;
  if account.email_confirmed_at is null then
    perform private.fail('email_not_confirmed', 'Confirm your email address first.');
  end if;
  perform private.ensure_profile(caller);

  select true into was_member from public.circle_members m where m.circle_id = inv.circle_id and m.user_id = caller;
  insert into public.circle_members as m (circle_id, user_id, role, relationship, label)
  values (inv.circle_id, caller, inv.role, inv.relationship, inv.label)
  on conflict (circle_id, user_id) do update
     set role = excluded.role, relationship = excluded.relationship, label = excluded.label,
         status = 'active', joined_at = now(), ended_at = null
   where m.status <> 'active'
  returning * into member;
  if member.id is null then
    perform private.fail('already_member', 'You are already in this circle.');
  end if;

  delete from public.sharing_grants g where g.member_id = member.id;
  insert into public.sharing_grants (member_id, circle_id, category, granted_by)
  select member.id, member.circle_id, c, inv.invited_by from unnest(inv.categories) as c;
  update public.invitations i set accepted_at = now(), accepted_by = caller, member_id = member.id where i.id = inv.id;

  perform private.audit(inv.circle_id, 'invitation_accepted', member.id, jsonb_build_object(
    'invitation_id', inv.id, 'role', inv.role, 'relationship', inv.relationship, 'label', inv.label,
    'categories', to_jsonb(inv.categories), 'rejoined', coalesce(was_member, false)));
  return member;
end;
$$;
comment on function public.accept_invitation(text) is
  'Accepts an invitation for the signed-in, matching, confirmed email: membership + grants, single use.';

/**
 * Declines an invitation. Callable by anon: someone who does not want to join should not need an
 * account to say so; holding the emailed token is the proof. Declining twice is a no-op.
 */
create function public.decline_invitation(token text) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  inv public.invitations;
  state text;
begin
  if decline_invitation.token is null or char_length(decline_invitation.token) not between 20 and 200 then
    perform private.fail('invitation_not_found', 'This invitation link is not valid.');
  end if;
  select * into inv from public.invitations i
   where i.token_hash = private.hash_token(decline_invitation.token) for update;
  if not found then
    perform private.fail('invitation_not_found', 'This invitation link is not valid.');
  end if;
  state := private.invitation_state(inv.accepted_at, inv.declined_at, inv.revoked_at, inv.expires_at);
  if state = 'declined' then
    return;
  end if;
  perform private.require_open_invitation(state, false);
  update public.invitations i set declined_at = now() where i.id = inv.id;
  perform private.audit(inv.circle_id, 'invitation_declined', null,
    jsonb_build_object('invitation_id', inv.id, 'email', inv.email));
end;
$$;
comment on function public.decline_invitation(text) is 'Declines a pending invitation (anon allowed: the token is the proof).';

------------------------------------------------------------------------------------------------------
-- Members and grants
------------------------------------------------------------------------------------------------------

/** Locks and returns a member of a circle the caller owns; for anyone else, the matching error. */
create function private.member_for_owner(member_id uuid) returns public.circle_members
language plpgsql volatile set search_path = '' as $$
declare
  member public.circle_members;
begin
  if auth.uid() is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  select * into member from public.circle_members m where m.id = member_for_owner.member_id for update;
  if member.id is null then
    perform private.fail('member_not_found', 'Not found.');
  end if;
  perform private.require_owner(member.circle_id, 'member_not_found');
  return member;
end;
$$;
comment on function private.member_for_owner(uuid) is
  'Locks and returns a member of a circle the caller owns (member_not_found / not_circle_owner otherwise).';

/**
 * Sets exactly which categories the person shares with a member (owner only). Takes effect on the
 * very next request, for past items too. One audit entry per category granted or revoked.
 */
create function public.set_member_grants(member_id uuid, categories public.sharing_category[])
returns public.sharing_category[]
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  member public.circle_members := private.member_for_owner(set_member_grants.member_id);
  wanted public.sharing_category[];
  current_cats public.sharing_category[];
  cat public.sharing_category;
begin
  if member.role = 'owner' then
    perform private.fail('cannot_change_owner', 'The person always sees everything in their own circle.');
  end if;
  if member.status <> 'active' then
    perform private.fail('member_not_active', 'This person is no longer in the circle.');
  end if;
  if set_member_grants.categories is null or array_position(set_member_grants.categories, null) is not null then
    perform private.fail('invalid_categories', 'Choose sharing categories from the list.');
  end if;
  wanted := array(select distinct c from unnest(set_member_grants.categories) as c order by c);
  current_cats := array(select g.category from public.sharing_grants g where g.member_id = member.id order by g.category);

  for cat in select c from unnest(wanted) as c where not (c = any (current_cats)) loop
    insert into public.sharing_grants (member_id, circle_id, category, granted_by)
    values (member.id, member.circle_id, cat, auth.uid());
    perform private.audit(member.circle_id, 'grant_added', member.id, jsonb_build_object('category', cat));
  end loop;
  for cat in select c from unnest(current_cats) as c where not (c = any (wanted)) loop
    delete from public.sharing_grants g where g.member_id = member.id and g.category = cat;
    perform private.audit(member.circle_id, 'grant_revoked', member.id, jsonb_build_object('category', cat));
  end loop;
  return wanted;
end;
$$;
comment on function public.set_member_grants(uuid, public.sharing_category[]) is
  'Owner only: sets a member''s categories; one audit entry per category granted or revoked.';

/** Makes an active member a coordinator or a supporter (owner only). Grants are left as they are. */
create function public.set_member_role(member_id uuid, role public.member_role) returns public.circle_members
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  member public.circle_members := private.member_for_owner(set_member_role.member_id);
  result public.circle_members;
begin
  if member.role = 'owner' or set_member_role.role = 'owner' then
    perform private.fail('cannot_change_owner', 'A circle has one owner, for good.');
  end if;
  if set_member_role.role is null then
    perform private.fail('invalid_role', 'Choose coordinator or supporter.');
  end if;
  if member.status <> 'active' then
    perform private.fail('member_not_active', 'This person is no longer in the circle.');
  end if;
  if member.role = set_member_role.role then
    return member;
  end if;
  update public.circle_members m set role = set_member_role.role where m.id = member.id returning * into result;
  perform private.audit(member.circle_id, 'role_changed', member.id,
    jsonb_build_object('from', member.role, 'to', set_member_role.role));
  return result;
end;
$$;
comment on function public.set_member_role(uuid, public.member_role) is
  'Owner only: makes a member coordinator or supporter (audited).';

/**
 * Removes a member (owner only): status removed, all their grants dropped, their claims on future
 * tasks released. All their access ends with this transaction.
 */
create function public.remove_member(member_id uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  member public.circle_members := private.member_for_owner(remove_member.member_id);
begin
  if member.role = 'owner' then
    perform private.fail('cannot_change_owner', 'The person cannot be removed from their own circle.');
  end if;
  if member.status <> 'active' then
    perform private.fail('member_not_active', 'This person is no longer in the circle.');
  end if;
  perform private.audit(member.circle_id, 'member_removed', member.id, private.end_membership(member, 'removed'));
end;
$$;
comment on function public.remove_member(uuid) is
  'Owner only: removes a member, drops their grants, releases their claims on future tasks (audited).';

/** The caller leaves a circle (not its owner): grants dropped, claims on future tasks released. */
create function public.leave_circle(circle_id uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  member public.circle_members;
begin
  if auth.uid() is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  select * into member from public.circle_members m
   where m.circle_id = leave_circle.circle_id and m.user_id = auth.uid() and m.status = 'active'
   for update;
  if member.id is null then
    perform private.fail('circle_not_found', 'Not found.');
  end if;
  if member.role = 'owner' then
    perform private.fail('owner_cannot_leave', 'The person cannot leave their own circle; they can delete it instead.');
  end if;
  perform private.audit(member.circle_id, 'member_left', member.id, private.end_membership(member, 'left'));
end;
$$;
comment on function public.leave_circle(uuid) is
  'The caller leaves the circle (the owner cannot): grants dropped, future claims released (audited).';

------------------------------------------------------------------------------------------------------
-- Preview as
------------------------------------------------------------------------------------------------------

/** Loads a member for "Preview as": the caller must own the member's circle. */
create function private.member_to_preview(member_id uuid) returns public.circle_members
language plpgsql stable set search_path = '' as $$
declare
  member public.circle_members;
begin
  if auth.uid() is null then
    perform private.fail('not_authenticated', 'Sign in first.');
  end if;
  -- Runs as the caller: RLS shows them only members of circles they are in.
  select * into member from public.circle_members m where m.id = member_to_preview.member_id;
  if member.id is null then
    perform private.fail('member_not_found', 'Not found.');
  end if;
  perform private.require_owner(member.circle_id, 'member_not_found');
  return member;
end;
$$;
comment on function private.member_to_preview(uuid) is
  'Returns a member of a circle the caller owns, for Preview as (errors otherwise).';
grant execute on function private.member_to_preview(uuid) to authenticated, service_role;

/**
 * "Preview as": the tasks `member_id` sees, computed by the same consent rule the tasks policy applies
 * (private.consent_allows with that member's scope). Owner only. Invoker: the owner may read every
 * task of the circle anyway. Returns a set of tasks, so PostgREST filters (dates, order) apply.
 */
create function public.preview_tasks(member_id uuid) returns setof public.tasks
language plpgsql stable security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  member public.circle_members := private.member_to_preview(preview_tasks.member_id);
  scope private.viewer_scope := private.viewer_scope(member.user_id, member.circle_id);
begin
  return query
    select t.* from public.tasks t
     where t.circle_id = member.circle_id
       and private.consent_allows(scope, t.circle_id, t.category, t.audience);
end;
$$;
comment on function public.preview_tasks(uuid) is
  'Owner only: the circle''s tasks exactly as the given member sees them (same consent rule as RLS).';

/** "Preview as" for updates: the same rule as the updates policy, with the member's scope. Owner only. */
create function public.preview_updates(member_id uuid) returns setof public.updates
language plpgsql stable security invoker set search_path = '' as $$
#variable_conflict use_column
declare
  member public.circle_members := private.member_to_preview(preview_updates.member_id);
  scope private.viewer_scope := private.viewer_scope(member.user_id, member.circle_id);
begin
  return query
    select u.* from public.updates u
     where u.circle_id = member.circle_id
       and private.update_visible(scope, u.circle_id, u.category, u.audience, u.status, u.author_id);
end;
$$;
comment on function public.preview_updates(uuid) is
  'Owner only: the circle''s updates exactly as the given member sees them (same rule as RLS).';

------------------------------------------------------------------------------------------------------
-- Who may call what
------------------------------------------------------------------------------------------------------

revoke all on function
  public.create_circle(text, text),
  public.set_updates_paused(uuid, boolean),
  public.update_circle_settings(uuid, text, text, boolean),
  public.create_invitation(uuid, text, public.member_role, public.relationship, text, public.sharing_category[]),
  public.resend_invitation(uuid),
  public.revoke_invitation(uuid),
  public.invitation_preview(text),
  public.accept_invitation(text),
  public.decline_invitation(text),
  public.set_member_grants(uuid, public.sharing_category[]),
  public.set_member_role(uuid, public.member_role),
  public.remove_member(uuid),
  public.leave_circle(uuid),
  public.preview_tasks(uuid),
  public.preview_updates(uuid)
from public, anon, authenticated;

grant execute on function
  public.create_circle(text, text),
  public.set_updates_paused(uuid, boolean),
  public.update_circle_settings(uuid, text, text, boolean),
  public.create_invitation(uuid, text, public.member_role, public.relationship, text, public.sharing_category[]),
  public.resend_invitation(uuid),
  public.revoke_invitation(uuid),
  public.accept_invitation(text),
  public.set_member_grants(uuid, public.sharing_category[]),
  public.set_member_role(uuid, public.member_role),
  public.remove_member(uuid),
  public.leave_circle(uuid),
  public.preview_tasks(uuid),
  public.preview_updates(uuid)
to authenticated, service_role;

-- The invitation page works before the invitee has an account (see the functions' comments).
grant execute on function public.invitation_preview(text), public.decline_invitation(text)
  to anon, authenticated, service_role;
