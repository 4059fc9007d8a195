import type { ActionFunctionArgs, AppLoadContext, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireCircle } from "~/circles.server";
import type { TablesUpdate } from "~/database.types";
import { updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrorSummary, type FormErrors } from "~/components/forms";
import { UpdateForm } from "~/components/update-form";
import { CheckInEditSchema, formFields, UpdateFormSchema, type UpdateFormValues } from "~/updates";
import {
  audienceChoices,
  failureErrors,
  getUpdate,
  loadPeople,
  outcome,
  writableCategories,
} from "~/updates.server";
import { readForm } from "~/validation";

// Edit or delete an update: the person, any update of their circle; a coordinator, their own draft
// while it waits for the person. RLS enforces the same; this page only decides what to offer.

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Edit update · Circle" }];

async function load(request: Request, params: LoaderFunctionArgs["params"], context: AppLoadContext) {
  const access = await requireCircle(request, params, context);
  const { supabase, headers, circle, isOwner, user } = access;
  const updateId = z.string().uuid().safeParse(params.updateId);
  const update = updateId.success ? await getUpdate(supabase, circle.id, updateId.data) : null;
  if (!update) throw new Response("Not found", { status: 404, headers });
  const ownDraft = update.author_id === user.id && (update.status === "draft" || update.status === "pending");
  if (!isOwner && !ownDraft) throw new Response("Only the person can edit this update", { status: 403, headers });
  const categories = await writableCategories(access);
  const audience = isOwner ? await audienceChoices(supabase, circle.id, await loadPeople(supabase, circle.id)) : null;
  return { access, update, categories, audience };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { access, update, categories, audience } = await load(request, params, context);
  return data(
    {
      update: { id: update.id, status: update.status, checkIn: update.check_in },
      values: {
        body: update.body,
        category: update.category,
        mood: update.mood ? String(update.mood) : "",
        audience: update.audience ?? [],
      } satisfies UpdateFormValues,
      categories,
      audience,
    },
    { headers: access.headers },
  );
}

type Reply = { errors: FormErrors; values: UpdateFormValues | null };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { access, update, categories, audience } = await load(request, params, context);
  const { supabase, headers, circle, isOwner } = access;
  const fields = formFields(await readForm(request));
  const feed = `/circles/${circle.id}/updates`;

  if (fields.intent === "delete") {
    const deleted = outcome(
      "delete update",
      await supabase.from("updates").delete().eq("id", update.id).select("id"),
    );
    if (!deleted.ok) return data<Reply>({ errors: failureErrors(deleted.failure), values: null }, { status: deleted.failure.status, headers });
    return redirect(isOwner ? `${feed}?posted=deleted` : `${feed}/drafts?deleted=1`, { headers });
  }

  const values: UpdateFormValues = {
    body: typeof fields.body === "string" ? fields.body : "",
    category: typeof fields.category === "string" ? fields.category : "",
    mood: typeof fields.mood === "string" ? fields.mood : "",
    audience: Array.isArray(fields.audience) ? fields.audience : [],
  };
  const reply = (errors: FormErrors, status: number) => data<Reply>({ errors, values }, { status, headers });
  if (fields.intent !== "save") return reply({ formErrors: ["That action isn't available here"], fieldErrors: {} }, 400);
  const submission = (update.check_in ? CheckInEditSchema : UpdateFormSchema).safeParse(fields);
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const form = submission.data;
  if (!categories.includes(form.category)) {
    return reply({ formErrors: [], fieldErrors: { category: ["You can only write in the categories shared with you"] } }, 400);
  }
  if (form.audience.length > 0 && (!audience || form.audience.some((id) => !audience.some((a) => a.id === id)))) {
    return reply({ formErrors: [], fieldErrors: { audience: ["Choose people from this circle's list"] } }, 400);
  }
  if (update.check_in && form.category !== "wellbeing") {
    return reply({ formErrors: [], fieldErrors: { category: ["A check-in is always a wellbeing update"] } }, 400);
  }

  const changes: TablesUpdate<"updates"> = { body: form.body, category: form.category, mood: form.mood };
  if (isOwner) changes.audience = form.audience.length > 0 ? form.audience : null;
  const saved = outcome(
    "update update",
    await supabase.from("updates").update(changes).eq("id", update.id).select("id, status"),
  );
  if (!saved.ok) return reply(failureErrors(saved.failure), saved.failure.status);
  if (saved.data.length === 0) {
    // RLS matched nothing: the draft was approved or declined meanwhile.
    return reply({ formErrors: ["This draft was approved or declined meanwhile, so it can no longer be edited."], fieldErrors: {} }, 409);
  }
  const status = saved.data[0].status;
  return redirect(status === "published" ? `${feed}#update-${update.id}` : `${feed}/drafts`, { headers });
}

export default function EditUpdate() {
  const { update, values, categories, audience } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle, isOwner } = useCircle();
  const feed = `/circles/${circle.id}/updates`;
  const draft = update.status !== "published";
  return (
    <div className="page-narrow">
      <h1>{draft ? "Edit draft" : "Edit update"}</h1>
      {!actionData?.values && actionData?.errors ? (
        <FormErrorSummary id="delete-errors" errors={actionData.errors.formErrors} />
      ) : null}
      <UpdateForm
        categories={update.checkIn ? ["wellbeing"] : categories}
        audienceOptions={audience}
        values={actionData?.values ?? values}
        errors={actionData?.values ? actionData.errors : undefined}
        submitLabel="Save changes"
        busyLabel="Saving…"
        bodyRequired={!update.checkIn}
      />
      <details className="confirm-details danger-zone">
        <summary>Delete this {draft ? "draft" : "update"}</summary>
        <p>
          {isOwner && !draft
            ? "It disappears for everyone, with the support people sent on it. This cannot be undone."
            : "The draft is deleted. This cannot be undone."}
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="delete" />
          <button type="submit" className="button button-danger">
            Delete it for good
          </button>
        </Form>
      </details>
      <p>
        <Link to={draft ? `${feed}/drafts` : feed}>{draft ? "Back to drafts" : "Back to updates"}</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
