import type { ActionFunctionArgs, AppLoadContext, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useId } from "react";
import { z } from "zod";
import { requireCircle } from "~/circles.server";
import { updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { SelectField } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorList, FormErrorSummary, type FormErrors } from "~/components/forms";
import { TextAreaField } from "~/components/update-form";
import { CATEGORIES, CATEGORY_WORDS, categoryList } from "~/consent";
import { unwrap } from "~/supabase.server";
import { CategorySchema, formFields, MemberIdsSchema, PLAN_KINDS, PLAN_SECTION_MAX, PlanBodySchema, planSection } from "~/updates";
import { audienceChoices, failureErrors, loadPeople, outcome } from "~/updates.server";
import { readForm } from "~/validation";

// Write, edit or remove one section of the support plan (the person only; RLS allows no one else).

const SectionSchema = z.object({
  intent: z.literal("save"),
  body: PlanBodySchema,
  category: CategorySchema,
  audience: MemberIdsSchema.default([]),
});

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Support plan · Circle" }];

async function load(request: Request, params: LoaderFunctionArgs["params"], context: AppLoadContext) {
  const access = await requireCircle(request, params, context);
  const kind = z.enum(PLAN_KINDS).safeParse(params.kind);
  if (!kind.success) throw new Response("Not found", { status: 404, headers: access.headers });
  if (!access.isOwner) {
    throw new Response("Only the person edits their support plan", { status: 403, headers: access.headers });
  }
  const { supabase, circle } = access;
  const [existing, choices] = await Promise.all([
    supabase
      .from("support_plan_sections")
      .select("id, body, category, audience")
      .eq("circle_id", circle.id)
      .eq("kind", kind.data)
      .maybeSingle()
      .then(unwrap),
    loadPeople(supabase, circle.id).then((people) => audienceChoices(supabase, circle.id, people)),
  ]);
  return { access, kind: kind.data, existing, choices };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { access, kind, existing, choices } = await load(request, params, context);
  const section = planSection(kind)!;
  return data(
    {
      kind,
      exists: Boolean(existing),
      values: {
        body: existing?.body ?? "",
        category: existing?.category ?? section.defaultCategory,
        audience: existing?.audience ?? [],
      },
      choices,
    },
    { headers: access.headers },
  );
}

type Values = { body: string; category: string; audience: string[] };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { access, kind, existing, choices } = await load(request, params, context);
  const { supabase, headers, circle } = access;
  const fields = formFields(await readForm(request));
  const plan = `/circles/${circle.id}/plan`;
  const values: Values = {
    body: typeof fields.body === "string" ? fields.body : "",
    category: typeof fields.category === "string" ? fields.category : "",
    audience: Array.isArray(fields.audience) ? fields.audience : [],
  };
  const reply = (errors: FormErrors, status: number) => data({ errors, values }, { status, headers });

  if (fields.intent === "delete") {
    if (existing) {
      const deleted = outcome("delete plan section", await supabase.from("support_plan_sections").delete().eq("id", existing.id));
      if (!deleted.ok) return reply(failureErrors(deleted.failure), deleted.failure.status);
    }
    return redirect(`${plan}?removed=1`, { headers });
  }

  const submission = SectionSchema.safeParse(fields);
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const form = submission.data;
  if (form.audience.some((id) => !choices.some((c) => c.id === id))) {
    return reply({ formErrors: [], fieldErrors: { audience: ["Choose people from this circle's list"] } }, 400);
  }
  const row = { body: form.body, category: form.category, audience: form.audience.length > 0 ? form.audience : null };
  const saved = existing
    ? outcome("update plan section", await supabase.from("support_plan_sections").update(row).eq("id", existing.id))
    : outcome("insert plan section", await supabase.from("support_plan_sections").insert({ ...row, circle_id: circle.id, kind }));
  if (!saved.ok) return reply(failureErrors(saved.failure), saved.failure.status);
  return redirect(`${plan}?saved=1`, { headers });
}

export default function PlanSection() {
  const { kind, exists, values, choices } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle } = useCircle();
  const navigation = useNavigation();
  const id = useId();
  const busy = navigation.state === "submitting";
  const section = planSection(kind)!;
  const current = actionData?.values ?? values;
  const errors = actionData?.errors;

  return (
    <div className="page-narrow">
      <h1>{section.title}</h1>
      <p className="lead">{section.prompt}</p>
      <Form method="post" className="stack" aria-describedby={`${id}-errors`}>
        <FormErrorSummary id={`${id}-errors`} errors={errors?.formErrors} />
        <input type="hidden" name="intent" value="save" />
        <TextAreaField
          label={section.title}
          name="body"
          maxLength={PLAN_SECTION_MAX}
          rows={8}
          defaultValue={current.body}
          errors={errors?.fieldErrors.body}
        />
        <SelectField
          label="Who may read this section"
          hint="Members read it only if you share this kind of information with them."
          errors={errors?.fieldErrors.category}
          options={CATEGORIES.map((c) => ({ value: c, label: `${CATEGORY_WORDS[c].label}: ${CATEGORY_WORDS[c].forOwner}` }))}
          selectProps={{ name: "category", defaultValue: current.category, required: true }}
        />
        <fieldset
          className="choice-group"
          aria-describedby={`${id}-audience-hint${errors?.fieldErrors.audience ? ` ${id}-audience-error` : ""}`}
        >
          <legend>Only for… (optional)</legend>
          <p id={`${id}-audience-hint`} className="field-hint">
            Leave everyone unticked for everyone who holds the kind chosen above.
          </p>
          <ul className="choice-list">
            {choices.map((choice) => (
              <li key={choice.id} className="choice">
                <input
                  id={`${id}-aud-${choice.id}`}
                  type="checkbox"
                  name="audience"
                  value={choice.id}
                  defaultChecked={current.audience.includes(choice.id)}
                />
                <label htmlFor={`${id}-aud-${choice.id}`}>
                  <span className="choice-label">{choice.title}</span>
                  <span className="choice-description">sees {categoryList(choice.categories).toLowerCase()}</span>
                </label>
              </li>
            ))}
          </ul>
          <ErrorList id={`${id}-audience-error`} errors={errors?.fieldErrors.audience} />
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Saving…" : "Save section"}
          </button>
          <Link to={`/circles/${circle.id}/plan`}>Back to the plan</Link>
        </div>
      </Form>
      {exists ? (
        <details className="confirm-details danger-zone">
          <summary>Remove this section</summary>
          <p>No one will see it any more. This cannot be undone.</p>
          <Form method="post">
            <input type="hidden" name="intent" value="delete" />
            <button type="submit" className="button button-danger">
              Remove “{section.title}”
            </button>
          </Form>
        </details>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
