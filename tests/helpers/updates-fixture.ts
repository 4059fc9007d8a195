// Items of the updates side added to a circle fixture (tests/helpers/circle-fixture.ts), arranged with
// the service role or the owner's own client. Circle A's wellbeing items, as in the RLS matrix:
//   published      wellbeing update, no audience (from the circle fixture)
//   audience       wellbeing update for supW and coordW only
//   checkIn        the owner's check-in (wellbeing, yellow), supW asked to reach out
//   reaction       supW's support on `published`
//   note           supW's note to the person
//   plan           wellbeing section (crisis_contacts), wellbeing section for supW and coordW only
//                  (warning_signs), practical section (practical_arrangements)

import type { CircleFixture } from "./circle-fixture";
import { must, serviceClient } from "./supabase";

export interface UpdatesFixture {
  updates: { audience: string; checkIn: string };
  reachOutId: string;
  noteId: string;
  plan: { wellbeing: string; audience: string; practical: string };
  /** Removes the section of that kind, if any (service role), so that a case can write it afresh. */
  clearPlanSection(kind: string): Promise<void>;
  /** A fresh published update (service role), for cases that react to or change one. */
  newPublished(fields?: { category?: string; audience?: string[] | null }): Promise<string>;
  /** A fresh support (service role) by `memberId` on a fresh update. */
  newReaction(memberId: string): Promise<{ updateId: string }>;
  newNote(memberId: string): Promise<string>;
  newPlanSection(kind: string, fields?: { category?: string; audience?: string[] | null }): Promise<string>;
}

export async function addUpdatesFixture(f: CircleFixture): Promise<UpdatesFixture> {
  const service = serviceClient();
  const owner = f.as("owner");
  const audience = must(
    await owner
      .from("updates")
      .insert({ circle_id: f.circleId, category: "wellbeing", body: "Only for Sam and Ana.", audience: [f.members.supW, f.members.coordW] })
      .select("id")
      .single(),
    "audience update",
  ).id as string;
  const checkIn = must(
    await owner.rpc("share_check_in", { circle_id: f.circleId, colour: "yellow", note: "Up and down.", reach_out: [f.members.supW] }),
    "share_check_in",
  ) as { update_id: string };
  const reachOut = must(
    await service.from("reach_out_requests").select("id").eq("update_id", checkIn.update_id).single(),
    "reach-out",
  );
  must(
    await service
      .from("update_reactions")
      .insert({ update_id: f.updates.published, circle_id: f.circleId, member_id: f.members.supW }),
    "reaction",
  );
  const insertNote = async (memberId: string) =>
    must(
      await service
        .from("encouragement_notes")
        .insert({ circle_id: f.circleId, author_member_id: memberId, body: "Thinking of you." })
        .select("id")
        .single(),
      "note",
    ).id as string;
  const note = await insertNote(f.members.supW);
  const insertSection = async (kind: string, fields: { category?: string; audience?: string[] | null } = {}) =>
    must(
      await service
        .from("support_plan_sections")
        .insert({
          circle_id: f.circleId,
          kind,
          body: `Section ${kind}`,
          category: fields.category ?? "wellbeing",
          audience: fields.audience ?? null,
        })
        .select("id")
        .single(),
      `plan ${kind}`,
    ).id as string;
  const [wellbeing, planAudience, practical] = await Promise.all([
    insertSection("crisis_contacts"),
    insertSection("warning_signs", { audience: [f.members.supW, f.members.coordW] }),
    insertSection("practical_arrangements", { category: "practical" }),
  ]);

  const newPublished = async (fields: { category?: string; audience?: string[] | null } = {}) =>
    must(
      await service
        .from("updates")
        .insert({
          circle_id: f.circleId,
          author_id: f.users.owner.id,
          category: fields.category ?? "wellbeing",
          body: "Another update",
          audience: fields.audience ?? null,
        })
        .select("id")
        .single(),
      "new update",
    ).id as string;

  return {
    updates: { audience, checkIn: checkIn.update_id },
    reachOutId: reachOut.id,
    noteId: note,
    plan: { wellbeing, audience: planAudience, practical },
    newPublished,
    async newReaction(memberId) {
      const updateId = await newPublished();
      must(await service.from("update_reactions").insert({ update_id: updateId, circle_id: f.circleId, member_id: memberId }));
      return { updateId };
    },
    newNote: insertNote,
    async clearPlanSection(kind) {
      must(await service.from("support_plan_sections").delete().eq("circle_id", f.circleId).eq("kind", kind));
    },
    async newPlanSection(kind, fields) {
      must(await service.from("support_plan_sections").delete().eq("circle_id", f.circleId).eq("kind", kind));
      return insertSection(kind, fields);
    },
  };
}
