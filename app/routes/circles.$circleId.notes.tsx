import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireCircle } from "~/circles.server";
import { updatesStylesheet } from "~/components/check-in-card";
import { useCircle } from "~/components/circle-context";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrorSummary, type FormErrors } from "~/components/forms";
import { TextAreaField } from "~/components/update-form";
import { UpdateText } from "~/components/update-text";
import { formatMoment } from "~/format";
import { excerpt, FORMER_MEMBER, NOTE_MAX, NoteBodySchema } from "~/updates";
import { failureErrors, getUpdate, listNotes, loadPeople, outcome } from "~/updates.server";
import { formObject, readForm } from "~/validation";

// Notes of encouragement: private notes to the person. The person reads every note sent to them;
// a member writes them and reads only the ones they sent (RLS). No one else ever sees a note.

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("send"), body: NoteBodySchema, updateId: z.string().uuid().optional().or(z.literal("")) }),
    z.object({ intent: z.literal("delete"), noteId: z.string().uuid() }),
  ],
  { errorMap: () => ({ message: "That action isn't available here" }) },
);

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Notes of encouragement · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, isOwner } = await requireCircle(request, params, context);
  const url = new URL(request.url);
  const aboutId = z.string().uuid().safeParse(url.searchParams.get("update"));
  const people = await loadPeople(supabase, circle.id);
  const [notes, about] = await Promise.all([
    listNotes(supabase, circle.id),
    !isOwner && aboutId.success ? getUpdate(supabase, circle.id, aboutId.data) : Promise.resolve(null),
  ]);
  // The updates the notes answer, when the reader may still see them.
  const linkedIds = [...new Set(notes.map((n) => n.update_id).filter((id): id is string => Boolean(id)))];
  const linked = new Map<string, string>();
  await Promise.all(
    linkedIds.map(async (id) => {
      const update = await getUpdate(supabase, circle.id, id);
      if (update?.published_at) linked.set(id, formatMoment(update.published_at, circle.time_zone));
    }),
  );
  const owner = people.members.find((m) => m.role === "owner");
  return data(
    {
      personName: owner?.name ?? "the person",
      notes: notes.map((n) => ({
        id: n.id,
        body: n.body,
        author: people.byMemberId.get(n.author_member_id) ?? FORMER_MEMBER,
        sent: formatMoment(n.created_at, circle.time_zone),
        about: n.update_id ? (linked.get(n.update_id) ?? null) : null,
      })),
      about:
        about && about.status === "published" && about.published_at
          ? { id: about.id, when: formatMoment(about.published_at, circle.time_zone), excerpt: excerpt(about.body || "a check-in") }
          : null,
      sent: url.searchParams.get("sent") === "1",
      deleted: url.searchParams.get("deleted") === "1",
    },
    { headers },
  );
}

type Reply = { errors: FormErrors; body: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, headers, circle, isOwner, me } = await requireCircle(request, params, context);
  const raw = formObject(await readForm(request));
  const reply = (errors: FormErrors, status: number) => data<Reply>({ errors, body: raw.body ?? "" }, { status, headers });
  const submission = ActionSchema.safeParse(raw);
  if (!submission.success) return reply(submission.error.flatten() as FormErrors, 400);
  const form = submission.data;
  const here = `/circles/${circle.id}/notes`;

  if (form.intent === "delete") {
    if (!isOwner) return reply({ formErrors: ["Only the person can delete the notes sent to them."], fieldErrors: {} }, 403);
    const deleted = outcome("delete note", await supabase.from("encouragement_notes").delete().eq("id", form.noteId));
    if (!deleted.ok) return reply(failureErrors(deleted.failure), deleted.failure.status);
    return redirect(`${here}?deleted=1`, { headers });
  }

  if (isOwner) return reply({ formErrors: ["Notes of encouragement are for the person; you are the person here."], fieldErrors: {} }, 400);
  const result = outcome(
    "send note",
    await supabase.from("encouragement_notes").insert({
      circle_id: circle.id,
      author_member_id: me.id,
      update_id: form.updateId || null,
      body: form.body,
    }),
  );
  if (!result.ok) {
    // RLS refuses a note about an update the member may not see: say so without saying more.
    if (result.failure.key === "not_allowed") {
      return reply({ formErrors: ["That update is no longer shared with you. Send the note without it."], fieldErrors: {} }, 403);
    }
    return reply(failureErrors(result.failure), result.failure.status);
  }
  return redirect(`${here}?sent=1`, { headers });
}

export default function Notes() {
  const { notes, about, sent, deleted, personName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle, isOwner } = useCircle();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  if (isOwner) {
    return (
      <div className="page-narrow">
        <h1>Notes for you</h1>
        {deleted ? <Notice>The note is deleted.</Notice> : null}
        <FormErrorSummary id="notes-errors" errors={actionData?.errors.formErrors} />
        <p className="lead">Notes of encouragement from people in your circle. Only you read them.</p>
        {notes.length === 0 ? (
          <p>No notes yet.</p>
        ) : (
          <ul className="card-list">
            {notes.map((note) => (
              <li key={note.id} className="card note-card">
                <p className="card-title">From {note.author}</p>
                <p className="muted small">
                  {note.sent}
                  {note.about ? ` · about your update of ${note.about}` : ""}
                </p>
                <UpdateText text={note.body} />
                <Form method="post" className="form-actions compact">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="noteId" value={note.id} />
                  <button type="submit" className="button button-quiet">
                    Delete<span className="visually-hidden"> the note from {note.author}</span>
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to={`/circles/${circle.id}/updates`}>Back to updates</Link>
        </p>
      </div>
    );
  }

  return (
    <div className="page-narrow">
      <h1>A note for {personName}</h1>
      {sent ? <Notice>Your note is on its way. Only {personName} will read it.</Notice> : null}
      <p className="lead">
        A few kind words, privately. Only {personName} reads your note; no one else in the circle sees it.
      </p>
      <Form method="post" className="stack" aria-describedby="note-errors">
        <FormErrorSummary id="note-errors" errors={actionData?.errors.formErrors} />
        <input type="hidden" name="intent" value="send" />
        {about ? (
          <>
            <input type="hidden" name="updateId" value={about.id} />
            <p className="muted">
              About the update of {about.when}: “{about.excerpt}”
            </p>
          </>
        ) : null}
        <TextAreaField
          label="Your note"
          name="body"
          maxLength={NOTE_MAX}
          rows={5}
          defaultValue={actionData?.body}
          errors={actionData?.errors.fieldErrors.body}
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Sending…" : "Send note"}
          </button>
        </div>
      </Form>

      {notes.length > 0 ? (
        <section aria-labelledby="sent-heading">
          <h2 id="sent-heading">Notes you sent</h2>
          <ul className="card-list">
            {notes.map((note) => (
              <li key={note.id} className="card note-card">
                <p className="muted small">{note.sent}</p>
                <UpdateText text={note.body} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>
        <Link to={`/circles/${circle.id}/updates`}>Back to updates</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
