// The consent rule on updates, support, notes, reach-out requests and the support plan: every identity
// of the RLS matrix against every new table, operation and RPC, through supabase-js with each
// identity's own token. Same notation as tests/integration/rls-matrix.test.ts:
//
//   ✓  allowed: rows come back / the row changes / the RPC succeeds (a set-returning RPC: rows come back)
//   0  runs, but matches no row
//   ✗  refused with an error
//
// Items are `wellbeing` unless said otherwise (see tests/helpers/updates-fixture.ts).

import { beforeAll, describe, expect, it } from "vitest";
import { IDENTITIES, makeCircleFixture, type CircleFixture, type Identity } from "../helpers/circle-fixture";
import { countOutcome, okOutcome, parseMatrix, rowsOutcome, type Outcome } from "../helpers/rls-matrix";
import { must, serviceClient } from "../helpers/supabase";
import { addUpdatesFixture, type UpdatesFixture } from "../helpers/updates-fixture";

const MATRIX = `
case                                                   | owner coordW coordWo supW supWo supOut removed left invitee outsider anon
updates: select a wellbeing update for supW and coordW |   ✓     ✓      0      ✓    0     0      0      0     0       0      ✗
updates: select a check-in                             |   ✓     ✓      0      ✓    0     ✓      0      0     0       0      ✗
updates: select a practical update                     |   ✓     ✓      ✓      ✓    ✓     ✓      0      0     0       0      ✗
updates: approve coordW's draft by hand                |   ✓     ✗      0      0    0     0      0      0     0       0      ✗
updates: set a mood on a published update              |   ✓     0      0      0    0     0      0      0     0       0      ✗
update_reactions: select supW's support                |   ✓     0      0      ✓    0     0      0      0     0       0      ✗
update_reactions: send support as oneself              |   ✗     ✓      ✗      ✓    ✗     ✓      ✗      ✗     ✗       ✗      ✗
update_reactions: send support in supW's name          |   ✗     ✗      ✗      ✓    ✗     ✗      ✗      ✗     ✗       ✗      ✗
update_reactions: send support on coordW's draft       |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
update_reactions: update a support                     |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
update_reactions: withdraw supW's support              |   0     0      0      ✓    0     0      0      0     0       0      ✗
encouragement_notes: select supW's note                |   ✓     0      0      ✓    0     0      0      0     0       0      ✗
encouragement_notes: send a note as oneself            |   ✗     ✓      ✓      ✓    ✓     ✓      ✗      ✗     ✗       ✗      ✗
encouragement_notes: send a note about a wellbeing one |   ✗     ✓      ✗      ✓    ✗     ✓      ✗      ✗     ✗       ✗      ✗
encouragement_notes: send a note in supW's name        |   ✗     ✗      ✗      ✓    ✗     ✗      ✗      ✗     ✗       ✗      ✗
encouragement_notes: update a note's text              |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
encouragement_notes: delete supW's note                |   ✓     0      0      0    0     0      0      0     0       0      ✗
reach_out_requests: select supW's request              |   ✓     0      0      ✓    0     0      0      0     0       0      ✗
reach_out_requests: insert a request                   |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
support_plan_sections: select a wellbeing section      |   ✓     ✓      0      ✓    0     ✓      0      0     0       0      ✗
support_plan_sections: select one for supW and coordW  |   ✓     ✓      0      ✓    0     0      0      0     0       0      ✗
support_plan_sections: select a practical section      |   ✓     ✓      ✓      ✓    ✓     ✓      0      0     0       0      ✗
support_plan_sections: insert a section                |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
support_plan_sections: update a section's text         |   ✓     0      0      0    0     0      0      0     0       0      ✗
support_plan_sections: update circle_id                |   ✗     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
support_plan_sections: delete a section                |   ✓     0      0      0    0     0      0      0     0       0      ✗
rpc update_support_summary                             |   ✓     ✓      0      ✓    0     ✓      0      0     0       0      ✗
rpc set_update_support                                 |   ✗     ✓      ✗      ✓    ✗     ✓      ✗      ✗     ✗       ✗      ✗
rpc share_check_in                                     |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc review_update                                      |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc preview_support_plan                               |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc export_circle                                      |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
rpc delete_circle                                      |   ✓     ✗      ✗      ✗    ✗     ✗      ✗      ✗     ✗       ✗      ✗
`;

type F = CircleFixture & { u: UpdatesFixture };
type Case = (f: F, who: Identity) => Promise<Outcome>;

