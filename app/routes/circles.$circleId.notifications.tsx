import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { formatInZone, zoneLabel } from "~/calendar/time";
import { WEEKDAYS } from "~/calendar/words";
import { callRpc, requireCircle } from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { ChoiceGroup, Notice, SelectField } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrorSummary, type FormErrors } from "~/components/forms";
import { DEFAULT_SCHEDULE, DIGEST_FREQUENCIES, nextDigestAt } from "~/digest/schedule";
import { DeviceNotifications } from "~/push/device-notifications";
import { addDevice, listDevices, PushOffSchema, PushOnSchema, pushPublicKey, removeDevice } from "~/push/subscriptions.server";
import { unwrap } from "~/supabase.server";
import { formObject, readForm } from "~/validation";

// A member's email settings for one circle: how often the digest comes (daily, weekly on a chosen day,
// or off) and at what local hour; for the person and coordinators, the two immediate notices. The
// person also chooses what digests show of updates. Linked from every digest. Everything is read and
// written with the member's own token (set_email_preferences, set_circle_email_settings).

const DigestSchema = z.object({
  intent: z.literal("digest"),
  frequency: z.enum(DIGEST_FREQUENCIES, { errorMap: () => ({ message: "Choose daily, weekly or off" }) }),
  weekday: z.coerce.number({ invalid_type_error: "Choose a day" }).int().min(1, "Choose a day").max(7, "Choose a day"),
  hour: z.coerce.number({ invalid_type_error: "Choose a time" }).int().min(0, "Choose a time").max(23, "Choose a time"),
  // Present only when the notice boxes were on the form (person and coordinators).
  notices: z.literal("shown").optional(),
  notifyClaimed: z.literal("on").optional(),
  notifyReleased: z.literal("on").optional(),
});

const CircleSchema = z.object({
  intent: z.literal("circle"),
  updateText: z.enum(["titles", "full"], { errorMap: () => ({ message: "Choose titles only or full text" }) }),
});

const ActionSchema = z.discriminatedUnion("intent", [DigestSchema, CircleSchema, PushOnSchema, PushOffSchema], {
  errorMap: () => ({ message: "That action isn't available here" }),
});

const Saved = z.enum(["digest", "circle", "push-on", "push-off"]);

export const meta: MetaFunction = () => [{ title: "Email settings · Circle" }];

const hourLabel = (hour: number) => `${String(hour).padStart(2, "0")}:00`;
const HOURS = Array.from({ length: 24 }, (_, hour) => ({ value: String(hour), label: hourLabel(hour) }));

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, me, isOwner } = await requireCircle(request, params, context);
  const [prefs, setting, devices] = await Promise.all([
    supabase
      .from("email_preferences")
      .select("digest_frequency, digest_weekday, digest_hour, notify_claimed, notify_released")
      .eq("member_id", me.id)
      .maybeSingle()
      .then(unwrap),
    supabase
      .from("circle_email_settings")
      .select("update_text")
      .eq("circle_id", circle.id)
      .maybeSingle()
      .then((result) => unwrap(result) as { update_text: "titles" | "full" } | null),
    listDevices(supabase, me.id),
  ]);
  const schedule = {
    frequency: prefs?.digest_frequency ?? DEFAULT_SCHEDULE.frequency,
    weekday: prefs?.digest_weekday ?? DEFAULT_SCHEDULE.weekday,
    hour: prefs?.digest_hour ?? DEFAULT_SCHEDULE.hour,
  };
  const next = nextDigestAt(new Date(), circle.time_zone, schedule);
  const saved = Saved.safeParse(new URL(request.url).searchParams.get("saved"));
  return data(
    {
      schedule,
      next: next ? formatInZone(next, circle.time_zone) : null,
      zone: zoneLabel(circle.time_zone),
      notices: me.role === "owner" || me.role === "coordinator",
      notifyClaimed: prefs?.notify_claimed ?? true,
      notifyReleased: prefs?.notify_released ?? true,
      isOwner,
      updateText: setting?.update_text ?? "titles",
      saved: saved.success ? saved.data : null,
      push: { publicKey: pushPublicKey(), devices },
    },
    { headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, headers, circle, isOwner, me } = await requireCircle(request, params, context);
  const submission = ActionSchema.safeParse(formObject(await readForm(request)));
  if (!submission.success) {
    return data({ errors: submission.error.flatten() as FormErrors }, { status: 400, headers });
  }
  const form = submission.data;
  const here = `/circles/${circle.id}/notifications`;
  if (form.intent === "push-on") {
    await addDevice(supabase, me.id, circle.id, form);
    return redirect(`${here}?saved=push-on`, { headers });
  }
  if (form.intent === "push-off") {
    await removeDevice(supabase, me.id, form);
    return redirect(`${here}?saved=push-off`, { headers });
  }
  if (form.intent === "digest") {
    const result = await callRpc(supabase, "set_email_preferences", {
      circle_id: circle.id,
      digest_frequency: form.frequency,
      digest_weekday: form.weekday,
      digest_hour: form.hour,
      notify_claimed: form.notices ? form.notifyClaimed === "on" : null,
      notify_released: form.notices ? form.notifyReleased === "on" : null,
    });
    if (!result.ok) return data({ errors: { formErrors: [result.failure.message], fieldErrors: {} } }, { status: result.failure.status, headers });
    return redirect(`${here}?saved=digest`, { headers });
  }
  if (!isOwner) {
    return data({ errors: { formErrors: ["Only the person whose circle this is can change that."], fieldErrors: {} } }, { status: 403, headers });
  }
  const result = await callRpc(supabase, "set_circle_email_settings", { circle_id: circle.id, update_text: form.updateText });
  if (!result.ok) return data({ errors: { formErrors: [result.failure.message], fieldErrors: {} } }, { status: result.failure.status, headers });
  return redirect(`${here}?saved=circle`, { headers });
}

