import type { ActionFunctionArgs, AppLoadContext, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { splitSeries, type Series } from "~/calendar/recurrence";
import { parseTaskForm, taskFormValues, type TaskFormValues } from "~/calendar/task-form";
import { audienceOptions, dbErrors } from "~/calendar/task-form.server";
import { callCalendarRpc, endOf, isPast, loadTask, requireCalendar, TaskIdSchema, type TaskDetail } from "~/calendar/tasks.server";
import { toLocalDate, toLocalDateTime, zoneLabel } from "~/calendar/time";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CalendarActions } from "~/components/task-parts";
import { TaskForm } from "~/components/task-form";
import appCalendarStyles from "~/styles/calendar.css?url";
import { readForm } from "~/validation";

// Edit one task (or one occurrence of a series), or a series from this occurrence on.

export const links: LinksFunction = () => [{ rel: "stylesheet", href: appCalendarStyles }];

export const meta: MetaFunction = () => [{ title: "Edit a task · Circle" }];

const notFound = (headers?: Headers) => new Response("Not found", { status: 404, headers });

async function loadEditable(request: Request, params: LoaderFunctionArgs["params"], context: AppLoadContext) {
  const access = await requireCalendar(request, params, context);
  const taskId = TaskIdSchema.safeParse(params.taskId);
  if (!taskId.success) throw notFound(access.headers);
  const task = await loadTask(access.supabase, access.circle.id, taskId.data);
  if (!task) throw notFound(access.headers);
  if (!access.manageable.includes(task.category)) {
    throw new Response("Only the person and their coordinators can change this task.", { status: 403, headers: access.headers });
  }
  const scope = new URL(request.url).searchParams.get("scope") === "following" && task.series && task.series_date ? "following" : "one";
  return { access, task, scope } as const;
}

/** The series as recurrence.ts knows it, for splitting it at this occurrence. */
function seriesOf(task: TaskDetail, timeZone: string): Series | null {
  const s = task.series;
  if (!s) return null;
  const rule = {
    frequency: s.frequency,
    interval: s.repeat_every,
    weekdays: s.weekdays,
    until: s.until_date ?? undefined,
    count: s.occurrence_count ?? undefined,
  };
  return s.all_day
    ? { rule, firstStart: s.first_date, timeZone, allDay: true }
    : { rule, firstStart: `${s.first_date}T${(s.start_time ?? "00:00").slice(0, 5)}`, timeZone, allDay: false, durationMinutes: s.duration_minutes ?? 60 };
}

