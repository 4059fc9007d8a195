import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { jsonObject } from "~/audit";
import { requireCircle } from "~/circles.server";
import { updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrorSummary, type FormErrors } from "~/components/forms";
import { CategoryTag, MoodTag } from "~/components/update-card";
import { UpdateText } from "~/components/update-text";
import { formatMoment } from "~/format";
import { unwrap } from "~/supabase.server";
import { FORMER_MEMBER, normaliseText, REVIEW_NOTE_MAX } from "~/updates";
import { failureErrors, listDrafts, loadPeople, outcome, reviewDraft } from "~/updates.server";
import { formObject, readForm } from "~/validation";

// Drafts. For the person: the drafts coordinators sent for approval, to approve (publish) or decline
// with an optional note. For a coordinator: their own drafts, the person's decisions, and the notes
// that came with a refusal. Supporters do not draft.

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("approve"), updateId: z.string().uuid() }),
    z.object({
      intent: z.literal("decline"),
      updateId: z.string().uuid(),
      note: z
        .string()
        .optional()
        .transform((v) => normaliseText(v ?? ""))
        .pipe(z.string().max(REVIEW_NOTE_MAX, `Keep the note to ${REVIEW_NOTE_MAX} characters or fewer`)),
    }),
    z.object({ intent: z.literal("delete"), updateId: z.string().uuid() }),
  ],
  { errorMap: () => ({ message: "That action isn't available here" }) },
);

const QuerySchema = z.object({
  reviewed: z.enum(["approved", "declined"]).optional(),
  emailed: z.enum(["0", "1"]).optional(),
  submitted: z.literal("1").optional(),
  deleted: z.literal("1").optional(),
});

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Drafts · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, me, isOwner } = await requireCircle(request, params, context);
  if (!isOwner && me.role !== "coordinator") {
    throw new Response("Only the person and coordinators have drafts", { status: 403, headers });
  }
  const people = await loadPeople(supabase, circle.id);
  const [drafts, decisions] = await Promise.all([
    listDrafts(supabase, circle.id, { isOwner }),
    isOwner
      ? Promise.resolve([])
      : // The person's decisions are audited with the author as subject: a member reads those about them.
        unwrap(
          await supabase
            .from("audit_events")
            .select("id, action, details, created_at")
            .eq("circle_id", circle.id)
            .eq("subject_member_id", me.id)
            .in("action", ["update_approved", "update_declined"])
            .order("created_at", { ascending: false })
            .limit(10),
        ),
  ]);
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const owner = people.members.find((m) => m.role === "owner");
  return data(
    {
      personName: owner?.name ?? "The person",
      drafts: drafts.map((d) => ({
        id: d.id,
        body: d.body,
        category: d.category,
        mood: d.mood,
        status: d.status,
        reviewNote: d.review_note,
        author: (d.author_id && people.byUserId.get(d.author_id)) || FORMER_MEMBER,
        written: formatMoment(d.created_at, circle.time_zone),
        audienceNames: d.audience?.map((id) => people.byMemberId.get(id) ?? FORMER_MEMBER) ?? null,
      })),
      decisions: decisions.map((d) => {
        const { note } = jsonObject(d.details);
        return {
          id: d.id,
          approved: d.action === "update_approved",
          note: typeof note === "string" ? note : null,
          when: formatMoment(d.created_at, circle.time_zone),
        };
      }),
      notice: query.success ? query.data : {},
    },
    { headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, headers, circle, isOwner, me } = await requireCircle(request, params, context);
  const submission = ActionSchema.safeParse(formObject(await readForm(request)));
  const reply = (errors: FormErrors, status: number, updateId?: string) =>
    data({ errors, updateId: updateId ?? null }, { status, headers });
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const form = submission.data;
  const here = `/circles/${circle.id}/updates/drafts`;

  if (form.intent === "delete") {
    const deleted = outcome(
      "delete draft",
      await supabase.from("updates").delete().eq("id", form.updateId).eq("circle_id", circle.id).select("id"),
    );
    if (!deleted.ok) return reply(failureErrors(deleted.failure), deleted.failure.status, form.updateId);
    if (deleted.data.length === 0) return reply({ formErrors: ["That draft is no longer here."], fieldErrors: {} }, 404, form.updateId);
    return redirect(`${here}?deleted=1`, { headers });
  }

  if (!isOwner) {
    return reply({ formErrors: ["Only the person whose circle this is can approve or decline drafts."], fieldErrors: {} }, 403);
  }
  const result = await reviewDraft(supabase, {
    circleId: circle.id,
    updateId: form.updateId,
    approve: form.intent === "approve",
    note: form.intent === "decline" && form.note ? form.note : null,
    personName: me.name,
  });
  if (!result.ok) return reply(failureErrors(result.failure), result.failure.status, form.updateId);
  const params_ = new URLSearchParams({
    reviewed: form.intent === "approve" ? "approved" : "declined",
    emailed: result.data.emailed ? "1" : "0",
  });
  return redirect(`${here}?${params_}`, { headers });
}

