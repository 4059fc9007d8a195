// npm run bench:digest: how fast the email job builds digests, and how much memory it holds.
//
// Starts a private local stack (fresh database, free ports; your dev stack is not touched), seeds
// 2,000 circles with 10 members each (20,000 members, plus the 2,000 owners), tasks over the next two
// weeks with some claimed, and a few updates, with plain SQL. Then runs the job exactly as
// `npm run digest -- --dry-run --now` does (every member due, everything computed through the
// database's consent rule and rendered, nothing written or sent), in a process of its own, and prints
// digests per second and that process's peak RSS, sampled along the way to show it does not grow with
// the number of members.
// Targets (issue 6): at least 1,000 digests/s, peak RSS under 300 MB and flat.
//
// Member ids are random (gen_random_uuid), as in production: the job splits them into ranges.
//
// Options: BENCH_CIRCLES / BENCH_MEMBERS_PER_CIRCLE / BENCH_TASKS_PER_CIRCLE change the sizes,
// BENCH_PAGE_SIZE the members per database page (default 250, as the job), BENCH_STREAMS the ranges
// read at once (default 2, as the job).

import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import type { RunningStack } from "../../supabase/local/stack";
import { benchCircleId, benchSizes, idSql, seedTimed, seedUsersAndCircles, withDb, withPrivateStack } from "./seed";

const SIZES = benchSizes(30);
const { circles: CIRCLES, membersPerCircle: MEMBERS_PER_CIRCLE } = SIZES;
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? 250);
const STREAMS = process.env.BENCH_STREAMS ? Number(process.env.BENCH_STREAMS) : undefined;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function seed(db: pg.Client) {
  // Zones on both sides of the world, so local dates and hours differ between circles.
  await seedUsersAndCircles(db, SIZES, "(array['Europe/Dublin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'])[1 + c % 4]");
  await db.query(
    `insert into public.circle_members (circle_id, user_id, role, joined_at)
     select c.id, c.owner_id, 'owner', now() - interval '60 days' from public.circles c`,
  );
  await db.query(
    `insert into public.circle_members (circle_id, user_id, role, relationship, label, joined_at)
     select ${idSql("circle", "c")}, ${idSql("user", "$1 + (c - 1) * $2 + k")},
            (case when k = 1 then 'coordinator' else 'supporter' end)::public.member_role,
            'friend', 'Member ' || k, now() - interval '30 days'
       from generate_series(1, $1::int) c, generate_series(1, $2::int) k`,
    [CIRCLES, MEMBERS_PER_CIRCLE],
  );
  await db.query(
    `insert into public.sharing_grants (member_id, circle_id, category)
     select m.id, m.circle_id, cat
       from public.circle_members m
      cross join unnest(enum_range(null::public.sharing_category)) cat
      where m.role <> 'owner' and (cat in ('practical', 'general') or random() < 0.4)`,
  );
  await db.query(
    `insert into public.tasks (circle_id, title, category, starts_at, ends_at, slots, audience, kind, location, created_by)
     select x.circle_id, 'Task ' || x.t || ': bring something round',
            (array['practical','practical','practical','practical','practical','practical',
                   'general','milestones','wellbeing','health'])[1 + floor(random() * 10)::int]::public.sharing_category,
            x.s, x.s + interval '1 hour', 1 + floor(random() * 3)::int,
            case when random() < 0.1 then array(
              select m.id from public.circle_members m
               where m.circle_id = x.circle_id and m.role <> 'owner' order by random() limit 2) end,
            'meal', case when random() < 0.5 then '12 Oak Road' end, x.owner_id
       from (select c.id as circle_id, c.owner_id, t,
                    date_trunc('hour', now() - interval '2 days' + random() * interval '16 days') as s
               from public.circles c cross join generate_series(1, $1::int) t) x`,
    [SIZES.tasksPerCircle],
  );
  // About a third of the tasks have a helper (whoever can see them is not checked here: it does not
  // change the cost, and the digest still applies the consent rule to every task it lists).
  await db.query(
    `insert into public.task_claims (task_id, circle_id, member_id, created_at)
     select t.id, t.circle_id,
            (select m.id from public.circle_members m
              where m.circle_id = t.circle_id and m.role <> 'owner' and t.id is not null
              order by random() limit 1),
            now() - interval '3 days'
       from public.tasks t
      where random() < 0.33`,
  );
  await db.query(
    `insert into public.updates (circle_id, author_id, category, body, status, published_at)
     select c.id, c.owner_id,
            (array['general','milestones','wellbeing','health'])[1 + floor(random() * 4)::int]::public.sharing_category,
            'A short update about the week, with a few words more.', 'published',
            now() - random() * interval '6 days'
       from public.circles c cross join generate_series(1, 4)`,
  );
  await db.query(`insert into public.circle_email_settings (circle_id, update_text)
                  select id, 'full' from public.circles where random() < 0.5`);
}

/**
 * CPU seconds used so far by a process and all its descendants (Linux /proc; null elsewhere): the job,
 * and the local stack it talks to (Postgres, PostgREST, the gateway in this process). Unlike wall time,
 * this does not depend on what else the machine is doing.
 */
