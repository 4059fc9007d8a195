-- One-click unsubscribe as a narrow capability (issue 10 item 10). An unsubscribe token does one thing:
-- it stops one kind of email (the digest, or the "claimed" or "released" notice) for one member of one
-- circle, until 90 days after the email was sent. It is checked here, by two functions the signed-out
-- app may call, so no request ever acts as the member (the route used to mint the member a JWT).
--
-- Token: base64url of 42 bytes: version 1 | purpose (0 digest, 1 claimed, 2 released) | member id (16)
-- | expiry, Unix seconds (8) | the first 16 bytes of HMAC-SHA-256 of those 26 bytes under a random key.
-- The key lives in private.unsubscribe_keys, which no API role can read (the private schema is not
-- exposed by PostgREST and the table is granted to no one); only these definer functions use it.

create table private.unsubscribe_keys (
  id smallint primary key default 1 check (id = 1),
  key bytea not null default extensions.gen_random_bytes(32) check (length(key) = 32),
  created_at timestamptz not null default now()
);
insert into private.unsubscribe_keys default values;
revoke all on private.unsubscribe_keys from public, anon, authenticated, service_role;

create function private.unsubscribe_mac(body bytea) returns bytea
language sql stable security definer set search_path = '' as $$
  select substring(extensions.hmac(body, k.key, 'sha256') from 1 for 16) from private.unsubscribe_keys k where k.id = 1;
$$;

create function private.unsubscribe_token(member_id uuid, purpose text, expires_at timestamptz) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  code int := array_position(array['digest', 'claimed', 'released'], purpose) - 1;
  body bytea;
begin
  if member_id is null or code is null or expires_at is null then
    perform private.fail('invalid_unsubscribe_request', 'A member id, a purpose (digest, claimed, released) and an expiry are required.');
  end if;
  body := '\x01'::bytea || pg_catalog.set_byte('\x00'::bytea, 0, code) || pg_catalog.uuid_send(member_id)
    || pg_catalog.int8send(floor(extract(epoch from expires_at))::bigint);
  return rtrim(translate(encode(body || private.unsubscribe_mac(body), 'base64'), E'+/\n', '-_'), '=');
end;
$$;

/** What a token allows, or no row for anything forged, altered, cut short or malformed. Expiry not checked. */
create function private.unsubscribe_target(token text)
returns table (member_id uuid, purpose text, expires_at timestamptz)
language plpgsql stable security definer set search_path = '' as $$
declare
  raw bytea;
  body bytea;
  key bytea;
begin
  if token is null or token !~ '^[A-Za-z0-9_-]{56}$' then
    return;
  end if;
  raw := decode(translate(token, '-_', '+/'), 'base64');
  body := substring(raw from 1 for 26);
  select k.key into key from private.unsubscribe_keys k where k.id = 1;
  -- Compared through a second HMAC, so the comparison's timing says nothing about the expected MAC.
  if extensions.hmac(substring(raw from 27), key, 'sha256')
      <> extensions.hmac(private.unsubscribe_mac(body), key, 'sha256') then
    return;
  end if;
  if get_byte(raw, 0) <> 1 or get_byte(raw, 1) > 2 then
    return;
  end if;
  return query select
    encode(substring(raw from 3 for 16), 'hex')::uuid,
    (array['digest', 'claimed', 'released'])[get_byte(raw, 1) + 1],
    to_timestamp(('x' || encode(substring(raw from 19 for 8), 'hex'))::bit(64)::bigint);
end;
$$;

/**
 * The email job's tokens, one per {member_id, purpose} asked for, valid for 90 days from p_now (the
 * job's clock). Service role only.
 */
create function public.email_unsubscribe_tokens(p_requests jsonb, p_now timestamptz default now())
returns table (member_id uuid, purpose text, token text)
language sql stable security definer set search_path = '' as $$
  select r.member_id, r.purpose, private.unsubscribe_token(r.member_id, r.purpose, p_now + interval '90 days')
    from jsonb_to_recordset(p_requests) as r (member_id uuid, purpose text);
$$;

/** The member's token target and membership, and whether that email is on now; no row for a bad token. */
create function private.unsubscribe_state(token text)
returns table (member_id uuid, purpose text, expired boolean, circle_id uuid, circle_name text, active boolean, email_on boolean)
language sql stable security definer set search_path = '' as $$
  select t.member_id, t.purpose, t.expires_at <= now(), m.circle_id, c.name, m.status = 'active',
    case t.purpose
      when 'digest' then coalesce(p.digest_frequency, 'weekly') <> 'off'
      when 'claimed' then coalesce(p.notify_claimed, true)
      else coalesce(p.notify_released, true)
    end
  from private.unsubscribe_target(token) t
  left join public.circle_members m on m.id = t.member_id
  left join public.circles c on c.id = m.circle_id
  left join public.email_preferences p on p.member_id = t.member_id;
