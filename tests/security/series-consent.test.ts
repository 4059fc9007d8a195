// Issue 10 item 1: a coordinator's "this and following" series edit, cancel or shorter rule reached
// occurrences the person had moved out of their sight (to health, or to no audience). The attack is made
// as the issue describes: the coordinator calls the series RPCs through supabase-js with their own token;
// what really happened is read with the service role.

import { beforeAll, describe, expect, test } from "vitest";
import { addDays, toLocalDate } from "~/calendar/time";
import * as editRoute from "~/routes/circles.$circleId.tasks.$taskId.edit";
import * as taskRoute from "~/routes/circles.$circleId.tasks.$taskId._index";
import { makeCalendarCircle, taskRow, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { get, post, run, signInCookie } from "../helpers/routes";
import { expectError } from "../helpers/assertions";
import { must, serviceClient } from "../helpers/supabase";

type Occurrence = { id: string; series_date: string; title: string; category: string; audience: string[] | null;
  notes: string | null; status: string; series_exception: boolean };

describe("series RPCs leave alone the occurrences the caller cannot see", () => {
  let c: CalendarCircle;
  let coordinator: Person;
  let today: string;

  beforeAll(async () => {
    c = await makeCalendarCircle({ timeZone: "Europe/Dublin" });
    coordinator = await c.member({ role: "coordinator", categories: ["practical"], name: "Ana" });
    today = toLocalDate(new Date(), c.timeZone);
  }, 60_000);

  const daily = (fields: Record<string, unknown> = {}) => ({
    title: "Shopping run",
    kind: "errand",
    category: "practical",
    first_date: addDays(today, 1),
    frequency: "daily",
    weekdays: [],
    occurrence_count: 6,
    start_time: "10:00",
    duration_minutes: 60,
    ...fields,
  });

  async function occurrences(seriesIds: string[]): Promise<Occurrence[]> {
    return must(
      await serviceClient()
        .from("tasks")
        .select("id, series_date, title, category, audience, notes, status, series_exception")
        .in("series_id", seriesIds)
        .order("series_date"),
    ) as Occurrence[];
  }

  /** The person's practical daily series, one occurrence moved to health and one made owner-only. */
  async function seriesWithHiddenOccurrences() {
    const series = must(await c.owner.client.rpc("create_task_series", { circle_id: c.circleId, ...daily() })) as { id: string };
    const [, second, third] = await occurrences([series.id]);
    must(
      await c.owner.client
        .from("tasks")
        .update({ category: "health", title: "Psychiatrist (Dr Lee)", notes: "lithium levels" })
        .eq("id", second.id),
    );
    must(await c.owner.client.from("tasks").update({ audience: [] }).eq("id", third.id));
    const hidden = [(await taskRow(second.id))!, (await taskRow(third.id))!];
    // The coordinator really cannot see them.
    expect((await coordinator.client.from("tasks").select("id").in("id", [second.id, third.id])).data).toEqual([]);
    return { seriesId: series.id, hidden };
  }

  async function expectUnchanged(hidden: Array<Record<string, unknown>>) {
    for (const before of hidden) {
      expect(await taskRow(before.id as string)).toEqual(before);
    }
  }

  test("changing one occurrence's category or audience makes it an exception of its series", async () => {
    const { hidden } = await seriesWithHiddenOccurrences();
    expect(hidden.map((t) => t.series_exception)).toEqual([true, true]);
  });

  test("update_task_series from the first date leaves the health and owner-only occurrences as they were", async () => {
    const { seriesId, hidden } = await seriesWithHiddenOccurrences();
    const result = must(
      await coordinator.client.rpc("update_task_series", {
        series_id: seriesId,
        from_date: addDays(today, 1),
        ...daily({ title: "Groceries", notes: "the usual list", first_date: undefined }),
        audience: null,
      }),
    ) as { series_id: string; skipped: number };
    expect(result.skipped).toBe(2);
    await expectUnchanged(hidden);
    const after = await occurrences([result.series_id, seriesId]);
    // Every practical supporter would read these if they had been turned into practical items.
    expect(after.filter((t) => t.category === "practical" && t.audience === null).map((t) => t.title)).not.toContain(
      "Psychiatrist (Dr Lee)",
    );
    expect(after.filter((t) => t.title === "Groceries")).toHaveLength(4);
    // One occurrence per date: the hidden ones still hold theirs.
    expect(new Set(after.map((t) => t.series_date)).size).toBe(after.length);
  });

  test("a later-date edit (a split) makes no second occurrence on a hidden one's date", async () => {
    const { seriesId, hidden } = await seriesWithHiddenOccurrences();
    const result = must(
      await coordinator.client.rpc("update_task_series", {
        series_id: seriesId,
        from_date: addDays(today, 2),
        ...daily({ title: "Groceries", first_date: undefined, occurrence_count: 5 }),
      }),
    ) as { series_id: string; skipped: number };
    expect(result.series_id).not.toBe(seriesId);
    expect(result.skipped).toBe(2);
    await expectUnchanged(hidden);
    const after = await occurrences([result.series_id, seriesId]);
    expect(new Set(after.map((t) => t.series_date)).size).toBe(after.length);
  });

  test("a shorter rule does not delete a hidden occurrence", async () => {
    const { seriesId, hidden } = await seriesWithHiddenOccurrences();
    const result = must(
      await coordinator.client.rpc("update_task_series", {
        series_id: seriesId,
        from_date: addDays(today, 1),
        ...daily({ first_date: undefined, occurrence_count: 1 }),
      }),
    ) as { removed: number; skipped: number };
    expect(result.skipped).toBe(2);
    expect(result.removed).toBe(3);
    await expectUnchanged(hidden);
  });

  test("cancel_task_series does not cancel a hidden occurrence, and counts it", async () => {
    const { seriesId, hidden } = await seriesWithHiddenOccurrences();
    const result = must(
      await coordinator.client.rpc("cancel_task_series", { series_id: seriesId, from_date: addDays(today, 1) }),
    ) as { cancelled: number; skipped: number };
    expect(result).toMatchObject({ cancelled: 4, skipped: 2 });
    await expectUnchanged(hidden);
    expect((await occurrences([seriesId])).filter((t) => t.status === "scheduled")).toHaveLength(2);
  });

  test("the person, who sees everything, still changes every occurrence", async () => {
    const { seriesId } = await seriesWithHiddenOccurrences();
    const result = must(
      await c.owner.client.rpc("cancel_task_series", { series_id: seriesId, from_date: addDays(today, 1) }),
    ) as { cancelled: number; skipped: number };
    expect(result).toMatchObject({ cancelled: 6, skipped: 0 });
  });

  test("the pages say how many occurrences the coordinator could not see were left unchanged", async () => {
    const { seriesId, hidden } = await seriesWithHiddenOccurrences();
    const cookie = await signInCookie(coordinator.email);
    const first = (await occurrences([seriesId]))[0];
    const base = `/circles/${c.circleId}/tasks/${first.id}`;
    const taskParams = { circleId: c.circleId, taskId: first.id };
    const form = await run(editRoute.loader, get(`${base}/edit?scope=following`, cookie), taskParams);
    const saved = await run(
      editRoute.action,
      post(`${base}/edit?scope=following`, { ...form.data.values, title: "Groceries" }, cookie),
      taskParams,
    );
    expect(saved.status).toBe(302);
    const location = saved.headers.get("Location")!;
    const shown = { circleId: c.circleId, taskId: location.match(/tasks\/([0-9a-f-]{36})/)![1] };
    const page = await run(taskRoute.loader, get(location, cookie), shown);
    expect(page.data.notice).toContain("2 occurrences you can't see were left unchanged.");
    await expectUnchanged(hidden);

    const cancelled = await run(
      taskRoute.action,
      post(base, { intent: "cancel-following", seriesId, fromDate: first.series_date }, cookie),
      taskParams,
    );
    expect(cancelled.status).toBe(302);
    const after = await run(taskRoute.loader, get(cancelled.headers.get("Location")!, cookie), taskParams);
    expect(after.data.notice).toContain("2 occurrences you can't see were left unchanged.");
    await expectUnchanged(hidden);
  });

  test("a later part of the series made owner-only stops a coordinator's edit from an earlier date", async () => {
    const series = must(await c.owner.client.rpc("create_task_series", { circle_id: c.circleId, ...daily() })) as { id: string };
    const later = must(
      await c.owner.client.rpc("update_task_series", {
        series_id: series.id,
        from_date: addDays(today, 4),
        ...daily({ first_date: undefined, occurrence_count: 3 }),
        audience: [],
      }),
    ) as { series_id: string };
    const seriesRows = async () =>
      must(await serviceClient().from("task_series").select("*").in("id", [series.id, later.series_id]).order("first_date"));
    const before = await occurrences([series.id, later.series_id]);
    const seriesBefore = await seriesRows();
    expectError(
      await coordinator.client.rpc("update_task_series", {
        series_id: series.id,
        from_date: addDays(today, 1),
        ...daily({ title: "Groceries", first_date: undefined }),
      }),
      "category_not_allowed",
      403,
    );
    expectError(
      await coordinator.client.rpc("cancel_task_series", { series_id: series.id, from_date: addDays(today, 1) }),
      "category_not_allowed",
      403,
    );
    expect(await occurrences([series.id, later.series_id])).toEqual(before);
    expect(await seriesRows()).toEqual(seriesBefore);
  });
});
