import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import {
  callRpc,
  listGrants,
  listInvitations,
  listMembers,
  memberTitle,
  requireCircle,
  type CircleAccess,
  type Invitation,
  type Member,
} from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { ChoiceGroup, Notice, SelectField } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorList, Field, FormErrorSummary, type FormErrors } from "~/components/forms";
import {
  CATEGORIES,
  CATEGORY_WORDS,
  categoryList,
  DEFAULT_CATEGORIES,
  MEMBER_ROLES,
  RELATIONSHIP_LABELS,
  RELATIONSHIPS,
  relationshipShort,
  ROLE_WORDS,
  sortCategories,
  type Category,
  type MemberRole,
} from "~/consent";
import { formatDay } from "~/format";
import { sendInvitationEmail } from "~/invitation-email.server";
import { unwrap } from "~/supabase.server";
import { EmailSchema, formObject, readForm } from "~/validation";

// Members: the invite form, the invitations sent, who sees what (the owner's grant grid), roles and
// removal. Every change is an RPC called as the signed-in user; the database refuses what they may
// not do, and its refusal is shown next to the form in plain words.

const MemberIdSchema = z.string({ required_error: "Choose a member" }).uuid("Choose a member from the list");
const InvitationIdSchema = z.string({ required_error: "Choose an invitation" }).uuid("Choose an invitation from the list");
const CategoriesSchema = z.array(
  z.enum(CATEGORIES, { errorMap: () => ({ message: "Choose what to share from the list" }) }),
);

const InviteSchema = z.object({
  email: EmailSchema,
  role: z.enum(MEMBER_ROLES, { errorMap: () => ({ message: "Choose supporter or coordinator" }) }),
  relationship: z.enum(RELATIONSHIPS, { errorMap: () => ({ message: "Choose how you know them" }) }),
  label: z
    .string()
    .trim()
    .max(60, "Please keep the label under 60 characters")
    .optional()
    .transform((label) => label || null),
  categories: CategoriesSchema,
});

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("invite") }).merge(InviteSchema),
    z.object({ intent: z.literal("resend"), invitationId: InvitationIdSchema }),
    z.object({ intent: z.literal("revoke"), invitationId: InvitationIdSchema }),
    z.object({ intent: z.literal("grants"), memberId: MemberIdSchema, categories: CategoriesSchema }),
    z.object({
      intent: z.literal("role"),
      memberId: MemberIdSchema,
      role: z.enum(MEMBER_ROLES, { errorMap: () => ({ message: "Choose supporter or coordinator" }) }),
    }),
    z.object({ intent: z.literal("remove"), memberId: MemberIdSchema }),
  ],
  { errorMap: () => ({ message: "That action isn't available here" }) },
);
type Intent = z.infer<typeof ActionSchema>["intent"];

type InviteValues = { email: string; role: string; relationship: string; label: string; categories: string[] };

type Reply = {
  intent: Intent | null;
  /** The member or invitation the answer is about. */
  target: string | null;
  errors: FormErrors;
  values: InviteValues | null;
};

export const meta: MetaFunction = () => [{ title: "Members · Circle" }];