$$;

/**
 * For the unsubscribe page (GET, signed out): what this token would stop. status is 'invalid',
 * 'expired' (with circle_id, for the link to the settings), 'not_member' (left the circle or deleted),
 * or 'ok' with purpose, circle_id, circle_name and whether that email is on.
 */
create function public.unsubscribe_peek(p_token text) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  s record;
begin
  select * into s from private.unsubscribe_state(p_token);
  if not found then
    return jsonb_build_object('status', 'invalid');
  elsif s.expired then
    return jsonb_build_object('status', 'expired', 'circle_id', s.circle_id);
  elsif s.active is not true then
    return jsonb_build_object('status', 'not_member');
  end if;
  return jsonb_build_object('status', 'ok', 'purpose', s.purpose, 'circle_id', s.circle_id,
    'circle_name', s.circle_name, 'on', s.email_on);
end;
$$;

/**
 * RFC 8058 one-click unsubscribe (and the page's button): stops the one email the token names. Nothing
 * else: the token cannot turn anything on, nor touch another member, circle or setting. Returns
 * {status} as unsubscribe_peek does ('ok' once stopped; again 'ok' when it was already off).
 */
create function public.unsubscribe_apply(p_token text) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  s record;
begin
  select * into s from private.unsubscribe_state(p_token);
  if not found then
    return jsonb_build_object('status', 'invalid');
  elsif s.expired then
    return jsonb_build_object('status', 'expired', 'circle_id', s.circle_id);
  elsif s.active is not true then
    return jsonb_build_object('status', 'not_member');
  end if;
  insert into public.email_preferences as p (member_id, circle_id, digest_frequency, frequency_before_off,
      unsubscribed_at, notify_claimed, notify_released)
  values (s.member_id, s.circle_id,
      case when s.purpose = 'digest' then 'off' else 'weekly' end::public.digest_frequency,
      case when s.purpose = 'digest' then 'weekly'::public.digest_frequency end,
      case when s.purpose = 'digest' then now() end,
      s.purpose <> 'claimed', s.purpose <> 'released')
  on conflict on constraint email_preferences_pkey do update set
    digest_frequency = case when s.purpose = 'digest' then 'off' else p.digest_frequency end,
    frequency_before_off = case
      when s.purpose = 'digest' and p.digest_frequency <> 'off' then p.digest_frequency
      else p.frequency_before_off end,
    unsubscribed_at = case
      when s.purpose = 'digest' and p.digest_frequency <> 'off' then now()
      else p.unsubscribed_at end,
    notify_claimed = case when s.purpose = 'claimed' then false else p.notify_claimed end,
    notify_released = case when s.purpose = 'released' then false else p.notify_released end;
  return jsonb_build_object('status', 'ok', 'purpose', s.purpose, 'circle_id', s.circle_id,
    'circle_name', s.circle_name, 'on', false);
end;
$$;

comment on function private.unsubscribe_mac(bytea) is
  'The first 16 bytes of HMAC-SHA-256 of an unsubscribe token''s body under the private key.';
comment on function private.unsubscribe_token(uuid, text, timestamptz) is
  'An unsubscribe token stopping one email kind of one member until expires_at.';
comment on function private.unsubscribe_target(text) is
  'The member, purpose and expiry of a genuine unsubscribe token; no row for anything else.';
comment on function private.unsubscribe_state(text) is
  'An unsubscribe token''s target, expiry, membership and whether that email is on now.';
comment on function public.email_unsubscribe_tokens(jsonb, timestamptz) is
  'The email job''s unsubscribe tokens, valid 90 days from p_now (service role only).';
comment on function public.unsubscribe_peek(text) is
  'What an unsubscribe token would stop (signed-out page); changes nothing.';
comment on function public.unsubscribe_apply(text) is
  'RFC 8058 one-click unsubscribe: stops the one email a genuine, unexpired token names.';

revoke all on function private.unsubscribe_mac(bytea), private.unsubscribe_token(uuid, text, timestamptz),
  private.unsubscribe_target(text), private.unsubscribe_state(text), public.email_unsubscribe_tokens(jsonb, timestamptz),
  public.unsubscribe_peek(text), public.unsubscribe_apply(text)
  from public, anon, authenticated, service_role;
grant execute on function public.email_unsubscribe_tokens(jsonb, timestamptz) to service_role;
grant execute on function public.unsubscribe_peek(text), public.unsubscribe_apply(text) to anon, authenticated, service_role;
