// The circle's home through its loader and action, with real sign-ins: a helper's week holds only the
// tasks RLS shows them and they may still claim; "I'll do it" is the same claim as everywhere else,
// validated, and answered with a redirect and a notice; only the person gets what waits for her (a
// coordinator, the offers they may answer).

import { beforeAll, describe, expect, test } from "vitest";
import * as home from "~/routes/circles.$circleId._index";
import { claimsOf, DAY, fromNow, makeCalendarCircle, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { get, post, run, signInCookie } from "../helpers/routes";
import { must } from "../helpers/supabase";

let c: CalendarCircle;
let leo: Person;
let ana: Person;
const cookie: Record<"owner" | "leo" | "ana", string> = { owner: "", leo: "", ana: "" };
const tasks: Record<"open" | "health" | "later" | "mine" | "cancelled", string> = { open: "", health: "", later: "", mine: "", cancelled: "" };

beforeAll(async () => {
  c = await makeCalendarCircle({ timeZone: "Europe/London" });
  [leo, ana] = await Promise.all([
    c.member({ categories: ["practical"], name: "Leo" }),
    c.member({ role: "coordinator", categories: ["practical", "general", "wellbeing"], name: "Ana" }),
  ]);
  [tasks.open, tasks.health, tasks.later, tasks.mine, tasks.cancelled] = await Promise.all([
    c.task({ title: "Dinner", startsAt: fromNow(DAY) }),
    c.task({ title: "Therapy ride", category: "health", kind: "ride", startsAt: fromNow(DAY) }),
    c.task({ title: "Later dinner", startsAt: fromNow(8 * DAY) }),
    c.task({ title: "Dog walk", kind: "pet_care", startsAt: fromNow(2 * DAY) }),
    c.task({ title: "Cancelled errand", kind: "errand", startsAt: fromNow(DAY), status: "cancelled" }),
  ]);
  must(await leo.client.rpc("claim_task", { task_id: tasks.mine }), "claim");
  must(
    await ana.client.from("updates").insert({ circle_id: c.circleId, category: "general", body: "A draft by Ana.", status: "pending" }),
    "draft",
  );
  must(
    await leo.client.from("encouragement_notes").insert({ circle_id: c.circleId, author_member_id: leo.memberId, body: "Go Maria." }),
    "note",
  );
  const offer = (person: Person, message: string) =>
    person.client.rpc("offer_help", {
      circle_id: c.circleId,
      message,
      starts_at: fromNow(3 * DAY).toISOString(),
      ends_at: fromNow(3 * DAY + 3_600_000).toISOString(),
      all_day: false,
      kind: "errand",
      category: "practical",
    });
  must(await offer(leo, "I can do the shopping."), "Leo's offer");
  must(await offer(ana, "I can take the car in."), "Ana's offer");
  [cookie.owner, cookie.leo, cookie.ana] = await Promise.all([signInCookie(c.owner.email), signInCookie(leo.email), signInCookie(ana.email)]);
}, 60_000);

const params = () => ({ circleId: c.circleId });
const base = () => `/circles/${c.circleId}`;
const titles = (list: Array<{ title: string }>) => list.map((t) => t.title);

describe("a helper's home", () => {
  test("lists the week's open tasks they may see, then their own; nothing waiting for the person", async () => {
    const page = await run(home.loader, get(base(), cookie.leo), params());
    expect(page.status).toBe(200);
    expect(titles(page.data.open)).toEqual(["Dinner"]);
    expect(titles(page.data.mine)).toEqual(["Dog walk"]);
    expect(page.data.waiting).toBeNull();
    expect(page.data.offers).toBeNull();
    expect(page.data.myCategories).toEqual(["practical"]);
    // A coordinator gets the offers they may answer (not their own), none of the person's drafts or notes.
    const coordinator = await run(home.loader, get(base(), cookie.ana), params());
    expect(coordinator.data.waiting).toBeNull();
    expect(coordinator.data.offers).toMatchObject({ count: 1, items: [{ who: "Leo", kind: "errand", text: "I can do the shopping." }] });
    expect(titles(coordinator.data.open)).toEqual(["Dinner"]);
  });

  test("bad input is 400 and claims nothing", async () => {
    const bad: Array<Record<string, string>> = [{}, { intent: "claim", taskId: "not-a-uuid" }, { intent: "release", taskId: tasks.mine }];
    for (const fields of bad) {
      const result = await run(home.action, post(base(), fields, cookie.leo), params());
      expect(result.status).toBe(400);
      expect(result.data.error).toMatch(/I'll do it/);
    }
    expect(await claimsOf(tasks.mine)).toEqual([leo.memberId]);
  });

  test("a task not shared with them, or cancelled, is refused in words", async () => {
    const hidden = await run(home.action, post(base(), { intent: "claim", taskId: tasks.health }, cookie.leo), params());
    expect(hidden.status).toBe(404);
    expect(hidden.data.error).toMatch(/couldn't find that task/);
    const cancelled = await run(home.action, post(base(), { intent: "claim", taskId: tasks.cancelled }, cookie.leo), params());
    expect(cancelled.status).toBe(409);
    expect(await claimsOf(tasks.health)).toEqual([]);
    expect(await claimsOf(tasks.cancelled)).toEqual([]);
  });

  test("I'll do it claims, redirects home, and the notice names the task", async () => {
    const result = await run(home.action, post(base(), { intent: "claim", taskId: tasks.open }, cookie.leo), params());
    expect(result.status).toBe(302);
    expect(result.location).toBe(`${base()}?notice=claimed&task=${tasks.open}`);
    expect(await claimsOf(tasks.open)).toEqual([leo.memberId]);
    const page = await run(home.loader, get(result.location!, cookie.leo), params());
    expect(page.data.notice).toMatch(/^Thank you! “Dinner” is yours\./);
    expect(titles(page.data.open)).toEqual([]);
    expect(titles(page.data.mine)).toEqual(["Dinner", "Dog walk"]);
    // A notice key not ours is ignored.
    const odd = await run(home.loader, get(`${base()}?notice=<b>&task=x`, cookie.leo), params());
    expect(odd.data.notice).toBeNull();
  });
});

describe("a busy week", () => {
  test("the first five open tasks are listed, with how many there are in all", async () => {
    const busy = await makeCalendarCircle({ timeZone: "Europe/London" });
    const sam = await busy.member({ name: "Sam" });
    for (let i = 1; i <= 7; i++) await busy.task({ title: `Meal ${i}`, startsAt: fromNow(i * 20 * 3_600_000) });
    const page = await run(home.loader, get(`/circles/${busy.circleId}`, await signInCookie(sam.email)), { circleId: busy.circleId });
    expect(titles(page.data.open)).toEqual(["Meal 1", "Meal 2", "Meal 3", "Meal 4", "Meal 5"]);
    expect(page.data.openCount).toBe(7);
  });
});

describe("the person's home", () => {
  test("what waits for her: the draft and the note, with who sent them", async () => {
    const page = await run(home.loader, get(base(), cookie.owner), params());
    expect(page.data.waiting.drafts).toMatchObject({ count: 1, items: [{ who: "Ana", text: "A draft by Ana." }] });
    expect(page.data.waiting.notes).toMatchObject({ count: 1, days: 7, items: [{ who: "Leo", text: "Go Maria." }] });
    expect(page.data.waiting.offers.count).toBe(2);
    expect(page.data.waiting.offers.items.map((o: { who: string }) => o.who).sort()).toEqual(["Ana", "Leo"]);
    expect(page.data.offers).toBeNull();
    expect(page.data.checkInChoices).toEqual([{ id: ana.memberId, title: "Ana" }]);
    expect(page.data.myCategories).toBeNull();
  });
});
