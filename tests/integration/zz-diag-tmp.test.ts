import pg from "pg";
import { test } from "vitest";
import { CIRCLE_ID, PROBE_ID, seedBackground, seedCalendarCircle } from "../bench/calendar";

test("diag", { timeout: 300_000 }, async () => {
  const db = new pg.Client(process.env.DATABASE_URL); await db.connect();
  await db.query("begin"); await seedBackground(db); await seedCalendarCircle(db); await db.query("commit"); await db.query("analyze");
  const asProbe = async (sql: string, params: unknown[] = []) => {
    await db.query("begin");
    await db.query(`select set_config('role','authenticated',true), set_config('request.jwt.claims',$1,true)`, [JSON.stringify({ sub: PROBE_ID, role: "authenticated" })]);
    const t = performance.now();
    const r = await db.query(`explain (analyze, costs off, summary on) ${sql}`, params);
    const ms = performance.now() - t;
    await db.query("rollback");
    const lines = r.rows.map((x) => x["QUERY PLAN"] as string);
    console.log(`--- ${ms.toFixed(1)} ms: ${sql.slice(0, 100)}\n${lines.filter((l) => /Execution Time|Seq Scan|Planning Time/.test(l)).join("\n")}`);
  };
  const from = new Date(Date.now() - 40 * 864e5).toISOString(), to = new Date(Date.now() + 10 * 864e5).toISOString();
  for (let i = 0; i < 2; i++) {
    await asProbe(`select public.calendar_window($1, $2, $3, null)`, [CIRCLE_ID, from, to]);
    await asProbe(`select id from public.circles where id = $1`, [CIRCLE_ID]);
    await asProbe(`select m.id, p.display_name from public.circle_members m left join public.profiles p on p.id = m.user_id where m.circle_id = $1 and m.user_id = $2`, [CIRCLE_ID, PROBE_ID]);
    await asProbe(`select m.id, p.display_name from public.circle_members m left join public.profiles p on p.id = m.user_id where m.circle_id = $1`, [CIRCLE_ID]);
    await asProbe(`select public.extend_task_series($1, null)`, [CIRCLE_ID]);
    await asProbe(`select * from auth.users where id = $1`, [PROBE_ID]).catch((e) => console.log("auth.users", e.message));
  }
  await db.end();
});
