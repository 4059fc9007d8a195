import { DateTime } from "luxon";
import { z } from "zod";
import {
  addDays,
  localDateSchema,
  localDateTimeSchema,
  timeZoneSchema,
  zonedInstant,
  type LocalDate,
  type LocalDateTime,
} from "./time";

/** No series produces more occurrences than this, whatever its rule says. */
export const MAX_OCCURRENCES = 500;
/** No series runs longer than this after its first start. */
export const MAX_SERIES_YEARS = 2;
/** Concrete occurrences are kept at least this far ahead. */
export const MATERIALISE_WEEKS = 8;
export const MAX_DURATION_MINUTES = 7 * 24 * 60;
const DAY = 86_400_000;

export const recurrenceRuleSchema = z
  .object({
    frequency: z.enum(["daily", "weekly"]),
    interval: z.number().int().min(1, "Repeat at least every 1").max(52, "Repeat at most every 52").default(1),
    // ISO weekdays, Monday = 1 ... Sunday = 7.
    weekdays: z
      .array(z.number().int().min(1).max(7))
      .default([])
      .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
    until: localDateSchema.optional(),
    count: z.number().int().min(1, "At least once").max(MAX_OCCURRENCES, `At most ${MAX_OCCURRENCES} times`).optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.frequency === "weekly" && rule.weekdays.length === 0) {
      ctx.addIssue({ code: "custom", path: ["weekdays"], message: "Choose at least one day of the week" });
    }
    if (rule.frequency === "daily" && rule.weekdays.length > 0) {
      ctx.addIssue({ code: "custom", path: ["weekdays"], message: "Days of the week only apply to weekly series" });
    }
    if ((rule.until === undefined) === (rule.count === undefined)) {
      ctx.addIssue({ code: "custom", path: ["until"], message: "Choose when the series ends: a date or a number of times" });
    }
  });

export type RecurrenceRule = z.output<typeof recurrenceRuleSchema>;

/**
 * A recurring task as stored: its rule, the local date-time of its first occurrence, the circle's
 * zone, and either a duration (elapsed minutes) or all-day. For all-day series the time part of
 * `firstStart` may be left out ("2026-03-03").
 */
export type Series = {
  rule: RecurrenceRule;
  firstStart: LocalDateTime | LocalDate;
  timeZone: string;
} & ({ allDay: true } | { allDay?: false; durationMinutes: number });

export type Occurrence = {
  startsAt: Date;
  endsAt: Date;
  /** The series date this occurrence belongs to, in the circle's zone: the key against duplicates. */
  localDate: LocalDate;
};

export const seriesSchema = z
  .object({
    rule: recurrenceRuleSchema,
    firstStart: z.string(),
    timeZone: timeZoneSchema,
    allDay: z.boolean().default(false),
    durationMinutes: z.number().int().min(1, "The end must be after the start").max(MAX_DURATION_MINUTES, "A task can last at most a week").optional(),
  })
  .superRefine((series, ctx) => {
    const { firstStart, allDay } = series;
    const valid = localDateTimeSchema.safeParse(firstStart).success || (allDay && localDateSchema.safeParse(firstStart).success);
    if (!valid) {
      ctx.addIssue({ code: "custom", path: ["firstStart"], message: "Enter a real date and time for the first occurrence" });
      return;
    }
    if (!series.allDay && series.durationMinutes === undefined) {
      ctx.addIssue({ code: "custom", path: ["durationMinutes"], message: "Choose when it ends" });
    }
    const date = firstStart.slice(0, 10);
    const { until, count } = series.rule;
    const cap = capDate(date);
    if (until !== undefined && until < date) {
      ctx.addIssue({ code: "custom", path: ["rule", "until"], message: "The series must end after it starts" });
    } else if (until !== undefined && until >= cap) {
      ctx.addIssue({ code: "custom", path: ["rule", "until"], message: `A series can run for at most ${MAX_SERIES_YEARS} years` });
    }
    // Above the cap, "At most 500 times" says it all.
    if (count !== undefined && count <= MAX_OCCURRENCES) {
      const fits = occurrenceDates(series.rule, date).length;
      if (fits < count) {
        ctx.addIssue({
          code: "custom",
          path: ["rule", "count"],
          message: `Only ${fits} occurrences fit in the ${MAX_SERIES_YEARS}-year limit of a series`,
        });
      }
    }
  })
  .transform((series): Series => {
    const { rule, firstStart, timeZone } = series;
    return series.allDay
      ? { rule, firstStart, timeZone, allDay: true }
      : { rule, firstStart, timeZone, allDay: false, durationMinutes: series.durationMinutes ?? 0 }; // checked above
  });

