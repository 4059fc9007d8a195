// Push subscriptions under RLS (issue 13): a member adds, sees and removes only their own devices, in
// circles they are active in; leaving or being removed takes every device of that membership with it.

import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { makeCalendarCircle, type CalendarCircle, type Person } from "../helpers/calendar-fixture";
import { createUser, must, sql } from "../helpers/supabase";

const b64 = (n: number) => randomBytes(n).toString("base64url");
const device = (member: Person, circleId: string, label = "Phone") => ({
  member_id: member.memberId,
  circle_id: circleId,
  endpoint: `https://push.example.test/send/${b64(16)}`,
  p256dh: b64(65),
  auth: b64(16),
  device_label: label,
});

let c: CalendarCircle;
let sam: Person;
let tom: Person;

beforeAll(async () => {
  c = await makeCalendarCircle();
  sam = await c.member({ name: "Sam" });
  tom = await c.member({ name: "Tom" });
});

describe("push_subscriptions", () => {
  test("a member adds, sees and removes only their own devices", async () => {
    const mine = must(await sam.client.from("push_subscriptions").insert(device(sam, c.circleId)).select("id").single());
    must(await tom.client.from("push_subscriptions").insert(device(tom, c.circleId, "Tom's laptop")));

    // Not in someone else's name, and not for a circle one is not in.
    const forged = await sam.client.from("push_subscriptions").insert(device(tom, c.circleId));
    expect(forged.error?.code).toBe("42501");
    const outsider = await createUser();
    const stranger = await outsider.client.from("push_subscriptions").insert(device(sam, c.circleId));
    expect(stranger.error?.code).toBe("42501");

    const seen = must(await sam.client.from("push_subscriptions").select("id, device_label"));
    expect(seen).toEqual([{ id: mine.id, device_label: "Phone" }]);
    expect(must(await c.owner.client.from("push_subscriptions").select("id"))).toEqual([]); // not even the owner

    // Deleting another's device removes nothing.
    const [tomsRow] = await sql<{ id: string }>("select id from public.push_subscriptions where member_id = $1", [tom.memberId]);
    must(await sam.client.from("push_subscriptions").delete().eq("id", tomsRow.id));
    expect(await sql("select 1 from public.push_subscriptions where id = $1", [tomsRow.id])).toHaveLength(1);

    must(await sam.client.from("push_subscriptions").delete().eq("id", mine.id));
    expect(must(await sam.client.from("push_subscriptions").select("id"))).toEqual([]);
  });

  test("leaving or being removed takes the member's devices with it", async () => {
    const lea = await c.member({ name: "Lea" });
    const max = await c.member({ name: "Max" });
    must(await lea.client.from("push_subscriptions").insert([device(lea, c.circleId), device(lea, c.circleId, "Tablet")]));
    must(await max.client.from("push_subscriptions").insert(device(max, c.circleId)));
    const count = async (memberId: string) =>
      (await sql("select 1 from public.push_subscriptions where member_id = $1", [memberId])).length;
    expect(await count(lea.memberId)).toBe(2);

    must(await lea.client.rpc("leave_circle", { circle_id: c.circleId }));
    expect(await count(lea.memberId)).toBe(0);
    must(await c.owner.client.rpc("remove_member", { member_id: max.memberId }));
    expect(await count(max.memberId)).toBe(0);
  });
});
