// The RLS matrix: every identity against every table, operation and RPC, through supabase-js with each
// identity's own token. The table below IS the specification; each row is implemented once in `CASES`.
//
//   ✓  allowed: rows come back / the row changes / the RPC succeeds
//   0  runs, but matches no row: select returns nothing, update or delete changes nothing
//   ✗  refused with an error (no privilege, policy violation, or the RPC's own check)
//
// Identities (tests/helpers/circle-fixture.ts): owner = the person; coordW/coordWo = coordinator with /
// without the item's category (wellbeing); supW/supWo = supporter with / without it; supOut = supporter
// with it but outside the item's audience; removed; left; invitee = invited, not accepted; outsider =
// owner of another circle; anon = signed out.

import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { IDENTITIES, makeCircleFixture, type CircleFixture, type Identity } from "../helpers/circle-fixture";
import { countOutcome, okOutcome, parseMatrix, rowsOutcome, type MatrixRow, type Outcome } from "../helpers/rls-matrix";
import { createAuthUser, must, serviceClient } from "../helpers/supabase";

const MATRIX = `
case                                                  | owner coordW coordWo supW supWo supOut removed left invitee outsider anon
profiles: select the owner's profile                  |   ✓     ✓      ✓      ✓    ✓     ✓      0      0     0       0      ✗
profiles: update the owner's display name             |   ✓     0      0      0    0     0      0      0     0       0      ✗
profiles: insert a profile                            |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
profiles: delete the owner's profile                  |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
circles: select the circle                            |   ✓     ✓      ✓      ✓    ✓     ✓      0      0     0       0      ✗
circles: insert a circle                              |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
circles: update the name                              |   ✓     0      0      0    0     0      0      0     0       0      ✗
circles: update owner_id                              |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
circles: delete the circle                            |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
circle_members: select supW's membership              |   ✓     ✓      ✓      ✓    ✓     ✓      0      0     0       0      ✗
circle_members: select the removed membership         |   ✓     0      0      0    0     0      0      0     0       0      ✗
circle_members: insert oneself                        |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
circle_members: update supW's label                   |   ✓     0      0      0    0     0      0      0     0       0      ✗
circle_members: update supW's role                    |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
circle_members: update supW's status                  |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
circle_members: delete supW's membership              |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
sharing_grants: select supW's grants                  |   ✓     0      0      ✓    0     0      0      0     0       0      ✗
sharing_grants: insert a health grant for supW        |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
sharing_grants: delete supW's grants                  |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
invitations: select the pending invitation            |   ✓     0      0      0    0     0      0      0     0       0      ✗
invitations_with_state: select the pending one       |   ✓     0      0      0    0     0      0      0     0       0      ✗
invitations: select token_hash                        |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
invitations: insert an invitation                     |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
invitations: update expires_at                        |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
invitations: delete an invitation                     |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
tasks: select a wellbeing task                        |   ✓     ✓      0      ✓    0     ✓      0      0     0       0      ✗
tasks: select a wellbeing task with an audience       |   ✓     ✓      0      ✓    0     0      0      0     0       0      ✗
tasks: select a practical task                        |   ✓     ✓      ✓      ✓    ✓     ✓      0      0     0       0      ✗
tasks: select the other circle's task                 |   0     0      0      0    0     0      0      0     0       ✓      ✗
tasks: insert a wellbeing task                        |   ✓     ✓      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
tasks: update a wellbeing task's title                |   ✓     ✓      0      0    0     0      0      0     0       0      ✗
tasks: update a wellbeing task to health              |   ✓     ✗      0      0    0     0      0      0     0       0      ✗
tasks: update circle_id                               |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
tasks: delete a wellbeing task                        |   ✓     ✓      0      0    0     0      0      0     0       0      ✗
task_claims: select a claim on a wellbeing task       |   ✓     ✓      0      ✓    0     ✓      0      0     0       0      ✗
task_claims: insert a claim                           |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
task_claims: delete a claim                           |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
updates: select a published wellbeing update          |   ✓     ✓      0      ✓    0     ✓      0      0     0       0      ✗
updates: select coordW's draft                        |   ✓     ✓      0      0    0     0      0      0     0       0      ✗
updates: insert a published update                    |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
updates: insert a wellbeing draft                     |   ✓     ✓      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
updates: update a published update's text             |   ✓     0      0      0    0     0      0      0     0       0      ✗
updates: delete a published update                    |   ✓     0      0      0    0     0      0      0     0       0      ✗
audit_events: select the entries about supW           |   ✓     0      0      ✓    0     0      0      0     0       0      ✗
audit_events: insert an entry                         |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
audit_events: update an entry                         |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
audit_events: delete an entry                         |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc create_circle                                     |   ✓     ✓      ✓      ✓    ✓     ✓      ✓      ✓     ✓       ✓      ✗
rpc update_circle_settings                            |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc set_updates_paused                                |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc create_invitation                                 |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc resend_invitation                                 |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc revoke_invitation                                 |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc invitation_preview                                |   ✓     ✓      ✓      ✓    ✓     ✓      ✓      ✓     ✓       ✓      ✓
rpc decline_invitation                                |   ✓     ✓      ✓      ✓    ✓     ✓      ✓      ✓     ✓       ✓      ✓
rpc set_member_grants                                 |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc set_member_role                                   |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc remove_member                                     |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc preview_tasks                                     |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc preview_updates                                   |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc accept_invitation sent to one's own email         |   ✗     ✗      ✗      ✗    ✗     ✗      ✓      ✓     ✓       ✓      ✗
rpc leave_circle                                      |   ✗     ✓      ✓      ✓    ✓     ✓      ✗      ✗     ✗       ✗      ✗
`;

