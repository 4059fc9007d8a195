// The calendar's RPCs through supabase-js, each caller with their own token: claims, releases,
// completion and thanks, cancellation, direct task writes, offers and calendar feed tokens, with every
// error they can give (docs/calendar.md lists them).

import { beforeAll, describe, expect, test } from "vitest";
import { zonedInstant, toLocalDate, addDays } from "~/calendar/time";
import { expectError } from "../helpers/assertions";
import { claimsOf, DAY, fromNow, HOUR, makeCalendarCircle, taskRow, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { anonClient, createUser, must, serviceClient } from "../helpers/supabase";

let c: CalendarCircle;
let coord: Person; // coordinator: practical, general
let sam: Person; // supporter: practical, wellbeing
let tom: Person; // supporter: practical only
let outsider: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  c = await makeCalendarCircle();
  [coord, sam, tom, outsider] = await Promise.all([
    c.member({ role: "coordinator", categories: ["practical", "general"], name: "Ana" }),
    c.member({ categories: ["practical", "wellbeing"], name: "Sam" }),
    c.member({ categories: ["practical"], name: "Tom" }),
    createUser({ displayName: "Olga" }),
  ]);
}, 60_000);

describe("claim_task", () => {
  test("claims a spot; claiming again returns the same claim", async () => {
    const task = await c.task();
    const first = must(await sam.client.rpc("claim_task", { task_id: task }));
    expect(first).toMatchObject({ task_id: task, member_id: sam.memberId, circle_id: c.circleId });
    const again = must(await sam.client.rpc("claim_task", { task_id: task }));
    expect(again.id).toBe(first.id);
    expect(await claimsOf(task)).toEqual([sam.memberId]);
  });

  test("a full task answers task_full (409) naming who took the last spot", async () => {
    const task = await c.task({ slots: 1 });
    must(await sam.client.rpc("claim_task", { task_id: task }));
    const result = await tom.client.rpc("claim_task", { task_id: task });
    expectError(result, "task_full", 409);
    expect(result.error!.details).toBe("Sam just took the last spot.");
    expect(await claimsOf(task)).toEqual([sam.memberId]);
  });

  test("cancelled, done and past tasks give their own errors (409)", async () => {
    const [cancelled, done, past] = await Promise.all([
      c.task({ status: "cancelled" }),
      c.task({ status: "done" }),
      c.task({ startsAt: fromNow(-HOUR) }),
    ]);
    expectError(await sam.client.rpc("claim_task", { task_id: cancelled }), "task_cancelled", 409);
    expectError(await sam.client.rpc("claim_task", { task_id: done }), "task_done", 409);
    expectError(await sam.client.rpc("claim_task", { task_id: past }), "task_in_past", 409);
  });

  test("an all-day task can be claimed until its day is over", async () => {
    const today = toLocalDate(new Date(), c.timeZone);
    const task = await c.task({
      allDay: true,
      startsAt: zonedInstant(today, "00:00", c.timeZone),
      endsAt: zonedInstant(addDays(today, 1), "00:00", c.timeZone),
    });
    must(await sam.client.rpc("claim_task", { task_id: task }));
    const yesterday = addDays(today, -1);
    const over = await c.task({
      allDay: true,
      startsAt: zonedInstant(yesterday, "00:00", c.timeZone),
      endsAt: zonedInstant(today, "00:00", c.timeZone),
    });
    expectError(await sam.client.rpc("claim_task", { task_id: over }), "task_in_past", 409);
  });

  test("a task the caller may not see is reported exactly like one that does not exist (404)", async () => {
    const [wellbeing, aimedElsewhere] = await Promise.all([
      c.task({ category: "wellbeing" }),
      c.task({ audience: [coord.memberId] }),
    ]);
    const missing = await tom.client.rpc("claim_task", { task_id: crypto.randomUUID() });
    expectError(missing, "task_not_found", 404);
    for (const [who, task] of [
      [tom, wellbeing],
      [tom, aimedElsewhere],
      [outsider, wellbeing],
    ] as const) {
      const hidden = await who.client.rpc("claim_task", { task_id: task });
      expectError(hidden, "task_not_found", 404);
      expect({ ...hidden.error }).toEqual({ ...missing.error });
    }
    expect(await claimsOf(wellbeing)).toEqual([]);
  });

  test("signed out, nothing can be claimed", async () => {
    const task = await c.task();
    const result = await anonClient().rpc("claim_task", { task_id: task });
    expect(result.error).not.toBeNull();
    expect(await claimsOf(task)).toEqual([]);
  });
});

