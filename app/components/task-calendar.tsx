import { Link, useNavigate } from "@remix-run/react";
import { DateTime } from "luxon";
import { cloneElement, isValidElement, useEffect, useMemo, useRef, type CSSProperties, type MouseEvent, type ReactElement, type ReactNode } from "react";
import { Calendar, luxonLocalizer, type EventProps, type EventWrapperProps, type ToolbarProps, type View } from "react-big-calendar";
import { placeLabel, placeSearch, shiftDate, VIEW_LABELS, VIEWS, type CalendarPlace } from "~/calendar/navigation";
import type { TaskSummary } from "~/calendar/task-view";
import { addDays, rangeFor, toLocalDate, toLocalDateTime, zonedInstant, type CalendarView } from "~/calendar/time";

// react-big-calendar, shown in the circle's time zone whatever the browser's, weeks from Monday (so
// that its grid is exactly the range the loader read, time.ts's rangeFor). Every control is a link
// to a URL (view, date, filter), so the calendar also works, and is crawlable by keyboard, without
// JavaScript; with it, Remix turns the links into client navigations.

type CalendarEvent = { id: string; title: string; start: Date; end: Date; allDay: boolean; task: TaskSummary };

/**
 * Luxon's DateTime, but reading every JS Date in `timeZone`: the luxon localizer only ever calls
 * fromJSDate, local, min and max, so this is all it needs to lay out days and hours in that zone.
 */
function zonedDateTime(timeZone: string): typeof DateTime {
  return {
    fromJSDate: (date: Date, options?: object) => DateTime.fromJSDate(date, { ...options, zone: timeZone }),
    local: () => DateTime.local({ zone: timeZone }),
    min: DateTime.min,
    max: DateTime.max,
  } as unknown as typeof DateTime;
}

/**
 * react-big-calendar wraps each week/day event in a div with role="button" and tabindex, around our
 * link: two nested controls for one task. The wrapper hook lets us drop the div's role and tab stop
 * (already in the server's HTML), so the link is the one control.
 */
function EventWrapper({ children }: EventWrapperProps<CalendarEvent> & { children?: ReactNode }) {
  if (!isValidElement(children)) return <>{children}</>;
  const element = children as ReactElement<{ style?: CSSProperties }>;
  // In week and day views the event is as tall as its duration, at least: a 30-minute task grows to
  // show its whole title instead of cutting it off.
  const style = element.props.style;
  const grown = style?.height !== undefined ? { ...style, height: undefined, minHeight: style.height } : style;
  return cloneElement(element as ReactElement<Record<string, unknown>>, { role: undefined, tabIndex: undefined, style: grown });
}

/**
 * react-big-calendar marks its month and week grids up with table roles that do not hold together
 * (rows without cells, column headers outside rows), which screen readers announce as a broken
 * table. Without those roles the grid reads as plain text, each task being a link that says what it
 * is, its state and its time; the list view is the calendar's accessible form. Runs after every
 * change the calendar makes to its own markup.
 */
function useCalendarAria() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const sweep = () => {
      for (const el of root.querySelectorAll(".rbc-month-view, .rbc-time-view, .rbc-month-view [role], .rbc-time-view [role]")) {
        el.removeAttribute("role");
        el.removeAttribute("aria-sort");
        if (el.matches(".rbc-month-view")) el.removeAttribute("aria-label");
      }
      root.dataset.ready = "true";
    };
    sweep();
    const observer = new MutationObserver(sweep);
    observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["role", "aria-sort"] });
    return () => observer.disconnect();
  }, []);
  return ref;
}

const STATE_WORDS: Record<TaskSummary["state"], string> = {
  open: "Needs help",
  full: "Taken",
  done: "Done",
  cancelled: "Cancelled",
  past: "Past",
};

/** What the event says before its title: mine first, then its state (never colour alone). */
export function eventPrefix(task: TaskSummary): string {
  if (task.mine) return task.state === "done" ? "Yours, done" : task.state === "cancelled" ? "Yours, cancelled" : "Yours";
  return STATE_WORDS[task.state];
}

function eventClass(task: TaskSummary): string {
  const classes = ["task-event", `task-event--${task.state}`];
  if (task.mine) classes.push("task-event--mine");
  return classes.join(" ");
}

const WEEKDAY_HEADERS = [
  ["Mon", "Monday"],
  ["Tue", "Tuesday"],
  ["Wed", "Wednesday"],
  ["Thu", "Thursday"],
  ["Fri", "Friday"],
  ["Sat", "Saturday"],
  ["Sun", "Sunday"],
] as const;

