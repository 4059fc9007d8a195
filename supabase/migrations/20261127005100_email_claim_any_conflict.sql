-- email_job_claim named only (member, circle, kind, period) as its conflict target. Two jobs claiming
-- the same delivery at the same moment can also meet first on the idempotency key's unique index
-- (the same row: the key is made from those four), and a conflict on an index that is not a target
-- raises instead of skipping: one job failed with "duplicate key ... idempotency_key" in a clean-clone
-- test run ("two jobs started at once"). Any conflict now means "already claimed": do nothing.

create or replace function public.email_job_claim(p_now timestamptz, p_rows jsonb, p_lease_seconds integer default 600)
returns table (id bigint, idempotency_key text)
language sql volatile security definer set search_path = '' as $$
  insert into private.email_deliveries as d (kind, member_id, circle_id, period, claim_id, status, idempotency_key,
      payload, content_until, locked_until, created_at, sent_at)
  select x.kind, x.member_id, x.circle_id, x.period, x.claim_id, coalesce(x.status, 'sending'), x.idempotency_key,
         case when coalesce(x.status, 'sending') = 'sending' then x.payload end,
         coalesce(x.content_until, p_now),
         case when coalesce(x.status, 'sending') = 'sending' then p_now + make_interval(secs => p_lease_seconds) end,
         p_now, null
    from jsonb_to_recordset(p_rows) as x(kind text, member_id uuid, circle_id uuid, period text, claim_id uuid,
                                         status text, idempotency_key text, payload jsonb, content_until timestamptz)
   -- A member removed since the page was read is not written to (or sent) at all.
   where exists (select 1 from public.circle_members m
                  where m.id = x.member_id and m.circle_id = x.circle_id and m.status = 'active')
  on conflict do nothing
  returning d.id, d.idempotency_key
$$;