/** The caller's own membership in circle A (active or not); for people without one, supW's. */
const memberOf = (f: F, who: Identity) =>
  who in f.members ? f.members[who as keyof CircleFixture["members"]] : f.members.supW;

const select = (table: string, column: string, value: (f: F) => string): Case => async (f, who) =>
  rowsOutcome(await f.as(who).from(table).select(column).eq(column, value(f)));

const CASES: Record<string, Case> = {
  "updates: select a wellbeing update for supW and coordW": select("updates", "id", (f) => f.u.updates.audience),
  "updates: select a check-in": select("updates", "id", (f) => f.u.updates.checkIn),
  "updates: select a practical update": async (f, who) =>
    rowsOutcome(await f.as(who).from("updates").select("id").eq("id", await f.u.newPublished({ category: "practical" }))),
  "updates: approve coordW's draft by hand": async (f, who) => {
    const draft = await f.newUpdate({ status: "pending", authorId: f.users.coordW.id });
    return countOutcome(await f.as(who).from("updates").update({ status: "published" }, { count: "exact" }).eq("id", draft));
  },
  "updates: set a mood on a published update": async (f, who) =>
    countOutcome(
      await f.as(who).from("updates").update({ mood: 4 }, { count: "exact" }).eq("id", await f.u.newPublished()),
    ),

  "update_reactions: select supW's support": async (f, who) =>
    rowsOutcome(
      await f.as(who).from("update_reactions").select("member_id").eq("update_id", f.updates.published).eq("member_id", f.members.supW),
    ),
  "update_reactions: send support as oneself": async (f, who) =>
    okOutcome(
      await f
        .as(who)
        .from("update_reactions")
        .insert({ update_id: await f.u.newPublished(), circle_id: f.circleId, member_id: memberOf(f, who) }),
    ),
  "update_reactions: send support in supW's name": async (f, who) =>
    okOutcome(
      await f
        .as(who)
        .from("update_reactions")
        .insert({ update_id: await f.u.newPublished(), circle_id: f.circleId, member_id: f.members.supW }),
    ),
  "update_reactions: send support on coordW's draft": async (f, who) =>
    okOutcome(
      await f
        .as(who)
        .from("update_reactions")
        .insert({ update_id: f.updates.draft, circle_id: f.circleId, member_id: memberOf(f, who) }),
    ),
  "update_reactions: update a support": async (f, who) =>
    countOutcome(
      await f
        .as(who)
        .from("update_reactions")
        .update({ created_at: new Date().toISOString() }, { count: "exact" })
        .eq("update_id", f.updates.published),
    ),
  "update_reactions: withdraw supW's support": async (f, who) => {
    const { updateId } = await f.u.newReaction(f.members.supW);
    return countOutcome(
      await f.as(who).from("update_reactions").delete({ count: "exact" }).eq("update_id", updateId).eq("member_id", f.members.supW),
    );
  },

  "encouragement_notes: select supW's note": select("encouragement_notes", "id", (f) => f.u.noteId),
  "encouragement_notes: send a note as oneself": async (f, who) =>
    okOutcome(
      await f
        .as(who)
        .from("encouragement_notes")
        .insert({ circle_id: f.circleId, author_member_id: memberOf(f, who), body: "You are doing great." }),
    ),
  "encouragement_notes: send a note about a wellbeing one": async (f, who) =>
    okOutcome(
      await f.as(who).from("encouragement_notes").insert({
        circle_id: f.circleId,
        author_member_id: memberOf(f, who),
        update_id: f.updates.published,
        body: "Glad to read this.",
      }),
    ),
  "encouragement_notes: send a note in supW's name": async (f, who) =>
    okOutcome(
      await f
        .as(who)
        .from("encouragement_notes")
        .insert({ circle_id: f.circleId, author_member_id: f.members.supW, body: "Signed, Sam." }),
    ),
  "encouragement_notes: update a note's text": async (f, who) =>
    countOutcome(
      await f.as(who).from("encouragement_notes").update({ body: "Changed" }, { count: "exact" }).eq("id", f.u.noteId),
    ),
  "encouragement_notes: delete supW's note": async (f, who) =>
    countOutcome(
      await f.as(who).from("encouragement_notes").delete({ count: "exact" }).eq("id", await f.u.newNote(f.members.supW)),
    ),

  "reach_out_requests: select supW's request": select("reach_out_requests", "id", (f) => f.u.reachOutId),
  "reach_out_requests: insert a request": async (f, who) =>
    okOutcome(
      await f
        .as(who)
        .from("reach_out_requests")
        .insert({ circle_id: f.circleId, update_id: f.updates.published, member_id: f.members.supW }),
    ),

  "support_plan_sections: select a wellbeing section": select("support_plan_sections", "id", (f) => f.u.plan.wellbeing),
  "support_plan_sections: select one for supW and coordW": select("support_plan_sections", "id", (f) => f.u.plan.audience),
  "support_plan_sections: select a practical section": select("support_plan_sections", "id", (f) => f.u.plan.practical),
  "support_plan_sections: insert a section": async (f, who) => {
    await f.u.clearPlanSection("what_does_not_help");
    return okOutcome(
      await f
        .as(who)
        .from("support_plan_sections")
        .insert({ circle_id: f.circleId, kind: "what_does_not_help", body: "Advice I didn't ask for.", category: "general" }),
    );
  },
  "support_plan_sections: update a section's text": async (f, who) =>
    countOutcome(
      await f
        .as(who)
        .from("support_plan_sections")
        .update({ body: "Call Ana first." }, { count: "exact" })
        .eq("id", f.u.plan.wellbeing),
    ),
  "support_plan_sections: update circle_id": async (f, who) =>
    countOutcome(
      await f
        .as(who)
        .from("support_plan_sections")
        .update({ circle_id: f.otherCircleId }, { count: "exact" })
        .eq("id", f.u.plan.practical),
    ),
  "support_plan_sections: delete a section": async (f, who) =>
    countOutcome(
      await f
        .as(who)
        .from("support_plan_sections")
        .delete({ count: "exact" })
        .eq("id", await f.u.newPlanSection("what_helps")),
    ),

  "rpc update_support_summary": async (f, who) =>
    rowsOutcome(await f.as(who).rpc("update_support_summary", { update_ids: [f.updates.published] })),
  "rpc set_update_support": async (f, who) =>
    okOutcome(await f.as(who).rpc("set_update_support", { update_id: await f.u.newPublished(), supported: true })),
  "rpc share_check_in": async (f, who) =>
    okOutcome(await f.as(who).rpc("share_check_in", { circle_id: f.circleId, colour: "green" })),
  "rpc review_update": async (f, who) => {
    const draft = await f.newUpdate({ status: "pending", authorId: f.users.coordW.id });
    return okOutcome(await f.as(who).rpc("review_update", { update_id: draft, approve: true }));
  },
  "rpc preview_support_plan": async (f, who) =>
    okOutcome(await f.as(who).rpc("preview_support_plan", { member_id: f.members.supW })),
  "rpc export_circle": async (f, who) => okOutcome(await f.as(who).rpc("export_circle", { circle_id: f.circleId })),
  "rpc delete_circle": async (f, who) => {
    // A spare circle of the owner's, so that the shared one survives the allowed cell.
    const spare = must(await f.as("owner").rpc("create_circle", { name: "Spare circle", time_zone: "UTC" }));
    return okOutcome(await f.as(who).rpc("delete_circle", { circle_id: spare.id, confirm_name: "Spare circle" }));
  },
};

