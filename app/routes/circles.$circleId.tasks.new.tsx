import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { parseTaskForm, taskFormValues } from "~/calendar/task-form";
import { audienceOptions, dbErrors, requireManager } from "~/calendar/task-form.server";
import { callCalendarRpc, requireCalendar } from "~/calendar/tasks.server";
import { localDateSchema, toLocalDate, zoneLabel } from "~/calendar/time";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CalendarActions } from "~/components/task-parts";
import { TaskForm } from "~/components/task-form";
import appCalendarStyles from "~/styles/calendar.css?url";
import { readForm } from "~/validation";

// Add a task, or a series of them. A plain form: it works without JavaScript.

export const links: LinksFunction = () => [{ rel: "stylesheet", href: appCalendarStyles }];

export const meta: MetaFunction = () => [{ title: "Add a task · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCalendar(request, params, context);
  requireManager(access);
  const timeZone = access.circle.time_zone;
  const today = toLocalDate(new Date(), timeZone);
  const date = localDateSchema.safeParse(new URL(request.url).searchParams.get("date"));
  return data(
    {
      circleId: access.circle.id,
      isOwner: access.isOwner,
      categories: access.manageable,
      audience: audienceOptions(access),
      zone: zoneLabel(timeZone),
      today,
      values: { date: date.success && date.data >= today ? date.data : today, slots: "1", category: "practical", kind: "other" },
    },
    { headers: access.headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireCalendar(request, params, context);
  requireManager(access);
  const { supabase, circle, headers } = access;
  const timeZone = circle.time_zone;
  const now = new Date();
  const values = taskFormValues(await readForm(request));
  const parsed = parseTaskForm(values, {
    timeZone,
    today: toLocalDate(now, timeZone),
    now,
    allowedCategories: access.manageable,
    isNew: true,
  });
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400, headers });

  if (!parsed.repeat) {
    const { data: row, error } = await supabase
      .from("tasks")
      .insert({ circle_id: circle.id, ...parsed.task })
      .select("id")
      .single();
    if (error) {
      // RLS refuses a category the author does not hold (checked above, so only if it changed meanwhile).
      const key = error.code === "42501" ? "category_not_allowed" : error.message;
      const message =
        key === "category_not_allowed"
          ? "You can only create tasks in the categories the person shares with you"
          : error.code === "22023"
            ? (error.details ?? "Please check the task")
            : null;
      if (!message) throw new Error(`insert task failed: ${error.code} ${error.message}`);
      return data({ errors: dbErrors(key, message), values }, { status: 400, headers });
    }
    return redirect(`/circles/${circle.id}/tasks/${row.id}?notice=created`, { headers });
  }

  const result = await callCalendarRpc(supabase, "create_task_series", {
    circle_id: circle.id,
    ...parsed.series,
  });
  if (!result.ok) {
    return data({ errors: dbErrors(result.failure.key, result.failure.message), values }, { status: result.failure.status, headers });
  }
  const { data: first } = await supabase
    .from("tasks")
    .select("id")
    .eq("series_id", result.data.id)
    .order("starts_at")
    .limit(1)
    .maybeSingle();
  return redirect(
    first ? `/circles/${circle.id}/tasks/${first.id}?notice=created` : `/circles/${circle.id}/calendar?date=${parsed.date}`,
    { headers },
  );
}

export default function NewTask() {
  const { circleId, isOwner, categories, audience, zone, today, values } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const base = `/circles/${circleId}`;
  return (
    <div className="task-page page-narrow">
      <CalendarActions base={base} canCreate={false} isOwner={isOwner} current="calendar" />
      <h1>Add a task</h1>
      <p className="muted">Times are in {zone}.</p>
      <TaskForm
        mode="new"
        values={actionData?.values ?? values}
        errors={actionData?.errors}
        categories={categories}
        audience={audience}
        zone={zone}
        today={today}
        busy={navigation.state === "submitting"}
        submitLabel="Add to the calendar"
      />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