// Whole days since 1970-01-01, so that date arithmetic is integer arithmetic with no zone involved.
const dayNumber = (date: LocalDate) => Date.parse(`${date}T00:00:00Z`) / DAY;
const fromDayNumber = (day: number): LocalDate => new Date(day * DAY).toISOString().slice(0, 10);
// Weeks start on Monday; day 0 (1970-01-01) was a Thursday.
const weekNumber = (day: number) => Math.floor((day + 3) / 7);
const isoWeekdayOf = (day: number) => day + 3 - weekNumber(day) * 7 + 1;

function capDate(firstDate: LocalDate): LocalDate {
  return DateTime.fromISO(firstDate, { zone: "UTC" }).plus({ years: MAX_SERIES_YEARS }).toFormat("yyyy-MM-dd");
}

/**
 * Every local date of the series, first to last: a date is in it when it matches the pattern
 * (every `interval` days from the first date, or the chosen weekdays of every `interval`-th week
 * counted from the first date's week), is not before the first date, and is within `until`, `count`
 * and the caps. The first date itself only counts when it matches (unlike RFC 5545's DTSTART).
 */
export function occurrenceDates(rule: RecurrenceRule, firstDate: LocalDate): LocalDate[] {
  const first = dayNumber(firstDate);
  const last = Math.min(dayNumber(capDate(firstDate)) - 1, rule.until ? dayNumber(rule.until) : Infinity);
  const limit = Math.min(rule.count ?? MAX_OCCURRENCES, MAX_OCCURRENCES);
  const matches = (day: number) =>
    rule.frequency === "daily"
      ? (day - first) % rule.interval === 0
      : rule.weekdays.includes(isoWeekdayOf(day)) &&
        (weekNumber(day) - weekNumber(first)) % rule.interval === 0;

  const dates: LocalDate[] = [];
  for (let day = first; day <= last && dates.length < limit; day++) {
    if (matches(day)) dates.push(fromDayNumber(day));
  }
  return dates;
}

function splitFirstStart(firstStart: string): [LocalDate, string] {
  const [date = "", time = "00:00"] = firstStart.split("T");
  return [date, time];
}

/**
 * The occurrence of a series on one of its dates. Times stay at the same local wall-clock time
 * whatever the offset that day (see `zonedInstant` for the spring-forward gap and the repeated hour);
 * a duration is elapsed time, so a 2-hour task across a change still lasts 2 hours. All-day
 * occurrences run from local midnight to the next (23 or 25 hours on change days).
 */
export function occurrenceOn(series: Series, localDate: LocalDate): Occurrence {
  if (series.allDay) {
    return {
      startsAt: zonedInstant(localDate, "00:00", series.timeZone),
      endsAt: zonedInstant(addDays(localDate, 1), "00:00", series.timeZone),
      localDate,
    };
  }
  const startsAt = zonedInstant(localDate, splitFirstStart(series.firstStart)[1], series.timeZone);
  return { startsAt, endsAt: new Date(startsAt.getTime() + series.durationMinutes * 60_000), localDate };
}