const Done = z.enum(["invited", "email-failed", "resent", "revoked", "grants", "role", "removed"]);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const { supabase, headers, circle, me, isOwner, canInvite } = access;
  const url = new URL(request.url);
  const [members, grants, invitations] = await Promise.all([
    listMembers(supabase, circle.id),
    isOwner ? listGrants(supabase, circle.id) : Promise.resolve(new Map<string, Category[]>()),
    canInvite ? listInvitations(supabase, circle.id) : Promise.resolve([] as Invitation[]),
  ]);
  const tz = circle.time_zone;
  const nameOfUser = new Map(members.map((m) => [m.user_id, m.name]));
  const owner = members.find((m) => m.role === "owner");

  const people = members
    .filter((m) => m.status === "active")
    .map((m) => ({
      id: m.id,
      name: m.name,
      title: memberTitle(m),
      label: m.label,
      relationship: relationshipShort(m.relationship),
      role: m.role,
      isMe: m.id === me.id,
      categories: isOwner && m.role !== "owner" ? (grants.get(m.id) ?? []) : null,
    }));
  const former = isOwner
    ? members
        .filter((m) => m.status !== "active")
        .map((m) => ({
          id: m.id,
          title: memberTitle(m),
          how: m.status === "left" ? "Left" : "Removed",
          when: m.ended_at ? formatDay(m.ended_at, tz) : "",
        }))
    : [];

  const sentInvitations = invitations
    .sort((a, b) => Number(isOpen(b)) - Number(isOpen(a)))
    .slice(0, 30)
    .map((inv) => ({
      id: inv.id,
      email: inv.email,
      role: inv.role,
      label: inv.label,
      relationship: relationshipShort(inv.relationship),
      categories: inv.categories,
      state: inv.state,
      stateText: invitationStateText(inv, tz),
      sent: `${inv.send_count > 1 ? "Re-sent" : "Sent"} ${formatDay(inv.sent_at, tz)}`,
      invitedBy: inv.invited_by && inv.invited_by !== me.user_id ? (nameOfUser.get(inv.invited_by) ?? null) : null,
      canManage: isOpen(inv),
    }));

  const done = Done.safeParse(url.searchParams.get("done"));
  const doneId = url.searchParams.get("id");
  const notice = done.success ? noticeFor(done.data, doneId, { members, invitations, grants }) : null;

  const confirmId = url.searchParams.get("confirmRemove");
  const confirming = isOwner && confirmId ? people.find((p) => p.id === confirmId && p.role !== "owner") : undefined;

  return data(
    {
      people,
      former,
      invitations: sentInvitations,
      notice,
      confirmRemove: confirming ? { id: confirming.id, name: confirming.name } : null,
      ownerName: owner?.name ?? "The person",
    },
    { headers },
  );
}

function isOpen(inv: Pick<Invitation, "state">) {
  return inv.state === "pending" || inv.state === "expired";
}

function invitationStateText(inv: Invitation, tz: string): string {
  switch (inv.state) {
    case "pending":
      return `Waiting for an answer. The link expires on ${formatDay(inv.expires_at, tz)}.`;
    case "expired":
      return `Expired on ${formatDay(inv.expires_at, tz)}. Re-send it to give them a new link.`;
    case "accepted":
      return `Accepted on ${formatDay(inv.accepted_at ?? inv.sent_at, tz)}.`;
    case "declined":
      return `Declined on ${formatDay(inv.declined_at ?? inv.sent_at, tz)}.`;
    case "revoked":
      return `Withdrawn on ${formatDay(inv.revoked_at ?? inv.sent_at, tz)}. The link no longer works.`;
  }
}

function noticeFor(
  done: z.infer<typeof Done>,
  id: string | null,
  found: { members: Member[]; invitations: Invitation[]; grants: Map<string, Category[]> },
): { tone: "success" | "error"; text: string; section: string } | null {
  const member = found.members.find((m) => m.id === id);
  const invitation = found.invitations.find((i) => i.id === id);
  switch (done) {
    case "invited":
      // Once answered, the invitation's own state says more than "sent".
      return invitation?.state === "pending"
        ? { tone: "success", section: "invitations", text: `Invitation sent to ${invitation.email}.` }
        : null;
    case "email-failed":
      return invitation
        ? {
            tone: "error",
            section: "invitations",
            text: `The invitation to ${invitation.email} is saved, but the email could not be sent. Please try “Re-send” in a moment.`,
          }
        : null;
    case "resent":
      return invitation
        ? {
            tone: "success",
            section: "invitations",
            text: `A new link was sent to ${invitation.email}. The old link no longer works.`,
          }
        : null;
    case "revoked":
      return invitation
        ? {
            tone: "success",
            section: "invitations",
            text: `The invitation to ${invitation.email} was withdrawn. Its link no longer works.`,
          }
        : null;
    case "grants":
      return member
        ? {
            tone: "success",
            section: "who-sees-what",
            text: `Saved. ${member.name} now sees: ${categoryList(found.grants.get(member.id) ?? [])}.`,
          }
        : null;
    case "role":
      return member
        ? { tone: "success", section: "people", text: `${member.name} is now ${ROLE_WORDS[member.role].article}.` }
        : null;
    case "removed":
      return member
        ? {
            tone: "success",
            section: "people",
            text: `${member.name} was removed from the circle and no longer sees anything in it.`,
          }
        : null;
  }
}

