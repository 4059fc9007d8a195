import type { TaskKind } from "~/calendar/words";
import type { Category } from "~/consent";

// What a message that leaves the app (an email now, a push notification later) may say of an item.
// Decision (issue 10, docs/email.md): nothing of a health or wellbeing item leaves the app: no title, place
// or notes. Such a message says what kind of help and when ("A ride · Tue 3 Mar, 10:00 · details in the
// app") and links to the item, where the consent rule decides who reads the rest. Every email that
// mentions a task or an update goes through these functions.

/** Categories whose words stay in the app. */
export const KEPT_IN_APP: readonly Category[] = ["health", "wellbeing"];

export function keptInApp(category: Category): boolean {
  return KEPT_IN_APP.includes(category);
}

/** The kind of help, as a message that may not name the task says it. */
export const KIND_PHRASES: Record<TaskKind, string> = {
  meal: "A meal",
  ride: "A ride",
  errand: "An errand",
  household: "Help at home",
  childcare: "Childcare",
  pet_care: "Pet care",
  check_in_call: "A check-in call",
  visit: "A visit",
  appointment_companion: "Company to an appointment",
  other: "Some help",
};

export const DETAILS_IN_APP = "details in the app";
export const DETAILS_SENTENCE = "The details are in the app.";

type TaskWords = { title: string; kind: string; category: Category; location: string | null };

/**
 * The task as a message outside the app may show it: unchanged for the other categories; for health and
 * wellbeing the title becomes the kind of help, the place goes, and detailsInApp tells the message to
 * say so (and to leave out any note about the task).
 */
export function taskForOutside<T extends TaskWords>(task: T): T & { detailsInApp: boolean } {
  if (!keptInApp(task.category)) return { ...task, detailsInApp: false };
  const title = KIND_PHRASES[task.kind as TaskKind] ?? KIND_PHRASES.other;
  return { ...task, title, location: null, detailsInApp: true };
}
