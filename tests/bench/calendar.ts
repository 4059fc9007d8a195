// npm run bench:calendar: the month view of the calendar under load, against PostgREST alone.
//
// Starts a private local stack (fresh database, free ports; your dev stack is not touched), seeds the
// large data set of the RLS bench (2,000 circles, 20,000 members, 200,000 tasks) plus one circle whose
// calendar holds 2,000 tasks over two years (claims, series, all-day and cancelled tasks among them),
// builds the app and serves it in production mode from a second process, signs a member in through
// the real sign-in form, then measures with autocannon (20 connections):
//   - the month-view page GET /circles/<id>/calendar (every loader of the document: root, the circle
//     frame, the calendar), as that member;
//   - a direct PostgREST request for the same month's tasks (the columns calendar_window returns, with
//     who claimed them), with the member's JWT.
// Targets (issue 4): page p95 under 100 ms and at most 3x the PostgREST request's p95; the calendar
// route's JavaScript under 200 KB gzip (what the browser loads for the page: entry, root, the circle
// frame and the calendar route, with the chunks they import).
//
// Options: --no-build reuses build/; BENCH_CIRCLES / BENCH_MEMBERS_PER_CIRCLE / BENCH_TASKS_PER_CIRCLE
// change the background data, BENCH_SECONDS the length of each run, BENCH_CONNECTIONS the load.

import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import pg from "pg";
import { rangeFor, toLocalDate } from "../../app/calendar/time";
import { freePort } from "../../supabase/local/net";
import { benchDir, benchSizes, memberToken, seedRlsData, seedTimed } from "./seed";
import { buildApp, signIn, startApp } from "./app-process";
import { cpuOfTree, startStackProcess } from "./stack-process";

const SIZES = benchSizes(100);
const CALENDAR_TASKS = 2_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const BUILD = !process.argv.includes("--no-build");
const TIME_ZONE = "America/New_York";
const PASSWORD = "bench-password-1";

const root = path.resolve(import.meta.dirname, "../..");
const CIRCLE_ID = "00000000-0000-4000-b000-00000000c0de";
const OWNER_ID = "00000000-0000-4000-a000-00000000c0de";
const PROBE_ID = "00000000-0000-4000-a000-00000000c0d1";

/**
 * The measured circle: the person, a coordinator, the probe supporter (practical and general) and a
 * dozen more members; 2,000 tasks over two years around today, a third of them claimed, with kinds,
 * places, notes, all-day and cancelled ones, and two weekly series.
 */
