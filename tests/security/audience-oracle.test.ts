import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { makeCircleFixture, type CircleFixture } from "../helpers/circle-fixture";
import { closeSql } from "../helpers/supabase";

// Issue 10 item 4: someone who may not write to a circle must get the same answer whether or not the
// member ids in an audience belong to it; otherwise the error is an oracle for another circle's members.

let f: CircleFixture;
beforeAll(async () => {
  f = await makeCircleFixture();
}, 60_000);
afterAll(closeSql);

// Plan sections are written directly through PostgREST; a series only through create_task_series.
const attempts = {
  support_plan_sections: (who: Parameters<CircleFixture["as"]>[0], audience: string[]) =>
    f.as(who).from("support_plan_sections").insert({
      circle_id: f.circleId,
      kind: "warning_signs",
      body: "Probing",
      category: "general",
      audience,
    }),
  create_task_series: (who: Parameters<CircleFixture["as"]>[0], audience: string[]) =>
    f.as(who).rpc("create_task_series", {
      circle_id: f.circleId,
      title: "Probing",
      first_date: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
      frequency: "daily",
      occurrence_count: 2,
      start_time: "10:00",
      duration_minutes: 30,
      audience,
    }),
};

describe.each(Object.keys(attempts) as Array<keyof typeof attempts>)("%s: an audience answers nothing before the permission check", (target) => {
  test.each(["outsider", "supW"] as const)("%s gets the same refusal for a real member id and a made-up one", async (who) => {
    const attempt = async (audience: string[]) => {
      const { error } = await attempts[target](who, audience);
      return { code: error?.code, message: error?.message };
    };
    const withRealMember = await attempt([f.members.supW]);
    const withUnknownId = await attempt([randomUUID()]);

    expect(withRealMember.code).toMatch(/^(42501|PT404)$/); // refused: forbidden, or "no such circle" to an outsider
    expect(withUnknownId).toEqual(withRealMember);
  });

  test("the owner still gets invalid_audience for an id from elsewhere", async () => {
    const { error } = await attempts[target]("owner", [randomUUID()]);
    expect(error?.message).toBe("invalid_audience");
  });
});