/** The occurrences that overlap [from, to): those under way at `from` are included. */
export function occurrences(series: Series, range: { from: Date; to: Date }): Occurrence[] {
  // An occurrence starts within a day of its date's UTC midnight (offsets are under 15 hours), so
  // dates far outside the range are dropped before the costlier zone lookups.
  const length = series.allDay ? 2 * DAY : series.durationMinutes * 60_000;
  const near = (date: LocalDate) => {
    const midnight = Date.parse(`${date}T00:00:00Z`);
    return midnight - DAY < range.to.getTime() && midnight + 2 * DAY + length > range.from.getTime();
  };
  return occurrenceDates(series.rule, splitFirstStart(series.firstStart)[0])
    .filter(near)
    .map((date) => occurrenceOn(series, date))
    .filter((occurrence) => occurrence.endsAt > range.from && occurrence.startsAt < range.to);
}

/**
 * What the series job should insert so that concrete occurrences exist up to `horizonEnd`
 * (by default `now` + 8 weeks): occurrences not yet over at `now` whose date is not among
 * `existingLocalDates`. Pass every date the series already has a row for, including cancelled and
 * moved occurrences (keyed by their original date), so that nothing comes back; running the job
 * twice inserts nothing the second time. A unique (series, date) key in the database makes it
 * safe against two jobs at once.
 */
export function occurrencesToMaterialise(
  series: Series,
  options: { now: Date; existingLocalDates: Iterable<LocalDate>; horizonEnd?: Date },
): Occurrence[] {
  const existing = new Set(options.existingLocalDates);
  const horizonEnd = options.horizonEnd ?? new Date(options.now.getTime() + MATERIALISE_WEEKS * 7 * DAY);
  return occurrences(series, { from: options.now, to: horizonEnd }).filter((o) => !existing.has(o.localDate));
}

/**
 * Splits a series at a local date, for "edit or cancel this and following": `before` keeps the
 * occurrences before `at` (null if none), `after` has the rest (null if none), with the same
 * phase (its first start is the first occurrence on or after `at`) and, for counted series, the
 * remaining count.
 */
export function splitSeries(series: Series, at: LocalDate): { before: Series | null; after: Series | null } {
  const [firstDate, time] = splitFirstStart(series.firstStart);
  const dates = occurrenceDates(series.rule, firstDate);
  const earlier = dates.filter((date) => date < at);
  const later = dates.filter((date) => date >= at);
  const withEnd = (rule: RecurrenceRule, kept: LocalDate[]): RecurrenceRule =>
    rule.count !== undefined ? { ...rule, count: kept.length } : { ...rule, until: kept[kept.length - 1] };
  const hasTime = series.firstStart.includes("T");
  return {
    before: earlier.length > 0 ? { ...series, rule: withEnd(series.rule, earlier) } : null,
    after:
      later.length > 0
        ? {
            ...series,
            firstStart: hasTime ? `${later[0]}T${time}` : later[0],
            rule: series.rule.count !== undefined ? { ...series.rule, count: later.length } : series.rule,
          }
        : null,
  };
}

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function listOf(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** "Every Tuesday and Thursday until 30 June 2027", "Every 2 weeks on Monday, 10 times". */
export function describeRule(rule: RecurrenceRule): string {
  const days = rule.weekdays.map((day) => WEEKDAY_NAMES[day - 1]);
  let pattern: string;
  if (rule.frequency === "daily") {
    pattern = rule.interval === 1 ? "Every day" : `Every ${rule.interval} days`;
  } else if (rule.interval > 1) {
    pattern = `Every ${rule.interval} weeks on ${listOf(days)}`;
  } else if (rule.weekdays.length === 7) {
    pattern = "Every day";
  } else if (rule.weekdays.join() === "1,2,3,4,5") {
    pattern = "Every weekday";
  } else {
    pattern = `Every ${listOf(days)}`;
  }
  if (rule.until !== undefined) {
    const until = DateTime.fromISO(rule.until, { zone: "UTC" }).setLocale("en-GB").toFormat("d LLLL yyyy");
    return `${pattern} until ${until}`;
  }
  if (rule.count !== undefined) return `${pattern}, ${rule.count === 1 ? "once" : `${rule.count} times`}`;
  return pattern;
}
