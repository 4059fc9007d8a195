import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import calendarStyles from "react-big-calendar/lib/css/react-big-calendar.css?url";
import { CalendarSearchSchema, placeSearch, type CalendarPlace } from "~/calendar/navigation";
import { applyFilter } from "~/calendar/task-view";
import { loadCalendarWindow, memberNames, summarise } from "~/calendar/tasks.server";
import { addDays, rangeFor, toLocalDate, zoneLabel } from "~/calendar/time";
import { requireCircle } from "~/circles.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TaskCalendar } from "~/components/task-calendar";
import { CalendarActions, FilterNav, TaskLegend } from "~/components/task-parts";
import appCalendarStyles from "~/styles/calendar.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: calendarStyles },
  { rel: "stylesheet", href: appCalendarStyles },
];

export const meta: MetaFunction = () => [{ title: "Calendar · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const { circle, me, headers } = access;
  const timeZone = circle.time_zone;
  const now = new Date();
  const today = toLocalDate(now, timeZone);
  const search = CalendarSearchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const place: CalendarPlace = { view: search.view, date: search.date ?? today, filter: search.filter };
  // Only the shown range is read (the month grid's whole weeks, the week, the day or the agenda).
  const range = rangeFor(place.view, place.date, timeZone);
  const lastDay = toLocalDate(new Date(range.to.getTime() - 1), timeZone);

  // Series occurrences exist 8 weeks ahead; a page looking further makes them up to its last day.
  const { tasks, members, standing } = await loadCalendarWindow(access, range, lastDay > addDays(today, 55) ? lastDay : undefined);

  const names = memberNames(members);
  const summaries = tasks.map((task) => summarise(task, { timeZone, myMemberId: me.id, names, now, today }));
  return data(
    {
      circleId: circle.id,
      place,
      today,
      timeZone,
      zone: zoneLabel(timeZone),
      tasks: applyFilter(summaries, place.filter),
      total: summaries.length,
      canCreate: standing.manageable.length > 0,
      isOwner: access.isOwner,
    },
    { headers },
  );
}

export default function CalendarPage() {
  const { circleId, place, today, timeZone, zone, tasks, total, canCreate, isOwner } = useLoaderData<typeof loader>();
  const base = `/circles/${circleId}`;
  return (
    <div className="calendar-page">
      <div className="page-heading">
        <h1>Calendar</h1>
        <p className="muted">
          Times are in {zone} ({timeZone.replaceAll("_", " ")}).
        </p>
      </div>
      <CalendarActions base={base} canCreate={canCreate} isOwner={isOwner} current="calendar" />
      <FilterNav filter={place.filter} hrefFor={(filter) => placeSearch({ ...place, filter }, today) || "?"} />
      <TaskLegend />
      {place.filter !== "all" && tasks.length === 0 && total > 0 ? (
        <p className="muted" role="status">
          {place.filter === "mine" ? "You have no tasks in these dates." : "Every task in these dates has its helpers."}
        </p>
      ) : null}
      <TaskCalendar circleId={circleId} tasks={tasks} place={place} today={today} timeZone={timeZone} />
      <section aria-labelledby="feed-heading" className="panel calendar-feed-teaser">
        <h2 id="feed-heading">See your tasks in your own calendar</h2>
        <p>
          Subscribe from Google, Apple or Outlook calendars to a private address that lists the tasks you claimed.{" "}
          <Link to={`${base}/tasks/feed`}>Set up your calendar feed</Link>
        </p>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
