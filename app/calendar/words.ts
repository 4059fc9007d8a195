// The calendar's vocabulary in plain words, for pages and the feed. The database
// (supabase/migrations/20261127001000_calendar_schema.sql) is the authority on the values.

export const TASK_KINDS = [
  "meal",
  "ride",
  "errand",
  "household",
  "childcare",
  "pet_care",
  "check_in_call",
  "visit",
  "appointment_companion",
  "other",
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const KIND_LABELS: Record<TaskKind, string> = {
  meal: "Meal",
  ride: "Ride",
  errand: "Errand",
  household: "Household help",
  childcare: "Childcare",
  pet_care: "Pet care",
  check_in_call: "Check-in call",
  visit: "Visit",
  appointment_companion: "Appointment companion",
  other: "Other",
};

export const CONTACT_PREFERENCES = ["no_contact", "brief_visit", "happy_to_chat"] as const;
export type ContactPreference = (typeof CONTACT_PREFERENCES)[number];

export const CONTACT_LABELS: Record<ContactPreference, { label: string; description: string }> = {
  no_contact: {
    label: "No-contact drop-off",
    description: "Leave it at the door; no need to knock or wait.",
  },
  brief_visit: { label: "A brief visit", description: "A short hello is welcome." },
  happy_to_chat: { label: "Happy to chat", description: "Feel free to stay for a while." },
};

/** Contact preferences are asked for these kinds only; dietary needs for meals only. */
export const KINDS_WITH_CONTACT: readonly TaskKind[] = ["meal", "visit"];

export type TaskStatus = "scheduled" | "done" | "cancelled";

export const WEEKDAYS = [
  { value: 1, label: "Monday", short: "Mon" },
  { value: 2, label: "Tuesday", short: "Tue" },
  { value: 3, label: "Wednesday", short: "Wed" },
  { value: 4, label: "Thursday", short: "Thu" },
  { value: 5, label: "Friday", short: "Fri" },
  { value: 6, label: "Saturday", short: "Sat" },
  { value: 7, label: "Sunday", short: "Sun" },
] as const;

export function isTaskKind(value: unknown): value is TaskKind {
  return typeof value === "string" && (TASK_KINDS as readonly string[]).includes(value);
}

/** "1 helper needed", "2 of 3 spots taken". */
export function spotsText(slots: number, taken: number): string {
  if (taken === 0) return slots === 1 ? "1 helper needed" : `${slots} helpers needed`;
  if (taken >= slots) return slots === 1 ? "Taken" : `All ${slots} spots taken`;
  return `${taken} of ${slots} spots taken`;
}

/** "Sam", "Sam and Leo", "Sam, Leo and Ana". */
export function namesList(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
