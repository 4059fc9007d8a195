import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { applyFilter, FILTERS, type Filter, type TaskSummary } from "~/calendar/task-view";
import { loadCalendarWindow, memberNames, summarise } from "~/calendar/tasks.server";
import { runTaskIntent, TaskIntentSchema, noticeText } from "~/calendar/task-actions.server";
import { addDays, formatInZone, localDateSchema, toLocalDate, zonedInstant, zoneLabel } from "~/calendar/time";
import { requireCircle } from "~/circles.server";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CalendarActions, FilterNav, TaskCard } from "~/components/task-parts";
import appCalendarStyles from "~/styles/calendar.css?url";
import { readForm } from "~/validation";

// The accessible list of the same tasks as the calendar: by day, with every action (claim, release,
// mark done) as a plain form that works without JavaScript and by keyboard. Adding a task is a plain
// form too (tasks/new).

export const links: LinksFunction = () => [{ rel: "stylesheet", href: appCalendarStyles }];

export const meta: MetaFunction = () => [{ title: "Tasks · Circle" }];

const DAY_OPTIONS = [7, 14, 30] as const;

const ListSearchSchema = z.object({
  from: localDateSchema.optional().catch(undefined),
  days: z.coerce
    .number()
    .refine((n) => (DAY_OPTIONS as readonly number[]).includes(n))
    .catch(14),
  filter: z.enum(FILTERS).catch("all"),
  notice: z.string().max(40).optional().catch(undefined),
  task: z.string().uuid().optional().catch(undefined),
});

function listSearch(place: { from: string; days: number; filter: Filter }, today: string): string {
  const params = new URLSearchParams();
  if (place.from !== today) params.set("from", place.from);
  if (place.days !== 14) params.set("days", String(place.days));
  if (place.filter !== "all") params.set("filter", place.filter);
  const search = params.toString();
  return search ? `?${search}` : "";
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const { circle, me, headers } = access;
  const timeZone = circle.time_zone;
  const now = new Date();
  const today = toLocalDate(now, timeZone);
  const search = ListSearchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const from = search.from ?? today;
  const lastDay = addDays(from, search.days - 1);
  const range = { from: zonedInstant(from, "00:00", timeZone), to: zonedInstant(addDays(from, search.days), "00:00", timeZone) };

  // Series occurrences exist 8 weeks ahead; a page looking further makes them up to its last day.
  const { tasks, members, standing } = await loadCalendarWindow(access, range, lastDay > addDays(today, 55) ? lastDay : undefined);

  const names = memberNames(members);
  const summaries = tasks.map((task) => summarise(task, { timeZone, myMemberId: me.id, names, now, today }));
  const shown = applyFilter(summaries, search.filter);
  const days = new Map<string, TaskSummary[]>();
  for (const task of shown) days.set(task.localDate, [...(days.get(task.localDate) ?? []), task]);

  const noticeTask = search.task ? summaries.find((t) => t.id === search.task) : undefined;
  return data(
    {
      circleId: circle.id,
      today,
      place: { from, days: search.days, filter: search.filter },
      lastDay,
      zone: zoneLabel(timeZone),
      days: [...days.entries()].map(([date, list]) => ({
        date,
        label: formatInZone(zonedInstant(date, "12:00", timeZone), timeZone, { allDay: true }),
        tasks: list,
      })),
      notice: search.notice ? noticeText(search.notice, noticeTask?.title) : null,
      canCreate: standing.manageable.length > 0,
      manageable: standing.manageable,
      isOwner: access.isOwner,
      rangeLabel: `${formatInZone(range.from, timeZone, { allDay: true })} – ${formatInZone(zonedInstant(lastDay, "12:00", timeZone), timeZone, { allDay: true })}`,
    },
    { headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const formData = await readForm(request);
  const parsed = TaskIntentSchema.safeParse({ intent: formData.get("intent"), taskId: formData.get("taskId") });
  if (!parsed.success) {
    return data({ taskId: null, error: "Please use the buttons next to a task." }, { status: 400, headers: access.headers });
  }
  const result = await runTaskIntent(access.supabase, parsed.data);
  if (!result.ok) {
    return data({ taskId: parsed.data.taskId, error: result.failure.message }, { status: result.failure.status, headers: access.headers });
  }
  // Post/Redirect/Get: back to the same list, with a line saying what happened.
  const url = new URL(request.url);
  url.searchParams.set("notice", result.notice);
  url.searchParams.set("task", parsed.data.taskId);
  return redirect(`${url.pathname}${url.search}`, { headers: access.headers });
}

export default function TaskList() {
  const { circleId, today, place, days, notice, canCreate, manageable, isOwner, zone, rangeLabel } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const base = `/circles/${circleId}`;
  const href = (next: Partial<typeof place>) => `${base}/tasks${listSearch({ ...place, ...next }, today)}`;

  return (
    <div className="calendar-page">
      <div className="page-heading">
        <h1>Tasks</h1>
        <p className="muted">
          {rangeLabel}. Times are in {zone}.
        </p>
      </div>
      <CalendarActions base={base} canCreate={canCreate} isOwner={isOwner} current="list" />
      {notice ? <Notice focus>{notice}</Notice> : null}
      {actionData?.error && !actionData.taskId ? <Notice tone="error">{actionData.error}</Notice> : null}
      <FilterNav filter={place.filter} hrefFor={(filter) => href({ filter })} />
      <nav aria-label="Dates" className="range-nav">
        <Link to={href({ from: addDays(place.from, -place.days) })}>
          <span aria-hidden="true">‹ </span>Earlier
        </Link>
        <span>
          {DAY_OPTIONS.map((n, i) => (
            <span key={n}>
              {i > 0 ? " · " : ""}
              {n === place.days ? (
                <strong aria-current="true">{n} days</strong>
              ) : (
                <Link to={href({ days: n })}>{n} days</Link>
              )}
            </span>
          ))}
          {place.from !== today ? (
            <>
              {" · "}
              <Link to={href({ from: today })}>From today</Link>
            </>
          ) : null}
        </span>
        <Link to={href({ from: addDays(place.from, place.days) })}>
          Later<span aria-hidden="true"> ›</span>
        </Link>
      </nav>
      {days.length === 0 ? (
        <p className="panel">
          {place.filter === "mine"
            ? "You have no tasks in these dates."
            : place.filter === "open"
              ? "Nothing needs help in these dates."
              : "No tasks in these dates."}
        </p>
      ) : (
        <ul className="task-days">
          {days.map((day) => (
            <li key={day.date} className="task-day">
              <h2>{day.date === today ? `Today, ${day.label}` : day.label}</h2>
              <ul className="task-list">
                {day.tasks.map((task) => (
                  <TaskCard
                    key={task.id}
                    task={task}
                    base={base}
                    canManage={(manageable as string[]).includes(task.category)}
                    error={actionData?.taskId === task.id ? actionData.error : null}
                    busy={busy}
                  />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
