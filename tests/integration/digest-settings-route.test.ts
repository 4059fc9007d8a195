import { afterAll, describe, expect, test } from "vitest";
import * as settings from "~/routes/circles.$circleId.notifications";
import { closeSql, sql } from "../helpers/supabase";
import { get, join, newCircle, post, run } from "../helpers/routes";

// The email settings page (/circles/:id/notifications) through its loader and action, with real
// sessions: each member changes their own digest; only the person changes what digests show.

afterAll(closeSql);

const path = (circleId: string) => `/circles/${circleId}/notifications`;

describe("email settings", () => {
  test("a member sees the defaults, makes their digest daily at 07:00, and only their own row changes", async () => {
    const { owner, circleId } = await newCircle("Maria", "America/New_York");
    const sam = await join(owner, circleId, { name: "Sam" });
    const tom = await join(owner, circleId, { name: "Tom" });

    const page = await run(settings.loader, get(path(circleId), sam.cookie), { circleId });
    expect(page.data).toMatchObject({
      schedule: { frequency: "weekly", weekday: 1, hour: 8 },
      notices: false,
      isOwner: false,
      updateText: "titles",
      zone: "New York time",
    });
    expect(page.data.next).toMatch(/^Mon \d+ \w{3}, 08:00 \(New York time\)$/);

    const saved = await run(
      settings.action,
      post(path(circleId), { intent: "digest", frequency: "daily", weekday: "1", hour: "7" }, sam.cookie),
      { circleId },
    );
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`${path(circleId)}?saved=digest`);
    const rows = await sql<{ member_id: string; digest_frequency: string; digest_hour: number; notify_claimed: boolean }>(
      `select member_id, digest_frequency, digest_hour, notify_claimed from public.email_preferences where circle_id = $1`,
      [circleId],
    );
    expect(rows).toEqual([{ member_id: sam.memberId, digest_frequency: "daily", digest_hour: 7, notify_claimed: true }]);
    expect((await run(settings.loader, get(path(circleId), tom.cookie), { circleId })).data.schedule.frequency).toBe("weekly");
  });

  test("bad input is refused with field errors", async () => {
    const { owner, circleId } = await newCircle();
    const sam = await join(owner, circleId);
    const result = await run(
      settings.action,
      post(path(circleId), { intent: "digest", frequency: "hourly", weekday: "9", hour: "24" }, sam.cookie),
      { circleId },
    );
    expect(result.status).toBe(400);
    expect(Object.keys(result.data.errors.fieldErrors).sort()).toEqual(["frequency", "hour", "weekday"]);
  });

  test("coordinators can turn the notices off; only the person chooses titles only or full text (audited)", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const cora = await join(owner, circleId, { role: "coordinator", name: "Cora" });
    expect((await run(settings.loader, get(path(circleId), cora.cookie), { circleId })).data.notices).toBe(true);
    await run(
      settings.action,
      post(path(circleId), { intent: "digest", frequency: "weekly", weekday: "3", hour: "18", notices: "shown", notifyReleased: "on" }, cora.cookie),
      { circleId },
    );
    const [prefs] = await sql(`select notify_claimed, notify_released, digest_weekday from public.email_preferences where member_id = $1`, [
      cora.memberId,
    ]);
    expect(prefs).toEqual({ notify_claimed: false, notify_released: true, digest_weekday: 3 });

    const refused = await run(settings.action, post(path(circleId), { intent: "circle", updateText: "full" }, cora.cookie), { circleId });
    expect(refused.status).toBe(403);
    const done = await run(settings.action, post(path(circleId), { intent: "circle", updateText: "full" }, cookie), { circleId });
    expect(done.location).toBe(`${path(circleId)}?saved=circle`);
    const [setting] = await sql(`select update_text from public.circle_email_settings where circle_id = $1`, [circleId]);
    expect(setting).toEqual({ update_text: "full" });
    const audit = await sql(`select action, details from public.audit_events where circle_id = $1 and action = 'settings_changed'`, [circleId]);
    expect(audit).toEqual([{ action: "settings_changed", details: { digest_update_text: "full" } }]);
  });

  test("someone outside the circle gets a 404", async () => {
    const { circleId } = await newCircle();
    const other = await newCircle("Olga");
    const result = await run(settings.loader, get(path(circleId), other.cookie), { circleId });
    expect(result.status).toBe(404);
  });
});