/** The local dates a task covers (at most a week). */
function datesOf(task: TaskSummary): string[] {
  const dates = [task.localDate];
  while (dates.length < 8 && dates[dates.length - 1] < task.lastLocalDate) dates.push(addDays(dates[dates.length - 1], 1));
  return dates;
}

// "Friday 27 November 2026" for a local date, without any zone arithmetic (the date is already local).
const dayLabel = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" });
const labelOf = (date: string) => dayLabel.format(new Date(`${date}T12:00:00Z`)).replace(",", "");

/**
 * A click on a plain same-origin link inside the element becomes a client navigation, as a <Link>'s
 * would; modified clicks (new tab, download) are left to the browser. Server rendering a <Link> per
 * day and task cost about a tenth of the month page's render time.
 */
function useClientNavigation() {
  const navigate = useNavigate();
  return (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
    const link = event.target instanceof Element ? event.target.closest("a") : null;
    if (!link || link.target || link.hasAttribute("download") || link.origin !== window.location.origin) return;
    event.preventDefault();
    navigate(link.pathname + link.search + link.hash);
  };
}

/**
 * The month view, plugged into react-big-calendar as its `month` view. Its own month view renders
 * only a measuring placeholder on the server (events appear after hydration) and marks its grid up
 * with roles that do not hold together; this one is a plain table, rendered on the server with
 * every task as a link, so it works and reads well with or without JavaScript.
 */
