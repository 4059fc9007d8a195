// Claims are atomic: many members claiming the same task at the same moment, each with their own
// token through PostgREST (and once through the list page's action), get exactly as many successes as
// the task has spots; everyone else gets the clear "full" answer (409), never a server error.

import { beforeAll, describe, expect, test } from "vitest";
import * as listRoute from "~/routes/circles.$circleId.tasks._index";
import { claimsOf, makeCalendarCircle, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { post, run, signInCookie } from "../helpers/routes";

const MEMBERS = 50;

let c: CalendarCircle;
let members: Person[];

beforeAll(async () => {
  c = await makeCalendarCircle();
  members = await Promise.all(
    Array.from({ length: MEMBERS }, (_, i) => c.member({ categories: ["practical"], name: `Helper ${i + 1}` })),
  );
}, 120_000);

async function race(taskId: string) {
  // Every request is built and sent before any answer is awaited.
  const results = await Promise.all(members.map((m) => m.client.rpc("claim_task", { task_id: taskId })));
  const statuses = results.map((r) => r.status);
  return {
    won: results.filter((r) => !r.error).length,
    full: results.filter((r) => r.error?.message === "task_full").length,
    serverErrors: statuses.filter((s) => s >= 500).length,
    otherErrors: results.filter((r) => r.error && r.error.message !== "task_full").map((r) => r.error!.message),
    statuses: [...new Set(statuses)].sort(),
  };
}

describe(`${MEMBERS} members claim the same task at once`, () => {
  test("one spot: exactly one wins, the others are told it is full", async () => {
    const task = await c.task({ slots: 1 });
    const result = await race(task);
    expect(result).toMatchObject({ won: 1, full: MEMBERS - 1, serverErrors: 0, otherErrors: [] });
    expect(result.statuses).toEqual([200, 409]);
    expect(await claimsOf(task)).toHaveLength(1);
  });

  test("three spots: exactly three win", async () => {
    const task = await c.task({ slots: 3 });
    const result = await race(task);
    expect(result).toMatchObject({ won: 3, full: MEMBERS - 3, serverErrors: 0, otherErrors: [] });
    expect(await claimsOf(task)).toHaveLength(3);
  });

  test("through the list page's form action too: one redirect, the rest 409 with who took it", async () => {
    const task = await c.task({ slots: 1 });
    const racers = members.slice(0, 12);
    const cookies = await Promise.all(racers.map((m) => signInCookie(m.email)));
    const path = `/circles/${c.circleId}/tasks`;
    const results = await Promise.all(
      cookies.map((cookie) => run(listRoute.action, post(path, { intent: "claim", taskId: task }, cookie), { circleId: c.circleId })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 302)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(racers.length - 1);
    const [winner] = await claimsOf(task);
    const winnerName = racers.find((m) => m.memberId === winner)!.name;
    for (const lost of results.filter((r) => r.status === 409)) {
      expect(lost.data).toEqual({ taskId: task, error: `${winnerName} just took the last spot.` });
    }
  });
});