describe("release_task", () => {
  test("gives up one's own spot before the task starts", async () => {
    const task = await c.task();
    must(await sam.client.rpc("claim_task", { task_id: task }));
    must(await sam.client.rpc("release_task", { task_id: task }));
    expect(await claimsOf(task)).toEqual([]);
  });

  test("not_claimed (409) without a claim; task_not_found for a hidden task", async () => {
    const [task, hidden] = await Promise.all([c.task(), c.task({ category: "wellbeing" })]);
    expectError(await sam.client.rpc("release_task", { task_id: task }), "not_claimed", 409);
    expectError(await tom.client.rpc("release_task", { task_id: hidden }), "task_not_found", 404);
  });

  test("a started, done or cancelled task cannot be released", async () => {
    const service = serviceClient();
    const [past, done, cancelled] = await Promise.all([
      c.task({ startsAt: fromNow(-HOUR) }),
      c.task(),
      c.task(),
    ]);
    for (const task of [past, done, cancelled]) {
      must(await service.from("task_claims").insert({ task_id: task, circle_id: c.circleId, member_id: sam.memberId }));
    }
    must(await service.from("tasks").update({ status: "done", done_at: new Date().toISOString() }).eq("id", done));
    must(await c.owner.client.rpc("cancel_task", { task_id: cancelled }));
    expectError(await sam.client.rpc("release_task", { task_id: past }), "task_in_past", 409);
    expectError(await sam.client.rpc("release_task", { task_id: done }), "task_done", 409);
    expectError(await sam.client.rpc("release_task", { task_id: cancelled }), "task_cancelled", 409);
  });

  test("only the owner or a coordinator holding the category releases someone else's spot", async () => {
    const task = await c.task();
    must(await sam.client.rpc("claim_task", { task_id: task }));
    expectError(await tom.client.rpc("release_task", { task_id: task, member_id: sam.memberId }), "not_your_claim", 403);
    expect(await claimsOf(task)).toEqual([sam.memberId]);
    must(await coord.client.rpc("release_task", { task_id: task, member_id: sam.memberId }));
    expect(await claimsOf(task)).toEqual([]);
  });
});

describe("complete_task and thank-you notes", () => {
  test("the helper marks it done; twice is harmless", async () => {
    const task = await c.task();
    must(await sam.client.rpc("claim_task", { task_id: task }));
    const done = must(await sam.client.rpc("complete_task", { task_id: task }));
    expect(done).toMatchObject({ id: task, status: "done", done_by: sam.id });
    must(await sam.client.rpc("complete_task", { task_id: task }));
  });

  test("nobody claimed it: task_not_claimed (409), even for the owner", async () => {
    const task = await c.task();
    expectError(await c.owner.client.rpc("complete_task", { task_id: task }), "task_not_claimed", 409);
  });

  test("someone who did not claim it cannot mark it done (not_claimed, 409)", async () => {
    const task = await c.task();
    must(await sam.client.rpc("claim_task", { task_id: task }));
    expectError(await tom.client.rpc("complete_task", { task_id: task }), "not_claimed", 409);
    expect((await taskRow(task))!.status).toBe("scheduled");
  });

  test("a cancelled task cannot be done", async () => {
    const task = await c.task({ status: "cancelled" });
    expectError(await c.owner.client.rpc("complete_task", { task_id: task }), "task_cancelled", 409);
  });

  test("the owner thanks the helpers; the note is for them, the owner and coordinators holding the category", async () => {
    const task = await c.task();
    must(await sam.client.rpc("claim_task", { task_id: task }));
    // A helper cannot write a thank-you note to themselves.
    expectError(await sam.client.rpc("complete_task", { task_id: task, thank_you_note: "Me!" }), "not_task_manager", 403);
    must(await sam.client.rpc("complete_task", { task_id: task }));
    must(await c.owner.client.rpc("complete_task", { task_id: task, thank_you_note: "Thank you, Sam. It was lovely." }));

    const read = async (who: { client: typeof sam.client }) =>
      (await who.client.from("task_thanks").select("note").eq("task_id", task)).data ?? [];
    expect(await read(sam)).toEqual([{ note: "Thank you, Sam. It was lovely." }]);
    expect(await read(c.owner)).toHaveLength(1);
    expect(await read(coord)).toHaveLength(1);
    // Tom sees the task (practical) but the note is not his.
    expect((await tom.client.from("tasks").select("id").eq("id", task)).data).toHaveLength(1);
    expect(await read(tom)).toEqual([]);
    expect(await read(outsider)).toEqual([]);

    // Changing the note later.
    must(await coord.client.rpc("complete_task", { task_id: task, thank_you_note: "Thanks again!" }));
    expect(await read(sam)).toEqual([{ note: "Thanks again!" }]);
  });
});

