import type { AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import type { PostgrestError } from "@supabase/supabase-js";
import { z } from "zod";
import { formatRangeInZone, toLocalDate, type InstantRange } from "~/calendar/time";
import type { TaskState, TaskSummary } from "~/calendar/task-view";
import { listGrants, listMembers, memberTitle, requireCircle, type CircleAccess, type Member } from "~/circles.server";
import { CATEGORIES, type Category } from "~/consent";
import type { Tables } from "~/database.types";
import { rpc, unwrap, type RpcAnswer, type RpcArgs, type RpcName, type Supabase } from "~/supabase.server";

// Tasks as the signed-in user sees them: every read goes through their own client, so row-level
// security (the consent rule) decides which tasks, claims and notes come back; every change goes
// through a table write that RLS checks, or an RPC of supabase/migrations/20261127001200_calendar_rpcs.sql.

type Params = LoaderFunctionArgs["params"];

export const TASK_COLUMNS =
  "id, circle_id, title, kind, category, starts_at, ends_at, all_day, slots, audience, status, location, notes, " +
  "contact_preference, dietary_needs, series_id, series_date, series_exception, cancel_note, done_at, created_by";

export type TaskRow = Pick<
  Tables<"tasks">,
  | "id" | "circle_id" | "title" | "kind" | "category" | "starts_at" | "ends_at" | "all_day" | "slots" | "audience" | "status"
  | "location" | "notes" | "contact_preference" | "dietary_needs" | "series_id" | "series_date" | "series_exception"
  | "cancel_note" | "done_at" | "created_by"
> & { task_claims: Array<Pick<Tables<"task_claims">, "member_id" | "created_at">> };

/** A task as the calendar and list pages read it (calendar_window): the ids of its helpers, in claim order. */
export type CalendarTaskRow = Pick<
  TaskRow,
  "id" | "title" | "kind" | "category" | "starts_at" | "ends_at" | "all_day" | "slots" | "status" | "location" | "series_id"
> & { claimed_by: string[] };

/** The calendar shape of a task read whole (its page). */
export function asCalendarTask(task: TaskRow): CalendarTaskRow {
  return { ...task, claimed_by: task.task_claims.map((claim) => claim.member_id) };
}

/** A task without an end (allowed by the table) is shown as lasting an hour. */
export function endOf(task: Pick<TaskRow, "starts_at" | "ends_at">): Date {
  return task.ends_at ? new Date(task.ends_at) : new Date(new Date(task.starts_at).getTime() + 3_600_000);
}

/** True once a timed task has started, or an all-day task's day is over (as the claim RPC decides). */
export function isPast(task: Pick<TaskRow, "starts_at" | "ends_at" | "all_day">, now: Date): boolean {
  return (task.all_day ? endOf(task) : new Date(task.starts_at)).getTime() <= now.getTime();
}

export type Standing = {
  /** Categories the reader may create and edit tasks in: all for the owner, held ones for a coordinator. */
  manageable: Category[];
  /** Categories the reader sees (all for the owner). */
  visible: Category[];
  members: Member[];
};

export type CalendarAccess = CircleAccess & Standing;

/** The members' names and what the reader may see and manage in the circle. */
export async function loadStanding(access: CircleAccess): Promise<Standing> {
  const [members, grants] = await Promise.all([
    listMembers(access.supabase, access.circle.id),
    access.isOwner ? Promise.resolve(new Map<string, Category[]>()) : listGrants(access.supabase, access.circle.id),
  ]);
  return { members, ...standingFrom(access, grants.get(access.me.id) ?? []) };
}

/** The circle (404 for someone outside it), the reader's standing and the members' names. */
export async function requireCalendar(request: Request, params: Params, context: AppLoadContext): Promise<CalendarAccess> {
  const access = await requireCircle(request, params, context);
  return { ...access, ...(await loadStanding(access)) };
}

export const TaskIdSchema = z.string().uuid();

export type MemberName = Pick<Member, "id" | "name" | "label" | "role" | "status">;

/** What the reader may see and manage, from their role and own grants. */
export function standingFrom(access: CircleAccess, myCategories: Category[]): Omit<Standing, "members"> {
  const visible = access.isOwner ? [...CATEGORIES] : myCategories;
  const manageable = access.isOwner ? [...CATEGORIES] : access.me.role === "coordinator" ? visible : [];
  return { visible, manageable };
}

/**
 * The calendar and list pages' reads in one round trip (calendar_window: the same selects under the
 * reader's RLS): tasks that overlap `range` with their claims, the members' names, the reader's
 * grants; series are first made ahead up to `through` when the page looks that far.
 */
export async function loadCalendarWindow(
  access: CircleAccess,
  range: InstantRange,
  through?: string,
): Promise<{ tasks: CalendarTaskRow[]; members: MemberName[]; standing: Omit<Standing, "members"> }> {
  // A task lasts at most a week: those that started up to a week before may still be going.
  const earliest = new Date(range.from.getTime() - 7 * 86_400_000);
  const data = unwrap(
    await rpc(access.supabase, "calendar_window", {
      circle_id: access.circle.id,
      starts_from: earliest.toISOString(),
      starts_before: range.to.toISOString(),
      through,
    }),
  );
  return {
    tasks: data.tasks.filter((task) => endOf(task) > range.from),
    members: data.members,
    standing: standingFrom(access, data.my_categories),
  };
}

/** calendar_window's answer. */
export type CalendarWindow = { tasks: CalendarTaskRow[]; members: MemberName[]; my_categories: Category[] };
/** cancel_task_series' answer: occurrences left alone because they had already happened. */
export type SeriesCancelled = { skipped: number };
/** update_task_series' answer: what the change kept for the helpers. */
export type SeriesUpdated = { series_id: string; kept_claimed: number; kept_edited: number; skipped: number };

export type TaskDetail = TaskRow & {
  thanks: Pick<Tables<"task_thanks">, "note" | "thanked_by"> | null;
  series: Pick<
    Tables<"task_series">,
    | "id" | "title" | "frequency" | "repeat_every" | "weekdays" | "first_date" | "until_date" | "occurrence_count" | "all_day"
    | "start_time" | "duration_minutes" | "stopped_from"
  > | null;
};

export const SERIES_COLUMNS =
  "id, title, frequency, repeat_every, weekdays, first_date, until_date, occurrence_count, all_day, start_time, duration_minutes, stopped_from";

/** One task of the circle as the reader sees it, or null (missing and not shared look the same). */
export async function loadTask(supabase: Supabase, circleId: string, taskId: string): Promise<TaskDetail | null> {
  const task = unwrap(
    await supabase
      .from("tasks")
      .select(`${TASK_COLUMNS}, task_claims(member_id, created_at), thanks:task_thanks(note, thanked_by), series:task_series(${SERIES_COLUMNS})`)
      .eq("id", taskId)
      .eq("circle_id", circleId)
      .maybeSingle(),
  );
  if (!task) return null;
  // One-to-one embeds come back as an object (or, depending on how PostgREST reads the key, a list).
  const thanks = Array.isArray(task.thanks) ? (task.thanks[0] ?? null) : task.thanks;
  return { ...task, thanks };
}

// ---------------------------------------------------------------------------------------------------
// Errors of the calendar RPCs, in words. Each RPC raises a stable key (see the migration's header);
// where the database's sentence says more than ours (who took the last spot, how many claimed), the
// page shows the database's.
// ---------------------------------------------------------------------------------------------------

const MESSAGES: Record<string, string> = {
  not_authenticated: "Please sign in again.",
  task_not_found: "We couldn't find that task. It may have been removed, or it isn't shared with you.",
  series_not_found: "We couldn't find that series. It may have been removed, or it isn't shared with you.",
  offer_not_found: "We couldn't find that offer.",
  circle_not_found: "We couldn't find that circle.",
  feed_not_found: "This calendar address is no longer valid.",
  task_full: "Someone just took the last spot.",
  task_cancelled: "This task has been cancelled.",
  task_in_past: "This task has already started, so it can't be changed now.",
  task_done: "This task is already done.",
  task_not_claimed: "Nobody has claimed this task yet, so it can't be marked done.",
  not_claimed: "You haven't claimed this task.",
  not_your_claim: "Only the person and their coordinators can release someone else's spot.",
  not_task_manager: "Only the person and their coordinators can do that.",
  category_not_allowed: "You can only create or change tasks in the categories the person shares with you.",
  slots_below_claims: "More people have already claimed this task than that.",
  offer_not_pending: "This offer has already been answered or withdrawn.",
  offer_in_past: "The time of this offer has passed.",
  series_ended: "This series has already ended on that date.",
};

/** Keys whose database sentence is the better message. */
const DETAILED = new Set(["task_full", "slots_below_claims", "not_claimed"]);

const STATUS_BY_SQLSTATE: Record<string, number> = { "42501": 403, PT404: 404, PT409: 409, "22023": 400 };

export type CalendarFailure = { key: string; message: string; status: number };

export function calendarFailure(error: Pick<PostgrestError, "message" | "code" | "details">): CalendarFailure | null {
  const key = error.message;
  const status = STATUS_BY_SQLSTATE[error.code];
  if (!status) return null;
  if (key.startsWith("invalid_")) return { key, message: error.details || "Please check what you entered.", status };
  const message = DETAILED.has(key) && error.details ? error.details : MESSAGES[key];
  return message ? { key, message, status } : null;
}

type RpcResult<T> = { ok: true; data: T } | { ok: false; failure: CalendarFailure };

/** Calls a calendar RPC as the signed-in user; known refusals come back as a failure, others throw. */
export async function callCalendarRpc<F extends RpcName>(
  supabase: Supabase,
  fn: F,
  args: RpcArgs<F>,
): Promise<RpcResult<RpcAnswer<F>>> {
  const { data, error } = await rpc(supabase, fn, args);
  if (!error) return { ok: true, data };
  const failure = calendarFailure(error);
  if (!failure) throw new Error(`${fn} failed: ${error.code} ${error.message} ${error.details ?? ""}`);
  return { ok: false, failure };
}

// ---------------------------------------------------------------------------------------------------
// What pages show of a task
// ---------------------------------------------------------------------------------------------------

/** How helpers are named on tasks: "Sam (Sam from group)" reads badly, so a label naming them wins. */
export function helperName(member: Pick<MemberName, "name" | "label">): string {
  return member.label?.includes(member.name) ? member.label : memberTitle(member);
}

export function memberNames(members: MemberName[]): Map<string, string> {
  return new Map(members.map((member) => [member.id, helperName(member)]));
}

// Pages read the same tasks again and again: the local date and the "when" line of an instant in a
// zone never change, and working them out (Intl, luxon) is most of what summarising costs.
const memo = new Map<string, string>();
function remembered(key: string, compute: () => string): string {
  let value = memo.get(key);
  if (value === undefined) {
    if (memo.size > 50_000) memo.clear();
    value = compute();
    memo.set(key, value);
  }
  return value;
}

const localDateOf = (instant: string | Date, timeZone: string) =>
  remembered(`d|${timeZone}|${instant instanceof Date ? instant.toISOString() : instant}`, () => toLocalDate(new Date(instant), timeZone));

export function summarise(
  task: CalendarTaskRow,
  opts: { timeZone: string; myMemberId: string; names: Map<string, string>; now: Date; today?: string },
): TaskSummary {
  const ends = endOf(task);
  const endsIso = ends.toISOString();
  const claimers = task.claimed_by
    .filter((memberId) => memberId !== opts.myMemberId)
    .map((memberId) => opts.names.get(memberId) ?? "A former member");
  const taken = task.claimed_by.length;
  const past = isPast(task, opts.now);
  const state: TaskState =
    task.status === "cancelled" ? "cancelled" : task.status === "done" ? "done" : past ? "past" : taken >= task.slots ? "full" : "open";
  return {
    id: task.id,
    title: task.title,
    kind: task.kind,
    category: task.category,
    startsAt: task.starts_at,
    endsAt: endsIso,
    allDay: task.all_day,
    localDate: localDateOf(task.starts_at, opts.timeZone),
    // An end at midnight belongs to the day before.
    lastLocalDate: localDateOf(new Date(Math.max(new Date(task.starts_at).getTime(), ends.getTime() - 1)), opts.timeZone),
    when: remembered(`w|${opts.timeZone}|${task.starts_at}|${endsIso}|${task.all_day}`, () =>
      formatRangeInZone(new Date(task.starts_at), ends, opts.timeZone, { allDay: task.all_day }),
    ),
    slots: task.slots,
    taken,
    claimers,
    mine: task.claimed_by.includes(opts.myMemberId),
    state,
    needsHelp: state === "open",
    due: localDateOf(task.starts_at, opts.timeZone) <= (opts.today ?? toLocalDate(opts.now, opts.timeZone)),
    recurring: task.series_id !== null,
    location: task.location,
  };
}

