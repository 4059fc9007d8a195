import type { ActionFunctionArgs, AppLoadContext, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireCircle } from "~/circles.server";
import { updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrorSummary, type FormErrors } from "~/components/forms";
import { failureErrors, outcome } from "~/updates.server";
import { formObject, readForm } from "~/validation";

// The person's data: download everything as JSON, or delete the circle after typing its name. The
// RPC checks the name again (and the owner): the page is not the only guard.

const DeleteSchema = z.object({
  confirm: z.string({ required_error: "Type the name of the circle" }).trim().min(1, "Type the name of the circle"),
});

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Your data · Circle" }];

async function requireOwnerAccess(request: Request, params: LoaderFunctionArgs["params"], context: AppLoadContext) {
  const access = await requireCircle(request, params, context);
  if (!access.isOwner) {
    throw new Response("Only the person whose circle this is can do this", { status: 403, headers: access.headers });
  }
  return access;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { headers } = await requireOwnerAccess(request, params, context);
  return data(null, { headers });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, headers, circle } = await requireOwnerAccess(request, params, context);
  const raw = formObject(await readForm(request));
  const reply = (errors: FormErrors, status: number) => data({ errors, confirm: raw.confirm ?? "" }, { status, headers });
  const submission = DeleteSchema.safeParse(raw);
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const result = outcome(
    "delete_circle",
    await supabase.rpc("delete_circle", { circle_id: circle.id, confirm_name: submission.data.confirm }),
  );
  if (!result.ok) return reply(failureErrors(result.failure), result.failure.status);
  return redirect("/circles?deleted=1", { headers });
}

export default function YourData() {
  const actionData = useActionData<typeof action>();
  const { circle } = useCircle();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div className="page-narrow">
      <h1>Your data</h1>
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">Download everything</h2>
        <p>
          One JSON file with all of “{circle.name}”: the members and what each of them may see, invitations, tasks and
          who claimed them, updates, support and notes, your support plan and the full activity log. Keep it somewhere
          safe: it holds everything you shared.
        </p>
        <p>
          <a href={`/circles/${circle.id}/data/export`} className="button" download>
            Download the circle’s data
          </a>
        </p>
      </section>

      <section aria-labelledby="delete-heading" className="danger-zone">
        <h2 id="delete-heading">Delete this circle</h2>
        <p>
          This deletes “{circle.name}” and everything in it, for everyone: members, tasks, updates, notes, your support
          plan and the activity log. No one is told by email. It cannot be undone; download your data first if you may
          want it later.
        </p>
        <Form method="post" className="stack" aria-describedby="delete-errors">
          <FormErrorSummary id="delete-errors" errors={actionData?.errors.formErrors} />
          <Field
            label={`Type the circle’s name, “${circle.name}”, to confirm`}
            errors={actionData?.errors.fieldErrors.confirm}
            inputProps={{ name: "confirm", autoComplete: "off", required: true, defaultValue: actionData?.confirm }}
          />
          <div className="form-actions">
            <button type="submit" className="button button-danger" disabled={busy}>
              {busy ? "Deleting…" : "Delete the circle for good"}
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
