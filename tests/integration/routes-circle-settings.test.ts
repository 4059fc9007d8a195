import { beforeEach, describe, expect, test } from "vitest";
import { resetRateLimits } from "~/rate-limit.server";
import * as home from "~/routes/circles.$circleId._index";
import * as layout from "~/routes/circles.$circleId";
import * as settings from "~/routes/circles.$circleId.settings";
import * as circles from "~/routes/circles._index";
import { createUser, must } from "../helpers/supabase";
import { get, join, newCircle, post, run, signInCookie } from "../helpers/routes";

// /circles (onboarding), the circle frame and home, and /circles/:id/settings, through their loaders
// and actions with real Requests and real sessions.

beforeEach(() => resetRateLimits());

describe("/circles", () => {
  test("signed out, it asks to sign in and come back", async () => {
    const result = await run(circles.loader, get("/circles"));
    expect(result.status).toBe(302);
    expect(result.location).toBe("/auth/sign-in?redirectTo=%2Fcircles");
  });

  test("someone without a circle gets the onboarding form, with a suggested name and time zone", async () => {
    const user = await createUser({ displayName: "Nadia" });
    const result = await run(circles.loader, get("/circles", await signInCookie(user.email)));
    expect(result.status).toBe(200);
    expect(result.data.circles).toEqual([]);
    expect(result.data.suggestedName).toBe("Nadia's circle");
    expect(result.data.defaultTimeZone).toBe("Europe/London");
    expect(result.data.timeZones).toContainEqual(expect.objectContaining({ value: "America/New_York" }));
  });

  test("bad input answers 400 with a message per field, and creates nothing", async () => {
    const user = await createUser({ displayName: "Nadia" });
    const cookie = await signInCookie(user.email);
    const result = await run(circles.action, post("/circles?index", { name: "   ", timeZone: "Mars/Olympus" }, cookie));
    expect(result.status).toBe(400);
    expect(result.data.errors.fieldErrors).toEqual({
      name: ["Give your circle a name"],
      timeZone: ["Choose a time zone from the list"],
    });
    expect(result.data.values).toEqual({ name: "   ", timeZone: "Mars/Olympus" });
    expect(must(await user.client.from("circles").select("id"))).toEqual([]);

    const long = await run(circles.action, post("/circles?index", { name: "x".repeat(81), timeZone: "UTC" }, cookie));
    expect(long.status).toBe(400);
    expect(long.data.errors.fieldErrors.name).toEqual(["Please keep the name under 80 characters"]);
  });

  test("creates the circle and lands on it; the list shows it with the person's role", async () => {
    const user = await createUser({ displayName: "Nadia" });
    const cookie = await signInCookie(user.email);
    const result = await run(
      circles.action,
      post("/circles?index", { name: "  Nadia's circle ", timeZone: "America/New_York" }, cookie),
    );
    expect(result.status).toBe(302);
    const circleId = result.location!.match(/^\/circles\/([0-9a-f-]{36})$/)![1];

    const list = await run(circles.loader, get("/circles", cookie));
    expect(list.data.circles).toEqual([{ id: circleId, name: "Nadia's circle", updates_paused: false, role: "owner" }]);

    const frame = await run(layout.loader, get(`/circles/${circleId}`, cookie), { circleId });
    expect(frame.data.circle).toMatchObject({ name: "Nadia's circle", timeZone: "America/New_York", zoneLabel: "New York time" });
    expect(frame.data.me.role).toBe("owner");
    expect(frame.data.isOwner).toBe(true);
  });
});

describe("the circle frame", () => {
  test("someone outside the circle gets the same 404 as for a circle that does not exist", async () => {
    const { circleId } = await newCircle();
    const stranger = await createUser({ displayName: "Olga" });
    const cookie = await signInCookie(stranger.email);
    const outside = await run(layout.loader, get(`/circles/${circleId}`, cookie), { circleId });
    const missing = await run(layout.loader, get(`/circles/${crypto.randomUUID()}`, cookie), {
      circleId: crypto.randomUUID(),
    });
    const garbage = await run(layout.loader, get("/circles/not-a-uuid", cookie), { circleId: "not-a-uuid" });
    expect([outside.status, missing.status, garbage.status]).toEqual([404, 404, 404]);
    expect(outside.data).toBe(missing.data);
  });

  test("a member sees their role and what is shared with them on the home page", async () => {
    const { owner, circleId } = await newCircle();
    const sam = await join(owner, circleId, { categories: ["practical", "milestones"] });
    const frame = await run(layout.loader, get(`/circles/${circleId}`, sam.cookie), { circleId });
    expect(frame.data.me).toMatchObject({ role: "supporter", label: "Sam" });
    expect(frame.data.isOwner).toBe(false);
    const page = await run(home.loader, get(`/circles/${circleId}`, sam.cookie), { circleId });
    expect(page.data).toMatchObject({ otherMembers: 1, myCategories: ["practical", "milestones"], checkInChoices: null });
  });
});