describe("cancel_task", () => {
  test("only the owner or a coordinator holding the category (supporter: not_task_manager, 403)", async () => {
    const task = await c.task();
    expectError(await sam.client.rpc("cancel_task", { task_id: task }), "not_task_manager", 403);
    const hidden = await c.task({ category: "wellbeing" });
    expectError(await coord.client.rpc("cancel_task", { task_id: hidden }), "task_not_found", 404);
  });

  test("cancelling keeps the claims (helpers see the cancellation), and is idempotent", async () => {
    const task = await c.task();
    must(await sam.client.rpc("claim_task", { task_id: task }));
    const cancelled = must(await coord.client.rpc("cancel_task", { task_id: task, note: "Maria is away" }));
    expect(cancelled).toMatchObject({ status: "cancelled", cancel_note: "Maria is away", cancelled_by: coord.id });
    expect(await claimsOf(task)).toEqual([sam.memberId]);
    must(await coord.client.rpc("cancel_task", { task_id: task }));
    const seen = must(await sam.client.from("tasks").select("status, cancel_note").eq("id", task).single());
    expect(seen).toEqual({ status: "cancelled", cancel_note: "Maria is away" });
  });

  test("past and done tasks stay as they were", async () => {
    const [past, done] = await Promise.all([c.task({ startsAt: fromNow(-2 * HOUR) }), c.task({ status: "done" })]);
    expectError(await c.owner.client.rpc("cancel_task", { task_id: past }), "task_in_past", 409);
    expectError(await c.owner.client.rpc("cancel_task", { task_id: done }), "task_done", 409);
  });
});

describe("writing tasks directly (RLS and the table's checks)", () => {
  const base = () => ({
    circle_id: c.circleId,
    title: "Pick up prescriptions",
    kind: "errand",
    starts_at: fromNow(DAY).toISOString(),
    ends_at: fromNow(DAY + HOUR).toISOString(),
  });

  test("the owner and a coordinator in a category they hold; not a supporter, not another category", async () => {
    must(await c.owner.client.from("tasks").insert({ ...base(), category: "health" }));
    must(await coord.client.from("tasks").insert({ ...base(), category: "general" }));
    expect((await coord.client.from("tasks").insert({ ...base(), category: "wellbeing" })).error?.code).toBe("42501");
    expect((await sam.client.from("tasks").insert({ ...base(), category: "practical" })).error?.code).toBe("42501");
  });

  test("status, completion and series links are not writable directly", async () => {
    const task = await c.task();
    for (const values of [{ status: "done" }, { done_at: new Date().toISOString() }, { series_exception: true }]) {
      const result = await c.owner.client.from("tasks").update(values).eq("id", task);
      expect(result.error?.code, JSON.stringify(values)).toBe("42501");
    }
  });

  test("a contact preference belongs to meals and visits, dietary needs to meals", async () => {
    const ride = await c.owner.client.from("tasks").insert({ ...base(), kind: "ride", contact_preference: "no_contact" });
    expect(ride.error?.code).toBe("23514");
    const visit = await c.owner.client.from("tasks").insert({ ...base(), kind: "visit", dietary_needs: "vegan" });
    expect(visit.error?.code).toBe("23514");
    must(
      await c.owner.client
        .from("tasks")
        .insert({ ...base(), kind: "meal", contact_preference: "no_contact", dietary_needs: "Vegetarian" }),
    );
  });

  test("a start more than two years away is refused (invalid_date); the end must follow the start", async () => {
    const far = fromNow(800 * DAY);
    const result = await c.owner.client
      .from("tasks")
      .insert({ ...base(), starts_at: far.toISOString(), ends_at: new Date(far.getTime() + HOUR).toISOString() });
    expectError(result, "invalid_date", 400);
    const backwards = await c.owner.client.from("tasks").insert({ ...base(), ends_at: fromNow(DAY - HOUR).toISOString() });
    expect(backwards.error?.code).toBe("23514");
  });

  test("slots never drop below the helpers who already claimed (slots_below_claims, 409)", async () => {
    const task = await c.task({ slots: 3 });
    must(await sam.client.rpc("claim_task", { task_id: task }));
    must(await tom.client.rpc("claim_task", { task_id: task }));
    expectError(await coord.client.from("tasks").update({ slots: 1 }).eq("id", task), "slots_below_claims", 409);
    must(await coord.client.from("tasks").update({ slots: 2 }).eq("id", task));
  });

  test("an all-day task is kept on the circle's local midnights", async () => {
    const today = toLocalDate(new Date(), c.timeZone);
    const day = addDays(today, 3);
    const noon = zonedInstant(day, "12:00", c.timeZone);
    const row = must(
      await c.owner.client
        .from("tasks")
        .insert({ ...base(), all_day: true, starts_at: noon.toISOString(), ends_at: new Date(noon.getTime() + HOUR).toISOString() })
        .select("starts_at, ends_at")
        .single(),
    );
    expect(new Date(row.starts_at)).toEqual(zonedInstant(day, "00:00", c.timeZone));
    expect(new Date(row.ends_at)).toEqual(zonedInstant(addDays(day, 1), "00:00", c.timeZone));
  });
});