function makeMonthView(opts: {
  tasks: TaskSummary[];
  place: CalendarPlace;
  today: string;
  timeZone: string;
  taskHref: (id: string) => string;
  dayHref: (date: string) => string;
}) {
  function TaskMonthView() {
    const { tasks, place, today, timeZone } = opts;
    const followLink = useClientNavigation();
    const range = rangeFor("month", place.date, timeZone);
    const firstDay = toLocalDate(range.from, timeZone);
    const lastDay = toLocalDate(new Date(range.to.getTime() - 1), timeZone);
    const month = place.date.slice(0, 7);
    const byDate = new Map<string, TaskSummary[]>();
    for (const task of tasks) {
      for (const date of datesOf(task)) byDate.set(date, [...(byDate.get(date) ?? []), task]);
    }
    const weeks: string[][] = [];
    for (let day = firstDay; day <= lastDay; day = addDays(day, 1)) {
      if (weeks.length === 0 || weeks[weeks.length - 1].length === 7) weeks.push([]);
      weeks[weeks.length - 1].push(day);
    }
    const monthHasTasks = [...byDate.keys()].some((date) => date.startsWith(month));
    // Every day number is a link: a keyboard reaches the first task that needs help in one step.
    const firstOpen = tasks.find((task) => task.needsHelp && task.localDate.startsWith(month))?.id;
    return (
      <>
        {firstOpen ? (
          <a
            href="#first-open-task"
            className="task-month-skip"
            onClick={(event) => {
              const target = document.getElementById("first-open-task");
              if (!target) return;
              event.preventDefault();
              target.focus();
            }}
          >
            Go to the first task that needs help
          </a>
        ) : null}
        {/* Plain links (a month holds a hundred or more): one handler makes them client navigations. */}
        <table className="task-month" onClick={followLink}>
          <caption className="visually-hidden">{placeLabel("month", place.date)}: tasks by day</caption>
          <thead>
            <tr>
              {WEEKDAY_HEADERS.map(([short, long]) => (
                <th key={short} scope="col">
                  <abbr title={long}>{short}</abbr>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week) => (
              <tr key={week[0]}>
                {week.map((day, weekday) => {
                  const dayTasks = byDate.get(day) ?? [];
                  const classes = ["task-month-day"];
                  if (day.slice(0, 7) !== month) classes.push("is-off-range");
                  if (day === today) classes.push("is-today");
                  if (dayTasks.length) classes.push("has-tasks");
                  return (
                    <td key={day} className={classes.join(" ")} aria-current={day === today ? "date" : undefined}>
                      <a
                        href={opts.dayHref(day)}
                        className="task-month-date"
                        aria-label={labelOf(day)}
                        data-weekday={WEEKDAY_HEADERS[weekday][0]}
                      >
                        {Number(day.slice(8, 10))}
                      </a>
                      {dayTasks.length ? (
                        <ul className="task-month-events">
                          {dayTasks.map((task) => (
                            <li key={task.id}>
                              <a
                                href={opts.taskHref(task.id)}
                                id={task.id === firstOpen ? "first-open-task" : undefined}
                                className={`${eventClass(task)} task-event-link`}
                              >
                                {task.allDay ? null : <span className="task-event-time">{toLocalDateTime(new Date(task.startsAt), timeZone).slice(11, 16)} </span>}
                                <span className="task-event-state">{eventPrefix(task)}:</span>{" "}
                                <span className="task-event-title">{task.title}</span>
                                {task.claimers.length ? <span className="task-event-who"> · {task.claimers.join(", ")}</span> : null}
                                <span className="visually-hidden">, {task.when}</span>
                              </a>
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        {monthHasTasks ? null : <p className="task-month-empty muted">No tasks in {placeLabel("month", place.date)}.</p>}
      </>
    );
  }
  // What react-big-calendar asks of a view: its range, where Back/Next lead, its title.
  TaskMonthView.range = (date: Date) => {
    const range = rangeFor("month", toLocalDate(date, opts.timeZone), opts.timeZone);
    return { start: range.from, end: new Date(range.to.getTime() - 1) };
  };
  TaskMonthView.navigate = (date: Date, action: string) => {
    const day = toLocalDate(date, opts.timeZone);
    const next = action === "PREV" ? shiftDate("month", day, -1) : action === "NEXT" ? shiftDate("month", day, 1) : day;
    return zonedInstant(next, "12:00", opts.timeZone);
  };
  TaskMonthView.title = (date: Date) => placeLabel("month", toLocalDate(date, opts.timeZone));
  return TaskMonthView;
}

export function TaskCalendar({
  circleId,
  tasks,
  place,
  today,
  timeZone,
}: {
  circleId: string;
  tasks: TaskSummary[];
  place: CalendarPlace;
  today: string;
  timeZone: string;
}) {
  const navigate = useNavigate();
  const ariaRef = useCalendarAria();
  const localizer = useMemo(() => luxonLocalizer(zonedDateTime(timeZone), { firstDayOfWeek: 1 }), [timeZone]);
  const events = useMemo<CalendarEvent[]>(
    () =>
      tasks.map((task) => ({
        id: task.id,
        title: task.title,
        start: new Date(task.startsAt),
        end: new Date(task.endsAt),
        allDay: task.allDay,
        task,
      })),
    [tasks],
  );
  // Noon of the shown date: the same local day in every zone the browser may be in.
  const date = useMemo(() => zonedInstant(place.date, "12:00", timeZone), [place.date, timeZone]);
  // Week and day views show 07:00 to 21:00, widened to the hours of the tasks shown: the whole grid
  // fits the page, with no scrolling box inside it.
  const hours = useMemo(() => {
    let first = 7;
    let last = 21;
    if (place.view !== "week" && place.view !== "day") return { first, last };
    for (const task of tasks) {
      if (task.allDay) continue;
      const start = toLocalDateTime(new Date(task.startsAt), timeZone);
      const end = toLocalDateTime(new Date(task.endsAt), timeZone);
      if (start.slice(0, 10) !== end.slice(0, 10)) return { first: 0, last: 24 };
      first = Math.min(first, Number(start.slice(11, 13)));
      last = Math.max(last, Number(end.slice(11, 13)) + (end.slice(14, 16) === "00" ? 0 : 1));
    }
    return { first, last };
  }, [tasks, timeZone, place.view]);
  const min = useMemo(() => zonedInstant(place.date, `${String(hours.first).padStart(2, "0")}:00`, timeZone), [place.date, hours.first, timeZone]);
  const max = useMemo(
    () => zonedInstant(place.date, hours.last >= 24 ? "23:59" : `${String(hours.last).padStart(2, "0")}:00`, timeZone),
    [place.date, hours.last, timeZone],
  );
  const hrefFor = (next: Partial<CalendarPlace>) => placeSearch({ ...place, ...next }, today) || "?";
  const views = useMemo(
    () => ({
      month: makeMonthView({
        tasks,
        place,
        today,
        timeZone,
        taskHref: (id) => `/circles/${circleId}/tasks/${id}`,
        dayHref: (day) => placeSearch({ ...place, view: "day", date: day }, today) || "?",
      }),
      week: true,
      day: true,
      agenda: true,
    }),
    [tasks, place, today, timeZone, circleId],
  );

  const components = useMemo(() => {
    function EventLink({ event }: EventProps<CalendarEvent>) {
      return (
        <Link to={`/circles/${circleId}/tasks/${event.id}`} className="task-event-link">
          <span className="task-event-state">{eventPrefix(event.task)}:</span> <span className="task-event-title">{event.title}</span>
          <span className="visually-hidden">, {event.task.when}</span>
        </Link>
      );
    }
    function Toolbar({ view }: ToolbarProps<CalendarEvent>) {
      const current = view as CalendarView;
      return (
        <div className="calendar-toolbar">
          <nav aria-label="Dates" className="calendar-toolbar-group">
            <Link to={hrefFor({ date: shiftDate(current, place.date, -1) })} className="button button-quiet">
              <span aria-hidden="true">‹{"\u00a0"}</span>Previous<span className="visually-hidden"> {VIEW_LABELS[current].toLowerCase()}</span>
            </Link>
            <Link to={hrefFor({ date: today })} className="button button-quiet">
              Today
            </Link>
            <Link to={hrefFor({ date: shiftDate(current, place.date, 1) })} className="button button-quiet">
              Next<span className="visually-hidden"> {VIEW_LABELS[current].toLowerCase()}</span>
              <span aria-hidden="true">{"\u00a0"}›</span>
            </Link>
          </nav>
          <h2 className="calendar-toolbar-label" aria-live="polite">
            {placeLabel(current, place.date)}
          </h2>
          <nav aria-label="Calendar view" className="calendar-toolbar-group">
            {VIEWS.map((name) => (
              <Link
                key={name}
                to={hrefFor({ view: name })}
                aria-current={name === current ? "page" : undefined}
                className={`button button-quiet${name === current ? " is-current" : ""}`}
              >
                {VIEW_LABELS[name]}
              </Link>
            ))}
          </nav>
        </div>
      );
    }
    return { event: EventLink, toolbar: Toolbar, eventWrapper: EventWrapper };
    // hrefFor reads place and today only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [circleId, place.view, place.date, place.filter, today]);

  return (
    <div ref={ariaRef} className={`task-calendar task-calendar--${place.view}`}>
      <Calendar<CalendarEvent>
        localizer={localizer}
        culture="en-GB"
        events={events}
        date={date}
        view={place.view}
        views={views}
        length={30}
        onNavigate={(next: Date, view: View) =>
          navigate(hrefFor({ date: toLocalDate(next, timeZone), view: view as CalendarView }))
        }
        onView={(view: View) => navigate(hrefFor({ view: view as CalendarView }))}
        onDrillDown={(day: Date) => navigate(hrefFor({ date: toLocalDate(day, timeZone), view: "day" }))}
        components={components}
        eventPropGetter={(event) => ({ className: eventClass(event.task) })}
        tooltipAccessor={(event) => `${eventPrefix(event.task)}: ${event.title}, ${event.task.when}`}
        showAllEvents
        popup={false}
        min={min}
        max={max}
        formats={{ timeGutterFormat: "HH:mm", agendaTimeFormat: "HH:mm", agendaDateFormat: "EEE d MMM", dayFormat: "EEE d" }}
        messages={{ noEventsInRange: "No tasks in these dates." }}
      />
      {place.view === "week" ? <WeekAsRows tasks={tasks} place={place} today={today} timeZone={timeZone} circleId={circleId} /> : null}
    </div>
  );
}

/**
 * The week on a phone (below 600 px, where seven columns are 45 px wide): one row per day, its tasks
 * with their times. The stylesheet shows either this or react-big-calendar's grid.
 */
function WeekAsRows({ tasks, place, today, timeZone, circleId }: { tasks: TaskSummary[]; place: CalendarPlace; today: string; timeZone: string; circleId: string }) {
  const first = toLocalDate(rangeFor("week", place.date, timeZone).from, timeZone);
  const days = Array.from({ length: 7 }, (_, i) => addDays(first, i));
  return (
    <ol className="task-week-rows" aria-label={`${placeLabel("week", place.date)}: tasks by day`}>
      {days.map((day) => {
        const dayTasks = tasks.filter((task) => datesOf(task).includes(day));
        return (
          <li key={day} className={`task-week-day${day === today ? " is-today" : ""}`} aria-current={day === today ? "date" : undefined}>
            <h3 className="task-week-date">{labelOf(day).replace(/ \d{4}$/, "")}</h3>
            {dayTasks.length ? (
              <ul className="task-month-events">
                {dayTasks.map((task) => (
                  <li key={task.id}>
                    <Link to={`/circles/${circleId}/tasks/${task.id}`} className={`${eventClass(task)} task-event-link`}>
                      {task.allDay ? null : <span className="task-event-time">{toLocalDateTime(new Date(task.startsAt), timeZone).slice(11, 16)} </span>}
                      <span className="task-event-state">{eventPrefix(task)}:</span> <span className="task-event-title">{task.title}</span>
                      {task.claimers.length ? <span className="task-event-who"> · {task.claimers.join(", ")}</span> : null}
                      <span className="visually-hidden">, {task.when}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted task-week-none">No tasks</p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