async function seedCalendarCircle(db: pg.Client) {
  await db.query(
    `insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_user_meta_data, created_at, updated_at)
     select u.id, 'authenticated', 'authenticated', u.email, extensions.crypt($1, extensions.gen_salt('bf', 4)), now(),
            jsonb_build_object('display_name', u.name), now(), now()
       from (values ($2::uuid, 'owner@bench.test', 'Maria'), ($3::uuid, 'probe@bench.test', 'Sam')) as u(id, email, name)`,
    [PASSWORD, OWNER_ID, PROBE_ID],
  );
  await db.query(
    `insert into auth.users (id, aud, role, email, email_confirmed_at, raw_user_meta_data, created_at, updated_at)
     select ('00000000-0000-4000-a000-0000000c' || lpad(to_hex(i), 4, '0'))::uuid, 'authenticated', 'authenticated',
            'helper-' || i || '@bench.test', now(), jsonb_build_object('display_name', 'Helper ' || i), now(), now()
       from generate_series(1, 14) i`,
  );
  await db.query(`insert into public.circles (id, name, owner_id, time_zone) values ($1, 'Maria''s circle', $2, $3)`, [
    CIRCLE_ID,
    OWNER_ID,
    TIME_ZONE,
  ]);
  await db.query(
    `insert into public.circle_members (circle_id, user_id, role, relationship, label)
     select $1, u.id, case when u.id = $2 then 'owner' when u.email = 'helper-1@bench.test' then 'coordinator' else 'supporter' end::public.member_role,
            case when u.id = $2 then null else 'friend' end::public.relationship,
            case when u.id = $2 then null else split_part(u.email, '@', 1) end
       from auth.users u where u.email like '%@bench.test'`,
    [CIRCLE_ID, OWNER_ID],
  );
  await db.query(
    `insert into public.sharing_grants (member_id, circle_id, category)
     select m.id, m.circle_id, cat from public.circle_members m
      cross join unnest(array['practical', 'general', 'wellbeing']::public.sharing_category[]) cat
      where m.circle_id = $1 and m.role <> 'owner' and (cat <> 'wellbeing' or m.role = 'coordinator')`,
    [CIRCLE_ID],
  );
  await db.query(
    `insert into public.tasks (circle_id, title, kind, category, starts_at, ends_at, all_day, slots, location, notes,
                               contact_preference, dietary_needs, created_by)
     select $1, k.title || ' ' || t, k.kind::public.task_kind,
            (array['practical','practical','practical','practical','general','wellbeing','health'])[1 + t % 7]::public.sharing_category,
            x.s, x.s + interval '90 minutes', false, 1 + t % 3, '12 Elm Street', 'Notes for task ' || t,
            case when k.kind = 'meal' then 'no_contact'::public.contact_preference end,
            case when k.kind = 'meal' then 'Vegetarian' end, $2
       from generate_series(1, $3::int) t
      cross join lateral (select date_trunc('hour', now() - interval '365 days' + (t * interval '730 days' / $3::int)) as s) x
      cross join lateral (select (array['Dinner drop-off', 'Ride to group', 'Walk Biscuit', 'Groceries', 'Check-in call'])[1 + t % 5] as title,
                                 (array['meal', 'ride', 'pet_care', 'errand', 'check_in_call'])[1 + t % 5] as kind) k`,
    [CIRCLE_ID, OWNER_ID, CALENDAR_TASKS],
  );
  // A third claimed (by helpers holding the category); one in 40 cancelled; one in 30 all day.
  await db.query(
    `insert into public.task_claims (task_id, circle_id, member_id)
     select t.id, t.circle_id, (select m.id from public.circle_members m
                                  where m.circle_id = t.circle_id and m.role <> 'owner'
                                  order by md5(m.id::text || t.id::text) limit 1)
       from public.tasks t
      where t.circle_id = $1 and t.category in ('practical', 'general') and random() < 0.33`,
    [CIRCLE_ID],
  );
  await db.query(
    `update public.tasks set status = 'cancelled', cancelled_at = now() where circle_id = $1 and random() < 0.025 and starts_at > now()`,
    [CIRCLE_ID],
  );
  await db.query(
    `update public.tasks set all_day = true where circle_id = $1 and random() < 0.033`,
    [CIRCLE_ID],
  );
  // Two weekly series, made ahead as create_task_series would.
  await db.query(
    `insert into public.task_series (circle_id, title, kind, category, frequency, weekdays, first_date, until_date,
                                     start_time, duration_minutes, created_by)
     values ($1, 'Ride to therapy', 'ride', 'practical', 'weekly', '{2,4}', current_date, current_date + 300, '15:30', 120, $2),
            ($1, 'Weekly check-in call', 'check_in_call', 'general', 'weekly', '{7}', current_date, current_date + 300, '19:00', 30, $2)`,
    [CIRCLE_ID, OWNER_ID],
  );
  await db.query(`select private.materialise_series(s.id) from public.task_series s where s.circle_id = $1`, [CIRCLE_ID]);
}

type Run = { p50: number; p95: number; p99: number; rps: number; requests: number; non2xx: number; errors: number };

async function load(url: string, headers: Record<string, string>, seconds = SECONDS): Promise<Run> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, timeout: 10 }, (error, res) =>
      error ? reject(error) : resolve(res),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    rps: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Gzipped JavaScript the browser loads for the calendar page (module preloads of the route chain). */
