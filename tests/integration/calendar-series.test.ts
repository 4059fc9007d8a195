// Recurring tasks in the database: the SQL twin of recurrence.ts (same dates, same instants across
// daylight-saving changes in several zones), making occurrences ahead, "edit this and following" and
// "cancel from a date" with what they do to claims, and the errors of the series RPCs.

import { beforeAll, describe, expect, test } from "vitest";
import { occurrenceDates, occurrenceOn, recurrenceRuleSchema, type Series } from "~/calendar/recurrence";
import { addDays, toLocalDate, toLocalDateTime } from "~/calendar/time";
import { expectError } from "../helpers/assertions";
import { claimsOf, makeCalendarCircle, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { must, serviceClient, sql } from "../helpers/supabase";

type Occ = { id: string; series_id: string | null; series_date: string | null; starts_at: string; ends_at: string; title: string;
  status: string; series_exception: boolean };

async function occurrencesOf(seriesIds: string[]): Promise<Occ[]> {
  return must(
    await serviceClient()
      .from("tasks")
      .select("id, series_id, series_date, starts_at, ends_at, title, status, series_exception")
      .in("series_id", seriesIds)
      .order("series_date"),
  ) as Occ[];
}

describe("the SQL recurrence is recurrence.ts's twin", () => {
  // Fixed dates only: these functions do not read the clock.
  const rules = [
    { frequency: "weekly", weekdays: [7], count: 60 },
    { frequency: "weekly", interval: 2, weekdays: [2, 4], until: "2027-12-31" },
    { frequency: "weekly", interval: 3, weekdays: [1, 5, 6], count: 40 },
    { frequency: "daily", interval: 3, count: 150 },
    { frequency: "daily", until: "2027-11-15" },
  ];
  // Wall times inside each zone's spring-forward gap or fall-back hour, and an ordinary one.
  const cases = [
    { timeZone: "America/New_York", times: ["02:30", "01:30", "18:00"] },
    { timeZone: "Europe/London", times: ["01:30", "09:15"] },
    { timeZone: "Australia/Sydney", times: ["02:30", "23:45"] },
  ];

  test.each(rules.map((r) => [JSON.stringify(r), r]))("%s", async (_name, input) => {
    const rule = recurrenceRuleSchema.parse(input);
    const first = "2027-01-05";
    const dates = occurrenceDates(rule, first);
    const rows = await sql<{ day: string }>(
      `select to_char(d, 'YYYY-MM-DD') as day
         from private.series_dates($1::public.series_frequency, $2, $3::smallint[], $4::date, $5::date, $6) d`,
      [rule.frequency, rule.interval, rule.weekdays, first, rule.until ?? null, rule.count ?? null],
    );
    expect(rows.map((r) => r.day)).toEqual(dates);

    for (const { timeZone, times } of cases) {
      for (const time of times) {
        const series: Series = { rule, firstStart: `${first}T${time}`, timeZone, durationMinutes: 90 };
        const expected = dates.map((date) => occurrenceOn(series, date).startsAt.toISOString());
        const got = await sql<{ at: Date }>(
          `select private.zoned_instant(d::date, $2::time, $3) as at from unnest($1::date[]) as d`,
          [dates, time, timeZone],
        );
        expect(got.map((r) => r.at.toISOString()), `${timeZone} ${time}`).toEqual(expected);
      }
    }
  });

  test("all-day occurrences run from local midnight to the next, 23 or 25 hours on change days", async () => {
    const got = await sql<{ starts: Date; ends: Date }>(
      `select private.zoned_instant('2027-03-14', '00:00', 'America/New_York') as starts,
              private.zoned_instant('2027-03-15', '00:00', 'America/New_York') as ends`,
    );
    expect(got[0].starts.toISOString()).toBe("2027-03-14T05:00:00.000Z");
    expect(got[0].ends.getTime() - got[0].starts.getTime()).toBe(23 * 3_600_000);
  });
});

describe("series RPCs", () => {
  let c: CalendarCircle;
  let coord: Person;
  let sam: Person;
  let today: string;

  const weekly = (fields: Record<string, unknown> = {}) => ({
    circle_id: c.circleId,
    title: "Ride to group",
    kind: "ride",
    category: "practical",
    first_date: addDays(today, 1),
    frequency: "weekly",
    weekdays: [2, 4],
    until_date: addDays(today, 120),
    start_time: "15:30",
    duration_minutes: 90,
    ...fields,
  });

  beforeAll(async () => {
    c = await makeCalendarCircle({ timeZone: "America/New_York" });
    [coord, sam] = await Promise.all([
      c.member({ role: "coordinator", categories: ["practical", "general"], name: "Ana" }),
      c.member({ categories: ["practical"], name: "Sam" }),
    ]);
    today = toLocalDate(new Date(), c.timeZone);
  }, 60_000);

  test("creating a series makes its occurrences 8 weeks ahead, at the same local time", async () => {
    const series = must(await coord.client.rpc("create_task_series", weekly()));
    const rows = await occurrencesOf([series.id]);
    const rule = recurrenceRuleSchema.parse({ frequency: "weekly", weekdays: [2, 4], until: addDays(today, 120) });
    const expected = occurrenceDates(rule, addDays(today, 1)).filter((d) => d <= addDays(today, 56));
    expect(rows.map((r) => r.series_date)).toEqual(expected);
    for (const row of rows) {
      expect(toLocalDateTime(new Date(row.starts_at), c.timeZone)).toBe(`${row.series_date}T15:30`);
      expect(new Date(row.ends_at).getTime() - new Date(row.starts_at).getTime()).toBe(90 * 60_000);
    }
    expect(series.materialised_through).toBe(addDays(today, 56));
    // The supporter sees them like any task.
    expect((await sam.client.from("tasks").select("id").eq("series_id", series.id)).data).toHaveLength(rows.length);
  });

  test("occurrences stay at the same local time across daylight-saving changes (a year of Sundays)", async () => {
    const series = must(
      await c.owner.client.rpc("create_task_series", weekly({ weekdays: [7], start_time: "09:00", duration_minutes: 60, until_date: addDays(today, 364) })),
    );
    must(await sam.client.rpc("extend_task_series", { circle_id: c.circleId, through: addDays(today, 364) }));
    const rows = await occurrencesOf([series.id]);
    expect(rows.length).toBeGreaterThanOrEqual(51);
    const offsets = new Set<number>();
    for (const row of rows) {
      expect(toLocalDateTime(new Date(row.starts_at), c.timeZone)).toBe(`${row.series_date}T09:00`);
      offsets.add(new Date(row.starts_at).getUTCHours());
    }
    // New York in winter (14:00Z) and in summer (13:00Z).
    expect([...offsets].sort()).toEqual([13, 14]);
  });

  test("refusals: supporters, categories the coordinator does not hold, bad rules, outsiders", async () => {
    expectError(await sam.client.rpc("create_task_series", weekly()), "not_task_manager", 403);
    expectError(await coord.client.rpc("create_task_series", weekly({ category: "health" })), "category_not_allowed", 403);
    expectError(await coord.client.rpc("create_task_series", weekly({ weekdays: [] })), "invalid_rule", 400);
    expectError(await coord.client.rpc("create_task_series", weekly({ occurrence_count: 5 })), "invalid_end", 400);
    expectError(await coord.client.rpc("create_task_series", weekly({ until_date: addDays(today, 800) })), "invalid_end", 400);
    expectError(await coord.client.rpc("create_task_series", weekly({ first_date: addDays(today, -1) })), "invalid_date", 400);
    expectError(await coord.client.rpc("create_task_series", weekly({ start_time: null })), "invalid_time", 400);
    expectError(
      await coord.client.rpc("create_task_series", weekly({ kind: "ride", contact_preference: "no_contact" })),
      "invalid_contact_preference",
      400,
    );
    const other = await makeCalendarCircle();
    expectError(await other.owner.client.rpc("create_task_series", weekly()), "circle_not_found", 404);
  });

  test("kept ahead as time passes: extend makes what is missing once, and never what was deleted", async () => {
    const series = must(await coord.client.rpc("create_task_series", weekly({ weekdays: [1, 3, 5] })));
    const service = serviceClient();
    const rows = await occurrencesOf([series.id]);
    // As if the series had last been extended three weeks ago.
    const cut = addDays(today, 35);
    must(await service.from("tasks").delete().eq("series_id", series.id).gt("series_date", cut));
    must(await service.from("task_series").update({ materialised_through: cut }).eq("id", series.id));
    must(await sam.client.rpc("extend_task_series", { circle_id: c.circleId }));
    expect((await occurrencesOf([series.id])).map((r) => r.series_date)).toEqual(rows.map((r) => r.series_date));
    must(await sam.client.rpc("extend_task_series", { circle_id: c.circleId }));
    expect(await occurrencesOf([series.id])).toHaveLength(rows.length);

    // Deleting one occurrence (a manager may) does not bring it back.
    must(await c.owner.client.from("tasks").delete().eq("id", rows[2].id));
    must(await sam.client.rpc("extend_task_series", { circle_id: c.circleId, through: addDays(today, 90) }));
    const after = await occurrencesOf([series.id]);
    expect(after.map((r) => r.series_date)).not.toContain(rows[2].series_date);
    expect(after.at(-1)!.series_date! > addDays(today, 56)).toBe(true);

    const other = await makeCalendarCircle();
    expectError(await other.owner.client.rpc("extend_task_series", { circle_id: c.circleId }), "circle_not_found", 404);
  });

  test("edit this and following: open ones follow, claimed ones keep their time and helpers", async () => {
    const series = must(await c.owner.client.rpc("create_task_series", weekly()));
    const before = await occurrencesOf([series.id]);
    expect(before.length).toBeGreaterThanOrEqual(10);
    const from = before[2].series_date!;
    const claimed = before.slice(3).filter((o) => o.series_date! > from).slice(0, 2);
    for (const o of claimed) must(await sam.client.rpc("claim_task", { task_id: o.id }));
    // One occurrence changed on its own.
    const edited = before[7];
    must(await c.owner.client.from("tasks").update({ title: "Ride (dentist first)" }).eq("id", edited.id));
    expect((await occurrencesOf([series.id])).find((o) => o.id === edited.id)!.series_exception).toBe(true);

    // From `from` on: Tuesdays only, 16:00 for an hour, new title.
    const result = must(
      await coord.client.rpc("update_task_series", {
        ...weekly({ weekdays: [2], start_time: "16:00", duration_minutes: 60, title: "Ride to group (new time)" }),
        circle_id: undefined,
        first_date: undefined,
        series_id: series.id,
        from_date: from,
      }),
    ) as { series_id: string; kept_claimed: number; kept_edited: number; removed: number; updated: number; created: number };
    expect(result.series_id).not.toBe(series.id);
    expect(result.kept_claimed).toBe(2);
    expect(result.kept_edited).toBe(1);

    const old = must(await serviceClient().from("task_series").select("stopped_from").eq("id", series.id).single());
    expect(old.stopped_from).toBe(from);
    const next = must(await serviceClient().from("task_series").select("previous_series_id").eq("id", result.series_id).single());
    expect(next.previous_series_id).toBe(series.id);

    const after = await occurrencesOf([series.id, result.series_id]);
    const byId = new Map(after.map((o) => [o.id, o]));
    // Before the date: untouched.
    for (const o of before.slice(0, 2)) expect(byId.get(o.id)).toMatchObject({ series_id: series.id, starts_at: o.starts_at, title: o.title });
    // Claimed: same time, same helper, new details; still in the series if its date still is.
    for (const o of claimed) {
      const now = (await serviceClient().from("tasks").select("id, series_id, starts_at, title").eq("id", o.id).single()).data!;
      expect(now.starts_at).toBe(o.starts_at);
      expect(now.title).toBe("Ride to group (new time)");
      expect(await claimsOf(o.id)).toEqual([sam.memberId]);
      const isTuesday = new Date(`${o.series_date}T12:00:00Z`).getUTCDay() === 2;
      expect(now.series_id).toBe(isTuesday ? result.series_id : null);
    }
    // Changed on its own: keeps its title and time.
    const editedNow = (await serviceClient().from("tasks").select("title, starts_at").eq("id", edited.id).single()).data!;
    expect(editedNow).toEqual({ title: "Ride (dentist first)", starts_at: edited.starts_at });
    // Open ones from the date on: Tuesdays at 16:00; no Thursday left but the kept ones; one per date.
    const following = after.filter((o) => o.series_id === result.series_id);
    expect(new Set(following.map((o) => o.series_date)).size).toBe(following.length);
    const keptIds = new Set([...claimed.map((o) => o.id), edited.id]);
    for (const o of following.filter((x) => !keptIds.has(x.id))) {
      expect(toLocalDateTime(new Date(o.starts_at), c.timeZone)).toBe(`${o.series_date}T16:00`);
      expect(new Date(`${o.series_date}T12:00:00Z`).getUTCDay()).toBe(2);
      expect(o.title).toBe("Ride to group (new time)");
    }
    const thursdaysLeft = after.filter(
      (o) => o.series_date! >= from && new Date(`${o.series_date}T12:00:00Z`).getUTCDay() === 4 && !keptIds.has(o.id),
    );
    expect(thursdaysLeft).toEqual([]);
  });

  test("edit from the first date changes the series in place", async () => {
    const series = must(await coord.client.rpc("create_task_series", weekly()));
    const first = (await occurrencesOf([series.id]))[0];
    const result = must(
      await coord.client.rpc("update_task_series", {
        ...weekly({ title: "Ride to group, earlier", start_time: "14:00" }),
        circle_id: undefined,
        first_date: undefined,
        series_id: series.id,
        from_date: first.series_date,
      }),
    );
    expect(result.series_id).toBe(series.id);
    const rows = await occurrencesOf([series.id]);
    expect(rows[0].id).toBe(first.id);
    for (const row of rows) expect(toLocalDateTime(new Date(row.starts_at), c.timeZone)).toBe(`${row.series_date}T14:00`);
  });

  test("a category change in the series releases helpers who may no longer see it", async () => {
    const series = must(await c.owner.client.rpc("create_task_series", weekly()));
    const [first, second] = await occurrencesOf([series.id]);
    must(await sam.client.rpc("claim_task", { task_id: second.id }));
    must(
      await c.owner.client.rpc("update_task_series", {
        ...weekly({ category: "general" }),
        circle_id: undefined,
        first_date: undefined,
        series_id: series.id,
        from_date: first.series_date,
      }),
    );
    expect(await claimsOf(second.id)).toEqual([]);
    expect((await sam.client.from("tasks").select("id").eq("series_id", series.id)).data).toEqual([]);
  });

  test("cancel from a date: every later occurrence is cancelled (claims stay), and no more are made", async () => {
    const series = must(await coord.client.rpc("create_task_series", weekly()));
    const rows = await occurrencesOf([series.id]);
    const from = rows[3].series_date!;
    must(await sam.client.rpc("claim_task", { task_id: rows[4].id }));
    expectError(await sam.client.rpc("cancel_task_series", { series_id: series.id, from_date: from }), "not_task_manager", 403);
    expectError(
      await coord.client.rpc("cancel_task_series", { series_id: series.id, from_date: addDays(today, -1) }),
      "invalid_date",
      400,
    );
    const result = must(await coord.client.rpc("cancel_task_series", { series_id: series.id, from_date: from, note: "Group moved online" }));
    expect(result).toEqual({ cancelled: rows.length - 3, had_claims: 1, skipped: 0 });
    const after = await occurrencesOf([series.id]);
    expect(after.slice(0, 3).map((o) => o.status)).toEqual(["scheduled", "scheduled", "scheduled"]);
    expect(new Set(after.slice(3).map((o) => o.status))).toEqual(new Set(["cancelled"]));
    expect(await claimsOf(rows[4].id)).toEqual([sam.memberId]);
    must(await sam.client.rpc("extend_task_series", { circle_id: c.circleId, through: addDays(today, 200) }));
    expect(await occurrencesOf([series.id])).toHaveLength(rows.length);
    expectError(
      await coord.client.rpc("update_task_series", {
        ...weekly(),
        circle_id: undefined,
        first_date: undefined,
        series_id: series.id,
        from_date: addDays(from, 7),
      }),
      "series_ended",
      409,
    );
  });

  test("a coordinator cannot reach later parts of a series moved to a category they do not hold", async () => {
    const series = must(await c.owner.client.rpc("create_task_series", weekly()));
    const rows = await occurrencesOf([series.id]);
    // The person moves the series to `health` from the fourth occurrence on.
    const split = must(
      await c.owner.client.rpc("update_task_series", {
        ...weekly({ category: "health" }),
        circle_id: undefined,
        first_date: undefined,
        series_id: series.id,
        from_date: rows[3].series_date,
      }),
    );
    expectError(
      await coord.client.rpc("cancel_task_series", { series_id: series.id, from_date: rows[1].series_date }),
      "category_not_allowed",
      403,
    );
    expect(new Set((await occurrencesOf([split.series_id])).map((o) => o.status))).toEqual(new Set(["scheduled"]));
  });

  test("a series the caller cannot see is not found", async () => {
    const series = must(await c.owner.client.rpc("create_task_series", weekly({ category: "health" })));
    expectError(await coord.client.rpc("cancel_task_series", { series_id: series.id, from_date: today }), "series_not_found", 404);
    expectError(await sam.client.rpc("cancel_task_series", { series_id: crypto.randomUUID(), from_date: today }), "series_not_found", 404);
  });
});
