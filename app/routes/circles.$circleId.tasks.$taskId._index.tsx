import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { describeRule } from "~/calendar/recurrence";
import { noticeText, runTaskIntent, skippedText } from "~/calendar/task-actions.server";
import { claimersText } from "~/calendar/task-view";
import { asCalendarTask, callCalendarRpc, isPast, loadStanding, loadTask, memberNames, summarise, TaskIdSchema } from "~/calendar/tasks.server";
import { formatInZone, toLocalDate, zoneLabel } from "~/calendar/time";
import { CONTACT_LABELS, KIND_LABELS, spotsText } from "~/calendar/words";
import { requireCircle } from "~/circles.server";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorList } from "~/components/forms";
import { CalendarActions, TaskActionForms, TaskStateBadges } from "~/components/task-parts";
import { CATEGORY_WORDS } from "~/consent";
import appCalendarStyles from "~/styles/calendar.css?url";
import { readForm } from "~/validation";

// One task with everything the reader may know and do about it: claim, give up a spot, mark done,
// thank the helpers (the person or a coordinator), cancel it or, for a series, cancel it from here on.

export const links: LinksFunction = () => [{ rel: "stylesheet", href: appCalendarStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.task.title} · Circle` : "Task · Circle" }];

const notFound = (headers?: Headers) => new Response("Not found", { status: 404, headers });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const { supabase, circle, me, headers } = access;
  const taskId = TaskIdSchema.safeParse(params.taskId);
  if (!taskId.success) throw notFound(headers);
  const [standing, task] = await Promise.all([loadStanding(access), loadTask(supabase, circle.id, taskId.data)]);
  if (!task) throw notFound(headers);

  const timeZone = circle.time_zone;
  const now = new Date();
  const names = memberNames(standing.members);
  const summary = summarise(asCalendarTask(task), { timeZone, myMemberId: me.id, names, now });
  const canManage = standing.manageable.includes(task.category);
  const series = task.series
    ? {
        id: task.series.id,
        rule: describeRule({
          frequency: task.series.frequency,
          interval: task.series.repeat_every,
          weekdays: task.series.weekdays,
          until: task.series.until_date ?? undefined,
          count: task.series.occurrence_count ?? undefined,
        }),
        // "From here on" starts at this occurrence's date, never before today.
        fromDate: task.series_date ?? toLocalDate(now, timeZone),
      }
    : null;
  const url = new URL(request.url);
  const notice = url.searchParams.get("notice");
  const kept = Number(url.searchParams.get("kept") ?? 0);
  const keptText =
    notice === "series-updated" && kept > 0
      ? ` ${kept === 1 ? "One occurrence" : `${kept} occurrences`} that someone had claimed or that you had changed on its own kept its day and time; change ${kept === 1 ? "it" : "them"} one by one if needed.`
      : "";
  const skipped = skippedText(Number(url.searchParams.get("skipped") ?? 0));
  return data(
    {
      circleId: circle.id,
      isOwner: access.isOwner,
      canCreate: standing.manageable.length > 0,
      canManage,
      zone: zoneLabel(timeZone),
      task: {
        ...summary,
        location: task.location,
        notes: task.notes,
        contactPreference: task.contact_preference,
        dietaryNeeds: task.dietary_needs,
        cancelNote: task.cancel_note,
        doneAt: task.done_at ? formatInZone(new Date(task.done_at), timeZone) : null,
        edited: task.series_exception,
        future: !isPast(task, now),
      },
      whoText: claimersText(summary),
      thanks: task.thanks ? { note: task.thanks.note } : null,
      series,
      notice: notice ? [`${noticeText(notice, task.title) ?? ""}${keptText}`, skipped].filter(Boolean).join(" ") || null : null,
    },
    { headers },
  );
}

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("claim") }),
  z.object({ intent: z.literal("release") }),
  z.object({
    intent: z.literal("complete"),
    thankYou: z.string().trim().max(1000, "Keep the note under 1000 characters").optional(),
  }),
  z.object({
    intent: z.literal("cancel"),
    note: z.string().trim().max(500, "Keep the note under 500 characters").optional(),
  }),
  z.object({
    intent: z.literal("cancel-following"),
    seriesId: z.string().uuid(),
    fromDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    note: z.string().trim().max(500, "Keep the note under 500 characters").optional(),
  }),
]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, headers } = await requireCircle(request, params, context);
  const taskId = TaskIdSchema.safeParse(params.taskId);
  if (!taskId.success) throw notFound(headers);
  const formData = await readForm(request);
  const parsed = ActionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const errors = parsed.error.flatten();
    return data(
      { intent: String(formData.get("intent") ?? ""), error: null, fieldErrors: errors.fieldErrors as Record<string, string[]> },
      { status: 400, headers },
    );
  }
  const form = parsed.data;
  const back = (notice: string) => redirect(`${new URL(request.url).pathname}?notice=${notice}`, { headers });
  const fail = (message: string, status: number) =>
    data({ intent: form.intent, error: message, fieldErrors: {} as Record<string, string[]> }, { status, headers });

  if (form.intent === "cancel") {
    const result = await callCalendarRpc(supabase, "cancel_task", { task_id: taskId.data, note: form.note || null });
    return result.ok ? back("cancelled") : fail(result.failure.message, result.failure.status);
  }
  if (form.intent === "cancel-following") {
    const result = await callCalendarRpc(supabase, "cancel_task_series", {
      series_id: form.seriesId,
      from_date: form.fromDate,
      note: form.note || null,
    });
    if (!result.ok) return fail(result.failure.message, result.failure.status);
    return back(result.data.skipped ? `cancelled&skipped=${result.data.skipped}` : "cancelled");
  }
  const result = await runTaskIntent(supabase, {
    intent: form.intent,
    taskId: taskId.data,
    thankYou: form.intent === "complete" ? form.thankYou || null : null,
  });
  return result.ok ? back(result.notice) : fail(result.failure.message, result.failure.status);
}

export default function TaskPage() {
  const { circleId, isOwner, canCreate, canManage, zone, task, whoText, thanks, series, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const base = `/circles/${circleId}`;
  const live = task.state === "open" || task.state === "full";
  const errorFor = (intent: string) => (actionData && actionData.intent === intent ? actionData : null);
  const anyError = actionData?.error ?? null;

  return (
    <div className="task-page">
      <CalendarActions base={base} canCreate={canCreate} isOwner={isOwner} current="calendar" />
      <p>
        <Link to={`${base}/calendar`}>
          <span aria-hidden="true">‹ </span>Back to the calendar
        </Link>
      </p>
      <div className="page-heading">
        <h1>{task.title}</h1>
        <p className="task-card-title">
          <TaskStateBadges task={task} />
        </p>
      </div>
      {notice ? <Notice focus>{notice}</Notice> : null}
      {anyError ? <Notice tone="error">{anyError}</Notice> : null}

      <dl className="task-facts">
        <dt>When</dt>
        <dd>{task.when}</dd>
        <dt>What</dt>
        <dd>{KIND_LABELS[task.kind]}</dd>
        <dt>Shared as</dt>
        <dd>{CATEGORY_WORDS[task.category].label}</dd>
        {task.location ? (
          <>
            <dt>Where</dt>
            <dd>{task.location}</dd>
          </>
        ) : null}
        {task.contactPreference ? (
          <>
            <dt>How to come by</dt>
            <dd>
              <strong>{CONTACT_LABELS[task.contactPreference].label}.</strong> {CONTACT_LABELS[task.contactPreference].description}
            </dd>
          </>
        ) : null}
        {task.dietaryNeeds ? (
          <>
            <dt>Dietary needs</dt>
            <dd>{task.dietaryNeeds}</dd>
          </>
        ) : null}
        <dt>Helpers</dt>
        <dd>
          {spotsText(task.slots, task.taken)}
          {whoText ? `. ${whoText}.` : ""}
        </dd>
        {series ? (
          <>
            <dt>Repeats</dt>
            <dd>
              {series.rule}
              {task.edited ? " (this one was changed on its own)" : ""}
            </dd>
          </>
        ) : null}
        {task.notes ? (
          <>
            <dt>Notes</dt>
            <dd className="pre-line">{task.notes}</dd>
          </>
        ) : null}
      </dl>

      {task.state === "cancelled" ? (
        <p className="panel">
          This task was cancelled{task.cancelNote ? `: “${task.cancelNote}”` : "."}
        </p>
      ) : null}
      {task.state === "done" && task.doneAt ? <p>Marked done: {task.doneAt}.</p> : null}
      {thanks ? (
        <section className="thank-you" aria-labelledby="thanks-heading">
          <h2 id="thanks-heading">A thank-you note</h2>
          <p>{thanks.note}</p>
        </section>
      ) : null}

      <section aria-labelledby="actions-heading">
        <h2 id="actions-heading" className="visually-hidden">
          What you can do
        </h2>
        <TaskActionForms task={task} canManage={false} busy={busy} />

        {canManage && task.state !== "cancelled" && task.taken > 0 && (task.due || task.state === "done") ? (
          <Form method="post" className="panel stack" aria-labelledby="thank-heading">
            <h2 id="thank-heading">{task.state === "done" ? "Thank the helpers" : "Mark done and say thank you"}</h2>
            <div className="field">
              <label htmlFor="thankYou">A note for {whoText ? whoText.replace(/^Claimed by /, "") : "the helpers"} (optional)</label>
              <p id="thankYou-hint" className="field-hint">
                Only the helpers, you and the coordinators who see this task can read it.
              </p>
              <textarea
                id="thankYou"
                name="thankYou"
                maxLength={1000}
                defaultValue={thanks?.note ?? ""}
                aria-describedby={errorFor("complete")?.fieldErrors.thankYou ? "thankYou-hint thankYou-error" : "thankYou-hint"}
                aria-invalid={errorFor("complete")?.fieldErrors.thankYou ? true : undefined}
              />
              <ErrorList id="thankYou-error" errors={errorFor("complete")?.fieldErrors.thankYou} />
            </div>
            <div className="form-actions compact">
              <button type="submit" name="intent" value="complete" className="button" disabled={busy}>
                {task.state === "done" ? "Save the note" : "Mark done"}
              </button>
            </div>
          </Form>
        ) : null}

        {canManage && live && task.future ? (
          <section className="panel" aria-labelledby="change-heading">
            <h2 id="change-heading">Change or cancel</h2>
            <p className="form-actions compact">
              <Link to={`${base}/tasks/${task.id}/edit`} className="button button-quiet">
                Edit {series ? "this one" : "this task"}
              </Link>
              {series ? (
                <Link to={`${base}/tasks/${task.id}/edit?scope=following`} className="button button-quiet">
                  Edit this and the following ones
                </Link>
              ) : null}
            </p>
            <Form method="post" className="stack">
              <div className="field">
                <label htmlFor="cancel-note">A word for the helpers (optional)</label>
                <input
                  id="cancel-note"
                  name="note"
                  maxLength={500}
                  aria-invalid={errorFor("cancel")?.fieldErrors.note ? true : undefined}
                  aria-describedby={errorFor("cancel")?.fieldErrors.note ? "cancel-note-error" : undefined}
                />
                <ErrorList id="cancel-note-error" errors={errorFor("cancel")?.fieldErrors.note} />
              </div>
              {series ? (
                <>
                  <input type="hidden" name="seriesId" value={series.id} />
                  <input type="hidden" name="fromDate" value={series.fromDate} />
                </>
              ) : null}
              <div className="form-actions compact">
                <button type="submit" name="intent" value="cancel" className="button button-danger" disabled={busy}>
                  Cancel {series ? "this one" : "this task"}
                </button>
                {series ? (
                  <button type="submit" name="intent" value="cancel-following" className="button button-danger" disabled={busy}>
                    Cancel this and all following
                  </button>
                ) : null}
              </div>
              {task.taken > 0 ? (
                <p className="field-hint">
                  Helpers who claimed it get an email with your word, and keep seeing the task marked as cancelled, so nobody
                  turns up for nothing.
                </p>
              ) : null}
            </Form>
          </section>
        ) : null}
      </section>
      <p className="muted small">Times are in {zone}.</p>
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <GeneralErrorBoundary
      statusHandlers={{
        404: ({ params }) => (
          <div className="error-page">
            <h1>We couldn&apos;t find that task</h1>
            <p>It may have been removed, or it isn&apos;t shared with you.</p>
            <p>
              <Link to={`/circles/${params.circleId}/calendar`}>Back to the calendar</Link>
            </p>
          </div>
        ),
      }}
    />
  );
}