export default function Drafts() {
  const { drafts, decisions, notice, personName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle, isOwner } = useCircle();
  const navigation = useNavigation();
  const busyId = navigation.state === "submitting" ? navigation.formData?.get("updateId") : null;
  const base = `/circles/${circle.id}/updates`;

  return (
    <div className="page-narrow">
      <h1>{isOwner ? "Drafts waiting for you" : "Your drafts"}</h1>
      {notice.reviewed ? (
        <Notice>
          {notice.reviewed === "approved" ? "The update is published." : "The draft is declined."}{" "}
          {notice.emailed === "1" ? "Its author has been told by email." : ""}
        </Notice>
      ) : null}
      {notice.submitted ? <Notice>Your draft is waiting for {personName}&apos;s approval.</Notice> : null}
      {notice.deleted ? <Notice>The draft is deleted.</Notice> : null}
      {actionData && !actionData.updateId ? <FormErrorSummary id="drafts-errors" errors={actionData.errors.formErrors} /> : null}
      <p className="lead">
        {isOwner
          ? "Coordinators can draft updates for you. Nothing is shared until you approve it; you can edit a draft first."
          : `Only you and ${personName} see your drafts. ${personName} approves, edits or declines them.`}
      </p>

      {drafts.length === 0 ? (
        <p>{isOwner ? "No drafts are waiting for you." : "You have no drafts."}</p>
      ) : (
        <ul className="card-list">
          {drafts.map((draft) => {
            const errors = actionData?.updateId === draft.id ? actionData.errors : undefined;
            const busy = busyId === draft.id;
            return (
              <li key={draft.id} className="card draft-card">
                <p className="update-tags">
                  <CategoryTag category={draft.category} />
                  {draft.mood ? <MoodTag mood={draft.mood} /> : null}
                  {draft.status === "declined" ? <span className="badge badge-declined">Declined</span> : null}
                  {draft.status !== "declined" ? <span className="badge badge-pending">Waiting for approval</span> : null}
                </p>
                <p className="muted small">
                  {isOwner ? `Drafted by ${draft.author}` : "Written"} on {draft.written}
                  {draft.audienceNames ? ` · for ${draft.audienceNames.join(", ")}` : ""}
                </p>
                <UpdateText text={draft.body} />
                {draft.reviewNote ? (
                  <p className="notice">
                    <strong>{personName}&apos;s note:</strong> {draft.reviewNote}
                  </p>
                ) : null}
                <FormErrorSummary id={`draft-${draft.id}-errors`} errors={errors?.formErrors} />
                {isOwner ? (
                  <>
                    <div className="form-actions compact">
                      <Form method="post">
                        <input type="hidden" name="intent" value="approve" />
                        <input type="hidden" name="updateId" value={draft.id} />
                        <button type="submit" className="button" disabled={busy}>
                          Approve and share
                        </button>
                      </Form>
                      <Link to={`${base}/${draft.id}/edit`}>Edit first</Link>
                    </div>
                    <Form method="post" className="review-form">
                      <input type="hidden" name="intent" value="decline" />
                      <input type="hidden" name="updateId" value={draft.id} />
                      <div className="field">
                        <label htmlFor={`note-${draft.id}`}>
                          A note for {draft.author} <span className="muted">(optional)</span>
                        </label>
                        <input
                          id={`note-${draft.id}`}
                          name="note"
                          maxLength={REVIEW_NOTE_MAX}
                          aria-invalid={errors?.fieldErrors.note ? true : undefined}
                          aria-describedby={errors?.fieldErrors.note ? `note-${draft.id}-error` : undefined}
                        />
                        {errors?.fieldErrors.note ? (
                          <p id={`note-${draft.id}-error`} className="error-list">
                            {errors.fieldErrors.note.join(" ")}
                          </p>
                        ) : null}
                      </div>
                      <button type="submit" className="button button-quiet" disabled={busy}>
                        Decline
                      </button>
                    </Form>
                  </>
                ) : draft.status === "declined" ? (
                  <Form method="post" className="form-actions compact">
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="updateId" value={draft.id} />
                    <button type="submit" className="button button-quiet" disabled={busy}>
                      Remove from my drafts
                    </button>
                  </Form>
                ) : (
                  <p className="form-actions compact">
                    <Link to={`${base}/${draft.id}/edit`}>Edit or delete</Link>
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}

      {!isOwner && decisions.length > 0 ? (
        <section aria-labelledby="decisions-heading">
          <h2 id="decisions-heading">{personName}&apos;s decisions</h2>
          <ul className="plain-list">
            {decisions.map((d) => (
              <li key={d.id}>
                {d.approved ? `${personName} published a draft of yours` : `${personName} declined a draft of yours`} on{" "}
                {d.when}
                {d.note ? `, with a note: “${d.note}”` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <p className="page-actions">
        {!isOwner ? <Link to={`${base}/new`}>Draft an update</Link> : null}
        <Link to={base}>Back to updates</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