const ROWS = parseMatrix(MATRIX);

describe("RLS matrix: updates, support, notes, reach-outs, support plan", () => {
  let f: F;

  beforeAll(async () => {
    const circle = await makeCircleFixture();
    f = Object.assign(circle, { u: await addUpdatesFixture(circle) });
  }, 120_000);

  it("has exactly one implementation per row of the table", () => {
    expect(ROWS.map((r) => r.name).sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const row of ROWS) {
    describe(row.name, () => {
      for (const who of IDENTITIES) {
        it(`${who} → ${row.expected[who]}`, async () => {
          expect(await CASES[row.name](f, who)).toBe(row.expected[who]);
        });
      }
    });
  }

  it("left the shared items as it found them (denied cells changed nothing)", async () => {
    const service = serviceClient();
    const note = must(await service.from("encouragement_notes").select("body, author_member_id").eq("id", f.u.noteId).single());
    expect(note).toEqual({ body: "Thinking of you.", author_member_id: f.members.supW });
    const practical = must(await service.from("support_plan_sections").select("circle_id").eq("id", f.u.plan.practical).single());
    expect(practical.circle_id).toBe(f.circleId);
    const draft = must(await service.from("updates").select("status").eq("id", f.updates.draft).single());
    expect(draft.status).toBe("draft");
    const reactions = must(await service.from("update_reactions").select("member_id").eq("update_id", f.updates.published));
    expect(reactions).toEqual([{ member_id: f.members.supW }]);
  });
});