describe("consent holds for claims", () => {
  test("moving a task to a category a helper does not hold releases their claim", async () => {
    const task = await c.task({ slots: 2 });
    must(await tom.client.rpc("claim_task", { task_id: task }));
    must(await sam.client.rpc("claim_task", { task_id: task }));
    must(await c.owner.client.from("tasks").update({ category: "wellbeing" }).eq("id", task));
    expect(await claimsOf(task)).toEqual([sam.memberId]);
  });

  test("an audience that leaves a helper out releases their claim", async () => {
    const task = await c.task({ slots: 2 });
    must(await tom.client.rpc("claim_task", { task_id: task }));
    must(await sam.client.rpc("claim_task", { task_id: task }));
    must(await c.owner.client.from("tasks").update({ audience: [sam.memberId] }).eq("id", task));
    expect(await claimsOf(task)).toEqual([sam.memberId]);
  });

  test("revoking a grant releases the member's claims on future tasks of that category, not past ones", async () => {
    const member = await c.member({ categories: ["practical", "wellbeing"], name: "Lee" });
    const [future, past] = await Promise.all([
      c.task({ category: "wellbeing" }),
      c.task({ category: "wellbeing", startsAt: fromNow(-DAY) }),
    ]);
    must(await member.client.rpc("claim_task", { task_id: future }));
    must(await serviceClient().from("task_claims").insert({ task_id: past, circle_id: c.circleId, member_id: member.memberId }));
    must(await c.owner.client.rpc("set_member_grants", { member_id: member.memberId, categories: ["practical"] }));
    expect(await claimsOf(future)).toEqual([]);
    expect(await claimsOf(past)).toEqual([member.memberId]);
  });
});

