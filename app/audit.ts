import { CATEGORY_WORDS, categoryList, isCategory, ROLE_WORDS, sortCategories, type Role } from "~/consent";
import type { Json, Tables } from "~/database.types";
import { planSection } from "~/updates";

// audit_events rows as sentences ("Maria shared wellbeing updates with you"), for the activity log and
// "What is shared with me". Pure, so that the wording is unit-tested without a database.

export type AuditEvent = Pick<Tables<"audit_events">, "id" | "action" | "actor_id" | "subject_member_id" | "details" | "created_at">;

export type AuditNames = {
  /** The reader: "you" instead of their name. */
  viewerUserId: string;
  viewerMemberId: string | null;
  /** Display name of a user (actor), when the reader may see it. */
  userName: (userId: string) => string | undefined;
  /** Display name of a member (subject), when the reader may see it. */
  memberName: (memberId: string) => string | undefined;
};

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function roleArticle(value: unknown): string {
  return typeof value === "string" && value in ROLE_WORDS ? ROLE_WORDS[value as Role].article : "a member";
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value : undefined;
}

/** An event's details as an object (they are always written as one: anything else reads as empty). */
export function jsonObject(value: Json): Record<string, Json | undefined> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

/** One sentence, without a final full stop, so that callers can add " on 3 March". */
export function auditSentence(event: AuditEvent, names: AuditNames): string {
  const details = jsonObject(event.details);
  const actorIsViewer = event.actor_id !== null && event.actor_id === names.viewerUserId;
  const actor = actorIsViewer ? "you" : (event.actor_id && names.userName(event.actor_id)) || "someone";
  const subjectIsViewer = event.subject_member_id !== null && event.subject_member_id === names.viewerMemberId;
  const subject = subjectIsViewer
    ? "you"
    : (event.subject_member_id && names.memberName(event.subject_member_id)) || "a former member";
  const Actor = capitalise(actor);
  const Subject = capitalise(subject);
  const email = text(details.email) ?? "someone";
  const category = isCategory(details.category) ? CATEGORY_WORDS[details.category].noun : "a category";
  const categories = Array.isArray(details.categories) ? sortCategories(details.categories) : [];
  const section = planSection(String(details.section))?.title ?? "a section";
  const audience = Array.isArray(details.audience) ? ", for chosen people only" : "";

  switch (event.action) {
    case "circle_created":
      return `${Actor} created the circle${text(details.name) ? ` “${details.name}”` : ""}`;
    case "invitation_sent": {
      const label = text(details.label);
      return `${Actor} invited ${email} as ${roleArticle(details.role)}${label ? ` (“${label}”)` : ""}, sharing ${categoryList(categories)}`;
    }
    case "invitation_resent":
      return `${Actor} sent a new invitation link to ${email}`;
    case "invitation_revoked":
      return `${Actor} withdrew the invitation to ${email}`;
    case "invitation_declined":
      return `The invitation to ${email} was declined`;
    case "invitation_accepted":
      return `${Subject} joined the circle as ${roleArticle(details.role)}, with ${categoryList(categories)} shared`;
    case "grant_added":
      return `${Actor} shared ${category} with ${subject}`;
    case "grant_revoked":
      return `${Actor} stopped sharing ${category} with ${subject}`;
    case "role_changed":
      return `${Actor} made ${subject} ${roleArticle(details.to)} (before: ${roleArticle(details.from)})`;
    case "member_removed": {
      const released = typeof details.released_claims === "number" ? details.released_claims : 0;
      const note = released > 0 ? `; ${released} future ${released === 1 ? "task is" : "tasks are"} open again` : "";
      return `${Actor} removed ${subject} from the circle${note}`;
    }
    case "member_left":
      return `${Subject} left the circle`;
    case "updates_paused":
      return `${Actor} turned on “Take a break”: updates are paused for everyone`;
    case "updates_resumed":
      return `${Actor} turned off “Take a break”: updates are shared again`;
    case "settings_changed":
      if (details.coordinators_can_invite === true) return `${Actor} allowed coordinators to invite supporters`;
      if (details.coordinators_can_invite === false) return `${Actor} stopped coordinators from inviting people`;
      return `${Actor} changed the circle's settings`;
    case "update_approved":
      return `${Actor} published ${subject === "you" ? "your" : `${subject}'s`} draft update`;
    case "update_declined":
      return `${Actor} decided not to publish ${subject === "you" ? "your" : `${subject}'s`} draft update`;
    case "plan_section_shared":
      return `${Actor} shared “${section}” of the support plan as ${category}${audience}`;
    case "plan_section_sharing_changed":
      return `${Actor} changed who sees “${section}” of the support plan: now ${category}${audience}`;
    case "plan_section_removed":
      return `${Actor} removed “${section}” from the support plan`;
    default:
      return `${Actor} made a change (${event.action.replaceAll("_", " ")})`;
  }
}
