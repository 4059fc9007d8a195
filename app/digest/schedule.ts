import { addDays, isoWeekday, toLocalDate, toLocalIso, zonedInstant, type LocalDate } from "~/calendar/time";

// When a member's digest is due, in the circle's zone. The job asks the database (private.digest_is_due
// in supabase/migrations/20261127003100_digest_job.sql); this is its twin for pages ("your next
// digest") and tests, held to the same answers by tests/integration/digest-schedule.test.ts.

export const DIGEST_FREQUENCIES = ["daily", "weekly", "off"] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export type DigestSchedule = {
  frequency: DigestFrequency;
  /** ISO weekday of a weekly digest, Monday = 1 ... Sunday = 7. */
  weekday: number;
  /** Local hour, 0-23. */
  hour: number;
};

export const DEFAULT_SCHEDULE: DigestSchedule = { frequency: "weekly", weekday: 1, hour: 8 };

export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/**
 * Due from the chosen hour on (and for the rest of that local day, so a missed run catches up), every
 * day or on the chosen weekday. An hour skipped by a spring-forward change is caught at the next one;
 * an hour that happens twice is caught the first time (the delivery log's key does the rest).
 */
export function isDigestDue(now: Date, timeZone: string, schedule: DigestSchedule): boolean {
  const local = toLocalIso(now, timeZone);
  const hour = Number(local.slice(11, 13));
  switch (schedule.frequency) {
    case "daily":
      return hour >= schedule.hour;
    case "weekly":
      return isoWeekday(local.slice(0, 10)) === schedule.weekday && hour >= schedule.hour;
    case "off":
      return false;
  }
}

/** The period a digest sent now belongs to: the local date (daily and weekly alike). */
export function digestPeriod(now: Date, timeZone: string): LocalDate {
  return toLocalDate(now, timeZone);
}

/** When the next digest period opens after `now` (the job sends within the hour); null when off. */
export function nextDigestAt(now: Date, timeZone: string, schedule: DigestSchedule): Date | null {
  if (schedule.frequency === "off") return null;
  const today = toLocalDate(now, timeZone);
  const time = `${String(schedule.hour).padStart(2, "0")}:00`;
  for (let days = 0; days <= 7; days++) {
    const date = addDays(today, days);
    if (schedule.frequency === "weekly" && isoWeekday(date) !== schedule.weekday) continue;
    const at = zonedInstant(date, time, timeZone);
    if (at.getTime() > now.getTime()) return at;
  }
  return null;
}
