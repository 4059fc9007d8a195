import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { timeZoneOptions, timeZoneSchema } from "~/calendar/time";
import { callRpc } from "~/circles.server";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrorSummary, type FormErrors } from "~/components/forms";
import { TimeZoneSelect } from "~/components/time-zone-select";
import { ROLE_WORDS } from "~/consent";
import { displayNameOf, requireUser, unwrap } from "~/supabase.server";
import { formObject, readForm } from "~/validation";

const CreateCircleSchema = z.object({
  name: z
    .string({ required_error: "Give your circle a name" })
    .trim()
    .min(1, "Give your circle a name")
    .max(80, "Please keep the name under 80 characters"),
  timeZone: z.string({ required_error: "Choose a time zone from the list" }).pipe(timeZoneSchema),
});

const DEFAULT_TIME_ZONE = "Europe/London";

export const meta: MetaFunction = () => [{ title: "Your circles · Circle" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { supabase, headers, user } = await requireUser(request, context);
  const rows = unwrap(
    await supabase
      .from("circle_members")
      .select("role, circle:circles(id, name, updates_paused)")
      .eq("user_id", user.id)
      .eq("status", "active"),
  );
  const circles = rows
    .flatMap(({ role, circle }) => (circle ? [{ ...circle, role }] : []))
    .sort((a, b) => Number(b.role === "owner") - Number(a.role === "owner") || a.name.localeCompare(b.name));
  const search = new URL(request.url).searchParams;
  const left = search.get("left") === "1";
  const deleted = search.get("deleted") === "1";
  return data(
    {
      circles,
      left,
      deleted,
      suggestedName: `${displayNameOf(user)}'s circle`,
      timeZones: timeZoneOptions(new Date()),
      defaultTimeZone: DEFAULT_TIME_ZONE,
    },
    { headers },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { supabase, headers } = await requireUser(request, context);
  const formData = await readForm(request);
  const values = { name: String(formData.get("name") ?? ""), timeZone: String(formData.get("timeZone") ?? "") };
  const submission = CreateCircleSchema.safeParse(formObject(formData));
  if (!submission.success) {
    const errors: FormErrors = submission.error.flatten();
    return data({ errors, values }, { status: 400, headers });
  }
  const result = await callRpc(supabase, "create_circle", {
    name: submission.data.name,
    time_zone: submission.data.timeZone,
  });
  if (!result.ok) {
    const field = result.failure.key === "invalid_time_zone" ? "timeZone" : result.failure.key === "invalid_circle_name" ? "name" : null;
    const errors: FormErrors = field
      ? { formErrors: [], fieldErrors: { [field]: [result.failure.message] } }
      : { formErrors: [result.failure.message], fieldErrors: {} };
    return data({ errors, values }, { status: result.failure.status, headers });
  }
  return redirect(`/circles/${result.data.id}`, { headers });
}

export default function Circles() {
  const { circles, left, deleted, suggestedName, timeZones, defaultTimeZone } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const hasCircles = circles.length > 0;

  return (
    <div className="page-narrow">
      <h1>{hasCircles ? "Your circles" : "Start your circle"}</h1>
      {left ? <Notice>You left the circle. It no longer appears here.</Notice> : null}
      {deleted ? <Notice>The circle and everything in it were deleted.</Notice> : null}
      {hasCircles ? (
        <ul className="card-list" aria-label="Your circles">
          {circles.map((circle) => (
            <li key={circle.id} className="card">
              <Link to={`/circles/${circle.id}`} className="card-title">
                {circle.name}
              </Link>
              <p className="muted">
                Your role: {ROLE_WORDS[circle.role].label}
                {circle.updates_paused ? " · Taking a break from updates" : ""}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="lead">
          A circle is your private space: you invite the people you choose, and you decide exactly what each
          of them sees. You can change that at any time.
        </p>
      )}

      <section aria-labelledby="create-circle-heading" className={hasCircles ? "panel" : undefined}>
        <h2 id="create-circle-heading">{hasCircles ? "Start another circle" : "Create your circle"}</h2>
        <Form method="post" className="stack" aria-describedby="create-circle-errors">
          <FormErrorSummary id="create-circle-errors" errors={errors?.formErrors} />
          <Field
            label="Name of the circle"
            hint="Only the people you invite will see it."
            errors={errors?.fieldErrors.name}
            inputProps={{
              name: "name",
              required: true,
              maxLength: 80,
              defaultValue: actionData?.values.name ?? (hasCircles ? "" : suggestedName),
            }}
          />
          <TimeZoneSelect
            options={timeZones}
            defaultValue={actionData?.values.timeZone || defaultTimeZone}
            guessFromBrowser={!actionData}
            errors={errors?.fieldErrors.timeZone}
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? "Creating…" : "Create the circle"}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
