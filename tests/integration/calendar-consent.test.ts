// The consent rule on tasks, everywhere a task can show up: a member without the task's category (or
// outside its audience, or no longer in the circle) never sees it in the calendar loader, the list
// loader, the task page, the calendar feed or a query made by hand with their own token.
//
// Identities and tasks come from tests/helpers/circle-fixture.ts: `shared` and `audience` are
// wellbeing tasks (`audience` is aimed at supW and coordW only), `practical` is a practical task.

import { beforeAll, describe, expect, test } from "vitest";
import * as calendarRoute from "~/routes/circles.$circleId.calendar";
import * as taskRoute from "~/routes/circles.$circleId.tasks.$taskId._index";
import * as listRoute from "~/routes/circles.$circleId.tasks._index";
import * as feedRoute from "~/routes/feeds.$token[.]ics";
import ical from "node-ical";
import { makeCircleFixture, type CircleFixture, type SignedIn } from "../helpers/circle-fixture";
import { get, run, signInCookie } from "../helpers/routes";
import { must, serviceClient, signIn } from "../helpers/supabase";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let f: CircleFixture;
const cookies = new Map<SignedIn, string>();

const cookieOf = async (who: SignedIn) => {
  if (!cookies.has(who)) cookies.set(who, await signInCookie(f.users[who].email));
  return cookies.get(who)!;
};

/** Task ids in the calendar (agenda of the next 30 days) and in the list (next 30 days), as `who`. */
async function shownTo(who: SignedIn) {
  const cookie = await cookieOf(who);
  const params = { circleId: f.circleId };
  const calendar = await run(calendarRoute.loader, get(`/circles/${f.circleId}/calendar?view=agenda`, cookie), params);
  const month = await run(calendarRoute.loader, get(`/circles/${f.circleId}/calendar`, cookie), params);
  const list = await run(listRoute.loader, get(`/circles/${f.circleId}/tasks?days=30`, cookie), params);
  const idsOf = (result: Awaited<ReturnType<typeof run>>, pick: (data: never) => Array<{ id: string }>) =>
    result.status === 200 ? pick(result.data as never).map((t) => t.id) : null;
  return {
    calendar: idsOf(calendar, (d: { tasks: Array<{ id: string }> }) => d.tasks),
    month: idsOf(month, (d: { tasks: Array<{ id: string }> }) => d.tasks),
    list: idsOf(list, (d: { days: Array<{ tasks: Array<{ id: string }> }> }) => d.days.flatMap((day) => day.tasks)),
    statuses: [calendar.status, month.status, list.status],
  };
}

beforeAll(async () => {
  f = await makeCircleFixture();
}, 120_000);

describe("a task is shown exactly to those the consent rule allows", () => {
  // [who, sees shared (wellbeing), sees audience (wellbeing, supW + coordW), sees practical]
  const table: Array<[SignedIn, boolean, boolean, boolean]> = [
    ["owner", true, true, true],
    ["coordW", true, true, true],
    ["coordWo", false, false, true],
    ["supW", true, true, true],
    ["supWo", false, false, true],
    ["supOut", true, false, true],
  ];

  test.each(table)("%s: calendar, list, task page and direct query agree", async (who, shared, audience, practical) => {
    const shown = await shownTo(who);
    expect(shown.statuses).toEqual([200, 200, 200]);
    const expected = { [f.tasks.shared]: shared, [f.tasks.audience]: audience, [f.tasks.practical]: practical };
    const cookie = await cookieOf(who);
    for (const [taskId, visible] of Object.entries(expected)) {
      expect(shown.calendar!.includes(taskId), `${who} calendar ${taskId}`).toBe(visible);
      expect(shown.list!.includes(taskId), `${who} list ${taskId}`).toBe(visible);
      const page = await run(taskRoute.loader, get(`/circles/${f.circleId}/tasks/${taskId}`, cookie), {
        circleId: f.circleId,
        taskId,
      });
      expect(page.status, `${who} task page ${taskId}`).toBe(visible ? 200 : 404);
      const direct = await f.as(who).from("tasks").select("id").eq("id", taskId);
      expect(direct.data?.length ?? 0, `${who} direct ${taskId}`).toBe(visible ? 1 : 0);
      const claims = await f.as(who).from("task_claims").select("id").eq("task_id", taskId);
      if (!visible) expect(claims.data).toEqual([]);
    }
    // Another circle's tasks never appear.
    expect(shown.calendar).not.toContain(f.tasks.otherCircle);
  });

  test.each(["removed", "left", "invitee", "outsider"] as const)("%s: no calendar, no list, no task page (404)", async (who) => {
    const shown = await shownTo(who);
    expect(shown.statuses).toEqual([404, 404, 404]);
    const cookie = await cookieOf(who);
    const page = await run(taskRoute.loader, get(`/circles/${f.circleId}/tasks/${f.tasks.practical}`, cookie), {
      circleId: f.circleId,
      taskId: f.tasks.practical,
    });
    expect(page.status).toBe(404);
    const direct = await f.as(who).from("tasks").select("id").eq("circle_id", f.circleId);
    expect(direct.data).toEqual([]);
  });

  test("a revoked category disappears everywhere at once, feed included, even for a task already claimed", async () => {
    const service = serviceClient();
    const member = await f.spareMember("supporter", ["practical", "wellbeing"]);
    const email = (await service.auth.admin.getUserById(member.userId)).data.user!.email!;
    const session = await signIn(email);
    const cookie = await signInCookie(email);
    // A claimed wellbeing task of two days ago: claims on past tasks stay when a grant is revoked.
    const past = await f.newTask({ category: "wellbeing", title: "Last week's call" });
    must(
      await service
        .from("tasks")
        .update({ starts_at: new Date(Date.now() - 2 * DAY).toISOString(), ends_at: new Date(Date.now() - 2 * DAY + HOUR).toISOString() })
        .eq("id", past),
    );
    must(await service.from("task_claims").insert({ task_id: past, circle_id: f.circleId, member_id: member.memberId }));
    const token = must(await session.client.rpc("reset_calendar_feed", { circle_id: f.circleId })) as string;
    const feedIds = async () => {
      const result = await run(feedRoute.loader, get(`/feeds/${token}.ics`), { token });
      return Object.values(ical.sync.parseICS(result.body!))
        .filter((item) => item?.type === "VEVENT")
        .map((item) => (item as unknown as { uid: string }).uid.split("@")[0]);
    };
    const page = () => run(taskRoute.loader, get(`/circles/${f.circleId}/tasks/${past}`, cookie), { circleId: f.circleId, taskId: past });
    expect(await feedIds()).toEqual([past]);
    expect((await session.client.from("tasks").select("id").eq("id", past)).data).toHaveLength(1);
    expect((await page()).status).toBe(200);

    must(await f.users.owner.client.rpc("set_member_grants", { member_id: member.memberId, categories: ["practical"] }));
    expect(await feedIds()).toEqual([]);
    expect((await session.client.from("tasks").select("id").eq("id", past)).data).toEqual([]);
    expect((await session.client.from("task_claims").select("id").eq("task_id", past)).data).toEqual([]);
    expect((await page()).status).toBe(404);
    const week = await run(
      listRoute.loader,
      get(`/circles/${f.circleId}/tasks?from=${new Date(Date.now() - 4 * DAY).toISOString().slice(0, 10)}&days=7`, cookie),
      { circleId: f.circleId },
    );
    expect(week.data.days.flatMap((d: { tasks: Array<{ id: string }> }) => d.tasks.map((t) => t.id))).not.toContain(past);
  });
});
