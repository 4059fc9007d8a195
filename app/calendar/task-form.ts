import { z } from "zod";
import { seriesSchema, type RecurrenceRule } from "~/calendar/recurrence";
import { addDays, localDateSchema, zonedInstant, type LocalDate } from "~/calendar/time";
import { CONTACT_PREFERENCES, KINDS_WITH_CONTACT, TASK_KINDS, type ContactPreference, type TaskKind } from "~/calendar/words";
import { CATEGORIES, type Category } from "~/consent";

// The task form (create, edit one, edit this and following), validated with zod on the server; the
// form repeats the simple limits as HTML attributes (required, maxLength, min, max) for a first hint.
// Series rules are checked by recurrence.ts's own seriesSchema, so the form and the calendar logic
// agree on what a valid series is.

export const TITLE_MAX = 200;
export const NOTES_MAX = 2000;
export const LOCATION_MAX = 200;
export const DIETARY_MAX = 300;
export const MAX_SLOTS = 20;

const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .transform((value) => (value === "" ? null : value))
    .optional()
    .transform((value) => value ?? null);

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Enter a time such as 18:30");

const FieldsSchema = z.object({
  title: z
    .string({ required_error: "Give the task a title" })
    .trim()
    .min(1, "Give the task a title")
    .max(TITLE_MAX, `Keep the title under ${TITLE_MAX} characters`),
  kind: z.enum(TASK_KINDS, { errorMap: () => ({ message: "Choose what kind of help this is" }) }),
  category: z.enum(CATEGORIES, { errorMap: () => ({ message: "Choose who may see this task" }) }),
  date: z.string({ required_error: "Enter a date" }).min(1, "Enter a date").pipe(localDateSchema),
  allDay: z.literal("on").optional(),
  startTime: z.string().optional(),
  endTime: z.string().optional(),
  location: optionalText(LOCATION_MAX, `Keep the place under ${LOCATION_MAX} characters`),
  notes: optionalText(NOTES_MAX, `Keep the notes under ${NOTES_MAX} characters`),
  slots: z.coerce
    .number({ invalid_type_error: "Enter a number of helpers" })
    .int("Enter a whole number of helpers")
    .min(1, "A task needs at least 1 helper")
    .max(MAX_SLOTS, `A task can ask for at most ${MAX_SLOTS} helpers`),
  audience: z.array(z.string().uuid()).default([]),
  contactPreference: z.union([z.enum(CONTACT_PREFERENCES), z.literal("")]).optional(),
  dietaryNeeds: optionalText(DIETARY_MAX, `Keep dietary needs under ${DIETARY_MAX} characters`),
  repeat: z.enum(["none", "daily", "weekly"]).default("none"),
  repeatEvery: z.string().optional(),
  weekdays: z.array(z.coerce.number().int().min(1).max(7)).default([]),
  ends: z.enum(["until", "count"]).default("until"),
  until: z.string().optional(),
  count: z.string().optional(),
  scope: z.enum(["this", "following"]).default("this"),
});

export type TaskFormField =
  | keyof z.input<typeof FieldsSchema>
  | "form";

export type TaskFormValues = Record<string, string | string[]>;

export type TaskFormErrors = { formErrors: string[]; fieldErrors: Partial<Record<string, string[]>> };

/** Columns of a single task, as written to `tasks`. */
export type TaskColumns = {
  title: string;
  kind: TaskKind;
  category: Category;
  starts_at: string;
  ends_at: string;
  all_day: boolean;
  location: string | null;
  notes: string | null;
  slots: number;
  audience: string[] | null;
  contact_preference: ContactPreference | null;
  dietary_needs: string | null;
};

/** Arguments of create_task_series / update_task_series besides the ids. */
export type SeriesArgs = {
  title: string;
  kind: TaskKind;
  category: Category;
  location: string | null;
  notes: string | null;
  slots: number;
  audience: string[] | null;
  contact_preference: ContactPreference | null;
  dietary_needs: string | null;
  frequency: "daily" | "weekly";
  weekdays: number[];
  repeat_every: number;
  until_date: string | null;
  occurrence_count: number | null;
  all_day: boolean;
  start_time: string | null;
  duration_minutes: number | null;
};

export type ParsedTaskForm =
  | { ok: true; scope: "this" | "following"; repeat: false; date: LocalDate; task: TaskColumns }
  | { ok: true; scope: "this" | "following"; repeat: true; date: LocalDate; series: SeriesArgs & { first_date: LocalDate } }
  | { ok: false; errors: TaskFormErrors; values: TaskFormValues };

