import type { ActionFunctionArgs, AppLoadContext, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireCircle } from "~/circles.server";
import { updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { FormErrors } from "~/components/forms";
import { UpdateForm } from "~/components/update-form";
import { formFields, UpdateFormSchema, type UpdateFormValues } from "~/updates";
import { audienceChoices, failureErrors, loadPeople, outcome, writableCategories } from "~/updates.server";
import { readForm } from "~/validation";

// The person posts an update (published at once); a coordinator drafts one for the person to approve,
// in a category they hold themselves. Supporters have nothing to do here.

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "New update · Circle" }];

async function load(request: Request, params: LoaderFunctionArgs["params"], context: AppLoadContext) {
  const access = await requireCircle(request, params, context);
  const categories = await writableCategories(access);
  if (categories.length === 0) {
    throw new Response("Only the person and coordinators can write updates", { status: 403, headers: access.headers });
  }
  const audience = access.isOwner
    ? await audienceChoices(access.supabase, access.circle.id, await loadPeople(access.supabase, access.circle.id))
    : null;
  return { access, categories, audience };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { access, categories, audience } = await load(request, params, context);
  return data({ categories, audience }, { headers: access.headers });
}

type Reply = { errors: FormErrors; values: UpdateFormValues };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { access, categories, audience } = await load(request, params, context);
  const { supabase, headers, circle, isOwner } = access;
  const fields = formFields(await readForm(request));
  const values: UpdateFormValues = {
    body: typeof fields.body === "string" ? fields.body : "",
    category: typeof fields.category === "string" ? fields.category : "",
    mood: typeof fields.mood === "string" ? fields.mood : "",
    audience: Array.isArray(fields.audience) ? fields.audience : [],
  };
  const reply = (errors: FormErrors, status: number) => data<Reply>({ errors, values }, { status, headers });

  const submission = UpdateFormSchema.safeParse(fields);
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const form = submission.data;
  if (!categories.includes(form.category)) {
    return reply({ formErrors: [], fieldErrors: { category: ["You can only write in the categories shared with you"] } }, 400);
  }
  if (form.audience.length > 0 && (!audience || form.audience.some((id) => !audience.some((a) => a.id === id)))) {
    return reply({ formErrors: [], fieldErrors: { audience: ["Choose people from this circle's list"] } }, 400);
  }

  const result = outcome(
    "insert update",
    await supabase
      .from("updates")
      .insert({
        circle_id: circle.id,
        body: form.body,
        category: form.category,
        mood: form.mood,
        audience: form.audience.length > 0 ? form.audience : null,
        status: isOwner ? "published" : "pending",
      })
      .select("id")
      .single(),
  );
  if (!result.ok) return reply(failureErrors(result.failure), result.failure.status);
  return isOwner
    ? redirect(`/circles/${circle.id}/updates?posted=published#update-${result.data.id}`, { headers })
    : redirect(`/circles/${circle.id}/updates/drafts?submitted=1`, { headers });
}

export default function NewUpdate() {
  const { categories, audience } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle, isOwner } = useCircle();
  return (
    <div className="page-narrow">
      <h1>{isOwner ? "Post an update" : "Draft an update"}</h1>
      <p className="lead">
        {isOwner
          ? "Share how things are, once, with the people you choose."
          : "Your draft stays between you and the person until they approve it. They may edit it first, or decline it."}
      </p>
      <UpdateForm
        categories={categories}
        audienceOptions={audience}
        values={actionData?.values ?? { body: "", category: isOwner ? "general" : categories[0], mood: "", audience: [] }}
        errors={actionData?.errors}
        submitLabel={isOwner ? "Share update" : "Send for approval"}
        busyLabel={isOwner ? "Sharing…" : "Sending…"}
      />
      <p>
        <Link to={`/circles/${circle.id}/updates`}>Back to updates</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
