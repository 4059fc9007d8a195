import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { claimersText, type Filter, type TaskSummary } from "~/calendar/task-view";
import { KIND_LABELS, spotsText } from "~/calendar/words";
import { CATEGORY_WORDS } from "~/consent";

// Pieces shared by the calendar, the list and the task pages.

/** The calendar's own sub-navigation and its main actions. */
export function CalendarActions({
  base,
  canCreate,
  isOwner,
  current,
}: {
  base: string;
  canCreate: boolean;
  isOwner: boolean;
  current: "calendar" | "list" | "offers" | "feed";
}) {
  const link = (to: string, label: string, name: typeof current) => (
    <Link to={to} aria-current={current === name ? "page" : undefined} className={current === name ? "is-current" : undefined}>
      {label}
    </Link>
  );
  return (
    <div className="calendar-actions">
      <nav aria-label="Tasks" className="calendar-views">
        {link(`${base}/calendar`, "Calendar", "calendar")}
        {link(`${base}/tasks`, "List", "list")}
        {link(`${base}/tasks/offers`, isOwner ? "Offers of help" : "Offer help", "offers")}
        {link(`${base}/tasks/feed`, "Calendar feed", "feed")}
      </nav>
      {canCreate ? (
        <Link to={`${base}/tasks/new`} className="button">
          Add a task
        </Link>
      ) : null}
    </div>
  );
}

const FILTER_LABELS: Record<Filter, string> = { all: "All tasks", open: "Needs help", mine: "My tasks" };

/** "All tasks / Needs help / My tasks" as links (they work without JavaScript). */
export function FilterNav({ filter, hrefFor }: { filter: Filter; hrefFor: (filter: Filter) => string }) {
  return (
    <nav aria-label="Show" className="filter-nav">
      <span className="filter-nav-label" aria-hidden="true">
        Show:
      </span>
      <ul>
        {(Object.keys(FILTER_LABELS) as Filter[]).map((name) => (
          <li key={name}>
            <Link
              to={hrefFor(name)}
              aria-current={name === filter ? "true" : undefined}
              className={`chip${name === filter ? " is-current" : ""}`}
              preventScrollReset
            >
              {FILTER_LABELS[name]}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** What the calendar's colours and words mean. */
export function TaskLegend() {
  const items: Array<[string, string]> = [
    ["open", "Needs help: a spot is free"],
    ["mine", "Yours: you claimed it"],
    ["full", "Taken by someone"],
    ["done", "Done"],
    ["cancelled", "Cancelled"],
  ];
  return (
    <ul className="task-legend" aria-label="Legend">
      {items.map(([state, label]) => (
        <li key={state}>
          <span className={`legend-swatch task-event task-event--${state}${state === "mine" ? " task-event--mine" : ""}`} aria-hidden="true" />
          {label}
        </li>
      ))}
    </ul>
  );
}

const BADGES: Record<TaskSummary["state"], { label: string; className: string }> = {
  open: { label: "Needs help", className: "badge badge-open" },
  full: { label: "Taken", className: "badge" },
  done: { label: "Done", className: "badge badge-done" },
  cancelled: { label: "Cancelled", className: "badge badge-cancelled" },
  past: { label: "Past", className: "badge" },
};

export function TaskStateBadges({ task }: { task: Pick<TaskSummary, "state" | "mine"> }) {
  const badge = BADGES[task.state];
  return (
    <>
      {task.mine ? <span className="badge badge-mine">Yours</span> : null}
      <span className={badge.className}>{badge.label}</span>
    </>
  );
}

export type TaskActionPermissions = { canManage: boolean };

/**
 * The actions a reader may take on a task, as plain forms (POST to `action`, with `intent` and
 * `taskId`): they work without JavaScript and by keyboard.
 */
export function TaskActionForms({
  task,
  action,
  canManage,
  busy,
  extra,
}: {
  task: TaskSummary;
  action?: string;
  canManage: boolean;
  busy?: boolean;
  extra?: ReactNode;
}) {
  const forms: ReactNode[] = [];
  const hidden = <input type="hidden" name="taskId" value={task.id} />;
  const live = task.state === "open" || task.state === "full";
  if (task.state === "open" && !task.mine) {
    forms.push(
      <Form method="post" action={action} key="claim" preventScrollReset>
        {hidden}
        <button type="submit" name="intent" value="claim" className="button button-small" disabled={busy}>
          I&apos;ll do it<span className="visually-hidden">: {task.title}, {task.when}</span>
        </button>
      </Form>,
    );
  }
  if (task.mine && live) {
    forms.push(
      <Form method="post" action={action} key="release" preventScrollReset>
        {hidden}
        <button type="submit" name="intent" value="release" className="button button-quiet" disabled={busy}>
          I can&apos;t make it<span className="visually-hidden">: {task.title}, {task.when}</span>
        </button>
      </Form>,
    );
  }
  // Once its day has come: the helper, or (in lists) the person or a coordinator for a claimed task.
  const canComplete = task.due && task.state !== "done" && task.state !== "cancelled" && (task.mine || (canManage && task.taken > 0));
  if (canComplete) {
    forms.push(
      <Form method="post" action={action} key="complete" preventScrollReset>
        {hidden}
        <button type="submit" name="intent" value="complete" className="button button-quiet" disabled={busy}>
          Mark done<span className="visually-hidden">: {task.title}, {task.when}</span>
        </button>
      </Form>,
    );
  }
  if (!forms.length && !extra) return null;
  return (
    <div className="task-actions">
      {forms}
      {extra}
    </div>
  );
}

/** One task in a list: what, when, who, and the actions. */
export function TaskCard({
  task,
  base,
  canManage,
  action,
  error,
  busy,
}: {
  task: TaskSummary;
  base: string;
  canManage: boolean;
  action?: string;
  error?: string | null;
  busy?: boolean;
}) {
  const who = claimersText(task);
  const errorId = `task-${task.id}-error`;
  return (
    <li className={`task-card task-card--${task.state}${task.mine ? " task-card--mine" : ""}`} aria-describedby={error ? errorId : undefined}>
      <h3 className="task-card-title">
        <Link to={`${base}/tasks/${task.id}`}>{task.title}</Link> <TaskStateBadges task={task} />
      </h3>
      <p className="task-card-when">{task.when}</p>
      <p className="task-card-meta">
        {KIND_LABELS[task.kind]} · {CATEGORY_WORDS[task.category].label}
        {task.recurring ? " · Repeats" : ""}
        {task.location ? ` · ${task.location}` : ""}
      </p>
      <p className="task-card-who">
        {task.state === "cancelled" ? "This task was cancelled." : spotsText(task.slots, task.taken)}
        {who ? `. ${who}.` : ""}
      </p>
      {error ? (
        <p id={errorId} className="task-card-error" role="alert">
          {error}
        </p>
      ) : null}
      <TaskActionForms task={task} action={action} canManage={canManage} busy={busy} />
    </li>
  );
}
