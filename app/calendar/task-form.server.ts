import type { TaskFormErrors } from "~/calendar/task-form";
import type { CalendarAccess } from "~/calendar/tasks.server";
import { listGrants, memberTitle } from "~/circles.server";
import type { WhoCanSee } from "~/components/who-will-see";

// Server-side helpers of the task form pages (new, edit).

export function requireManager(access: CalendarAccess) {
  if (access.manageable.length === 0) {
    throw new Response("Only the person and their coordinators add and change tasks.", { status: 403, headers: access.headers });
  }
}

/** Members a task may be limited to: the circle's active members other than the person. */
export function audienceOptions(access: CalendarAccess) {
  return access.members
    .filter((m) => m.status === "active" && m.role !== "owner")
    .map((m) => ({ id: m.id, name: memberTitle(m) }));
}

/**
 * What the "who will see this" line needs. The person reads every grant; a coordinator only their
 * own (RLS), so for them the line says the rule rather than names.
 */
export async function whoCanSee(access: CalendarAccess): Promise<WhoCanSee> {
  const grants = access.isOwner ? await listGrants(access.supabase, access.circle.id) : null;
  const owner = access.members.find((m) => m.role === "owner");
  return {
    people: audienceOptions(access).map((m) => ({ ...m, categories: grants ? (grants.get(m.id) ?? []) : null })),
    personName: owner ? owner.name : "The person",
    readerIsPerson: access.isOwner,
  };
}

/** A database refusal after validation, next to the field it is about when there is one. */
export function dbErrors(key: string, message: string): TaskFormErrors {
  const field: Record<string, string> = {
    category_not_allowed: "category",
    invalid_title: "title",
    invalid_date: "date",
    invalid_time: "startTime",
    invalid_rule: "repeat",
    invalid_end: "until",
    invalid_slots: "slots",
    slots_below_claims: "slots",
    series_ended: "date",
  };
  return field[key] ? { formErrors: [], fieldErrors: { [field[key]]: [message] } } : { formErrors: [message], fieldErrors: {} };
}