async function calendarJsSize(): Promise<{ gzip: number; raw: number; files: number }> {
  const assets = path.join(root, "build/client/assets");
  const manifestFile = (await readdir(assets)).find((f) => f.startsWith("manifest-") && f.endsWith(".js"));
  if (!manifestFile) throw new Error("No Remix manifest in build/client/assets: build first.");
  const text = await readFile(path.join(assets, manifestFile), "utf8");
  const manifest = JSON.parse(text.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as {
    entry: { module: string; imports: string[] };
    routes: Record<string, { module: string; imports?: string[] }>;
  };
  const chain = ["root", "routes/circles.$circleId", "routes/circles.$circleId.calendar"].map((id) => manifest.routes[id]);
  const files = new Set([manifest.entry.module, ...manifest.entry.imports, ...chain.flatMap((r) => [r.module, ...(r.imports ?? [])])]);
  let gzip = 0;
  let raw = 0;
  for (const file of files) {
    const content = await readFile(path.join(root, "build/client", file));
    raw += content.length;
    gzip += gzipSync(content, { level: 9 }).length;
  }
  return { gzip, raw, files: files.size };
}

const ms = (n: number) => `${n.toFixed(1).padStart(6)} ms`;

/** A load run, with the CPU time each part of the system spent per request during it. */
async function measured(url: string, headers: Record<string, string>, stackPid: number, appPid: number) {
  const parts = () => {
    const stack = cpuOfTree(stackPid);
    const app = [...cpuOfTree(appPid).values()].reduce((a, b) => a + b, 0);
    return {
      app,
      "gateway+auth": stack.get("node") ?? 0,
      postgrest: stack.get("postgrest") ?? 0,
      postgres: stack.get("postgres") ?? 0,
      autocannon: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage()),
    };
  };
  const before = parts();
  const run = await load(url, headers);
  const after = parts();
  const cpu = Object.entries(after)
    .map(([name, seconds]) => `${name} ${((seconds - before[name as keyof typeof before]) * 1000 / run.requests).toFixed(2)} ms`)
    .join(", ");
  return { ...run, cpu };
}