async function treeCpuSeconds(rootPid: number): Promise<number | null> {
  try {
    const stats = new Map<number, { ppid: number; ticks: number }>();
    for (const entry of await readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const text = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => null);
      if (!text) continue;
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      // After the command: state ppid ... utime (14th field overall) stime (15th).
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    }
    const inTree = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
        if (p === rootPid) return true;
        p = stats.get(p)?.ppid ?? 0;
      }
      return false;
    };
    let ticks = 0;
    for (const [pid, stat] of stats) if (inTree(pid)) ticks += stat.ticks;
    return ticks / 100; // USER_HZ
  } catch {
    return null;
  }
}

type ChildReport = {
  considered: number;
  empty: number;
  built: number;
  seconds: number;
  baseline: number;
  peak: number;
  checkpoints: Array<{ built: number; rss: number }>;
};

/**
 * The job itself, in a process of its own (BENCH_CHILD=1), as in production: the local stack's gateway
 * and auth service live in the parent and would otherwise share this event loop and this RSS.
 */
async function child() {
  const { runEmailJob } = await import("~/jobs/email-job.server");
  const total = Number(process.env.BENCH_TOTAL);
  // Warm-up (plans, the renderer) on one circle, not counted.
  await runEmailJob({ dryRun: true, force: true, phases: ["digests"], circleIds: [benchCircleId(1)] });

  process.stdout.write("warm\n");
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const checkpoints: ChildReport["checkpoints"] = [];
  let built = 0;
  const started = process.hrtime.bigint();
  const report = await runEmailJob({
    dryRun: true,
    force: true,
    phases: ["digests"],
    pageSize: PAGE_SIZE,
    streams: STREAMS,
    onDryRun: () => {
      built++;
      if (built % Math.ceil(total / 8) === 0) checkpoints.push({ built, rss: process.memoryUsage().rss });
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const out: ChildReport = { considered: report.digests.considered, empty: report.digests.empty, built, seconds, baseline, peak, checkpoints };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function run(stack: RunningStack) {
  await withDb(stack.databaseUrl, (db) =>
    seedTimed(
      db,
      seed,
      `select (select count(*) from public.circles) as circles,
              (select count(*) from public.circle_members) as members,
              (select count(*) from public.tasks) as tasks,
              (select count(*) from public.task_claims) as claims,
              (select count(*) from public.updates) as updates`,
    ),
  );

  const total = CIRCLES * (1 + MEMBERS_PER_CIRCLE);
  const env = {
    ...process.env,
    BENCH_CHILD: "1",
    BENCH_TOTAL: String(total),
    SUPABASE_URL: stack.url,
    SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
    SUPABASE_SECRET_KEY: stack.secretKey,
    MAILBOX_URL: stack.mailboxUrl,
    APP_URL: "https://circle.example",
    SESSION_SECRET: "bench-session-secret-at-least-32-characters",
    RESEND_API_KEY: "",
  };
  const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
  let cpuBefore: number | null = null;
  const output = await new Promise<string>((resolve, reject) => {
    const proc = spawn(process.execPath, [tsx, fileURLToPath(import.meta.url)], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    proc.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      // The child says when its warm-up is over; from then on, every CPU second of the tree counts.
      if (cpuBefore === null && stdout.includes("warm\n")) void treeCpuSeconds(process.pid).then((s) => (cpuBefore = s));
    });
    proc.on("error", reject);
    proc.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`the job process exited with ${code}`))));
  });
  const cpuAfter = await treeCpuSeconds(process.pid);
  const r = JSON.parse(output.trim().split("\n").pop()!) as ChildReport;

  const perSecond = r.considered / r.seconds;
  console.log(
    `\n${r.considered} members due (${CIRCLES} circles): ${r.built} digests built, ${r.empty} with nothing to say, in ${r.seconds.toFixed(1)} s`,
  );
  console.log(`job process RSS before the run: ${mb(r.baseline)}`);
  console.log(`RSS while building (digests built: RSS): ${r.checkpoints.map((c) => `${c.built}: ${mb(c.rss)}`).join(", ")}`);
  const rates = perSecond >= 1000;
  const memory = r.peak < 300 * 1024 * 1024;
  const first = r.checkpoints[0]?.rss ?? r.peak;
  const last = r.checkpoints[r.checkpoints.length - 1]?.rss ?? r.peak;
  const flat = last - first < 50 * 1024 * 1024;
  console.log(`digests/s ${perSecond.toFixed(0)} (target >= 1000) ${rates ? "OK" : "MISSED"}`);
  console.log(`peak RSS  ${mb(r.peak)} (target < 300 MB) ${memory ? "OK" : "MISSED"}`);
  console.log(`RSS from the first to the last eighth: ${last >= first ? "+" : "-"}${mb(Math.abs(last - first))} ${flat ? "flat: OK" : "GROWING"}`);
  console.log(`(load average while running: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs)`);
  if (cpuBefore !== null && cpuAfter !== null) {
    const cpu = cpuAfter - cpuBefore;
    console.log(
      `CPU used by the job and the stack it reads (Postgres, PostgREST, gateway): ${cpu.toFixed(1)} s ` +
        `= ${(r.considered / cpu).toFixed(0)} digests per CPU-second, whatever else the machine is doing`,
    );
  }
  return rates && memory && flat;
}

async function main() {
  const ok = await withPrivateStack("bench-digest-", run);
  process.exit(ok ? 0 : 1);
}

if (process.env.BENCH_CHILD) {
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  void main();
}
