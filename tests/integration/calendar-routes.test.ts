// The calendar's pages through their Remix loaders and actions, called with real Requests and the
// cookies of a real sign-in: what each loader reads (only the shown range), the forms' validation
// messages next to their fields, and the plain-form actions (create, claim, release, done, thanks,
// edit, offers, feed).

import { beforeAll, describe, expect, test } from "vitest";
import { addDays, toLocalDate, toLocalDateTime, zonedInstant } from "~/calendar/time";
import * as calendarRoute from "~/routes/circles.$circleId.calendar";
import * as editRoute from "~/routes/circles.$circleId.tasks.$taskId.edit";
import * as taskRoute from "~/routes/circles.$circleId.tasks.$taskId._index";
import * as listRoute from "~/routes/circles.$circleId.tasks._index";
import * as feedPage from "~/routes/circles.$circleId.tasks.feed";
import * as newRoute from "~/routes/circles.$circleId.tasks.new";
import * as offersRoute from "~/routes/circles.$circleId.tasks.offers";
import { claimsOf, makeCalendarCircle, taskRow, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { get, post, run, signInCookie } from "../helpers/routes";
import { must, serviceClient } from "../helpers/supabase";

let c: CalendarCircle;
let coord: Person;
let sam: Person;
const cookie: Record<"owner" | "coord" | "sam", string> = { owner: "", coord: "", sam: "" };
let today: string;

beforeAll(async () => {
  c = await makeCalendarCircle({ timeZone: "Europe/London" });
  [coord, sam] = await Promise.all([
    c.member({ role: "coordinator", categories: ["practical", "general"], name: "Ana" }),
    c.member({ categories: ["practical"], name: "Sam" }),
  ]);
  [cookie.owner, cookie.coord, cookie.sam] = await Promise.all([
    signInCookie(c.owner.email),
    signInCookie(coord.email),
    signInCookie(sam.email),
  ]);
  today = toLocalDate(new Date(), c.timeZone);
}, 60_000);

const params = () => ({ circleId: c.circleId });
const base = () => `/circles/${c.circleId}`;

describe("the calendar loader reads only the shown range", () => {
  test("month, week and day views, and the filters", async () => {
    const inMonth = await c.task({ title: "This week", startsAt: zonedInstant(addDays(today, 1), "10:00", c.timeZone) });
    const later = await c.task({ title: "In four months", startsAt: zonedInstant(addDays(today, 120), "10:00", c.timeZone) });
    must(await sam.client.rpc("claim_task", { task_id: inMonth }));

    const month = await run(calendarRoute.loader, get(`${base()}/calendar?date=${addDays(today, 1)}`, cookie.sam), params());
    expect(month.status).toBe(200);
    const monthIds = month.data.tasks.map((t: { id: string }) => t.id);
    expect(monthIds).toContain(inMonth);
    expect(monthIds).not.toContain(later);
    expect(month.data.place).toEqual({ view: "month", date: addDays(today, 1), filter: "all" });
    expect(month.data.zone).toBe("London time");

    const far = await run(calendarRoute.loader, get(`${base()}/calendar?view=day&date=${addDays(today, 120)}`, cookie.sam), params());
    expect(far.data.tasks.map((t: { id: string }) => t.id)).toEqual([later]);
    expect(far.data.tasks[0]).toMatchObject({ state: "open", needsHelp: true, mine: false, title: "In four months" });

    const mine = await run(calendarRoute.loader, get(`${base()}/calendar?view=week&date=${addDays(today, 1)}&filter=mine`, cookie.sam), params());
    expect(mine.data.tasks.map((t: { id: string }) => t.id)).toEqual([inMonth]);
    expect(mine.data.tasks[0]).toMatchObject({ mine: true, state: "full" });
    const open = await run(calendarRoute.loader, get(`${base()}/calendar?view=week&date=${addDays(today, 1)}&filter=open`, cookie.sam), params());
    expect(open.data.tasks.map((t: { id: string }) => t.id)).not.toContain(inMonth);

    // Nonsense in the URL falls back to the defaults rather than failing.
    const odd = await run(calendarRoute.loader, get(`${base()}/calendar?view=year&date=2026-02-30&filter=x`, cookie.sam), params());
    expect(odd.status).toBe(200);
    expect(odd.data.place).toEqual({ view: "month", date: today, filter: "all" });
  });

  test("someone outside the circle gets 404", async () => {
    const other = await makeCalendarCircle();
    const outsider = await signInCookie(other.owner.email);
    expect((await run(calendarRoute.loader, get(`${base()}/calendar`, outsider), params())).status).toBe(404);
    expect((await run(listRoute.loader, get(`${base()}/tasks`, outsider), params())).status).toBe(404);
  });
});

describe("adding a task (plain form)", () => {
  const valid = (fields: Record<string, string | string[]> = {}) => ({
    title: "Dinner drop-off",
    kind: "meal",
    category: "practical",
    date: addDays(today, 2),
    startTime: "18:00",
    endTime: "18:30",
    slots: "1",
    repeat: "none",
    contactPreference: "no_contact",
    dietaryNeeds: "Vegetarian",
    ...fields,
  });
  const submit = (fields: Record<string, string | string[]>, who: keyof typeof cookie = "coord") =>
    run(newRoute.action, post(`${base()}/tasks/new`, fields, cookie[who]), params());

  test("every mistake gets a message next to its field", async () => {
    const cases: Array<[Record<string, string | string[]>, string, string]> = [
      [{ title: " " }, "title", "Give the task a title"],
      [{ title: "x".repeat(201) }, "title", "Keep the title under 200 characters"],
      [{ endTime: "17:00" }, "endTime", "The end must be after the start"],
      [{ startTime: "" }, "startTime", "Enter a start time, or choose All day"],
      [{ slots: "0" }, "slots", "A task needs at least 1 helper"],
      [{ slots: "21" }, "slots", "A task can ask for at most 20 helpers"],
      [{ date: addDays(today, -1) }, "date", "Choose today or a later date"],
      [{ date: addDays(today, 800) }, "date", "Choose a date within the next two years"],
      [{ date: "2027-02-30" }, "date", "Enter a real date (YYYY-MM-DD)"],
      [{ category: "health" }, "category", "You can only create tasks in the categories the person shares with you"],
      [{ repeat: "weekly", until: addDays(today, 30) }, "weekdays", "Choose at least one day of the week"],
      [{ repeat: "weekly", weekdays: ["2"], until: addDays(today, 1) }, "until", "The series must end after it starts"],
      [{ repeat: "weekly", weekdays: ["2"], ends: "count", count: "lots" }, "count", "Enter a number of times"],
      [{ repeat: "daily", repeatEvery: "0", ends: "count", count: "3" }, "repeatEvery", "Repeat at least every 1"],
      [{ repeat: "daily", ends: "count", count: "99999" }, "count", "At most 500 times"],
      [{ repeat: "daily", ends: "count", count: "99,999" }, "count", "At most 500 times"],
      [{ repeat: "daily", repeatEvery: "99999", ends: "count", count: "3" }, "repeatEvery", "Repeat at most every 52"],
    ];
    for (const [fields, field, message] of cases) {
      const result = await submit(valid(fields));
      expect(result.status, JSON.stringify(fields)).toBe(400);
      expect(result.data.errors.fieldErrors[field], JSON.stringify(fields)).toEqual([message]);
      // What was typed comes back to refill the form.
      expect(result.data.values.title).toBe(valid(fields).title);
    }
  });

  test("a supporter cannot open or submit the form (403)", async () => {
    expect((await run(newRoute.loader, get(`${base()}/tasks/new`, cookie.sam), params())).status).toBe(403);
    expect((await submit(valid(), "sam")).status).toBe(403);
  });

  test("one task: saved in the circle's zone, contact preference kept for a meal, dropped for a ride", async () => {
    const result = await submit(valid());
    expect(result.status).toBe(302);
    const id = result.headers.get("Location")!.match(/tasks\/([0-9a-f-]{36})\?notice=created/)![1];
    const row = (await taskRow(id))!;
    expect(row).toMatchObject({ kind: "meal", contact_preference: "no_contact", dietary_needs: "Vegetarian", slots: 1, created_by: coord.id });
    expect(toLocalDateTime(new Date(row.starts_at as string), c.timeZone)).toBe(`${addDays(today, 2)}T18:00`);

    const ride = await submit(valid({ kind: "ride", title: "Ride to group" }));
    const rideId = ride.headers.get("Location")!.match(/tasks\/([0-9a-f-]{36})/)![1];
    expect(await taskRow(rideId)).toMatchObject({ kind: "ride", contact_preference: null, dietary_needs: null });
  });

  test("an all-day task and a weekly series", async () => {
    const allDay = await submit(valid({ title: "Groceries", kind: "errand", allDay: "on", startTime: "", endTime: "" }));
    const id = allDay.headers.get("Location")!.match(/tasks\/([0-9a-f-]{36})/)![1];
    const row = (await taskRow(id))!;
    expect(row.all_day).toBe(true);
    expect(new Date(row.starts_at as string)).toEqual(zonedInstant(addDays(today, 2), "00:00", c.timeZone));

    const series = await submit(
      valid({ title: "Ride to group", kind: "ride", repeat: "weekly", weekdays: ["2", "4"], ends: "count", count: "6" }),
    );
    expect(series.status).toBe(302);
    const first = series.headers.get("Location")!.match(/tasks\/([0-9a-f-]{36})/)![1];
    const seriesId = (await taskRow(first))!.series_id as string;
    const { data } = await serviceClient().from("tasks").select("id").eq("series_id", seriesId);
    expect(data).toHaveLength(6);
  });
});

describe("acting on a task (plain forms)", () => {
  test("claim and release from the list, with a notice after the redirect", async () => {
    const task = await c.task({ title: "Walk Biscuit", kind: "pet_care" });
    const claimed = await run(listRoute.action, post(`${base()}/tasks?days=30`, { intent: "claim", taskId: task }, cookie.sam), params());
    expect(claimed.status).toBe(302);
    const back = claimed.headers.get("Location")!;
    expect(back).toContain(`/tasks?days=30&notice=claimed&task=${task}`);
    const page = await run(listRoute.loader, get(back, cookie.sam), params());
    expect(page.data.notice).toBe("Thank you! “Walk Biscuit” is yours. It is in your calendar feed too, if you have one.");
    expect(await claimsOf(task)).toEqual([sam.memberId]);

    const released = await run(listRoute.action, post(`${base()}/tasks`, { intent: "release", taskId: task }, cookie.sam), params());
    expect(released.status).toBe(302);
    expect(await claimsOf(task)).toEqual([]);

    const bad = await run(listRoute.action, post(`${base()}/tasks`, { intent: "delete", taskId: task }, cookie.sam), params());
    expect(bad.status).toBe(400);
  });

  test("the owner marks done with a thank-you note; the helper reads it on the task page", async () => {
    const task = await c.task({ title: "Dinner drop-off" });
    must(await sam.client.rpc("claim_task", { task_id: task }));
    const path = `${base()}/tasks/${task}`;
    const taskParams = { circleId: c.circleId, taskId: task };
    const tooLong = await run(taskRoute.action, post(path, { intent: "complete", thankYou: "x".repeat(1001) }, cookie.owner), taskParams);
    expect(tooLong.status).toBe(400);
    expect(tooLong.data.fieldErrors.thankYou).toEqual(["Keep the note under 1000 characters"]);

    const done = await run(taskRoute.action, post(path, { intent: "complete", thankYou: "Thank you, Sam!" }, cookie.owner), taskParams);
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe(`${path}?notice=thanked`);
    const seen = await run(taskRoute.loader, get(path, cookie.sam), taskParams);
    expect(seen.data.thanks).toEqual({ note: "Thank you, Sam!" });
    expect(seen.data.task).toMatchObject({ state: "done", mine: true });
    expect(seen.data.whoText).toBe("Claimed by you");
  });

  test("the last spot taken meanwhile is told in words", async () => {
    const task = await c.task({ slots: 1 });
    must(await coord.client.rpc("claim_task", { task_id: task }));
    const result = await run(taskRoute.action, post(`${base()}/tasks/${task}`, { intent: "claim" }, cookie.sam), {
      circleId: c.circleId,
      taskId: task,
    });
    expect(result.status).toBe(409);
    expect(result.data.error).toBe("Ana just took the last spot.");
  });

  test("editing one task, and cancelling it", async () => {
    const task = await c.task({ title: "Pharmacy run", kind: "errand", startsAt: zonedInstant(addDays(today, 3), "10:00", c.timeZone) });
    const taskParams = { circleId: c.circleId, taskId: task };
    const form = await run(editRoute.loader, get(`${base()}/tasks/${task}/edit`, cookie.coord), taskParams);
    expect(form.data.values).toMatchObject({ title: "Pharmacy run", date: addDays(today, 3), startTime: "10:00", endTime: "11:00" });
    expect((await run(editRoute.loader, get(`${base()}/tasks/${task}/edit`, cookie.sam), taskParams)).status).toBe(403);

    const saved = await run(
      editRoute.action,
      post(`${base()}/tasks/${task}/edit`, { ...form.data.values, title: "Pharmacy run (prescription ready)", startTime: "11:00", endTime: "11:30" }, cookie.coord),
      taskParams,
    );
    expect(saved.status).toBe(302);
    const row = (await taskRow(task))!;
    expect(row.title).toBe("Pharmacy run (prescription ready)");
    expect(toLocalDateTime(new Date(row.starts_at as string), c.timeZone)).toBe(`${addDays(today, 3)}T11:00`);

    const cancelled = await run(taskRoute.action, post(`${base()}/tasks/${task}`, { intent: "cancel", note: "Done by post" }, cookie.coord), taskParams);
    expect(cancelled.status).toBe(302);
    expect(await taskRow(task)).toMatchObject({ status: "cancelled", cancel_note: "Done by post" });
  });

  test("editing a series from an occurrence on", async () => {
    const created = await run(
      newRoute.action,
      post(`${base()}/tasks/new`, {
        title: "Ride to group", kind: "ride", category: "practical", date: addDays(today, 1), startTime: "15:30", endTime: "17:00",
        slots: "1", repeat: "daily", repeatEvery: "2", ends: "count", count: "10",
      }, cookie.coord),
      params(),
    );
    const first = created.headers.get("Location")!.match(/tasks\/([0-9a-f-]{36})/)![1];
    const seriesId = (await taskRow(first))!.series_id as string;
    const { data: rows } = await serviceClient().from("tasks").select("id, series_date").eq("series_id", seriesId).order("series_date");
    const third = rows![2];
    const taskParams = { circleId: c.circleId, taskId: third.id };
    const form = await run(editRoute.loader, get(`${base()}/tasks/${third.id}/edit?scope=following`, cookie.coord), taskParams);
    // The rest of a counted series: 8 occurrences from the third on.
    expect(form.data.values).toMatchObject({ repeat: "daily", repeatEvery: "2", ends: "count", count: "8", date: third.series_date, startTime: "15:30", endTime: "17:00" });
    const saved = await run(
      editRoute.action,
      post(`${base()}/tasks/${third.id}/edit?scope=following`, { ...form.data.values, startTime: "16:00", endTime: "17:00" }, cookie.coord),
      taskParams,
    );
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toContain("notice=series-updated");
    const moved = (await taskRow(third.id))!;
    expect(toLocalDateTime(new Date(moved.starts_at as string), c.timeZone)).toBe(`${third.series_date}T16:00`);
    const untouched = (await taskRow(rows![1].id))!;
    expect(toLocalDateTime(new Date(untouched.starts_at as string), c.timeZone)).toBe(`${rows![1].series_date}T15:30`);
  });
});

describe("offers and the calendar feed page", () => {
  test("a supporter offers; the owner accepts and the task is the supporter's", async () => {
    const offered = await run(
      offersRoute.action,
      post(`${base()}/tasks/offers`, { intent: "offer", message: "I can bring soup on Thursday", kind: "meal", category: "practical", date: addDays(today, 4), startTime: "18:00", endTime: "19:00" }, cookie.sam),
      params(),
    );
    expect(offered.status).toBe(302);
    const bad = await run(
      offersRoute.action,
      post(`${base()}/tasks/offers`, { intent: "offer", message: "", kind: "meal", date: addDays(today, -2), startTime: "18:00", endTime: "17:00" }, cookie.sam),
      params(),
    );
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.data.errors.fieldErrors).sort()).toEqual(["endTime", "message"]);
    // No kind chosen (the form has no default): asked for, next to the field.
    const noKind = await run(
      offersRoute.action,
      post(`${base()}/tasks/offers`, { intent: "offer", message: "I can help", kind: "", category: "practical", date: addDays(today, 4), allDay: "on" }, cookie.sam),
      params(),
    );
    expect(noKind.status).toBe(400);
    expect(noKind.data.errors.fieldErrors).toEqual({ kind: ["Choose what kind of help"] });

    const ownerView = await run(offersRoute.loader, get(`${base()}/tasks/offers`, cookie.owner), params());
    const offer = ownerView.data.toAnswer.find((o: { message: string }) => o.message === "I can bring soup on Thursday");
    expect(offer).toMatchObject({ who: "Sam", status: "pending" });
    // No title: the answer says so next to the title field, and nothing is saved.
    for (const fields of [{}, { title: "  " }] as Array<Record<string, string>>) {
      const untitled = await run(offersRoute.action, post(`${base()}/tasks/offers`, { intent: "accept", offerId: offer.id, ...fields }, cookie.owner), params());
      expect(untitled.status).toBe(400);
      expect(untitled.data).toMatchObject({ form: offer.id, errors: { formErrors: [], fieldErrors: { title: ["Give the task a short title"] } } });
    }
    const stillWaiting = await run(offersRoute.loader, get(`${base()}/tasks/offers`, cookie.owner), params());
    expect(stillWaiting.data.toAnswer.map((o: { id: string }) => o.id)).toContain(offer.id);
    const accepted = await run(offersRoute.action, post(`${base()}/tasks/offers`, { intent: "accept", offerId: offer.id, title: "Soup from Sam" }, cookie.owner), params());
    expect(accepted.status).toBe(302);
    const taskId = accepted.headers.get("Location")!.match(/tasks\/([0-9a-f-]{36})/)![1];
    expect(await claimsOf(taskId)).toEqual([sam.memberId]);
    const task = await run(taskRoute.loader, get(`${base()}/tasks/${taskId}`, cookie.owner), { ...params(), taskId });
    expect(task.data.task).toMatchObject({ title: "Soup from Sam", notes: "I can bring soup on Thursday" });
    const samView = await run(offersRoute.loader, get(`${base()}/tasks/offers`, cookie.sam), params());
    expect(samView.data.mine[0]).toMatchObject({ status: "accepted", task_id: taskId });
    expect(samView.data.toAnswer).toEqual([]);
  });

  test("the feed page makes an address shown once, resets it and turns it off", async () => {
    const before = await run(feedPage.loader, get(`${base()}/tasks/feed`, cookie.sam), params());
    expect(before.data.feedSince).toBeNull();
    const made = await run(feedPage.action, post(`${base()}/tasks/feed`, { intent: "reset" }, cookie.sam), params());
    expect(made.data.url).toMatch(new RegExp(`^${process.env.APP_URL}/feeds/[A-Za-z0-9_-]{43}\\.ics$`));
    expect(made.headers.get("Cache-Control")).toBe("no-store");
    const after = await run(feedPage.loader, get(`${base()}/tasks/feed`, cookie.sam), params());
    expect(after.data.feedSince).not.toBeNull();
    const off = await run(feedPage.action, post(`${base()}/tasks/feed`, { intent: "delete" }, cookie.sam), params());
    expect(off.status).toBe(302);
    expect((await run(feedPage.loader, get(`${base()}/tasks/feed`, cookie.sam), params())).data.feedSince).toBeNull();
  });
});

describe("the list view", () => {
  test("groups the next days by date, with what each reader may do", async () => {
    const day = addDays(today, 5);
    const task = await c.task({ title: "Help with the garden", kind: "household", slots: 2, startsAt: zonedInstant(day, "10:00", c.timeZone), endsAt: new Date(zonedInstant(day, "10:00", c.timeZone).getTime() + 2 * 3_600_000) });
    must(await coord.client.rpc("claim_task", { task_id: task }));
    const list = await run(listRoute.loader, get(`${base()}/tasks?from=${day}&days=7`, cookie.sam), params());
    expect(list.status).toBe(200);
    const first = list.data.days[0];
    expect(first.date).toBe(day);
    const shown = first.tasks.find((t: { id: string }) => t.id === task);
    expect(shown).toMatchObject({ state: "open", taken: 1, slots: 2, claimers: ["Ana"], mine: false, when: expect.stringContaining("10:00–12:00 (London time)") });
    expect(list.data.place).toEqual({ from: day, days: 7, filter: "all" });
  });
});