function reply(reply: Partial<Reply> & { errors: FormErrors }, status: number, headers: Headers) {
  return data<Reply>({ intent: null, target: null, values: null, ...reply }, { status, headers });
}

function formError(message: string): FormErrors {
  return { formErrors: [message], fieldErrors: {} };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const { supabase, headers, circle } = access;
  const formData = await readForm(request);
  const raw: Record<string, string | undefined> = formObject(formData);
  const categories = formData.getAll("categories").map(String);
  const intents: string[] = ActionSchema.options.map((option) => option.shape.intent.value);
  const intent = intents.includes(raw.intent ?? "") ? (raw.intent as Intent) : null;
  const values: InviteValues | null =
    intent === "invite"
      ? {
          email: raw.email ?? "",
          role: raw.role ?? "",
          relationship: raw.relationship ?? "",
          label: raw.label ?? "",
          categories,
        }
      : null;
  const target = raw.memberId ?? raw.invitationId ?? null;

  const submission = ActionSchema.safeParse({ ...raw, categories });
  if (!submission.success) {
    return reply({ intent, target, values, errors: submission.error.flatten() as FormErrors }, 400, headers);
  }
  const form = submission.data;
  const members = `/circles/${circle.id}/members`;

  switch (form.intent) {
    case "invite": {
      const result = await callRpc(supabase, "create_invitation", {
        circle_id: circle.id,
        email: form.email,
        role: form.role,
        relationship: form.relationship,
        label: form.label,
        categories: form.categories,
      });
      if (!result.ok) {
        const field = INVITE_ERROR_FIELDS[result.failure.key];
        const errors = field
          ? { formErrors: [], fieldErrors: { [field]: [result.failure.message] } }
          : formError(result.failure.message);
        return reply({ intent, target, values, errors }, result.failure.status, headers);
      }
      const sent = await emailInvitation(access, result.data.invitation_id, result.data.token);
      return redirect(`${members}?done=${sent ? "invited" : "email-failed"}&id=${result.data.invitation_id}#invitations`, {
        headers,
      });
    }
    case "resend": {
      const result = await callRpc(supabase, "resend_invitation", {
        id: form.invitationId,
      });
      if (!result.ok) return reply({ intent, target, errors: formError(result.failure.message) }, result.failure.status, headers);
      const sent = await emailInvitation(access, result.data.invitation_id, result.data.token);
      return redirect(`${members}?done=${sent ? "resent" : "email-failed"}&id=${form.invitationId}#invitations`, {
        headers,
      });
    }
    case "revoke": {
      const result = await callRpc(supabase, "revoke_invitation", { id: form.invitationId });
      if (!result.ok) return reply({ intent, target, errors: formError(result.failure.message) }, result.failure.status, headers);
      return redirect(`${members}?done=revoked&id=${form.invitationId}#invitations`, { headers });
    }
    case "grants": {
      const result = await callRpc(supabase, "set_member_grants", {
        member_id: form.memberId,
        categories: sortCategories(form.categories),
      });
      if (!result.ok) return reply({ intent, target, errors: formError(result.failure.message) }, result.failure.status, headers);
      return redirect(`${members}?done=grants&id=${form.memberId}#who-sees-what`, { headers });
    }
    case "role": {
      const result = await callRpc(supabase, "set_member_role", { member_id: form.memberId, role: form.role });
      if (!result.ok) return reply({ intent, target, errors: formError(result.failure.message) }, result.failure.status, headers);
      return redirect(`${members}?done=role&id=${form.memberId}#people`, { headers });
    }
    case "remove": {
      const result = await callRpc(supabase, "remove_member", { member_id: form.memberId });
      if (!result.ok) return reply({ intent, target, errors: formError(result.failure.message) }, result.failure.status, headers);
      return redirect(`${members}?done=removed&id=${form.memberId}#people`, { headers });
    }
  }
}

