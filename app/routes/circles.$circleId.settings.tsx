import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { timeZoneOptions, timeZoneSchema } from "~/calendar/time";
import { callRpc, requireCircle } from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrorSummary, type FormErrors } from "~/components/forms";
import { TimeZoneSelect } from "~/components/time-zone-select";
import { formObject, readForm } from "~/validation";

// Circle settings (owner): name, time zone, whether coordinators may invite, and "Take a break".
// Members: leaving the circle. The RPCs check who is asking; this page only chooses what to offer.

const SettingsSchema = z.object({
  intent: z.literal("settings"),
  name: z
    .string({ required_error: "Give your circle a name" })
    .trim()
    .min(1, "Give your circle a name")
    .max(80, "Please keep the name under 80 characters"),
  timeZone: z.string({ required_error: "Choose a time zone from the list" }).pipe(timeZoneSchema),
  coordinatorsCanInvite: z
    .enum(["on"], { errorMap: () => ({ message: "Tick the box, or leave it empty" }) })
    .optional()
    .transform((value) => value === "on"),
});

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    SettingsSchema,
    z.object({
      intent: z.literal("pause"),
      paused: z.enum(["true", "false"], { errorMap: () => ({ message: "Choose whether to pause updates" }) }),
    }),
    z.object({ intent: z.literal("leave") }),
  ],
  { errorMap: () => ({ message: "That action isn't available here" }) },
);
type Intent = z.infer<typeof ActionSchema>["intent"];
type Reply = { intent: Intent | null; errors: FormErrors; values: { name: string; timeZone: string } | null };

export const meta: MetaFunction = () => [{ title: "Settings · Circle" }];

const Saved = z.enum(["settings", "paused", "resumed"]);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { headers, circle, isOwner } = await requireCircle(request, params, context);
  const url = new URL(request.url);
  const saved = Saved.safeParse(url.searchParams.get("saved"));
  return data(
    {
      timeZones: isOwner ? timeZoneOptions(new Date()) : [],
      confirmLeave: !isOwner && url.searchParams.get("confirmLeave") === "1",
      saved: saved.success ? saved.data : null,
      name: circle.name,
    },
    { headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, headers, circle } = await requireCircle(request, params, context);
  const raw = formObject(await readForm(request));
  const intent = ActionSchema.options.some((o) => o.shape.intent.value === raw.intent) ? (raw.intent as Intent) : null;
  const values = intent === "settings" ? { name: raw.name ?? "", timeZone: raw.timeZone ?? "" } : null;
  const reply = (errors: FormErrors, status: number) => data<Reply>({ intent, errors, values }, { status, headers });

  const submission = ActionSchema.safeParse(raw);
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const form = submission.data;
  const here = `/circles/${circle.id}/settings`;

  switch (form.intent) {
    case "settings": {
      const result = await callRpc(supabase, "update_circle_settings", {
        circle_id: circle.id,
        name: form.name,
        time_zone: form.timeZone,
        coordinators_can_invite: form.coordinatorsCanInvite,
      });
      if (!result.ok) {
        const field = { invalid_circle_name: "name", invalid_time_zone: "timeZone" }[result.failure.key];
        return reply(
          field
            ? { formErrors: [], fieldErrors: { [field]: [result.failure.message] } }
            : { formErrors: [result.failure.message], fieldErrors: {} },
          result.failure.status,
        );
      }
      return redirect(`${here}?saved=settings`, { headers });
    }
    case "pause": {
      const paused = form.paused === "true";
      const result = await callRpc(supabase, "set_updates_paused", { circle_id: circle.id, paused });
      if (!result.ok) return reply({ formErrors: [result.failure.message], fieldErrors: {} }, result.failure.status);
      return redirect(`${here}?saved=${paused ? "paused" : "resumed"}#take-a-break`, { headers });
    }
    case "leave": {
      const result = await callRpc(supabase, "leave_circle", { circle_id: circle.id });
      if (!result.ok) return reply({ formErrors: [result.failure.message], fieldErrors: {} }, result.failure.status);
      return redirect("/circles?left=1", { headers });
    }
  }
}

const SAVED_TEXT = {
  settings: "Settings saved.",
  paused: "Take a break is on: your updates are hidden from everyone until you end the break. Tasks go on.",
  resumed: "The break is over: members see the updates you share with them again.",
} as const;

