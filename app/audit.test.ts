import { describe, expect, test } from "vitest";
import { auditSentence, type AuditEvent } from "~/audit";
import { formatDay } from "~/format";

const MARIA = "00000000-0000-0000-0000-00000000000a";
const SAM = "00000000-0000-0000-0000-00000000000b";
const SAM_MEMBER = "00000000-0000-0000-0000-0000000000bb";

const event = (action: string, fields: Partial<AuditEvent> = {}): AuditEvent => ({
  id: 1,
  action,
  actor_id: MARIA,
  subject_member_id: SAM_MEMBER,
  details: {},
  created_at: "2026-03-03T10:00:00Z",
  ...fields,
});

const asSam = {
  viewerUserId: SAM,
  viewerMemberId: SAM_MEMBER,
  userName: (id: string) => ({ [MARIA]: "Maria", [SAM]: "Sam" })[id],
  memberName: () => undefined,
};
const asMaria = {
  viewerUserId: MARIA,
  viewerMemberId: "00000000-0000-0000-0000-0000000000aa",
  userName: (id: string) => ({ [MARIA]: "Maria", [SAM]: "Sam" })[id],
  memberName: (id: string) => ({ [SAM_MEMBER]: "Sam" })[id],
};

describe("audit sentences", () => {
  test.each([
    [event("grant_added", { details: { category: "wellbeing" } }), asSam, "Maria shared wellbeing updates with you"],
    [event("grant_revoked", { details: { category: "health" } }), asSam, "Maria stopped sharing health information with you"],
    [event("grant_added", { details: { category: "practical" } }), asMaria, "You shared practical help requests with Sam"],
    [event("role_changed", { details: { from: "supporter", to: "coordinator" } }), asSam, "Maria made you a coordinator (before: a supporter)"],
    [event("member_removed", { details: { released_claims: 2 } }), asMaria, "You removed Sam from the circle; 2 future tasks are open again"],
    [event("member_left", { actor_id: SAM }), asMaria, "Sam left the circle"],
    [
      event("invitation_accepted", { actor_id: SAM, details: { role: "supporter", categories: ["milestones", "practical"] } }),
      asSam,
      "You joined the circle as a supporter, with Practical and Milestones shared",
    ],
    [
      event("invitation_sent", {
        subject_member_id: null,
        details: { email: "dad@example.com", role: "supporter", label: "Dad", categories: ["practical"] },
      }),
      asMaria,
      "You invited dad@example.com as a supporter (“Dad”), sharing Practical",
    ],
    [event("invitation_declined", { actor_id: null, subject_member_id: null, details: { email: "x@example.com" } }), asMaria, "The invitation to x@example.com was declined"],
    [event("updates_paused", { subject_member_id: null }), asMaria, "You turned on “Take a break”: updates are paused for everyone"],
    [event("settings_changed", { subject_member_id: null, details: { coordinators_can_invite: true } }), asMaria, "You allowed coordinators to invite supporters"],
    [event("grant_added", { actor_id: "someone-gone", subject_member_id: "gone", details: { category: "general" } }), asMaria, "Someone shared general news with a former member"],
    [event("update_approved", { details: { category: "general" } }), asSam, "Maria published your draft update"],
    [event("update_declined", { details: { category: "general" } }), asMaria, "You decided not to publish Sam's draft update"],
    [
      event("plan_section_shared", { subject_member_id: null, details: { section: "crisis_contacts", category: "wellbeing", audience: ["m1"] } }),
      asMaria,
      "You shared “Who to contact in a crisis” of the support plan as wellbeing updates, for chosen people only",
    ],
    [
      event("plan_section_sharing_changed", { subject_member_id: null, details: { section: "what_helps", category: "general", audience: null } }),
      asMaria,
      "You changed who sees “What helps” of the support plan: now general news",
    ],
    [event("plan_section_removed", { subject_member_id: null, details: { section: "do_not_contact" } }), asMaria, "You removed “Who not to contact” from the support plan"],
    [event("something_new", { subject_member_id: null }), asMaria, "You made a change (something new)"],
  ])("%#: %s", (e, names, expected) => {
    expect(auditSentence(e, names)).toBe(expected);
  });
});

describe("formatting", () => {
  test("days are read in the given zone; the year appears only when it is not this year", () => {
    const now = new Date("2026-06-01T12:00:00Z");
    expect(formatDay("2026-03-03T23:30:00Z", "Europe/London", now)).toBe("3 March");
    expect(formatDay("2026-03-03T23:30:00Z", "Asia/Tokyo", now)).toBe("4 March");
    expect(formatDay("2025-12-31T23:30:00Z", "America/New_York", now)).toBe("31 December 2025");
  });
});
