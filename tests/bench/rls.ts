// npm run bench:rls: what row-level security costs on the query the calendar runs most.
//
// Starts a private local stack (fresh database, free ports; your dev stack is not touched), seeds
// 2,000 circles, 20,000 members and 200,000 tasks with plain SQL, then times "the tasks of my circle
// this month" for many different members:
//   - in SQL, as `authenticated` with the member's JWT claims (RLS on) vs as `service_role` (RLS off),
//     each statement run inside its own transaction exactly as PostgREST runs a request;
//   - through PostgREST (the gateway), with the member's JWT vs the service-role key.
// Target (issue 3): RLS at most 2x the service role, and under 20 ms per query (both on the median;
// p95 is printed too).
//
// Options: --explain prints the member's plan; BENCH_CIRCLES / BENCH_MEMBERS_PER_CIRCLE /
// BENCH_TASKS_PER_CIRCLE / BENCH_SAMPLES change the sizes.

import type pg from "pg";
import type { RunningStack } from "../../supabase/local/stack";
import { benchSizes, memberToken, seedRlsData, seedTimed, withDb, withPrivateStack } from "./seed";

const SIZES = benchSizes(100);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);
const EXPLAIN = process.argv.includes("--explain");

const MONTH_QUERY = `
  select id, title, category, starts_at, ends_at, slots, audience
    from public.tasks
   where circle_id = $1 and starts_at >= $2 and starts_at < $3
   order by starts_at`;

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const fmt = (n: number) => n.toFixed(3).padStart(8);

interface Probe {
  userId: string;
  circleId: string;
}

async function probes(db: pg.Client): Promise<Probe[]> {
  const { rows } = await db.query<{ user_id: string; circle_id: string }>(
    `select m.user_id, m.circle_id from public.circle_members m
      where m.role = 'supporter' and m.status = 'active'
      order by md5(m.id::text) limit $1`,
    [SAMPLES],
  );
  return rows.map((r) => ({ userId: r.user_id, circleId: r.circle_id }));
}

function monthRange() {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return [from.toISOString(), to.toISOString()] as const;
}

/** One statement timed inside a transaction set up as PostgREST sets up a request. */
async function timeSql(db: pg.Client, role: "authenticated" | "service_role", probe: Probe) {
  const [from, to] = monthRange();
  const claims = JSON.stringify(role === "authenticated" ? { sub: probe.userId, role } : { role });
  await db.query("begin");
  await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [role, claims]);
  const start = process.hrtime.bigint();
  const result = await db.query(MONTH_QUERY, [probe.circleId, from, to]);
  const elapsed = ms(start);
  await db.query("commit");
  return { elapsed, rows: result.rowCount ?? 0 };
}

async function run(stack: RunningStack) {
  await withDb(stack.databaseUrl, async (db) => {
    await seedTimed(
      db,
      (db) => seedRlsData(db, SIZES, { taskAudience: true }),
      `select (select count(*) from public.circles) as circles,
              (select count(*) from public.circle_members where role <> 'owner') as members,
              (select count(*) from public.sharing_grants) as grants,
              (select count(*) from public.tasks) as tasks`,
    );
    const sample = await probes(db);
    const [from, to] = monthRange();

    if (EXPLAIN) {
      const p = sample[0];
      await db.query("begin");
      await db.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
        JSON.stringify({ sub: p.userId, role: "authenticated" }),
      ]);
      const plan = await db.query(`explain (analyze, buffers, costs off) ${MONTH_QUERY}`, [p.circleId, from, to]);
      await db.query("rollback");
      console.log(plan.rows.map((r) => r["QUERY PLAN"]).join("\n"));
    }

    // Warm up both paths (plan caches, buffers), then interleave them so drift hits both alike.
    for (const p of sample.slice(0, 50)) {
      await timeSql(db, "authenticated", p);
      await timeSql(db, "service_role", p);
    }
    const sqlMember: number[] = [];
    const sqlService: number[] = [];
    let visible = 0;
    let all = 0;
    for (const p of sample) {
      const a = await timeSql(db, "authenticated", p);
      const b = await timeSql(db, "service_role", p);
      sqlMember.push(a.elapsed);
      sqlService.push(b.elapsed);
      visible += a.rows;
      all += b.rows;
    }

    // Through PostgREST: the member's JWT vs the service-role key.
    const tokens = new Map<string, string>();
    for (const p of sample) tokens.set(p.userId, await memberToken(stack.signingKey, p.userId));
    const rest = async (p: Probe, bearer: string) => {
      const url = new URL(`${stack.url}/rest/v1/tasks`);
      url.searchParams.set("select", "id,title,category,starts_at,ends_at,slots,audience");
      url.searchParams.set("circle_id", `eq.${p.circleId}`);
      url.searchParams.append("starts_at", `gte.${from}`);
      url.searchParams.append("starts_at", `lt.${to}`);
      url.searchParams.set("order", "starts_at");
      const start = process.hrtime.bigint();
      const res = await fetch(url, {
        // The secret key goes as apikey and bearer, as supabase-js sends it; the gateway swaps both for a service_role JWT.
        headers: { apikey: bearer.startsWith("sb_secret_") ? bearer : stack.publishableKey, Authorization: `Bearer ${bearer}` },
      });
      const body = (await res.json()) as unknown[];
      if (!res.ok) throw new Error(`PostgREST ${res.status}: ${JSON.stringify(body)}`);
      return ms(start);
    };
    for (const p of sample.slice(0, 50)) {
      await rest(p, tokens.get(p.userId)!);
      await rest(p, stack.secretKey);
    }
    const restMember: number[] = [];
    const restService: number[] = [];
    for (const p of sample) {
      restMember.push(await rest(p, tokens.get(p.userId)!));
      restService.push(await rest(p, stack.secretKey));
    }

    const report = (label: string, member: number[], service: number[]) => {
      const m = stats(member);
      const s = stats(service);
      const ratio = m.median / s.median;
      const ok = ratio <= 2 && m.median < 20;
      console.log(
        `${label.padEnd(10)} member (RLS) median ${fmt(m.median)} ms  p95 ${fmt(m.p95)} ms | ` +
          `service role median ${fmt(s.median)} ms  p95 ${fmt(s.p95)} ms | ratio ${ratio.toFixed(2)}x  ${ok ? "OK" : "MISSED"}`,
      );
      return ok;
    };
    console.log(
      `\n"tasks of my circle this month", ${sample.length} different members, ` +
        `${(all / sample.length).toFixed(1)} tasks in the month per circle, ${(visible / sample.length).toFixed(1)} visible to the member`,
    );
    const okSql = report("SQL", sqlMember, sqlService);
    const okRest = report("PostgREST", restMember, restService);
    console.log(`target: RLS at most 2x the service role and under 20 ms: ${okSql && okRest ? "met" : "NOT met"}`);
    process.exitCode = okSql && okRest ? 0 : 1;
  });
}

await withPrivateStack("bench-rls-", run);
