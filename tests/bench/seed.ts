// What the benches (rls, calendar, digest) share: their sizes, a private stack to run on, and the large
// data set of many circles seeded with plain SQL. Deterministic: setseed(0.42) before any random().
//
// Ids: user n is 00000000-0000-4000-8000-<n in hex>, circle c is ...-9000-..., and in the RLS data set
// member k of circle c is ...-a000-<(c - 1) * members per circle + k>. Circle c's owner is user c; its
// members are users CIRCLES + (c - 1) * M + k.

import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { signJwt, type SigningKey } from "../../supabase/local/keys";
import pg from "pg";
import { startStack, type RunningStack } from "../../supabase/local/stack";

export type BenchSizes = { circles: number; membersPerCircle: number; tasksPerCircle: number };

/** BENCH_CIRCLES / BENCH_MEMBERS_PER_CIRCLE / BENCH_TASKS_PER_CIRCLE, or 2,000 circles of 10 members. */
export function benchSizes(defaultTasksPerCircle: number): BenchSizes {
  return {
    circles: Number(process.env.BENCH_CIRCLES ?? 2_000),
    membersPerCircle: Number(process.env.BENCH_MEMBERS_PER_CIRCLE ?? 10),
    tasksPerCircle: Number(process.env.BENCH_TASKS_PER_CIRCLE ?? defaultTasksPerCircle),
  };
}

/** The id of bench circle `c` (1-based). */
export const benchCircleId = (c: number) => `00000000-0000-4000-9000-${c.toString(16).padStart(12, "0")}`;

/** SQL for the uuid of user, circle or member number `n` (an SQL expression). */
export const idSql = (kind: "user" | "circle" | "member", n: string) =>
  `('00000000-0000-4000-${{ user: "8000", circle: "9000", member: "a000" }[kind]}-' || lpad(to_hex(${n}), 12, '0'))::uuid`;

/** A fresh folder for a private stack's database, that Postgres can use (it runs as its own user when we are root). */
export async function benchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/** Runs `fn` on a private local stack (fresh database, free ports; the dev stack is not touched), then stops and removes it. */
export async function withPrivateStack<T>(prefix: string, fn: (stack: RunningStack) => Promise<T>): Promise<T> {
  const dir = await benchDir(prefix);
  try {
    console.log("starting a private local stack ...");
    const stack = await startStack({
      dataDir: path.join(dir, "db"),
      ports: { db: 0, gateway: 0 },
      siteUrl: "http://localhost:3000",
      seedNewDatabase: false,
      rateLimits: false, // the bench signs everyone in from one address
    });
    try {
      return await fn(stack);
    } finally {
      await stack.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with a database connection to `url`, closed afterwards. */
export async function withDb<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client(url);
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

/**
 * Runs `seed` in one transaction, analyzes, and prints how long it took with the counts `countsSql`
 * selects (one row), which it returns.
 */
export async function seedTimed<Counts extends Record<string, unknown>>(
  db: pg.Client,
  seed: (db: pg.Client) => Promise<void>,
  countsSql: string,
  countsParams: unknown[] = [],
): Promise<Counts> {
  const started = Date.now();
  await db.query("begin");
  await seed(db);
  await db.query("commit");
  await db.query("analyze");
  const counts = (await db.query<Counts>(countsSql, countsParams)).rows[0];
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s:`, counts);
  return counts;
}

/**
 * Sets the seed, then adds the users (owners 1..circles, then the members; the profile trigger fires
 * for each) and the circles, in `timeZone` (an SQL expression of `c`, the circle's number).
 */
export async function seedUsersAndCircles(db: pg.Client, sizes: BenchSizes, timeZone = "'Europe/Dublin'") {
  await db.query("select setseed(0.42)");
  await db.query(
    `insert into auth.users (id, aud, role, email, email_confirmed_at, raw_user_meta_data, created_at, updated_at)
     select ${idSql("user", "i")}, 'authenticated', 'authenticated',
            'bench-' || i || '@example.test', now(), jsonb_build_object('display_name', 'Bench ' || i), now(), now()
       from generate_series(1, $1::int) i`,
    [sizes.circles * (1 + sizes.membersPerCircle)],
  );
  await db.query(
    `insert into public.circles (id, name, owner_id, time_zone)
     select ${idSql("circle", "c")}, 'Circle ' || c, ${idSql("user", "c")}, ${timeZone}
       from generate_series(1, $1::int) c`,
    [sizes.circles],
  );
}

/**
 * The RLS bench's data set (the calendar bench's background too): the circles in Europe/Dublin, their
 * members (member 1 a coordinator, one in 20 has left), grants and tasks over a year around today.
 * `taskAudience`: one task in ten gets an audience of two members (the RLS bench; the calendar's
 * background has none, and so draws fewer random numbers).
 */
export async function seedRlsData(db: pg.Client, sizes: BenchSizes, { taskAudience }: { taskAudience: boolean }) {
  await seedUsersAndCircles(db, sizes);
  await db.query(
    `insert into public.circle_members (circle_id, user_id, role)
     select c.id, c.owner_id, 'owner' from public.circles c`,
  );
  await db.query(
    `insert into public.circle_members (id, circle_id, user_id, role, relationship, label, status, ended_at)
     select ${idSql("member", "(c - 1) * $2 + k")}, ${idSql("circle", "c")}, ${idSql("user", "$1 + (c - 1) * $2 + k")},
            (case when k = 1 then 'coordinator' else 'supporter' end)::public.member_role,
            'friend', 'Member ' || k,
            (case when k % 20 = 0 then 'left' else 'active' end)::public.member_status,
            case when k % 20 = 0 then now() end
       from generate_series(1, $1::int) c, generate_series(1, $2::int) k`,
    [sizes.circles, sizes.membersPerCircle],
  );
  // Everyone active holds practical and general; milestones, wellbeing and health are spread out.
  await db.query(
    `insert into public.sharing_grants (member_id, circle_id, category)
     select m.id, m.circle_id, cat
       from public.circle_members m
      cross join unnest(enum_range(null::public.sharing_category)) cat
      where m.role <> 'owner' and m.status = 'active'
        and (cat in ('practical', 'general') or random() < 0.4)`,
  );
  await db.query(
    `insert into public.tasks (circle_id, title, category, starts_at, ends_at, slots, ${taskAudience ? "audience, " : ""}created_by)
     select x.circle_id, 'Task ' || x.t,
            (array['practical','practical','practical','practical','practical','practical',
                   'general','milestones','wellbeing','health'])[1 + floor(random() * 10)::int]::public.sharing_category,
            x.s, x.s + interval '1 hour', 1 + floor(random() * 3)::int,
            ${
              taskAudience
                ? `case when random() < 0.1 then array(
              select m.id from public.circle_members m
               where m.circle_id = x.circle_id and m.role <> 'owner' order by random() limit 2) end,`
                : ""
            }
            x.owner_id
       from (select c.id as circle_id, c.owner_id, t,
                    date_trunc('hour', now() - interval '182 days' + random() * interval '365 days') as s
               from public.circles c cross join generate_series(1, $1::int) t) x`,
    [sizes.tasksPerCircle],
  );
}

/** A member's access token, as the auth service would sign it (an hour long). */
export function memberToken(key: SigningKey, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(key, { role: "authenticated", aud: "authenticated", sub: userId, iat: now, exp: now + 3600 });
}