describe("offers of help", () => {
  const offer = (who: Person, fields: Record<string, unknown> = {}) =>
    who.client.rpc("offer_help", {
      circle_id: c.circleId,
      message: "I can bring dinner on Thursday",
      kind: "meal",
      starts_at: fromNow(3 * DAY).toISOString(),
      ends_at: fromNow(3 * DAY + HOUR).toISOString(),
      ...fields,
    });

  test("the owner accepts: a task claimed by the member who offered, in one step", async () => {
    const made = must(await offer(sam));
    expect(made).toMatchObject({ status: "pending", member_id: sam.memberId, category: "practical" });
    const task = must(await c.owner.client.rpc("accept_offer", { offer_id: made.id, title: "Dinner from Sam" }));
    expect(task).toMatchObject({ title: "Dinner from Sam", kind: "meal", category: "practical", slots: 1 });
    expect(await claimsOf(task.id)).toEqual([sam.memberId]);
    const mine = must(await sam.client.from("task_offers").select("status, task_id").eq("id", made.id).single());
    expect(mine).toEqual({ status: "accepted", task_id: task.id });
    expectError(await c.owner.client.rpc("accept_offer", { offer_id: made.id, title: "Dinner" }), "offer_not_pending", 409);
  });

  test("accepting needs a short title; the helper's words become the task's notes", async () => {
    const made = must(await offer(sam, { message: "I can mow the lawn and clear the gutters on Saturday morning." }));
    for (const title of ["", "   ", "x".repeat(201)]) {
      expectError(await coord.client.rpc("accept_offer", { offer_id: made.id, title }), "invalid_title", 400);
    }
    // Nothing half-saved: the offer still waits, and no task was made from it.
    expect(must(await sam.client.from("task_offers").select("status, task_id").eq("id", made.id).single())).toEqual({ status: "pending", task_id: null });
    const task = must(await coord.client.rpc("accept_offer", { offer_id: made.id, title: "  Lawn and gutters " }));
    expect(task).toMatchObject({ title: "Lawn and gutters", notes: "I can mow the lawn and clear the gutters on Saturday morning." });
    expect(must(await sam.client.from("tasks").select("title, notes").eq("id", task.id).single())).toEqual({
      title: "Lawn and gutters",
      notes: "I can mow the lawn and clear the gutters on Saturday morning.",
    });
  });

  test("a coordinator declines with a kind word the member reads", async () => {
    const made = must(await offer(tom));
    must(await coord.client.rpc("decline_offer", { offer_id: made.id, note: "Thank you! Dad has Thursday covered." }));
    const mine = must(await tom.client.from("task_offers").select("status, response_note").eq("id", made.id).single());
    expect(mine).toEqual({ status: "declined", response_note: "Thank you! Dad has Thursday covered." });
  });

  test("who sees an offer, and who may answer it", async () => {
    const made = must(await offer(sam));
    const sees = async (who: { client: typeof sam.client }) =>
      ((await who.client.from("task_offers").select("id").eq("id", made.id)).data ?? []).length;
    expect(await sees(sam)).toBe(1);
    expect(await sees(c.owner)).toBe(1);
    expect(await sees(coord)).toBe(1);
    expect(await sees(tom)).toBe(0);
    expect(await sees(outsider)).toBe(0);
    expectError(await tom.client.rpc("accept_offer", { offer_id: made.id, title: "Dinner" }), "offer_not_found", 404);
    expectError(await sam.client.rpc("accept_offer", { offer_id: made.id, title: "Dinner" }), "not_task_manager", 403);
    expectError(await tom.client.rpc("withdraw_offer", { offer_id: made.id }), "offer_not_found", 404);
    must(await sam.client.rpc("withdraw_offer", { offer_id: made.id }));
    expectError(await c.owner.client.rpc("decline_offer", { offer_id: made.id }), "offer_not_pending", 409);
  });

  test("offers need a future time and a category the member holds", async () => {
    expectError(
      await offer(tom, { starts_at: fromNow(-HOUR).toISOString(), ends_at: fromNow(HOUR).toISOString() }),
      "offer_in_past",
      409,
    );
    expectError(await offer(tom, { category: "wellbeing" }), "category_not_allowed", 403);
    expectError(await offer(tom, { message: "  " }), "invalid_message", 400);
    expectError(await offer(outsider as unknown as Person), "circle_not_found", 404);
  });
});

describe("calendar feed tokens", () => {
  test("made and reset by the member; only a hash is stored; the old address dies", async () => {
    const member = await c.member({ name: "Ines" });
    const token = must(await member.client.rpc("reset_calendar_feed", { circle_id: c.circleId })) as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(must(await member.client.from("calendar_feeds").select("member_id, circle_id"))).toEqual([
      { member_id: member.memberId, circle_id: c.circleId },
    ]);
    expect((await member.client.from("calendar_feeds").select("token_hash")).error).not.toBeNull();
    expect((await c.owner.client.from("calendar_feeds").select("member_id").eq("member_id", member.memberId)).data).toEqual([]);

    const anon = anonClient();
    must(await anon.rpc("calendar_feed", { token }));
    const renewed = must(await member.client.rpc("reset_calendar_feed", { circle_id: c.circleId })) as string;
    expectError(await anon.rpc("calendar_feed", { token }), "feed_not_found", 404);
    must(await anon.rpc("calendar_feed", { token: renewed }));
    must(await member.client.rpc("delete_calendar_feed", { circle_id: c.circleId }));
    expectError(await anon.rpc("calendar_feed", { token: renewed }), "feed_not_found", 404);
  });

  test("revoked with the membership", async () => {
    const member = await c.member({ name: "Rae" });
    const token = must(await member.client.rpc("reset_calendar_feed", { circle_id: c.circleId })) as string;
    must(await c.owner.client.rpc("remove_member", { member_id: member.memberId }));
    expectError(await anonClient().rpc("calendar_feed", { token }), "feed_not_found", 404);
    expect((await serviceClient().from("calendar_feeds").select("member_id").eq("member_id", member.memberId)).data).toEqual([]);
  });

  test("only for circles one belongs to; nonsense tokens are not found", async () => {
    expectError(await outsider.client.rpc("reset_calendar_feed", { circle_id: c.circleId }), "circle_not_found", 404);
    expectError(await anonClient().rpc("calendar_feed", { token: "x".repeat(43) }), "feed_not_found", 404);
    expectError(await anonClient().rpc("calendar_feed", { token: "short" }), "feed_not_found", 404);
  });
});