interface Case {
  /** Runs on a fixture of its own: the allowed cells change who is in the circle. */
  fresh?: boolean;
  run(f: CircleFixture, who: Identity): Promise<Outcome>;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();


type Id = (f: CircleFixture) => string;
const select = (table: string, column: string, value: Id, columns = column): Case => ({
  run: async (f, who) => rowsOutcome(await f.as(who).from(table).select(columns).eq(column, value(f))),
});
const update = (table: string, values: (f: CircleFixture) => object, column: string, value: Id | ((f: CircleFixture) => Promise<string>)): Case => ({
  run: async (f, who) =>
    countOutcome(await f.as(who).from(table).update(values(f), { count: "exact" }).eq(column, await value(f))),
});
const remove = (table: string, column: string, value: (f: CircleFixture) => string | Promise<string>): Case => ({
  run: async (f, who) => countOutcome(await f.as(who).from(table).delete({ count: "exact" }).eq(column, await value(f))),
});
const insert = (table: string, row: (f: CircleFixture, who: Identity) => object): Case => ({
  run: async (f, who) => okOutcome(await f.as(who).from(table).insert(row(f, who))),
});
const rpc = (name: string, args: (f: CircleFixture, who: Identity) => object | Promise<object>, fresh = false): Case => ({
  fresh,
  run: async (f, who) => okOutcome(await f.as(who).rpc(name, await args(f, who))),
});

const memberOf = (f: CircleFixture, who: Identity) =>
  who in f.members ? f.members[who as keyof CircleFixture["members"]] : f.members.supW;
const spare = async (f: CircleFixture) => (await f.spareMember()).memberId;

const CASES: Record<string, Case> = {
  "profiles: select the owner's profile": select("profiles", "id", (f) => f.users.owner.id),
  "profiles: update the owner's display name": update("profiles", () => ({ display_name: "Maria" }), "id", (f) => f.users.owner.id),
  "profiles: insert a profile": insert("profiles", (f) => ({ id: f.users.owner.id, display_name: "Someone" })),
  "profiles: delete the owner's profile": remove("profiles", "id", (f) => f.users.owner.id),

  "circles: select the circle": select("circles", "id", (f) => f.circleId),
  "circles: insert a circle": insert("circles", (f) => ({ name: "Mine", owner_id: f.users.owner.id, time_zone: "UTC" })),
  "circles: update the name": update("circles", () => ({ name: "Maria's circle" }), "id", (f) => f.circleId),
  "circles: update owner_id": update("circles", (f) => ({ owner_id: f.users.outsider.id }), "id", (f) => f.circleId),
  "circles: delete the circle": remove("circles", "id", (f) => f.circleId),

  "circle_members: select supW's membership": select("circle_members", "id", (f) => f.members.supW),
  "circle_members: select the removed membership": select("circle_members", "id", (f) => f.members.removed),
  "circle_members: insert oneself": insert("circle_members", (f, who) => ({
    circle_id: f.circleId,
    user_id: who === "anon" ? f.users.invitee.id : f.users[who].id,
    role: "coordinator",
    relationship: "family",
  })),
  "circle_members: update supW's label": update("circle_members", () => ({ label: "Sam" }), "id", (f) => f.members.supW),
  "circle_members: update supW's role": update("circle_members", () => ({ role: "coordinator" }), "id", (f) => f.members.supW),
  "circle_members: update supW's status": update("circle_members", () => ({ status: "active" }), "id", (f) => f.members.supW),
  "circle_members: delete supW's membership": remove("circle_members", "id", (f) => f.members.supW),

  "sharing_grants: select supW's grants": select("sharing_grants", "member_id", (f) => f.members.supW),
  "sharing_grants: insert a health grant for supW": insert("sharing_grants", (f) => ({
    member_id: f.members.supW,
    circle_id: f.circleId,
    category: "health",
  })),
  "sharing_grants: delete supW's grants": remove("sharing_grants", "member_id", (f) => f.members.supW),

  "invitations: select the pending invitation": select("invitations", "id", (f) => f.invitation.id),
  "invitations_with_state: select the pending one": select("invitations_with_state", "id", (f) => f.invitation.id, "id,state"),
  "invitations: select token_hash": select("invitations", "id", (f) => f.invitation.id, "id,token_hash"),
  "invitations: insert an invitation": insert("invitations", (f) => ({
    circle_id: f.circleId,
    email: "someone@example.test",
    role: "supporter",
    relationship: "friend",
    token_hash: "0".repeat(64),
    expires_at: inDays(7),
  })),
  "invitations: update expires_at": update("invitations", () => ({ expires_at: inDays(30) }), "id", (f) => f.invitation.id),
  "invitations: delete an invitation": remove("invitations", "id", (f) => f.invitation.id),

  "tasks: select a wellbeing task": select("tasks", "id", (f) => f.tasks.shared),
  "tasks: select a wellbeing task with an audience": select("tasks", "id", (f) => f.tasks.audience),
  "tasks: select a practical task": select("tasks", "id", (f) => f.tasks.practical),
  "tasks: select the other circle's task": select("tasks", "id", (f) => f.tasks.otherCircle),
  "tasks: insert a wellbeing task": insert("tasks", (f) => ({
    circle_id: f.circleId,
    title: "Evening call",
    category: "wellbeing",
    starts_at: inDays(4),
  })),
  "tasks: update a wellbeing task's title": update("tasks", () => ({ title: "Check-in call" }), "id", (f) => f.tasks.shared),
  "tasks: update a wellbeing task to health": update("tasks", () => ({ category: "health" }), "id", (f) => f.newTask()),
  "tasks: update circle_id": update("tasks", (f) => ({ circle_id: f.otherCircleId }), "id", (f) => f.tasks.shared),
  "tasks: delete a wellbeing task": remove("tasks", "id", (f) => f.newTask()),

  "task_claims: select a claim on a wellbeing task": select("task_claims", "id", (f) => f.claimId),
  "task_claims: insert a claim": insert("task_claims", (f, who) => ({
    task_id: f.tasks.practical,
    circle_id: f.circleId,
    member_id: memberOf(f, who),
  })),
  "task_claims: delete a claim": remove("task_claims", "id", (f) => f.claimId),

  "updates: select a published wellbeing update": select("updates", "id", (f) => f.updates.published),
  "updates: select coordW's draft": select("updates", "id", (f) => f.updates.draft),
  "updates: insert a published update": insert("updates", (f) => ({
    circle_id: f.circleId,
    category: "wellbeing",
    body: "Feeling steadier.",
    status: "published",
  })),
  "updates: insert a wellbeing draft": insert("updates", (f) => ({
    circle_id: f.circleId,
    category: "wellbeing",
    body: "A draft.",
    status: "draft",
  })),
  "updates: update a published update's text": update("updates", () => ({ body: "A good week." }), "id", (f) => f.updates.published),
  "updates: delete a published update": remove("updates", "id", (f) => f.newUpdate()),

  "audit_events: select the entries about supW": select("audit_events", "subject_member_id", (f) => f.members.supW),
  "audit_events: insert an entry": insert("audit_events", (f) => ({
    circle_id: f.circleId,
    action: "grant_added",
    subject_member_id: f.members.supW,
  })),
  "audit_events: update an entry": update("audit_events", () => ({ action: "grant_revoked" }), "subject_member_id", (f) => f.members.supW),
  "audit_events: delete an entry": remove("audit_events", "subject_member_id", (f) => f.members.supW),

  "rpc create_circle": rpc("create_circle", () => ({ name: "My own circle", time_zone: "UTC" })),
  "rpc update_circle_settings": rpc("update_circle_settings", (f) => ({ circle_id: f.circleId, name: "Maria's circle" })),
  "rpc set_updates_paused": rpc("set_updates_paused", (f) => ({ circle_id: f.circleId, paused: false })),
  "rpc create_invitation": rpc("create_invitation", (f) => ({
    circle_id: f.circleId,
    email: `matrix-${Math.random().toString(36).slice(2)}@example.test`,
  })),
  "rpc resend_invitation": rpc("resend_invitation", async (f) => ({ id: (await f.newInvitation()).id })),
  "rpc revoke_invitation": rpc("revoke_invitation", async (f) => ({ id: (await f.newInvitation()).id })),
  "rpc invitation_preview": rpc("invitation_preview", (f) => ({ token: f.invitation.token })),
  "rpc decline_invitation": rpc("decline_invitation", async (f) => ({ token: (await f.newInvitation()).token })),
  "rpc set_member_grants": rpc("set_member_grants", async (f) => ({ member_id: await spare(f), categories: ["practical", "general"] })),
  "rpc set_member_role": rpc("set_member_role", async (f) => ({ member_id: await spare(f), role: "coordinator" })),
  "rpc remove_member": rpc("remove_member", async (f) => ({ member_id: await spare(f) })),
  "rpc preview_tasks": rpc("preview_tasks", (f) => ({ member_id: f.members.supW })),
  "rpc preview_updates": rpc("preview_updates", (f) => ({ member_id: f.members.supW })),
  "rpc accept_invitation sent to one's own email": rpc(
    "accept_invitation",
    async (f, who) => {
      // Addressed to the caller's own email (anon: to a user who never signs in).
      const email = who === "anon" ? (await createAuthUser()).email : f.users[who].email;
      return { token: (await f.newInvitation({ email, categories: ["practical", "wellbeing"] })).token };
    },
    true,
  ),
  "rpc leave_circle": rpc("leave_circle", (f) => ({ circle_id: f.circleId }), true),
};

const ROWS = parseMatrix(MATRIX);

describe("RLS matrix", () => {
  let shared: CircleFixture;
  const freshFixtures = new Map<string, Promise<CircleFixture>>();
  const fixtureFor = (row: MatrixRow) => {
    if (!CASES[row.name].fresh) return Promise.resolve(shared);
    if (!freshFixtures.has(row.name)) freshFixtures.set(row.name, makeCircleFixture());
    return freshFixtures.get(row.name)!;
  };

  beforeAll(async () => {
    shared = await makeCircleFixture();
  }, 120_000);

  it("has exactly one implementation per row of the table", () => {
    expect(ROWS.map((r) => r.name).sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const row of ROWS) {
    describe(row.name, () => {
      for (const who of IDENTITIES) {
        it(`${who} → ${row.expected[who]}`, async () => {
          const f = await fixtureFor(row);
          expect(await CASES[row.name].run(f, who)).toBe(row.expected[who]);
        });
      }
    });
  }

  it("left the shared fixture as it found it (denied cells changed nothing)", async () => {
    const service: SupabaseClient = serviceClient();
    const grants = must(await service.from("sharing_grants").select("category").eq("member_id", shared.members.supW));
    expect(grants.map((g) => g.category).sort()).toEqual(["practical", "wellbeing"]);
    const member = must(await service.from("circle_members").select("role,status,label").eq("id", shared.members.supW).single());
    expect(member).toEqual({ role: "supporter", status: "active", label: "Sam" });
    const circle = must(await service.from("circles").select("owner_id,name").eq("id", shared.circleId).single());
    expect(circle).toEqual({ owner_id: shared.users.owner.id, name: "Maria's circle" });
    const task = must(await service.from("tasks").select("circle_id,category,title").eq("id", shared.tasks.shared).single());
    expect(task).toEqual({ circle_id: shared.circleId, category: "wellbeing", title: "Check-in call" });
    const audit = must(await service.from("audit_events").select("id").eq("subject_member_id", shared.members.supW));
    expect(audit.length).toBeGreaterThan(0);
  });
});