async function main() {
  if (BUILD) buildApp();
  const js = await calendarJsSize();

  const dir = await benchDir("bench-calendar-");
  console.log("starting a private local stack ...");
  const appPort = await freePort();
  const appUrl = `http://localhost:${appPort}`;
  // Its own process: autocannon, here, must not share an event loop with the gateway and auth service.
  const stack = await startStackProcess(path.join(dir, "db"), appUrl);
  const db = new pg.Client(stack.databaseUrl);
  await db.connect();
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    const counts = await seedTimed<Record<"circles" | "members" | "tasks" | "calendar_tasks", string>>(
      db,
      async (db) => {
        // The RLS bench's data set as background, without task audiences.
        await seedRlsData(db, SIZES, { taskAudience: false });
        await seedCalendarCircle(db);
      },
      `select (select count(*) from public.circles) as circles, (select count(*) from public.circle_members) as members,
              (select count(*) from public.tasks) as tasks, (select count(*) from public.tasks where circle_id = $1) as calendar_tasks`,
      [CIRCLE_ID],
    );

    app = await startApp(stack, appUrl, appPort);
    const cookie = await signIn(appUrl, "probe@bench.test", PASSWORD);
    const pageUrl = `${appUrl}/circles/${CIRCLE_ID}/calendar`;
    const check = await fetch(pageUrl, { headers: { Cookie: cookie }, redirect: "manual" });
    const html = await check.text();
    if (check.status !== 200 || !html.includes("task-calendar")) throw new Error(`the month view answered ${check.status}`);
    const shown = (html.match(/task-event-link/g) ?? []).length;

    // PostgREST: the columns calendar_window returns, for the same month, with the member's JWT.
    const range = rangeFor("month", toLocalDate(new Date(), TIME_ZONE), TIME_ZONE);
    const jwt = await memberToken(stack.signingKey, PROBE_ID);
    const rest = new URL(`${stack.url}/rest/v1/tasks`);
    rest.searchParams.set(
      "select",
      "id,title,kind,category,starts_at,ends_at,all_day,slots,status,location,series_id,task_claims(member_id)",
    );
    rest.searchParams.set("circle_id", `eq.${CIRCLE_ID}`);
    rest.searchParams.append("starts_at", `gte.${new Date(range.from.getTime() - 7 * 86_400_000).toISOString()}`);
    rest.searchParams.append("starts_at", `lt.${range.to.toISOString()}`);
    rest.searchParams.set("order", "starts_at,id");
    const restHeaders = { apikey: stack.publishableKey, Authorization: `Bearer ${jwt}` };
    const restCheck = await fetch(rest, { headers: restHeaders });
    const restRows = (await restCheck.json()) as unknown[];
    if (!restCheck.ok) throw new Error(`PostgREST answered ${restCheck.status}`);

    // One request at a time: where a page's time goes without contention.
    const sequential = async (url: string, headers: Record<string, string>) => {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const start = performance.now();
        const res = await fetch(url, { headers, redirect: "manual" });
        await res.arrayBuffer();
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[15];
    };
    const single = {
      page: await sequential(pageUrl, { Cookie: cookie }),
      data: await sequential(`${appUrl}/circles/${CIRCLE_ID}/calendar.data`, { Cookie: cookie }),
      rest: await sequential(rest.toString(), restHeaders),
    };

    console.log(`warming up (${CONNECTIONS} connections, 3 s each) ...`);
    await load(pageUrl, { Cookie: cookie }, 3);
    await load(rest.toString(), restHeaders, 3);

    console.log(`measuring, ${SECONDS} s each ...`);
    const restRun = await measured(rest.toString(), restHeaders, stack.pid, app.child.pid!);
    const pageRun = await measured(pageUrl, { Cookie: cookie }, stack.pid, app.child.pid!);

    const ratio = pageRun.p95 / restRun.p95;
    const okPage = pageRun.p95 < 100 && pageRun.non2xx === 0 && pageRun.errors === 0;
    const okRatio = ratio <= 3;
    const okJs = js.gzip < 200 * 1024;
    const line = (label: string, r: Run & { cpu: string }) =>
      `${label.padEnd(26)} p50 ${ms(r.p50)}  p95 ${ms(r.p95)}  p99 ${ms(r.p99)}  ${r.rps.toFixed(0).padStart(5)} req/s  ` +
      `(${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors)\n${"".padEnd(26)} CPU per request: ${r.cpu}`;
    console.log(
      `\nmonth view of a circle with ${counts.calendar_tasks} tasks over two years, among ${counts.tasks} tasks in ${counts.circles} circles;` +
        ` ${restRows.length} tasks in the month's range visible to the member, ${shown} shown; ${CONNECTIONS} connections`,
    );
    console.log(
      `one request at a time (median): page ${ms(single.page)}, its loaders' data alone ${ms(single.data)}, PostgREST ${ms(single.rest)}`,
    );
    console.log(line("page GET /calendar", pageRun));
    console.log(line("PostgREST, same month", restRun));
    console.log(`page p95 / PostgREST p95: ${ratio.toFixed(2)}x (target at most 3x)  ${okRatio ? "OK" : "MISSED"}`);
    console.log(`page p95 under 100 ms: ${okPage ? "OK" : "MISSED"}`);
    console.log(
      `calendar page JavaScript: ${(js.gzip / 1024).toFixed(1)} KB gzip (${(js.raw / 1024).toFixed(1)} KB raw, ${js.files} files; target under 200 KB)  ${okJs ? "OK" : "MISSED"}`,
    );
    process.exitCode = okPage && okRatio && okJs ? 0 : 1;
  } finally {
    await app?.stop();
    await db.end();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
