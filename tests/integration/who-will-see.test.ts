// "Mom, Dad and Leo will see this" under the task and update forms (issue 12): the names come from the
// same rule as "Preview as". For every category and a few audiences, the members the line names are
// exactly those whose preview (the database's consent rule, run as them) shows the saved item.

import { beforeAll, describe, expect, test } from "vitest";
import { willSeeSentence } from "~/components/who-will-see";
import { CATEGORIES, whoWillSee } from "~/consent";
import * as newTask from "~/routes/circles.$circleId.tasks.new";
import * as newUpdate from "~/routes/circles.$circleId.updates.new";
import { DAY, fromNow, makeCalendarCircle, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { get, post, run, signInCookie } from "../helpers/routes";
import { must } from "../helpers/supabase";

let c: CalendarCircle;
let mom: Person;
let dad: Person;
let leo: Person;
let lee: Person;
const cookie = { owner: "", mom: "" };

beforeAll(async () => {
  c = await makeCalendarCircle({ timeZone: "Europe/London" });
  [mom, dad, leo, lee] = await Promise.all([
    c.member({ role: "coordinator", categories: ["practical", "general", "milestones", "wellbeing"], name: "Mom" }),
    c.member({ categories: ["practical", "general", "milestones"], name: "Dad" }),
    c.member({ categories: ["practical", "wellbeing"], name: "Leo" }),
    c.member({ categories: ["health", "wellbeing"], name: "Dr Lee" }),
  ]);
  [cookie.owner, cookie.mom] = await Promise.all([signInCookie(c.owner.email), signInCookie(mom.email)]);
}, 60_000);

const params = () => ({ circleId: c.circleId });

describe("who will see this", () => {
  test("the names are those whose 'Preview as' shows the item, for every category and audience", async () => {
    const form = await run(newTask.loader, get(`/circles/${c.circleId}/tasks/new`, cookie.owner), params());
    const who = form.data.who;
    expect(who.readerIsPerson).toBe(true);
    const audiences = [[], [dad.memberId, leo.memberId], [lee.memberId]];
    for (const category of CATEGORIES) {
      for (const audience of audiences) {
        const task = must(
          await c.owner.client
            .from("tasks")
            .insert({ circle_id: c.circleId, title: `${category} task`, category, starts_at: fromNow(2 * DAY).toISOString(), ends_at: fromNow(2 * DAY + 3_600_000).toISOString(), audience: audience.length ? audience : null })
            .select("id")
            .single(),
        );
        const update = must(
          await c.owner.client
            .from("updates")
            .insert({ circle_id: c.circleId, body: `${category} news`, category, status: "published", audience: audience.length ? audience : null })
            .select("id")
            .single(),
        );
        const previewSees: string[] = [];
        for (const member of [mom, dad, leo, lee]) {
          const tasks = must(await c.owner.client.rpc("preview_tasks", { member_id: member.memberId })).filter((t: { id: string }) => t.id === task.id);
          const updates = must(await c.owner.client.rpc("preview_updates", { member_id: member.memberId })).filter((u: { id: string }) => u.id === update.id);
          const seesTask = tasks.length === 1;
          expect(updates.length, `${member.name} ${category}`).toBe(tasks.length);
          if (seesTask) previewSees.push(member.memberId);
        }
        const named = whoWillSee(who.people, category, audience).map((p) => p.id);
        expect(named.sort(), `${category} for ${audience.length ? "some" : "everyone"}`).toEqual(previewSees.sort());
      }
    }
    expect(willSeeSentence(who, "practical", [])).toBe("Mom, Dad and Leo will see this, and you.");
    expect(willSeeSentence(who, "health", [dad.memberId])).toBe("Only you will see this.");
    expect(willSeeSentence(who, "wellbeing", [], { paused: true })).toBe("Updates are paused: only you will see this until you turn them back on.");
  });

  test("a coordinator, who does not read others' grants, is told the rule, not names", async () => {
    const form = await run(newTask.loader, get(`/circles/${c.circleId}/tasks/new`, cookie.mom), params());
    const who = form.data.who;
    expect(who.readerIsPerson).toBe(false);
    expect(who.people.every((p: { categories: unknown }) => p.categories === null)).toBe(true);
    expect(willSeeSentence(who, "practical", [])).toBe("Maria will see this, and everyone Maria shares practical help requests with.");
    expect(willSeeSentence(who, "practical", [dad.memberId, leo.memberId])).toBe(
      "Maria will see this, and of Dad and Leo whoever Maria shares practical help requests with.",
    );
  });

  test("after a refused update the page is rendered from what was chosen", async () => {
    const reply = await run(
      newUpdate.action,
      post(`/circles/${c.circleId}/updates/new`, { intent: "save", body: "", category: "wellbeing", audience: [leo.memberId, dad.memberId] }, cookie.owner),
      params(),
    );
    expect(reply.status).toBe(400);
    expect(reply.data.values).toMatchObject({ category: "wellbeing", audience: [leo.memberId, dad.memberId] });
  });
});