export default function Settings() {
  const { timeZones, confirmLeave, saved, name } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle, isOwner } = useCircle();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const errorsFor = (intent: Intent) => (actionData?.intent === intent ? actionData.errors : undefined);
  const base = `/circles/${circle.id}/settings`;

  if (!isOwner) {
    const errors = errorsFor("leave");
    return (
      <>
        <h1>Settings</h1>
        <p>Only the person whose circle this is can change its name, time zone and who may invite.</p>
        <section id="leave" aria-labelledby="leave-heading">
          <h2 id="leave-heading">Leave this circle</h2>
          {confirmLeave ? (
            <div className="panel panel-warning">
              <p>
                <strong>Are you sure you want to leave {circle.name}?</strong>
              </p>
              <p>
                You will stop seeing everything in this circle at once. Tasks you signed up for in the future will be
                open for others again. To come back, you would need a new invitation.
              </p>
              <FormErrorSummary id="leave-errors" errors={errors?.formErrors} />
              <Form method="post" action={base} className="form-actions">
                <input type="hidden" name="intent" value="leave" />
                <button type="submit" className="button button-danger" disabled={busy === "leave"}>
                  Yes, leave the circle
                </button>
                <Link to={base}>Cancel, stay</Link>
              </Form>
            </div>
          ) : (
            <>
              <p>You can leave at any time. The person will see in their activity log that you left.</p>
              <p>
                <Link to={`${base}?confirmLeave=1#leave`} className="button button-quiet">
                  Leave this circle…
                </Link>
              </p>
            </>
          )}
        </section>
      </>
    );
  }

  const settingsErrors = errorsFor("settings");
  const pauseErrors = errorsFor("pause");
  const values = actionData?.intent === "settings" ? actionData.values : null;

  return (
    <>
      <h1>Settings</h1>
      {saved === "settings" ? <Notice>{SAVED_TEXT.settings}</Notice> : null}

      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Circle details</h2>
        <Form method="post" action={base} className="stack" aria-describedby="settings-errors">
          <FormErrorSummary id="settings-errors" errors={settingsErrors?.formErrors} />
          <input type="hidden" name="intent" value="settings" />
          <Field
            label="Name of the circle"
            errors={settingsErrors?.fieldErrors.name}
            inputProps={{ name: "name", required: true, maxLength: 80, defaultValue: values?.name ?? name }}
          />
          <TimeZoneSelect
            options={timeZones}
            defaultValue={values?.timeZone || circle.timeZone}
            guessFromBrowser={false}
            errors={settingsErrors?.fieldErrors.timeZone}
          />
          <div className="checkbox-field">
            <input
              id="coordinators-can-invite"
              type="checkbox"
              name="coordinatorsCanInvite"
              defaultChecked={circle.coordinatorsCanInvite}
              aria-describedby="coordinators-can-invite-hint"
            />
            <label htmlFor="coordinators-can-invite">Coordinators may invite people</label>
            <p id="coordinators-can-invite-hint" className="field-hint">
              They can invite supporters only, and their invitations share Practical only. You can share more later.
            </p>
          </div>
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy === "settings"}>
              Save settings
            </button>
          </div>
        </Form>
      </section>

      <section id="take-a-break" aria-labelledby="break-heading" className="panel">
        <h2 id="break-heading">Take a break</h2>
        {saved === "paused" || saved === "resumed" ? <Notice>{SAVED_TEXT[saved]}</Notice> : null}
        <p>
          Pause all updates for everyone with one switch. While the break is on, members see none of your updates,
          old or new. Tasks go on as usual, and you still see everything.
        </p>
        <p>
          Take a break is <strong>{circle.updatesPaused ? `on${circle.pausedSince ? ` since ${circle.pausedSince}` : ""}` : "off"}</strong>.
        </p>
        <FormErrorSummary id="pause-errors" errors={pauseErrors ? [...pauseErrors.formErrors, ...Object.values(pauseErrors.fieldErrors).flat()] : undefined} />
        <Form method="post" action={base}>
          <input type="hidden" name="intent" value="pause" />
          <input type="hidden" name="paused" value={circle.updatesPaused ? "false" : "true"} />
          <button type="submit" className="button" disabled={busy === "pause"}>
            {circle.updatesPaused ? "End the break" : "Take a break from updates"}
          </button>
        </Form>
      </section>

      <section aria-labelledby="leaving-heading">
        <h2 id="leaving-heading">Leaving the circle</h2>
        <p>
          As the person whose circle this is, you can&apos;t leave it. If you no longer want it, you can export
          everything in it and delete the circle from <Link to={`/circles/${circle.id}/data`}>Your data</Link>.
        </p>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