const INVITE_ERROR_FIELDS: Record<string, keyof InviteValues | undefined> = {
  invalid_email: "email",
  already_member: "email",
  invitation_already_pending: "email",
  invalid_role: "role",
  invalid_relationship: "relationship",
  invalid_label: "label",
  invalid_categories: "categories",
};

/**
 * Emails the link with the raw token, which exists only here and in the email. The invitation is
 * read back (RLS: its sender may) so that the email states what was really saved.
 */
async function emailInvitation(access: CircleAccess, invitationId: string, token: string): Promise<boolean> {
  const { supabase, circle, me } = access;
  const invitation = unwrap(
    await supabase
      .from("invitations_with_state")
      .select("email, role, label, categories, expires_at")
      .eq("id", invitationId)
      .single(),
  );
  const ownerName = access.isOwner
    ? me.name
    : (unwrap(await supabase.from("profiles").select("display_name").eq("id", circle.owner_id).maybeSingle())?.display_name ??
      "The person");
  try {
    await sendInvitationEmail({
      to: invitation.email,
      token,
      inviterName: me.name,
      ownerName,
      inviterIsOwner: access.isOwner,
      circleName: circle.name,
      role: invitation.role,
      label: invitation.label,
      categories: sortCategories(invitation.categories),
      expiresAt: invitation.expires_at,
      timeZone: circle.time_zone,
    });
    return true;
  } catch (error) {
    console.error("invitation email failed", error);
    return false;
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Person = LoaderData["people"][number];

export default function Members() {
  const { people, former, invitations, notice, confirmRemove, ownerName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { circle, isOwner, canInvite } = useCircle();
  const base = `/circles/${circle.id}/members`;
  const others = people.filter((p) => p.role !== "owner");
  const errorFor = (intent: Intent, target?: string) =>
    actionData && actionData.intent === intent && (!target || actionData.target === target)
      ? messagesOf(actionData.errors)
      : undefined;

  return (
    <>
      <h1>Members</h1>
      {actionData?.intent === "invite" ? (
        <div className="form-errors" role="alert">
          <p>
            The invitation was not sent. <a href="#invite">Check the invitation form</a>.
          </p>
        </div>
      ) : null}

      {confirmRemove ? (
        <section id="confirm-remove" aria-labelledby="confirm-remove-heading" className="panel panel-warning">
          <h2 id="confirm-remove-heading">Remove {confirmRemove.name} from the circle?</h2>
          <p>
            {confirmRemove.name} will stop seeing everything in this circle at once, including what you shared
            before today. Tasks they signed up for in the future will be open for others again. The removal is
            written in the activity log.
          </p>
          <p>If you change your mind later, you can invite them again.</p>
          <FormErrorSummary id="remove-errors" errors={errorFor("remove", confirmRemove.id)} />
          <Form method="post" action={base} className="form-actions">
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="memberId" value={confirmRemove.id} />
            <button type="submit" className="button button-danger">
              Yes, remove {confirmRemove.name}
            </button>
            <Link to={`${base}#people`}>Cancel, keep {confirmRemove.name}</Link>
          </Form>
        </section>
      ) : null}

      {isOwner ? (
        <section id="who-sees-what" aria-labelledby="who-sees-what-heading">
          <h2 id="who-sees-what-heading">Who sees what</h2>
          <p>
            Tick what you share with each person, then save their row. A change takes effect at once, also for
            what you shared before.
          </p>
          <SectionNotice notice={notice} section="who-sees-what" />
          {actionData?.intent === "grants" ? (
            <Notice tone="error">
              <p>
                Not saved
                {people.find((p) => p.id === actionData.target)
                  ? ` for ${people.find((p) => p.id === actionData.target)?.name}`
                  : ""}
                : {messagesOf(actionData.errors).join(" ")}
              </p>
            </Notice>
          ) : null}
          {others.length === 0 ? (
            <p className="muted">Nobody to share with yet. Invite someone below.</p>
          ) : (
            <GrantGrid people={others} base={base} />
          )}
          <CategoryKey />
        </section>
      ) : null}

      <section id="people" aria-labelledby="people-heading">
        <h2 id="people-heading">People in the circle</h2>
        <SectionNotice notice={notice} section="people" />
        <ul className="card-list member-list">
          {people.map((person) => (
            <li key={person.id} className="card member">
              <MemberCard person={person} isOwner={isOwner} base={base} errors={errorFor("role", person.id)} />
            </li>
          ))}
        </ul>
      </section>

      {canInvite ? (
        <>
          <section id="invite" aria-labelledby="invite-heading" className="panel">
            <h2 id="invite-heading">Invite someone</h2>
            <InviteForm
              base={base}
              isOwner={isOwner}
              ownerName={ownerName}
              reply={actionData?.intent === "invite" ? actionData : null}
            />
          </section>

          <section id="invitations" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">Invitations</h2>
            <SectionNotice notice={notice} section="invitations" />
            {actionData && (actionData.intent === "resend" || actionData.intent === "revoke") ? (
              <Notice tone="error">
                <p>{messagesOf(actionData.errors).join(" ")}</p>
              </Notice>
            ) : null}
            {invitations.length === 0 ? (
              <p className="muted">No invitations sent yet.</p>
            ) : (
              <ul className="card-list">
                {invitations.map((inv) => (
                  <li key={inv.id} className="card">
                    <p className="card-title">
                      {inv.email}
                      <span className={`badge badge-${inv.state}`}>{STATE_LABELS[inv.state]}</span>
                    </p>
                    <p>
                      As {ROLE_WORDS[inv.role].article}
                      {inv.label ? ` (“${inv.label}”)` : ""} · {inv.relationship}
                      {inv.invitedBy ? ` · invited by ${inv.invitedBy}` : ""}
                    </p>
                    <p>Shares: {categoryList(inv.categories)}</p>
                    <p className="muted">
                      {inv.sent}. {inv.stateText}
                    </p>
                    {inv.canManage ? (
                      <div className="form-actions compact">
                        <Form method="post" action={base}>
                          <input type="hidden" name="intent" value="resend" />
                          <input type="hidden" name="invitationId" value={inv.id} />
                          <button type="submit" className="button button-small">
                            Re-send<span className="visually-hidden"> the invitation to {inv.email}</span>
                          </button>
                        </Form>
                        <Form method="post" action={base}>
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="invitationId" value={inv.id} />
                          <button type="submit" className="button button-quiet">
                            Withdraw<span className="visually-hidden"> the invitation to {inv.email}</span>
                          </button>
                        </Form>
                      </div>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}

      {isOwner && former.length > 0 ? (
        <section aria-labelledby="former-heading">
          <h2 id="former-heading">People no longer in the circle</h2>
          <ul className="plain-list">
            {former.map((person) => (
              <li key={person.id}>
                {person.title}: {person.how.toLowerCase()}
                {person.when ? ` on ${person.when}` : ""}. They see nothing in this circle.
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function messagesOf(errors: FormErrors): string[] {
  const fieldMessages = Object.values(errors.fieldErrors).flatMap((messages) => messages ?? []);
  return [...new Set([...errors.formErrors, ...fieldMessages])];
}

const STATE_LABELS = {
  pending: "Waiting",
  expired: "Expired",
  accepted: "Accepted",
  declined: "Declined",
  revoked: "Withdrawn",
} as const;

function SectionNotice({
  notice,
  section,
}: {
  notice: { tone: "success" | "error"; text: string; section: string } | null;
  section: string;
}) {
  if (!notice || notice.section !== section) return null;
  return (
    <Notice tone={notice.tone}>
      <p>{notice.text}</p>
    </Notice>
  );
}

function GrantGrid({ people, base }: { people: Person[]; base: string }) {
  return (
    <div className="table-scroll" role="region" aria-label="Grid of what each person sees" tabIndex={0}>
      <table className="grant-grid">
        <thead>
          <tr>
            <th scope="col">Person</th>
            {CATEGORIES.map((category) => (
              <th scope="col" key={category}>
                {CATEGORY_WORDS[category].label}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Save</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {people.map((person) => {
            const formId = `grants-${person.id}`;
            return (
              <tr key={person.id}>
                <th scope="row">
                  {person.name}
                  <span className="muted small">
                    {person.label && person.label !== person.name ? `${person.label} · ` : ""}
                    {ROLE_WORDS[person.role].label}
                  </span>
                </th>
                {CATEGORIES.map((category) => {
                  const id = `${formId}-${category}`;
                  return (
                    <td key={category}>
                      <input
                        id={id}
                        type="checkbox"
                        name="categories"
                        value={category}
                        form={formId}
                        defaultChecked={person.categories?.includes(category)}
                      />
                      <label htmlFor={id} className="visually-hidden">
                        Share {CATEGORY_WORDS[category].label} with {person.name}
                      </label>
                    </td>
                  );
                })}
                <td>
                  <Form method="post" action={base} id={formId} preventScrollReset>
                    <input type="hidden" name="intent" value="grants" />
                    <input type="hidden" name="memberId" value={person.id} />
                    <button type="submit" className="button button-small">
                      Save<span className="visually-hidden"> what {person.name} sees</span>
                    </button>
                  </Form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CategoryKey() {
  return (
    <details className="category-key">
      <summary>What each category means</summary>
      <dl>
        {CATEGORIES.map((category) => (
          <div key={category}>
            <dt>{CATEGORY_WORDS[category].label}</dt>
            <dd>{CATEGORY_WORDS[category].forOwner}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function MemberCard({
  person,
  isOwner,
  base,
  errors,
}: {
  person: Person;
  isOwner: boolean;
  base: string;
  errors?: string[];
}) {
  const navigation = useNavigation();
  const manageable = isOwner && person.role !== "owner";
  return (
    <>
      <p className="card-title">
        {person.name}
        {person.isMe ? <span className="muted"> (you)</span> : null}
      </p>
      <p>
        {ROLE_WORDS[person.role].label}
        {person.label && person.label !== person.name ? ` · “${person.label}”` : ""}
        {person.relationship ? ` · ${person.relationship}` : ""}
      </p>
      {person.categories ? <p className="muted">Sees: {categoryList(person.categories)}</p> : null}
      {manageable ? (
        <div className="member-actions">
          <Form method="post" action={base} className="inline-form" preventScrollReset>
            <input type="hidden" name="intent" value="role" />
            <input type="hidden" name="memberId" value={person.id} />
            <SelectField
              label={`Role of ${person.name}`}
              options={MEMBER_ROLES.map((role) => ({ value: role, label: ROLE_WORDS[role].label }))}
              selectProps={{ name: "role", defaultValue: person.role, id: `role-${person.id}` }}
            />
            <button
              type="submit"
              className="button button-small"
              disabled={navigation.state === "submitting" && navigation.formData?.get("memberId") === person.id}
            >
              Change role<span className="visually-hidden"> of {person.name}</span>
            </button>
          </Form>
          <ErrorList errors={errors} />
          <Link to={`${base}?confirmRemove=${person.id}#confirm-remove`} className="danger-link">
            Remove {person.name}…
          </Link>
        </div>
      ) : null}
    </>
  );
}

function InviteForm({
  base,
  isOwner,
  ownerName,
  reply,
}: {
  base: string;
  isOwner: boolean;
  ownerName: string;
  reply: Reply | null;
}) {
  const location = useLocation();
  return <InviteFields key={location.search} base={base} isOwner={isOwner} ownerName={ownerName} reply={reply} />;
}

function InviteFields({
  base,
  isOwner,
  ownerName,
  reply,
}: {
  base: string;
  isOwner: boolean;
  ownerName: string;
  reply: Reply | null;
}) {
  const values = reply?.values;
  const errors = reply?.errors;
  const initialRole: MemberRole = values?.role === "coordinator" ? "coordinator" : "supporter";
  const [role, setRole] = useState<MemberRole>(initialRole);
  const [categories, setCategories] = useState<string[]>(values?.categories ?? DEFAULT_CATEGORIES[initialRole]);
  // Until the person ticks a box themselves, the boxes follow the role's defaults.
  const [chosen, setChosen] = useState(Boolean(values));
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "invite";

  return (
    <Form method="post" action={base} className="stack" aria-describedby="invite-errors">
      <FormErrorSummary id="invite-errors" errors={errors?.formErrors} />
      <input type="hidden" name="intent" value="invite" />
      <Field
        label="Their email address"
        hint="The invitation link only works for the account with this address."
        errors={errors?.fieldErrors.email}
        inputProps={{ name: "email", type: "email", autoComplete: "off", required: true, defaultValue: values?.email }}
      />
      {isOwner ? (
        <ChoiceGroup
          type="radio"
          legend="Their role"
          name="role"
          errors={errors?.fieldErrors.role}
          checked={[role]}
          onToggle={(value) => {
            const next = value as MemberRole;
            setRole(next);
            if (!chosen) setCategories(DEFAULT_CATEGORIES[next]);
          }}
          options={MEMBER_ROLES.slice()
            .reverse()
            .map((r) => ({ value: r, label: ROLE_WORDS[r].label, description: ROLE_WORDS[r].forMember }))}
        />
      ) : (
        <>
          <input type="hidden" name="role" value="supporter" />
          <p>
            <strong>Role:</strong> supporter. Coordinators can invite supporters.
          </p>
        </>
      )}
      <SelectField
        label="How they know you"
        errors={errors?.fieldErrors.relationship}
        options={[
          { value: "", label: "Choose…" },
          ...RELATIONSHIPS.map((r) => ({ value: r, label: RELATIONSHIP_LABELS[r] })),
        ]}
        selectProps={{ name: "relationship", required: true, defaultValue: values?.relationship ?? "" }}
      />
      <Field
        label="Label (optional)"
        hint="How others in the circle will see them, e.g. “Mom”, “Dr. Lee” or “Sam from group”."
        errors={errors?.fieldErrors.label}
        inputProps={{ name: "label", maxLength: 60, defaultValue: values?.label }}
      />
      {isOwner ? (
        <ChoiceGroup
          legend="What you will share with them"
          hint="Supporters usually get Practical, General and Milestones; coordinators also Wellbeing. You can change this at any time."
          name="categories"
          errors={errors?.fieldErrors.categories}
          checked={categories}
          onToggle={(value, on) => {
            setChosen(true);
            setCategories((current) => (on ? [...current, value] : current.filter((c) => c !== value)));
          }}
          options={CATEGORIES.map((c) => ({
            value: c,
            label: CATEGORY_WORDS[c].label,
            description: CATEGORY_WORDS[c].forOwner,
          }))}
        />
      ) : (
        <div>
          <p>
            <strong>Shared with them:</strong> Practical ({CATEGORY_WORDS.practical.forMember}) only.
          </p>
          <p className="muted">Invitations from coordinators share practical help only. {ownerName} can share more later.</p>
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Sending…" : "Send the invitation"}
        </button>
      </div>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
