import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { updatesStylesheet } from "~/components/check-in-card";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrorSummary, type FormErrors } from "~/components/forms";
import { requireUser, unwrap } from "~/supabase.server";
import { failureErrors, outcome } from "~/updates.server";
import { formObject, readForm } from "~/validation";

// Delete one's own account. The circles the person owns are deleted with it; in every other circle
// they become a former member: their claims on future tasks are released, what they did stays in the
// history under "Former member". delete_account checks the typed email again.

const DeleteSchema = z.object({
  confirm: z.string({ required_error: "Type your email address" }).trim().min(1, "Type your email address"),
});

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Delete your account · Circle" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { supabase, headers, user } = await requireUser(request, context);
  const rows = unwrap(
    await supabase
      .from("circle_members")
      .select("role, circle:circles(id, name, owner_id)")
      .eq("user_id", user.id)
      .eq("status", "active"),
  );
  const circles = rows.flatMap((r) => (r.circle ? [{ ...r.circle, owned: r.circle.owner_id === user.id }] : []));
  return data(
    {
      email: user.email ?? "",
      owned: circles.filter((c) => c.owned).map((c) => ({ id: c.id, name: c.name })),
      memberOf: circles.filter((c) => !c.owned).map((c) => ({ id: c.id, name: c.name })),
    },
    { headers },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { supabase, headers } = await requireUser(request, context);
  const raw = formObject(await readForm(request));
  const reply = (errors: FormErrors, status: number) => data({ errors, confirm: raw.confirm ?? "" }, { status, headers });
  const submission = DeleteSchema.safeParse(raw);
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const result = outcome("delete_account", await supabase.rpc("delete_account", { confirm_email: submission.data.confirm }));
  if (!result.ok) return reply(failureErrors(result.failure), result.failure.status);
  // The account is gone; clear this browser's session cookies without asking the auth server.
  await supabase.auth.signOut({ scope: "local" });
  return redirect("/account/deleted", { headers });
}

export default function DeleteAccount() {
  const { email, owned, memberOf } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div className="page-narrow">
      <h1>Delete your account</h1>
      <p className="lead">This signs you out everywhere and removes your account for good. It cannot be undone.</p>
      {owned.length > 0 ? (
        <section aria-labelledby="owned-heading">
          <h2 id="owned-heading">Your circles are deleted with it</h2>
          <p>Everything in them goes too, for everyone in them. Download their data first if you may want it:</p>
          <ul>
            {owned.map((c) => (
              <li key={c.id}>
                {c.name}: <Link to={`/circles/${c.id}/data`}>download or delete it on its own</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {memberOf.length > 0 ? (
        <section aria-labelledby="member-heading">
          <h2 id="member-heading">You leave the circles you help in</h2>
          <p>
            The tasks you claimed from now on are opened up again for others. What you already did and wrote stays in
            each circle&apos;s history, shown as “Former member”.
          </p>
          <ul>
            {memberOf.map((c) => (
              <li key={c.id}>{c.name}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="confirm-heading" className="danger-zone">
        <h2 id="confirm-heading">Confirm</h2>
        <Form method="post" className="stack" aria-describedby="delete-account-errors">
          <FormErrorSummary id="delete-account-errors" errors={actionData?.errors.formErrors} />
          <Field
            label={`Type your email address, ${email}, to confirm`}
            errors={actionData?.errors.fieldErrors.confirm}
            inputProps={{ name: "confirm", type: "email", autoComplete: "off", required: true, defaultValue: actionData?.confirm }}
          />
          <div className="form-actions">
            <button type="submit" className="button button-danger" disabled={busy}>
              {busy ? "Deleting…" : "Delete my account"}
            </button>
            <Link to="/">Keep my account</Link>
          </div>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
