import type { TaskFormErrors } from "~/calendar/task-form";
import type { CalendarAccess } from "~/calendar/tasks.server";
import { memberTitle } from "~/circles.server";

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

