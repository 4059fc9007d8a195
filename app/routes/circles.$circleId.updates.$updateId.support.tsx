import type { ActionFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useParams } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { requireCircle } from "~/circles.server";
import { safeRedirect } from "~/safe-redirect";
import { outcome } from "~/updates.server";
import { formObject, readForm } from "~/validation";

// Send or withdraw support on an update (a form on every update card), then back to where it was
// sent from. set_update_support checks that the update is published and visible to the caller, and
// that it is not their own. A refusal renders this small page instead, with the reason.

const SupportSchema = z.object({
  supported: z.enum(["true", "false"]),
  redirectTo: z.string().optional(),
});

export async function loader() {
  throw new Response("Not found", { status: 404 });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, headers, circle } = await requireCircle(request, params, context);
  const updateId = z.string().uuid().safeParse(params.updateId);
  if (!updateId.success) throw new Response("Not found", { status: 404, headers });
  const submission = SupportSchema.safeParse(formObject(await readForm(request)));
  if (!submission.success) return data({ error: "That action isn't available here" }, { status: 400, headers });

  const result = outcome(
    "set_update_support",
    await supabase.rpc("set_update_support", {
      update_id: updateId.data,
      supported: submission.data.supported === "true",
    }),
  );
  if (!result.ok) return data({ error: result.failure.message }, { status: result.failure.status, headers });
  return redirect(safeRedirect(submission.data.redirectTo, `/circles/${circle.id}/updates`), { headers });
}

export default function SupportRefused() {
  const actionData = useActionData<typeof action>();
  const { circleId } = useParams();
  return (
    <div className="page-narrow">
      <h1>We couldn&apos;t send your support</h1>
      <p role="alert">{actionData?.error ?? "Please go back and try again."}</p>
      <p>
        <Link to={`/circles/${circleId}/updates`}>Back to updates</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
