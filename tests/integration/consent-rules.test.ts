// The consent rule over time, through supabase-js with each person's own token: revoking, removing,
// leaving and pausing take effect on the very next request (past items included); "Preview as" shows
// exactly what the member sees; coordinators stay within their categories; nothing moves between
// circles; the audit log is complete, readable as the rules say, and cannot be changed by anyone.

import { beforeAll, describe, expect, it } from "vitest";
import { expectError, ids } from "../helpers/assertions";
import { IDENTITIES, makeCircleFixture, type CircleFixture, type Identity } from "../helpers/circle-fixture";
import { createUser, must, serviceClient, sql } from "../helpers/supabase";

const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe("consent rules", () => {
  let f: CircleFixture;

  beforeAll(async () => {
    f = await makeCircleFixture();
  }, 120_000);

  const visibleTaskIds = async (who: Identity) => ids(must(await f.as(who).from("tasks").select("id").eq("circle_id", f.circleId)));
  const visibleUpdateIds = async (who: Identity) =>
    ids(must(await f.as(who).from("updates").select("id").eq("circle_id", f.circleId)));

  it("revoking a grant hides the category at once, past items included; granting it again shows them again", async () => {
    const past = await f.newTask({ category: "wellbeing", title: "Last month's walk" });
    must(await serviceClient().from("tasks").update({ starts_at: daysFromNow(-30) }).eq("id", past));
    const sam = f.users.supW.client;
    const seen = ids(must(await sam.from("tasks").select("id").in("id", [past, f.tasks.shared])));
    expect(seen).toEqual([past, f.tasks.shared].sort());
    expect(ids(must(await sam.from("updates").select("id").eq("id", f.updates.published)))).toEqual([f.updates.published]);
    expect(ids(must(await sam.from("task_claims").select("id").eq("id", f.claimId)))).toEqual([f.claimId]);

    must(await f.as("owner").rpc("set_member_grants", { member_id: f.members.supW, categories: ["practical"] }));

    expect(must(await sam.from("tasks").select("id").in("id", [past, f.tasks.shared]))).toEqual([]);
    expect(must(await sam.from("updates").select("id").eq("id", f.updates.published))).toEqual([]);
    expect(must(await sam.from("task_claims").select("id").eq("id", f.claimId))).toEqual([]);
    expect(ids(must(await sam.from("tasks").select("id").eq("id", f.tasks.practical)))).toEqual([f.tasks.practical]);
    const own = must(await sam.from("sharing_grants").select("category").eq("member_id", f.members.supW));
    expect(own.map((g) => g.category)).toEqual(["practical"]);

    must(await f.as("owner").rpc("set_member_grants", { member_id: f.members.supW, categories: ["practical", "wellbeing"] }));
    expect(ids(must(await sam.from("tasks").select("id").in("id", [past, f.tasks.shared])))).toEqual([past, f.tasks.shared].sort());
  });

  it("writes one audit entry per category granted or revoked, readable by the owner and by that member only", async () => {
    const member = await f.spareMember("supporter", ["practical"]);
    const result = must(
      await f.as("owner").rpc("set_member_grants", { member_id: member.memberId, categories: ["health", "general", "general"] }),
    );
    expect(result).toEqual(["general", "health"]);
    const entries = must(
      await f.as("owner").from("audit_events").select("action,actor_id,details").eq("subject_member_id", member.memberId).order("id"),
    );
    expect(entries).toEqual(
      expect.arrayContaining([
        { action: "grant_added", actor_id: f.users.owner.id, details: { category: "general" } },
        { action: "grant_added", actor_id: f.users.owner.id, details: { category: "health" } },
        { action: "grant_revoked", actor_id: f.users.owner.id, details: { category: "practical" } },
      ]),
    );
    expect(entries).toHaveLength(3);
    // Setting the same grants again changes nothing and writes nothing.
    must(await f.as("owner").rpc("set_member_grants", { member_id: member.memberId, categories: ["general", "health"] }));
    expect(must(await f.as("owner").from("audit_events").select("id").eq("subject_member_id", member.memberId))).toHaveLength(3);

    // supW reads the entries about supW, and nothing else.
    const samReads = must(await f.as("supW").from("audit_events").select("subject_member_id"));
    expect(samReads.length).toBeGreaterThan(0);
    expect(new Set(samReads.map((e) => e.subject_member_id))).toEqual(new Set([f.members.supW]));
    expect(must(await f.as("coordW").from("audit_events").select("id").eq("subject_member_id", member.memberId))).toEqual([]);
  });

  it("only the owner changes grants and roles: no one changes their own, no one becomes owner", async () => {
    expectError(
      await f.as("coordW").rpc("set_member_grants", { member_id: f.members.coordW, categories: ["health"] }),
      "not_circle_owner",
      403,
    );
    expectError(
      await f.as("coordW").rpc("set_member_grants", { member_id: f.members.supW, categories: ["health"] }),
      "not_circle_owner",
      403,
    );
    expectError(await f.as("supW").rpc("set_member_role", { member_id: f.members.supW, role: "coordinator" }), "not_circle_owner", 403);
    expectError(await f.as("owner").rpc("set_member_role", { member_id: f.members.supW, role: "owner" }), "cannot_change_owner", 403);
    expectError(await f.as("owner").rpc("set_member_role", { member_id: f.members.owner, role: "supporter" }), "cannot_change_owner", 403);
    expectError(await f.as("owner").rpc("set_member_grants", { member_id: f.members.owner, categories: [] }), "cannot_change_owner", 403);
    expectError(await f.as("owner").rpc("remove_member", { member_id: f.members.owner }), "cannot_change_owner", 403);
    expectError(await f.as("owner").rpc("set_member_grants", { member_id: f.members.removed, categories: ["practical"] }), "member_not_active", 409);
  });

  it("a role change is audited and takes effect at once", async () => {
    const member = await f.spareMember("supporter", ["practical"]);
    const changed = must(await f.as("owner").rpc("set_member_role", { member_id: member.memberId, role: "coordinator" }));
    expect(changed.role).toBe("coordinator");
    const [entry] = must(
      await f.as("owner").from("audit_events").select("action,details").eq("subject_member_id", member.memberId),
    );
    expect(entry).toEqual({ action: "role_changed", details: { from: "supporter", to: "coordinator" } });
  });

  it("removing a member ends all their access at once and releases their future claims only", async () => {
    const person = await createUser({ displayName: "Rob" });
    const inv = must(
      await f.as("owner").rpc("create_invitation", {
        circle_id: f.circleId,
        email: person.email,
        categories: ["practical", "wellbeing"],
      }),
    );
    const member = must(await person.client.rpc("accept_invitation", { token: inv.token }));
    const past = await f.newTask({ category: "practical", title: "Old ride" });
    must(await serviceClient().from("tasks").update({ starts_at: daysFromNow(-3) }).eq("id", past));
    const service = serviceClient();
    must(
      await service.from("task_claims").insert([
        { task_id: past, circle_id: f.circleId, member_id: member.id },
        { task_id: f.tasks.practical, circle_id: f.circleId, member_id: member.id },
      ]),
    );
    expect(must(await person.client.from("tasks").select("id").eq("circle_id", f.circleId)).length).toBeGreaterThan(0);

    must(await f.as("owner").rpc("remove_member", { member_id: member.id }));

    for (const table of ["circles", "circle_members", "tasks", "updates", "task_claims", "sharing_grants", "audit_events"]) {
      expect(must(await person.client.from(table).select("*")), table).toEqual([]);
    }
    expect(must(await person.client.from("profiles").select("id"))).toEqual([{ id: person.id }]);
    const claims = must(await service.from("task_claims").select("task_id").eq("member_id", member.id));
    expect(claims.map((c) => c.task_id)).toEqual([past]);
    expect(must(await service.from("sharing_grants").select("category").eq("member_id", member.id))).toEqual([]);
    const [entry] = must(
      await f.as("owner").from("audit_events").select("details").eq("subject_member_id", member.id).eq("action", "member_removed"),
    );
    expect(entry.details).toEqual({ categories: ["practical", "wellbeing"], released_claims: 1 });
    // Still listed for the owner, as removed; no longer among the active members for others.
    expect(must(await f.as("owner").from("circle_members").select("status").eq("id", member.id))).toEqual([{ status: "removed" }]);
    expect(must(await f.as("supW").from("circle_members").select("id").eq("id", member.id))).toEqual([]);
    expectError(await f.as("owner").rpc("remove_member", { member_id: member.id }), "member_not_active", 409);
  });

  it("a member may leave (the owner may not), with the same effect as removal", async () => {
    const person = await createUser();
    const inv = must(await f.as("owner").rpc("create_invitation", { circle_id: f.circleId, email: person.email }));
    const member = must(await person.client.rpc("accept_invitation", { token: inv.token }));
    must(await person.client.rpc("leave_circle", { circle_id: f.circleId }));
    expect(must(await person.client.from("circles").select("id"))).toEqual([]);
    expectError(await person.client.rpc("leave_circle", { circle_id: f.circleId }), "circle_not_found", 404);
    const [entry] = must(
      await f.as("owner").from("audit_events").select("action,actor_id").eq("subject_member_id", member.id).eq("action", "member_left"),
    );
    expect(entry.actor_id).toBe(person.id);
    expectError(await f.as("owner").rpc("leave_circle", { circle_id: f.circleId }), "owner_cannot_leave", 409);
  });

  it("taking a break hides every update from everyone but the person (and a draft's author); tasks go on", async () => {
    const before = await visibleUpdateIds("supW");
    expect(before).toContain(f.updates.published);
    must(await f.as("owner").rpc("set_updates_paused", { circle_id: f.circleId, paused: true }));
    try {
      expect(await visibleUpdateIds("supW")).toEqual([]);
      expect(await visibleUpdateIds("coordW")).toEqual([f.updates.draft]);
      expect(await visibleUpdateIds("owner")).toEqual(expect.arrayContaining([f.updates.published, f.updates.draft]));
      expect(await visibleTaskIds("supW")).toContain(f.tasks.shared);
      const circle = must(await f.as("supW").from("circles").select("updates_paused,updates_paused_at").eq("id", f.circleId).single());
      expect(circle.updates_paused).toBe(true);
      expect(circle.updates_paused_at).not.toBeNull();
    } finally {
      must(await f.as("owner").rpc("set_updates_paused", { circle_id: f.circleId, paused: false }));
    }
    expect(await visibleUpdateIds("supW")).toEqual(before);
    const actions = must(
      await f.as("owner").from("audit_events").select("action").eq("circle_id", f.circleId).in("action", ["updates_paused", "updates_resumed"]).order("id"),
    );
    expect(actions.map((a) => a.action)).toEqual(["updates_paused", "updates_resumed"]);
    expectError(await f.as("coordW").rpc("set_updates_paused", { circle_id: f.circleId, paused: true }), "not_circle_owner", 403);
  });

  it("an audience narrows an item to the members listed, who must also hold the category", async () => {
    const task = await f.newTask({ category: "wellbeing", audience: [f.members.supOut, f.members.supWo] });
    expect(ids(must(await f.as("supOut").from("tasks").select("id").eq("id", task)))).toEqual([task]);
    expect(must(await f.as("supWo").from("tasks").select("id").eq("id", task))).toEqual([]); // no wellbeing grant
    expect(must(await f.as("supW").from("tasks").select("id").eq("id", task))).toEqual([]); // not in the audience
    // An audience may only name members of the item's own circle.
    const outsiderMember = must(
      await f.as("outsider").from("circle_members").select("id").eq("circle_id", f.otherCircleId).single(),
    );
    const bad = await f.as("owner").from("tasks").insert({
      circle_id: f.circleId,
      title: "Leaky",
      category: "practical",
      starts_at: daysFromNow(1),
      audience: [outsiderMember.id],
    });
    expectError(bad, "invalid_audience", 400);
  });

  it("Preview as shows each member exactly what they see themselves, by the same rule", async () => {
    const draft = await f.newUpdate({ status: "draft", authorId: f.users.coordW.id });
    for (const who of IDENTITIES) {
      if (!(who in f.members)) continue;
      const memberId = f.members[who as keyof CircleFixture["members"]];
      const previewTasks = ids(must(await f.as("owner").rpc("preview_tasks", { member_id: memberId })));
      const previewUpdates = ids(must(await f.as("owner").rpc("preview_updates", { member_id: memberId })));
      const ownTasks = await visibleTaskIds(who);
      const ownUpdates = await visibleUpdateIds(who);
      expect(previewTasks, `tasks as ${who}`).toEqual(ownTasks);
      expect(previewUpdates, `updates as ${who}`).toEqual(ownUpdates);
    }
    expect(ids(must(await f.as("owner").rpc("preview_updates", { member_id: f.members.coordW })))).toContain(draft);
    // It returns a set of rows, so the usual filters apply (e.g. the month shown).
    const filtered = must(
      await f.as("owner").rpc("preview_tasks", { member_id: f.members.supW }).eq("category", "practical"),
    );
    expect(filtered.every((t: { category: string }) => t.category === "practical")).toBe(true);
    expectError(await f.as("coordW").rpc("preview_tasks", { member_id: f.members.supW }), "not_circle_owner", 403);
    expectError(await f.as("outsider").rpc("preview_tasks", { member_id: f.members.supW }), "member_not_found", 404);
  });

  it("a coordinator creates and edits tasks only in categories they hold", async () => {
    const ana = f.as("coordW");
    const created = must(
      await ana.from("tasks").insert({ circle_id: f.circleId, title: "Call", category: "wellbeing", starts_at: daysFromNow(2) }).select("id,created_by").single(),
    );
    expect(created.created_by).toBe(f.users.coordW.id);
    const health = await ana.from("tasks").insert({ circle_id: f.circleId, title: "Therapy ride", category: "health", starts_at: daysFromNow(2) });
    expect(health.error?.code).toBe("42501");
    const moved = await ana.from("tasks").update({ category: "health" }).eq("id", created.id);
    expect(moved.error?.code).toBe("42501");
    const renamed = await ana.from("tasks").update({ title: "Evening call" }, { count: "exact" }).eq("id", created.id);
    expect(renamed.count).toBe(1);
    // A coordinator cannot draft an update in a category they lack either.
    const draft = await ana.from("updates").insert({ circle_id: f.circleId, category: "health", body: "x", status: "draft" });
    expect(draft.error?.code).toBe("42501");
  });

  it("nothing moves to another circle, and the owner never changes, whoever asks", async () => {
    const service = serviceClient();
    expectError(await service.from("tasks").update({ circle_id: f.otherCircleId }).eq("id", f.tasks.shared), "cannot_move_between_circles");
    expectError(await service.from("updates").update({ circle_id: f.otherCircleId }).eq("id", f.updates.published), "cannot_move_between_circles");
    expectError(await service.from("circle_members").update({ circle_id: f.otherCircleId }).eq("id", f.members.supW), "cannot_move_between_circles");
    expectError(await service.from("circle_members").update({ user_id: f.users.outsider.id }).eq("id", f.members.supW), "cannot_move_between_circles");
    expectError(await service.from("circles").update({ owner_id: f.users.outsider.id }).eq("id", f.circleId), "cannot_change_owner");
  });

  it("nobody outside a circle can tell it exists: the same answer as for a circle that does not", async () => {
    const nowhere = "00000000-0000-4000-8000-000000000000";
    const outsider = f.as("outsider");
    const pairs: Array<[string, (id: string) => Record<string, unknown>, string]> = [
      ["create_invitation", (id) => ({ circle_id: id, email: "x@example.test" }), "circle_not_found"],
      ["leave_circle", (id) => ({ circle_id: id }), "circle_not_found"],
      ["set_updates_paused", (id) => ({ circle_id: id, paused: true }), "circle_not_found"],
      ["update_circle_settings", (id) => ({ circle_id: id, name: "Mine now" }), "circle_not_found"],
    ];
    for (const [fn, args, key] of pairs) {
      const real = await outsider.rpc(fn, args(f.circleId));
      const fake = await outsider.rpc(fn, args(nowhere));
      expectError(real, key, 404);
      expect({ ...real.error }, fn).toEqual({ ...fake.error });
    }
    const memberCalls: Record<string, (id: string) => Record<string, unknown>> = {
      set_member_grants: (id) => ({ member_id: id, categories: ["practical"] }),
      set_member_role: (id) => ({ member_id: id, role: "supporter" }),
      remove_member: (id) => ({ member_id: id }),
      preview_tasks: (id) => ({ member_id: id }),
      preview_updates: (id) => ({ member_id: id }),
    };
    for (const [fn, args] of Object.entries(memberCalls)) {
      const real = await outsider.rpc(fn, args(f.members.supW));
      const fake = await outsider.rpc(fn, args(nowhere));
      expectError(real, "member_not_found", 404);
      expect({ ...real.error }, fn).toEqual({ ...fake.error });
    }
    // Aiming a task at circle A's members from outside answers exactly as for made-up ids.
    const task = (audience: string[]) => ({
      circle_id: f.circleId,
      title: "Probe",
      category: "practical",
      starts_at: daysFromNow(1),
      audience,
    });
    const withRealMember = await outsider.from("tasks").insert(task([f.members.supW]));
    const withMadeUpMember = await outsider.from("tasks").insert(task([nowhere]));
    expect(withRealMember.error?.code).toBe("42501");
    expect({ ...withRealMember.error }).toEqual({ ...withMadeUpMember.error });
    const inv = await f.newInvitation();
    expect({ ...(await outsider.rpc("revoke_invitation", { id: inv.id })).error }).toEqual({
      ...(await outsider.rpc("revoke_invitation", { id: nowhere })).error,
    });
  });

  it("co-members see each other's names, labels and roles, not former members'", async () => {
    const names = must(await f.as("supWo").from("profiles").select("display_name")).map((p) => p.display_name);
    expect(names).toEqual(expect.arrayContaining(["Ana (coordinator)", "Luis (coordinator)", "Maria", "Priya", "Sam", "Tom"]));
    for (const hidden of ["Rae", "Lee", "Ines", "Olga"]) expect(names).not.toContain(hidden); // removed, left, invitee, outsider
    const members = must(
      await f.as("supWo").from("circle_members").select("id,label,role,relationship,status,profiles(display_name)").eq("circle_id", f.circleId),
    );
    expect(members.every((m) => m.status === "active")).toBe(true);
    expect(members.map((m) => m.id)).not.toContain(f.members.removed);
    expect(members.find((m) => m.role === "owner")?.profiles).toEqual({ display_name: "Maria" });
    expect(members.find((m) => m.id === f.members.supW)).toMatchObject({ label: "Sam", role: "supporter", relationship: "friend" });
    // The removed member sees no one's name but their own.
    expect(must(await f.as("removed").from("profiles").select("id"))).toEqual([{ id: f.users.removed.id }]);
  });

  it("profiles take the display name from sign-up metadata, else the email's local part", async () => {
    const named = await createUser({ displayName: "Dr. Lee" });
    expect(must(await named.client.from("profiles").select("display_name").single()).display_name).toBe("Dr. Lee");
    const plain = await createUser();
    const { display_name } = must(await plain.client.from("profiles").select("display_name").single());
    expect(display_name).toBe(plain.email.split("@")[0]);
  });

  it("create_circle makes the caller the owner, atomically, and validates its input", async () => {
    const person = await createUser();
    const circle = must(await person.client.rpc("create_circle", { name: "  Jo's circle  ", time_zone: "America/New_York" }));
    expect(circle).toMatchObject({ name: "Jo's circle", owner_id: person.id, time_zone: "America/New_York", updates_paused: false });
    const members = must(await person.client.from("circle_members").select("role,status,user_id").eq("circle_id", circle.id));
    expect(members).toEqual([{ role: "owner", status: "active", user_id: person.id }]);
    expectError(await person.client.rpc("create_circle", { name: "X", time_zone: "Mars/Olympus" }), "invalid_time_zone", 400);
    expectError(await person.client.rpc("create_circle", { name: "X", time_zone: "UTC+3" }), "invalid_time_zone", 400);
    expectError(await person.client.rpc("create_circle", { name: "   ", time_zone: "UTC" }), "invalid_circle_name", 400);
    for (const zone of ["UTC", "Etc/GMT+3", "America/Argentina/Salta", "Europe/Dublin"]) {
      must(await person.client.rpc("update_circle_settings", { circle_id: circle.id, time_zone: zone }), zone);
    }
    expectError(
      await person.client.rpc("update_circle_settings", { circle_id: circle.id, time_zone: "Nowhere/Land" }),
      "invalid_time_zone",
      400,
    );
    const direct = await person.client.from("circles").update({ time_zone: "Nowhere/Land" }).eq("id", circle.id);
    expectError(direct, "invalid_time_zone", 400);
  });

  describe("the audit log", () => {
    it("cannot be changed or deleted, not even by the table owner", async () => {
      const [row] = await sql<{ id: string }>("select id from public.audit_events where circle_id = $1 limit 1", [f.circleId]);
      await expect(sql("update public.audit_events set action = 'grant_added' where id = $1", [row.id])).rejects.toThrow(
        /audit_log_is_append_only/,
      );
      await expect(sql("delete from public.audit_events where id = $1", [row.id])).rejects.toThrow(/audit_log_is_append_only/);
      await expect(sql("truncate public.audit_events")).rejects.toThrow(/audit_log_is_append_only/);
      const service = serviceClient();
      expect((await service.from("audit_events").delete().eq("id", row.id)).error?.message).toBe("audit_log_is_append_only");
    });

    it("goes with its circle when the circle is deleted", async () => {
      const person = await createUser();
      const circle = must(await person.client.rpc("create_circle", { name: "Short-lived", time_zone: "UTC" }));
      await sql("delete from public.circles where id = $1", [circle.id]);
      expect(await sql("select id from public.audit_events where circle_id = $1", [circle.id])).toEqual([]);
    });

    it("records every consent change of the fixture's story, in order", async () => {
      const rows = must(
        await f.as("owner").from("audit_events").select("action").eq("circle_id", f.circleId).order("id").limit(20),
      );
      const actions = rows.map((r) => r.action);
      expect(actions[0]).toBe("circle_created");
      expect(actions.filter((a) => a === "invitation_sent").length).toBeGreaterThanOrEqual(8);
      expect(actions).toEqual(expect.arrayContaining(["invitation_accepted", "member_removed", "member_left"]));
    });
  });
});
