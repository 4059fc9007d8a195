// The private ICS feed, end to end: the token made through the feed page's RPC, the resource route
// /feeds/<token>.ics answering as a calendar app would fetch it, and the text parsed back by a real
// parser (node-ical): UIDs, DTSTAMP, times in the circle's zone, all-day dates, cancelled occurrences.

import ical, { type VEvent } from "node-ical";
import { beforeAll, describe, expect, test } from "vitest";
import { addDays, toLocalDate, zonedInstant } from "~/calendar/time";
import * as feedRoute from "~/routes/feeds.$token[.]ics";
import { DAY, fromNow, HOUR, makeCalendarCircle, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { get, run } from "../helpers/routes";
import { must, serviceClient } from "../helpers/supabase";

let c: CalendarCircle;
let sam: Person;
let token: string;
const tasks: Record<string, string> = {};

async function fetchFeed(t: string) {
  return run(feedRoute.loader, get(`/feeds/${t}.ics`), { token: t });
}

function events(text: string): VEvent[] {
  return Object.values(ical.sync.parseICS(text)).filter((item): item is VEvent => item?.type === "VEVENT");
}

const textOf = (value: unknown) => (typeof value === "object" && value && "val" in value ? (value as { val: string }).val : value);

beforeAll(async () => {
  c = await makeCalendarCircle({ timeZone: "America/New_York" });
  sam = await c.member({ categories: ["practical", "wellbeing"], name: "Sam" });
  const today = toLocalDate(new Date(), c.timeZone);
  const day = addDays(today, 4);
  tasks.dinner = await c.task({
    title: "Dinner drop-off, vegetarian; no mushrooms",
    startsAt: zonedInstant(day, "18:00", c.timeZone),
    endsAt: zonedInstant(day, "18:30", c.timeZone),
    location: "12 Elm Street",
    contactPreference: "no_contact",
    dietaryNeeds: "Vegetarian",
    notes: "Leave it on the porch.",
  });
  tasks.groceries = await c.task({
    title: "Groceries",
    kind: "errand",
    allDay: true,
    startsAt: zonedInstant(addDays(today, 5), "00:00", c.timeZone),
    endsAt: zonedInstant(addDays(today, 6), "00:00", c.timeZone),
  });
  tasks.call = await c.task({ title: "Check-in call", kind: "check_in_call", category: "wellbeing", startsAt: fromNow(6 * DAY) });
  tasks.cancelled = await c.task({ title: "Walk Biscuit", kind: "pet_care", startsAt: fromNow(3 * DAY) });
  tasks.notMine = await c.task({ title: "Someone else's ride", kind: "ride", startsAt: fromNow(2 * DAY) });
  tasks.old = await c.task({ title: "Long ago", startsAt: fromNow(-90 * DAY) });
  for (const key of ["dinner", "groceries", "call", "cancelled"]) {
    must(await sam.client.rpc("claim_task", { task_id: tasks[key] }));
  }
  must(await serviceClient().from("task_claims").insert({ task_id: tasks.old, circle_id: c.circleId, member_id: sam.memberId }));
  must(await c.owner.client.rpc("cancel_task", { task_id: tasks.cancelled }));
  token = must(await sam.client.rpc("reset_calendar_feed", { circle_id: c.circleId })) as string;
}, 60_000);

describe("GET /feeds/<token>.ics", () => {
  test("answers text/calendar that a real parser reads back", async () => {
    const result = await fetchFeed(token);
    expect(result.status).toBe(200);
    expect(result.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    expect(result.headers.get("Cache-Control")).toContain("private");
    const text = result.body!;
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(text).toContain("X-WR-CALNAME:Calendar circle: my tasks");
    expect(text).toContain("BEGIN:VTIMEZONE\r\nTZID:America/New_York");

    const parsed = events(text);
    const byUid = new Map(parsed.map((e) => [e.uid, e]));
    const host = new URL(process.env.APP_URL!).host;
    // Claimed tasks only, visible ones, from the last 60 days on.
    expect([...byUid.keys()].sort()).toEqual(
      [tasks.dinner, tasks.groceries, tasks.call, tasks.cancelled].map((id) => `${id}@${host}`).sort(),
    );
    for (const event of parsed) {
      expect(event.dtstamp).toBeInstanceOf(Date);
      expect(typeof event.sequence === "number" || typeof event.sequence === "string").toBe(true);
    }

    const dinner = byUid.get(`${tasks.dinner}@${host}`)!;
    const today = toLocalDate(new Date(), c.timeZone);
    expect(dinner.start.toISOString()).toBe(zonedInstant(addDays(today, 4), "18:00", c.timeZone).toISOString());
    expect(dinner.end!.toISOString()).toBe(zonedInstant(addDays(today, 4), "18:30", c.timeZone).toISOString());
    expect(dinner.start.tz).toBe("America/New_York");
    expect(textOf(dinner.summary)).toBe("Dinner drop-off, vegetarian; no mushrooms");
    expect(textOf(dinner.location)).toBe("12 Elm Street");
    expect(String(textOf(dinner.description))).toContain("No-contact drop-off");
    expect(String(textOf(dinner.description))).toContain("Dietary needs: Vegetarian");
    expect(dinner.url).toBe(`${process.env.APP_URL}/circles/${c.circleId}/tasks/${tasks.dinner}`);
    expect(dinner.status).toBe("CONFIRMED");

    const groceries = byUid.get(`${tasks.groceries}@${host}`)!;
    expect(groceries.datetype).toBe("date");
    expect(text).toContain(`DTSTART;VALUE=DATE:${addDays(today, 5).replaceAll("-", "")}`);
    expect(text).toContain(`DTEND;VALUE=DATE:${addDays(today, 6).replaceAll("-", "")}`);

    const cancelled = byUid.get(`${tasks.cancelled}@${host}`)!;
    expect(cancelled.status).toBe("CANCELLED");
  });

  test("follows the consent rule: a revoked category leaves the feed at once, past tasks included", async () => {
    const lee = await c.member({ categories: ["practical", "wellbeing"], name: "Lee" });
    const past = await c.task({ title: "Last week's call", kind: "check_in_call", category: "wellbeing", startsAt: fromNow(-7 * DAY) });
    must(await serviceClient().from("task_claims").insert({ task_id: past, circle_id: c.circleId, member_id: lee.memberId }));
    const leeToken = must(await lee.client.rpc("reset_calendar_feed", { circle_id: c.circleId })) as string;
    const host = new URL(process.env.APP_URL!).host;
    expect(events((await fetchFeed(leeToken)).body!).map((e) => e.uid)).toEqual([`${past}@${host}`]);
    must(await c.owner.client.rpc("set_member_grants", { member_id: lee.memberId, categories: ["practical"] }));
    expect(events((await fetchFeed(leeToken)).body!)).toEqual([]);
  });

  test("an unknown, reset or malformed token answers 404 with no calendar", async () => {
    const fresh = must(await sam.client.rpc("reset_calendar_feed", { circle_id: c.circleId })) as string;
    for (const t of [token, "not-a-token", "A".repeat(43)]) {
      const result = await fetchFeed(t);
      expect(result.status).toBe(404);
      expect(result.headers.get("Content-Type")).toContain("text/plain");
    }
    expect((await fetchFeed(fresh)).status).toBe(200);
    token = fresh;
  });

  test("a task moved to a later time keeps its UID and gets a higher SEQUENCE", async () => {
    const host = new URL(process.env.APP_URL!).host;
    const sequenceOf = async () => {
      const text = (await fetchFeed(token)).body!;
      const event = events(text).find((e) => e.uid === `${tasks.call}@${host}`)!;
      return Number(event.sequence);
    };
    const before = await sequenceOf();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    must(
      await c.owner.client
        .from("tasks")
        .update({ starts_at: fromNow(7 * DAY).toISOString(), ends_at: fromNow(7 * DAY + HOUR).toISOString() })
        .eq("id", tasks.call),
    );
    expect(await sequenceOf()).toBeGreaterThan(before);
  });
});