function initialValues(task: TaskDetail, timeZone: string, scope: "one" | "following"): TaskFormValues {
  const start = toLocalDateTime(new Date(task.starts_at), timeZone);
  const end = toLocalDateTime(endOf(task), timeZone);
  const values: TaskFormValues = {
    title: task.title,
    kind: task.kind,
    category: task.category,
    date: start.slice(0, 10),
    startTime: task.all_day ? "" : start.slice(11, 16),
    endTime: task.all_day ? "" : end.slice(11, 16),
    location: task.location ?? "",
    notes: task.notes ?? "",
    slots: String(task.slots),
    audience: task.audience ?? [],
    contactPreference: task.contact_preference ?? "",
    dietaryNeeds: task.dietary_needs ?? "",
    scope: scope === "following" ? "following" : "this",
  };
  if (task.all_day) values.allDay = "on";
  const series = seriesOf(task, timeZone);
  if (scope === "following" && series && task.series?.start_time !== undefined && task.series_date) {
    // The rest of the series from this date, as splitSeries counts it (a counted series keeps the
    // number of occurrences it has left).
    const after = splitSeries(series, task.series_date).after ?? series;
    values.date = task.series_date;
    if (!series.allDay && task.series?.start_time && task.series.duration_minutes) {
      const [h, m] = task.series.start_time.split(":").map(Number);
      const endMinutes = h * 60 + m + task.series.duration_minutes;
      values.startTime = task.series.start_time.slice(0, 5);
      values.endTime = endMinutes < 24 * 60 ? `${String(Math.floor(endMinutes / 60)).padStart(2, "0")}:${String(endMinutes % 60).padStart(2, "0")}` : "";
    }
    values.repeat = after.rule.frequency;
    values.repeatEvery = String(after.rule.interval);
    values.weekdays = after.rule.weekdays.map(String);
    values.ends = after.rule.count !== undefined ? "count" : "until";
    values.until = after.rule.until ?? "";
    values.count = after.rule.count !== undefined ? String(after.rule.count) : "";
  }
  return values;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { access, task, scope } = await loadEditable(request, params, context);
  const timeZone = access.circle.time_zone;
  return data(
    {
      circleId: access.circle.id,
      taskId: task.id,
      title: task.title,
      isOwner: access.isOwner,
      scope,
      past: isPast(task, new Date()),
      claimed: task.task_claims.length,
      categories: access.manageable,
      audience: audienceOptions(access),
      zone: zoneLabel(timeZone),
      today: toLocalDate(new Date(), timeZone),
      values: initialValues(task, timeZone, scope),
    },
    { headers: access.headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { access, task, scope } = await loadEditable(request, params, context);
  const { supabase, circle, headers } = access;
  const timeZone = circle.time_zone;
  const now = new Date();
  const values = taskFormValues(await readForm(request));
  const parsed = parseTaskForm(values, {
    timeZone,
    today: toLocalDate(now, timeZone),
    now,
    allowedCategories: access.manageable,
    isNew: false,
    originalDate: toLocalDate(new Date(task.starts_at), timeZone),
  });
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400, headers });
  const taskUrl = `/circles/${circle.id}/tasks/${task.id}`;

  if (scope === "one") {
    if (parsed.repeat) return data({ errors: dbErrors("invalid_rule", "Edit the series from its own page"), values }, { status: 400, headers });
    const { error } = await supabase.from("tasks").update(parsed.task).eq("id", task.id);
    if (error) {
      const known = error.code === "42501" || ["PT409", "22023"].includes(error.code ?? "");
      if (!known) throw new Error(`update task failed: ${error.code} ${error.message}`);
      const key = error.code === "42501" ? "category_not_allowed" : error.message;
      const message = error.code === "42501" ? "You can only move tasks to categories the person shares with you" : (error.details ?? error.message);
      return data({ errors: dbErrors(key, message), values }, { status: error.code === "PT409" ? 409 : 400, headers });
    }
    return redirect(`${taskUrl}?notice=updated`, { headers });
  }

  if (!parsed.repeat) {
    return data({ errors: { formErrors: [], fieldErrors: { repeat: ["Choose how the series repeats"] } }, values }, { status: 400, headers });
  }
  // The series keeps its first date: the change applies from this occurrence's date.
  const { first_date: _firstDate, ...series } = parsed.series;
  const result = await callCalendarRpc(supabase, "update_task_series", {
    series_id: task.series?.id ?? null,
    from_date: task.series_date,
    ...series,
  });
  if (!result.ok) {
    return data({ errors: dbErrors(result.failure.key, result.failure.message), values }, { status: result.failure.status, headers });
  }
  // This occurrence may have moved or, if its date left the rule, gone: show the first one from its date.
  const { data: next } = await supabase
    .from("tasks")
    .select("id")
    .eq("series_id", result.data.series_id)
    .gte("series_date", task.series_date!)
    .order("series_date")
    .limit(1)
    .maybeSingle();
  const kept = result.data.kept_claimed + result.data.kept_edited;
  const target = next ? `/circles/${circle.id}/tasks/${next.id}` : `/circles/${circle.id}/calendar`;
  const skipped = result.data.skipped;
  return redirect(`${target}?notice=series-updated${kept ? `&kept=${kept}` : ""}${skipped ? `&skipped=${skipped}` : ""}`, { headers });
}

export default function EditTask() {
  const { circleId, taskId, title, isOwner, scope, past, claimed, categories, audience, zone, today, values } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const base = `/circles/${circleId}`;
  return (
    <div className="task-page page-narrow">
      <CalendarActions base={base} canCreate={false} isOwner={isOwner} current="calendar" />
      <p>
        <Link to={`${base}/tasks/${taskId}`}>
          <span aria-hidden="true">‹ </span>Back to “{title}”
        </Link>
      </p>
      <h1>{scope === "following" ? "Edit this and the following ones" : "Edit the task"}</h1>
      {scope === "following" ? (
        <p className="lead">
          From this date on the series follows what you set here. Occurrences someone has already claimed keep their day,
          time and helpers (they take the new details); those changed one by one keep their changes.
        </p>
      ) : claimed > 0 ? (
        <p className="lead">
          {claimed === 1 ? "Someone has" : `${claimed} people have`} claimed this task: they will see your changes, and get an email if its time changes.
        </p>
      ) : null}
      {past ? <p className="lead">This task is in the past.</p> : null}
      <TaskForm
        mode={scope === "following" ? "following" : "one"}
        values={actionData?.values ?? values}
        errors={actionData?.errors}
        categories={categories}
        audience={audience}
        zone={zone}
        today={today}
        busy={navigation.state === "submitting"}
        submitLabel="Save the changes"
      />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
