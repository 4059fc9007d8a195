import { DateTime } from "luxon";
import { z } from "zod";
import { addDays, localDateSchema, type CalendarView, type LocalDate } from "~/calendar/time";

// The calendar's place (view, date, filter) lives in the URL, so that every view is a link: it works
// without JavaScript, survives a reload, and tells the loader which range to read.

export const VIEWS = ["month", "week", "day", "agenda"] as const satisfies readonly CalendarView[];
export const AGENDA_DAYS = 30;

export const VIEW_LABELS: Record<CalendarView, string> = {
  month: "Month",
  week: "Week",
  day: "Day",
  agenda: "Agenda",
};

export const CalendarSearchSchema = z.object({
  view: z.enum(VIEWS).catch("month"),
  date: localDateSchema.optional().catch(undefined),
  filter: z.enum(["all", "open", "mine"]).catch("all"),
});

export type CalendarPlace = { view: CalendarView; date: LocalDate; filter: "all" | "open" | "mine" };

/** The same view one step earlier (-1) or later (+1): a month, a week, a day, or the agenda's length. */
export function shiftDate(view: CalendarView, date: LocalDate, direction: -1 | 1): LocalDate {
  switch (view) {
    case "month":
      return DateTime.fromISO(date, { zone: "UTC" }).plus({ months: direction }).toFormat("yyyy-MM-dd");
    case "week":
      return addDays(date, 7 * direction);
    case "day":
      return addDays(date, direction);
    case "agenda":
      return addDays(date, AGENDA_DAYS * direction);
  }
}

export function placeSearch(place: CalendarPlace, today: LocalDate): string {
  const params = new URLSearchParams();
  if (place.view !== "month") params.set("view", place.view);
  if (place.date !== today) params.set("date", place.date);
  if (place.filter !== "all") params.set("filter", place.filter);
  const search = params.toString();
  return search ? `?${search}` : "";
}

/** "November 2026", "23 – 29 November 2026", "Tuesday 24 November 2026", "24 November – 24 December 2026". */
export function placeLabel(view: CalendarView, date: LocalDate): string {
  const day = DateTime.fromISO(date, { zone: "UTC" }).setLocale("en-GB");
  switch (view) {
    case "month":
      return day.toFormat("LLLL yyyy");
    case "day":
      return day.toFormat("cccc d LLLL yyyy");
    case "week": {
      const start = day.minus({ days: day.weekday - 1 });
      return rangeLabel(start, start.plus({ days: 6 }));
    }
    case "agenda":
      return rangeLabel(day, day.plus({ days: AGENDA_DAYS }));
  }
}

function rangeLabel(start: DateTime, end: DateTime): string {
  if (start.hasSame(end, "month")) return `${start.toFormat("d")} – ${end.toFormat("d LLLL yyyy")}`;
  if (start.hasSame(end, "year")) return `${start.toFormat("d LLLL")} – ${end.toFormat("d LLLL yyyy")}`;
  return `${start.toFormat("d LLLL yyyy")} – ${end.toFormat("d LLLL yyyy")}`;
}