export default function EmailSettings() {
  const page = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { circle } = useCircle();
  const busy = useNavigation().state !== "idle";
  const errors = reply?.errors.fieldErrors as Record<string, string[] | undefined> | undefined;

  return (
    <>
      <h1>Email settings</h1>
      <p>
        What {circle.name} sends you by email. Times are in {page.zone}, the circle&apos;s time zone.
      </p>
      {page.saved === "digest" ? <Notice>Your email settings are saved.</Notice> : null}
      {page.saved === "push-on" ? <Notice>Notifications from this circle are on for this device.</Notice> : null}
      {page.saved === "push-off" ? <Notice>That device no longer gets notifications from this circle.</Notice> : null}
      {page.saved === "circle" ? <Notice>Saved: digests now show {page.updateText === "full" ? "the full text of updates" : "update titles only"}.</Notice> : null}
      <FormErrorSummary id="email-settings-errors" errors={reply?.errors.formErrors} />

      <h2>Digest of upcoming needs</h2>
      <p className="muted">
        Tasks you could help with in the next 7 days, your own tasks, and what is new in updates. Nothing to say,
        no email.
      </p>
      <Form method="post" className="stack" aria-describedby="email-settings-errors">
        <input type="hidden" name="intent" value="digest" />
        <ChoiceGroup
          type="radio"
          legend="How often"
          name="frequency"
          errors={errors?.frequency}
          checked={[page.schedule.frequency]}
          options={[
            { value: "daily", label: "Daily" },
            { value: "weekly", label: "Weekly", description: "On the day below" },
            { value: "off", label: "Off", description: "No digest from this circle" },
          ]}
        />
        <SelectField
          label="Day (weekly digest)"
          errors={errors?.weekday}
          options={WEEKDAYS.map((day) => ({ value: String(day.value), label: day.label }))}
          selectProps={{ name: "weekday", defaultValue: String(page.schedule.weekday) }}
        />
        <SelectField
          label="Time"
          hint={`Around this time, ${page.zone}. Reminders of your tasks come at this time the day before.`}
          errors={errors?.hour}
          options={HOURS}
          selectProps={{ name: "hour", defaultValue: String(page.schedule.hour) }}
        />
        {page.notices ? (
          <>
            <input type="hidden" name="notices" value="shown" />
            <fieldset className="choice-group">
              <legend>Tell me right away when</legend>
              <ul className="choice-list">
                <li className="choice">
                  <input id="notify-claimed" type="checkbox" name="notifyClaimed" defaultChecked={page.notifyClaimed} />
                  <label htmlFor="notify-claimed">
                    <span className="choice-label">Someone claims a task</span>
                  </label>
                </li>
                <li className="choice">
                  <input id="notify-released" type="checkbox" name="notifyReleased" defaultChecked={page.notifyReleased} />
                  <label htmlFor="notify-released">
                    <span className="choice-label">A helper releases a task less than 48 hours before it</span>
                  </label>
                </li>
              </ul>
            </fieldset>
          </>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            Save email settings
          </button>
        </div>
      </Form>
      <p className="muted">{page.next ? `Next digest: ${page.next}.` : "The digest is off."}</p>

      <DeviceNotifications publicKey={page.push.publicKey} devices={page.push.devices} />

      {page.isOwner ? (
        <>
          <h2>What digests show of your updates</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="circle" />
            <ChoiceGroup
              type="radio"
              legend="For everyone in your circle"
              hint="Health and wellbeing updates never appear in an email, whatever you choose: only that there is one."
              name="updateText"
              errors={errors?.updateText}
              checked={[page.updateText]}
              options={[
                { value: "titles", label: "Titles only", description: "Who shared an update and when; the text stays in Circle." },
                { value: "full", label: "Full text", description: "The text of practical, general and milestone updates." },
              ]}
            />
            <div className="form-actions">
              <button type="submit" className="button button-secondary" disabled={busy}>
                Save
              </button>
            </div>
          </Form>
        </>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
