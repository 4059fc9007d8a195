import { afterAll, describe, expect, test } from "vitest";
import { isDigestDue, type DigestSchedule } from "~/digest/schedule";
import { runEmailJob } from "~/jobs/email-job.server";
import { deliveries, makeCircle, type Person } from "../helpers/digest-fixture";
import { closeSql, sql } from "../helpers/supabase";

// The schedule with a pinned clock in two zones across their daylight-saving changes: the database's
// private.digest_is_due (what the job uses) against its TS twin (what pages show), then the job itself.

afterAll(closeSql);

const ZONES = ["Europe/Dublin", "America/New_York"];
const SCHEDULES: DigestSchedule[] = [
  { frequency: "daily", weekday: 1, hour: 8 },
  { frequency: "daily", weekday: 1, hour: 0 },
  { frequency: "daily", weekday: 1, hour: 1 },
  { frequency: "daily", weekday: 1, hour: 2 },
  { frequency: "weekly", weekday: 1, hour: 8 },
  { frequency: "weekly", weekday: 7, hour: 1 },
  { frequency: "weekly", weekday: 3, hour: 23 },
  { frequency: "off", weekday: 1, hour: 8 },
];

function every(fromIso: string, toIso: string, stepMinutes: number): Date[] {
  const out: Date[] = [];
  for (let t = Date.parse(fromIso); t < Date.parse(toIso); t += stepMinutes * 60_000) out.push(new Date(t));
  return out;
}

test("private.digest_is_due and isDigestDue agree every 15 minutes across both zones' changes", async () => {
  const instants = [
    ...every("2026-03-06T00:00:00Z", "2026-03-11T00:00:00Z", 15),
    ...every("2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z", 15),
    ...every("2026-10-23T00:00:00Z", "2026-10-27T00:00:00Z", 15),
    ...every("2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z", 15),
  ];
  let compared = 0;
  for (const zone of ZONES) {
    for (const schedule of SCHEDULES) {
      const rows = await sql<{ due: boolean; period: string }>(
        `select private.digest_is_due(t at time zone $2, $3::public.digest_frequency, $4::smallint, $5::smallint) as due,
                (t at time zone $2)::date::text as period
           from unnest($1::timestamptz[]) with ordinality as x(t, i) order by i`,
        [instants, zone, schedule.frequency, schedule.weekday, schedule.hour],
      );
      const mismatches = instants.filter((instant, i) => rows[i].due !== isDigestDue(instant, zone, schedule));
      expect(mismatches.map((d) => d.toISOString()), `${zone} ${JSON.stringify(schedule)}`).toEqual([]);
      compared += instants.length;
    }
  }
  expect(compared).toBeGreaterThan(10_000);
});

describe("the job sends each digest once, at the member's local hour, in two zones across the changes", () => {
  test("Dublin and New York, daily and weekly on Monday at 8:00", async () => {
    const dublin = await makeCircle({ timeZone: "Europe/Dublin", ownerPrefs: { frequency: "off" } });
    const newYork = await makeCircle({ timeZone: "America/New_York", ownerPrefs: { frequency: "off" } });
    const people: Record<string, Person> = {
      dublinDaily: await dublin.member("Dee", { prefs: { frequency: "daily", hour: 8 } }),
      dublinWeekly: await dublin.member("Wes", { prefs: { frequency: "weekly", weekday: 1, hour: 8 } }),
      newYorkDaily: await newYork.member("Nia", { prefs: { frequency: "daily", hour: 8 } }),
      newYorkWeekly: await newYork.member("Ned", { prefs: { frequency: "weekly", weekday: 1, hour: 8 } }),
    };
    const circles = [dublin.circleId, newYork.circleId];
    const byMember = Object.fromEntries(Object.entries(people).map(([key, person]) => [person.memberId, key]));
    const seen = new Set<number>();
    /** Runs the job at that instant and returns the digests it recorded, "who period", sorted. */
    const runAt = async (iso: string) => {
      await runEmailJob({ now: new Date(iso), circleIds: circles, phases: ["digests"] });
      const added = (await deliveries(circles)).filter((row) => !seen.has(row.id));
      for (const row of added) seen.add(row.id);
      return added.map((row) => `${byMember[row.member_id]} ${row.period}`).sort();
    };

    // Monday 9 March: New York has changed to EDT (UTC-4), Dublin is still on GMT.
    expect(await runAt("2026-03-09T07:59:00Z")).toEqual([]);
    expect(await runAt("2026-03-09T08:00:00Z")).toEqual(["dublinDaily 2026-03-09", "dublinWeekly 2026-03-09"]);
    expect(await runAt("2026-03-09T11:59:00Z")).toEqual([]); // 07:59 EDT
    expect(await runAt("2026-03-09T12:00:00Z")).toEqual(["newYorkDaily 2026-03-09", "newYorkWeekly 2026-03-09"]); // 08:00 EDT
    // Later runs that day send nothing again.
    expect(await runAt("2026-03-09T15:00:00Z")).toEqual([]);
    expect(await runAt("2026-03-09T22:00:00Z")).toEqual([]);

    // Tuesday: daily only.
    expect(await runAt("2026-03-10T12:00:00Z")).toEqual(["dublinDaily 2026-03-10", "newYorkDaily 2026-03-10"]);

    // Sunday 29 March, Dublin's change day: 08:00 IST is 07:00 UTC.
    expect(await runAt("2026-03-29T06:59:00Z")).toEqual([]);
    expect(await runAt("2026-03-29T07:00:00Z")).toEqual(["dublinDaily 2026-03-29"]);
    // Monday 30 March: the weekly one too, at 08:00 IST.
    expect(await runAt("2026-03-30T06:59:00Z")).toEqual([]);
    expect(await runAt("2026-03-30T07:00:00Z")).toEqual(["dublinDaily 2026-03-30", "dublinWeekly 2026-03-30"]);
  });

  test("an hour repeated by the autumn change sends once (New York, 1 November, 01:00)", async () => {
    const newYork = await makeCircle({ timeZone: "America/New_York", ownerPrefs: { frequency: "off" } });
    const owl = await newYork.member("Owl", { prefs: { frequency: "daily", hour: 1 } });
    const run = (iso: string) => runEmailJob({ now: new Date(iso), circleIds: [newYork.circleId], phases: ["digests"] });
    await run("2026-11-01T05:00:00Z"); // 01:00 EDT
    await run("2026-11-01T06:00:00Z"); // 01:00 EST
    const rows = await deliveries([newYork.circleId]);
    expect(rows.map((row) => [row.member_id, row.period])).toEqual([[owl.memberId, "2026-11-01"]]);
  });

  test("--now ignores the schedule, still once per member and day", async () => {
    const circle = await makeCircle({ timeZone: "America/New_York", ownerPrefs: { frequency: "off" } });
    await circle.member("Wren", { prefs: { frequency: "weekly", weekday: 1, hour: 8 } });
    await circle.member("Off", { prefs: { frequency: "off" } });
    const run = (force: boolean) =>
      runEmailJob({ now: new Date("2026-03-11T15:00:00Z"), force, circleIds: [circle.circleId], phases: ["digests"] });
    expect((await run(false)).digests.considered).toBe(0); // a Wednesday
    expect((await run(true)).digests.considered).toBe(1);
    expect((await run(true)).digests.considered).toBe(0);
  });
});