/** The form's fields as strings (and lists for the checkbox groups), to parse and to refill the form. */
export function taskFormValues(formData: FormData): TaskFormValues {
  const values: TaskFormValues = {};
  for (const [key, value] of formData) {
    if (typeof value !== "string") continue;
    if (key === "weekdays" || key === "audience") values[key] = [...((values[key] as string[]) ?? []), value];
    else values[key] = value;
  }
  return values;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Validates the task form. `allowedCategories` are those the author may create tasks in; `today` is
 * the circle's local date; `now` is used for "this time has passed" on new tasks (`isNew`).
 */
export function parseTaskForm(
  values: TaskFormValues,
  opts: { timeZone: string; today: LocalDate; now: Date; allowedCategories: readonly Category[]; isNew: boolean; originalDate?: LocalDate },
): ParsedTaskForm {
  const errors: TaskFormErrors = { formErrors: [], fieldErrors: {} };
  const add = (field: string, message: string) => {
    errors.fieldErrors[field] = [...(errors.fieldErrors[field] ?? []), message];
  };
  const parsed = FieldsSchema.safeParse(values);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.flatten() as TaskFormErrors, values };
  }
  const form = parsed.data;
  if (!opts.allowedCategories.includes(form.category)) {
    add("category", "You can only create tasks in the categories the person shares with you");
  }
  const dateChanged = opts.isNew || form.date !== opts.originalDate;
  if (dateChanged && form.date < opts.today) add("date", "Choose today or a later date");
  if (form.date > addDays(opts.today, 730)) add("date", "Choose a date within the next two years");

  const allDay = form.allDay === "on";
  let startTime: string | null = null;
  let duration: number | null = null;
  if (!allDay) {
    const start = time.safeParse(form.startTime ?? "");
    const end = time.safeParse(form.endTime ?? "");
    if (!start.success) add("startTime", form.startTime ? start.error.issues[0].message : "Enter a start time, or choose All day");
    if (!end.success) add("endTime", form.endTime ? end.error.issues[0].message : "Enter an end time");
    if (start.success && end.success) {
      duration = minutes(end.data) - minutes(start.data);
      if (duration <= 0) add("endTime", "The end must be after the start");
      startTime = start.data;
      if (opts.isNew && form.repeat === "none" && zonedInstant(form.date, start.data, opts.timeZone) <= opts.now) {
        add("startTime", "This time has already passed");
      }
    }
  }

  // Contact preference and dietary needs only mean something for meals (and visits): for other
  // kinds they are dropped, as the form's hints say, rather than refused.
  const withContact = KINDS_WITH_CONTACT.includes(form.kind);
  const contact = withContact && form.contactPreference ? form.contactPreference : null;
  const dietary = form.kind === "meal" ? form.dietaryNeeds : null;
  const audience = form.audience.length ? [...new Set(form.audience)] : null;

  let rule: RecurrenceRule | null = null;
  if (form.repeat !== "none") {
    // "99,999" or "1 000" is a number too: its size is for the series rules to judge ("At most 500 times").
    const wholeNumber = (value: string | undefined) => {
      const digits = value?.trim().replace(/[\s,_']/g, "") ?? "";
      return /^\d+$/.test(digits) ? Number(digits) : null;
    };
    const every = form.repeatEvery?.trim() ? wholeNumber(form.repeatEvery) : 1;
    const count = form.ends === "count" ? wholeNumber(form.count) : undefined;
    if (every === null) add("repeatEvery", "Enter how often it repeats, as a number");
    if (count === null) add("count", "Enter a number of times");
    if (form.ends === "until" && !form.until) add("until", "Choose the last date of the series");
    if (every !== null && count !== null && !(form.ends === "until" && !form.until)) {
      const series = seriesSchema.safeParse({
        rule: {
          frequency: form.repeat,
          interval: every,
          weekdays: form.repeat === "weekly" ? form.weekdays : [],
          until: form.ends === "until" ? form.until : undefined,
          count,
        },
        firstStart: allDay ? form.date : `${form.date}T${startTime ?? "00:00"}`,
        timeZone: opts.timeZone,
        allDay,
        durationMinutes: allDay ? undefined : (duration ?? undefined),
      });
      if (series.success) {
        rule = series.data.rule;
      } else {
        // Issues about the rule go next to its fields; times and dates have their own messages above.
        const fieldOf: Record<string, string> = {
          "rule.interval": "repeatEvery",
          "rule.weekdays": "weekdays",
          "rule.until": form.ends === "until" ? "until" : "count",
          "rule.count": "count",
        };
        for (const issue of series.error.issues) {
          const field = fieldOf[issue.path.join(".")];
          if (field) add(field, issue.message);
        }
      }
    }
  }

  if (Object.keys(errors.fieldErrors).length > 0) return { ok: false, errors, values };

  const common = {
    title: form.title,
    kind: form.kind,
    category: form.category,
    location: form.location,
    notes: form.notes,
    slots: form.slots,
    audience,
    contact_preference: contact,
    dietary_needs: dietary,
  };
  if (rule) {
    return {
      ok: true,
      scope: form.scope,
      repeat: true,
      date: form.date,
      series: {
        ...common,
        first_date: form.date,
        frequency: rule.frequency,
        weekdays: rule.weekdays,
        repeat_every: rule.interval,
        until_date: rule.until ?? null,
        occurrence_count: rule.count ?? null,
        all_day: allDay,
        start_time: allDay ? null : startTime,
        duration_minutes: allDay ? null : duration,
      },
    };
  }
  const startsAt = zonedInstant(form.date, allDay ? "00:00" : (startTime as string), opts.timeZone);
  const endsAt = allDay
    ? zonedInstant(addDays(form.date, 1), "00:00", opts.timeZone)
    : new Date(startsAt.getTime() + (duration as number) * 60_000);
  return {
    ok: true,
    scope: form.scope,
    repeat: false,
    date: form.date,
    task: { ...common, starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString(), all_day: allDay },
  };
}