describe("settings", () => {
  test("bad input answers 400 with field messages and changes nothing", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const result = await run(
      settings.action,
      post(`/circles/${circleId}/settings`, { intent: "settings", name: "", timeZone: "Nowhere/Town" }, cookie),
      { circleId },
    );
    expect(result.status).toBe(400);
    expect(result.data.errors.fieldErrors).toEqual({
      name: ["Give your circle a name"],
      timeZone: ["Choose a time zone from the list"],
    });
    const circle = must(await owner.client.from("circles").select("name, time_zone").eq("id", circleId).single());
    expect(circle).toEqual({ name: "Maria's circle", time_zone: "Europe/London" });
  });

  test("the owner renames, moves the time zone and lets coordinators invite", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const result = await run(
      settings.action,
      post(
        `/circles/${circleId}/settings`,
        { intent: "settings", name: "Maria & co", timeZone: "Asia/Tokyo", coordinatorsCanInvite: "on" },
        cookie,
      ),
      { circleId },
    );
    expect(result.status).toBe(302);
    expect(result.location).toBe(`/circles/${circleId}/settings?saved=settings`);
    const circle = must(
      await owner.client.from("circles").select("name, time_zone, coordinators_can_invite").eq("id", circleId).single(),
    );
    expect(circle).toEqual({ name: "Maria & co", time_zone: "Asia/Tokyo", coordinators_can_invite: true });

    // An unticked box turns it off again.
    await run(
      settings.action,
      post(`/circles/${circleId}/settings`, { intent: "settings", name: "Maria & co", timeZone: "Asia/Tokyo" }, cookie),
      { circleId },
    );
    const after = must(await owner.client.from("circles").select("coordinators_can_invite").eq("id", circleId).single());
    expect(after.coordinators_can_invite).toBe(false);
  });

  test("Take a break pauses updates for everyone, shows the banner, and is audited", async () => {
    const { owner, circleId, cookie } = await newCircle();
    const sam = await join(owner, circleId);
    const result = await run(
      settings.action,
      post(`/circles/${circleId}/settings`, { intent: "pause", paused: "true" }, cookie),
      { circleId },
    );
    expect(result.status).toBe(302);
    const frame = await run(layout.loader, get(`/circles/${circleId}`, sam.cookie), { circleId });
    expect(frame.data.circle.updatesPaused).toBe(true);
    const audit = must(await owner.client.from("audit_events").select("action").eq("circle_id", circleId));
    expect(audit.map((a: { action: string }) => a.action)).toContain("updates_paused");

    await run(settings.action, post(`/circles/${circleId}/settings`, { intent: "pause", paused: "false" }, cookie), {
      circleId,
    });
    const again = await run(layout.loader, get(`/circles/${circleId}`, sam.cookie), { circleId });
    expect(again.data.circle.updatesPaused).toBe(false);
  });

  test("a supporter posting the owner's settings forms is refused by the database", async () => {
    const { owner, circleId } = await newCircle();
    const sam = await join(owner, circleId);
    const attempts: Array<Record<string, string>> = [
      { intent: "settings", name: "Mine now", timeZone: "UTC", coordinatorsCanInvite: "on" },
      { intent: "pause", paused: "true" },
    ];
    for (const fields of attempts) {
      const result = await run(settings.action, post(`/circles/${circleId}/settings`, fields, sam.cookie), { circleId });
      expect(result.status).toBe(403);
      expect(result.data.errors.formErrors).toEqual(["Only the person whose circle this is can do that."]);
    }
    const circle = must(
      await owner.client
        .from("circles")
        .select("name, time_zone, coordinators_can_invite, updates_paused")
        .eq("id", circleId)
        .single(),
    );
    expect(circle).toEqual({
      name: "Maria's circle",
      time_zone: "Europe/London",
      coordinators_can_invite: false,
      updates_paused: false,
    });
  });

  test("a member leaves (after the confirmation page) and loses the circle at once", async () => {
    const { owner, circleId } = await newCircle();
    const sam = await join(owner, circleId);
    const confirm = await run(settings.loader, get(`/circles/${circleId}/settings?confirmLeave=1`, sam.cookie), {
      circleId,
    });
    expect(confirm.data.confirmLeave).toBe(true);

    const result = await run(settings.action, post(`/circles/${circleId}/settings`, { intent: "leave" }, sam.cookie), {
      circleId,
    });
    expect(result.status).toBe(302);
    expect(result.location).toBe("/circles?left=1");
    const frame = await run(layout.loader, get(`/circles/${circleId}`, sam.cookie), { circleId });
    expect(frame.status).toBe(404);
    const list = await run(circles.loader, get("/circles?left=1", sam.cookie));
    expect(list.data).toMatchObject({ circles: [], left: true });
  });

  test("the owner cannot leave their own circle", async () => {
    const { circleId, cookie } = await newCircle();
    const page = await run(settings.loader, get(`/circles/${circleId}/settings?confirmLeave=1`, cookie), { circleId });
    expect(page.data.confirmLeave).toBe(false);
    const result = await run(settings.action, post(`/circles/${circleId}/settings`, { intent: "leave" }, cookie), {
      circleId,
    });
    expect(result.status).toBe(409);
    expect(result.data.errors.formErrors).toEqual([
      "You can't leave your own circle. You will be able to delete it instead.",
    ]);
  });

  test("an unknown intent is a 400, not a crash", async () => {
    const { circleId, cookie } = await newCircle();
    const result = await run(settings.action, post(`/circles/${circleId}/settings`, { intent: "explode" }, cookie), {
      circleId,
    });
    expect(result.status).toBe(400);
  });
});
