// npm run bench:push: how many Web Push messages the email job sends per second.
//
// Starts a private local stack in a process of its own (fresh database, free ports; your dev stack is
// not touched), seeds BENCH_CIRCLES circles (default 200) of BENCH_MEMBERS_PER_CIRCLE members (default
// 10) plus the owner, each with BENCH_DEVICES_PER_MEMBER devices (default 2, real P-256 keys, so every
// payload is really encrypted) and three open tasks in the next days, and runs the job once as
// `npm run digest -- --now` does: every member's digest lists open tasks, so every device gets one
// "tasks need help" push, each found through the email functions (consent rule), claimed in the
// delivery log, encrypted (aes128gcm), VAPID-signed, POSTed and recorded. The push service is a local
// HTTP server in another process answering 201 (the job's fetch is pointed at it). Digest emails go to
// the stack's local mailbox, as in development.
//
// Prints the pushes sent and "pushes per second" over the time the job spent on pushes (devices,
// claims, encryption, sending, recording), and the whole job's time next to it.
// BENCH_PUSH_CONCURRENCY changes the pushes in flight at once (default 16, as the job).

import { spawn } from "node:child_process";
import { createECDH, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import webpush from "web-push";
import { benchDir, benchSizes, idSql, seedTimed, seedUsersAndCircles, withDb } from "./seed";
import { startStackProcess } from "./stack-process";

const SIZES = { ...benchSizes(3), circles: Number(process.env.BENCH_CIRCLES ?? 200) };
const DEVICES = Number(process.env.BENCH_DEVICES_PER_MEMBER ?? 2);
const PUSH_ORIGIN = "https://push.bench.test";

/** The stand-in push service: answers every POST with 201, in a process of its own; resolves to its port. */
function startPushService(): Promise<{ port: number; stop(): void }> {
  const code = `
    const server = require("node:http").createServer((req, res) => {
      req.resume();
      req.on("end", () => { res.writeHead(201, { "content-length": "0" }); res.end(); });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve({ port: Number(String(chunk).trim()), stop: () => child.kill("SIGTERM") }));
    child.once("error", reject);
  });
}

async function seed(db: import("pg").Client) {
  await seedUsersAndCircles(db, SIZES);
  await db.query(`insert into public.circle_members (circle_id, user_id, role, joined_at)
                  select c.id, c.owner_id, 'owner', now() - interval '60 days' from public.circles c`);
  await db.query(
    `insert into public.circle_members (circle_id, user_id, role, relationship, label, joined_at)
     select ${idSql("circle", "c")}, ${idSql("user", "$1 + (c - 1) * $2 + k")},
            (case when k = 1 then 'coordinator' else 'supporter' end)::public.member_role,
            'friend', 'Member ' || k, now() - interval '30 days'
       from generate_series(1, $1::int) c, generate_series(1, $2::int) k`,
    [SIZES.circles, SIZES.membersPerCircle],
  );
  await db.query(
    `insert into public.sharing_grants (member_id, circle_id, category)
     select m.id, m.circle_id, 'practical' from public.circle_members m where m.role <> 'owner'`,
  );
  await db.query(
    `insert into public.tasks (circle_id, title, category, kind, starts_at, ends_at, slots, created_by)
     select c.id, 'Task ' || t, 'practical', 'meal', date_trunc('hour', now()) + t * interval '1 day',
            date_trunc('hour', now()) + t * interval '1 day' + interval '1 hour', 2, c.owner_id
       from public.circles c cross join generate_series(1, $1::int) t`,
    [SIZES.tasksPerCircle],
  );
  // Devices: real browser-like keys (the job encrypts for each), one endpoint each.
  const members = (await db.query<{ id: string; circle_id: string }>(`select id, circle_id from public.circle_members order by id`)).rows;
  const rows = members.flatMap((m) =>
    Array.from({ length: DEVICES }, (_, d) => ({
      member_id: m.id,
      circle_id: m.circle_id,
      endpoint: `${PUSH_ORIGIN}/send/${m.id}-${d}`,
      p256dh: createECDH("prime256v1").generateKeys().toString("base64url"),
      auth: randomBytes(16).toString("base64url"),
    })),
  );
  await db.query(
    `insert into public.push_subscriptions (member_id, circle_id, endpoint, p256dh, auth, device_label)
     select x.member_id, x.circle_id, x.endpoint, x.p256dh, x.auth, 'Bench device'
       from jsonb_to_recordset($1::jsonb) as x(member_id uuid, circle_id uuid, endpoint text, p256dh text, auth text)`,
    [JSON.stringify(rows)],
  );
}

async function main() {
  const dir = await benchDir("bench-push-");
  console.log("starting a private local stack ...");
  const stack = await startStackProcess(path.join(dir, "db"), "http://localhost:3000");
  const service = await startPushService();
  try {
    await withDb(stack.databaseUrl, (db) =>
      seedTimed(
        db,
        seed,
        `select (select count(*) from public.circle_members) as members, (select count(*) from public.push_subscriptions) as devices,
                (select count(*) from public.tasks) as tasks`,
      ),
    );
    const vapid = webpush.generateVAPIDKeys();
    Object.assign(process.env, {
      SUPABASE_URL: stack.url,
      SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
      SUPABASE_SECRET_KEY: stack.secretKey,
      MAILBOX_URL: stack.mailboxUrl,
      APP_URL: "https://circle.example",
      SESSION_SECRET: "bench-session-secret-at-least-32-characters",
      RESEND_API_KEY: "",
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:bench@circle.test",
    });
    const { runEmailJob } = await import("~/jobs/email-job.server");
    const local = `http://127.0.0.1:${service.port}`;
    const toLocal: typeof fetch = (input, init) => fetch(String(input).replace(PUSH_ORIGIN, local), init);

    const started = performance.now();
    const concurrency = process.env.BENCH_PUSH_CONCURRENCY ? Number(process.env.BENCH_PUSH_CONCURRENCY) : undefined;
    const report = await runEmailJob({ force: true, phases: ["digests"], push: { fetch: toLocal, concurrency } });
    const seconds = (performance.now() - started) / 1000;
    const p = report.pushes;
    const pushSeconds = p.ms / 1000;
    console.log(`\n${p.sent} pushes sent (${p.considered} device × event pairs; refused ${p.rejected}, gone ${p.gone}, to retry ${p.retry})`);
    console.log(`pushes per second ${(p.sent / pushSeconds).toFixed(0)} (over the ${pushSeconds.toFixed(1)} s the job spent on pushes)`);
    console.log(`whole job: ${seconds.toFixed(1)} s for ${report.digests.sent} digest emails (local mailbox) and the pushes`);
    console.log(`(load average: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs)`);
    return p.sent > 0 && p.sent === p.considered;
  } finally {
    service.stop();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
