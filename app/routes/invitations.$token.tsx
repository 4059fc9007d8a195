import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { callRpc, rpcFailure, UnexpectedRpcError } from "~/circles.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrorSummary } from "~/components/forms";
import { CATEGORIES, CATEGORY_WORDS, categoryList, ROLE_WORDS, sortCategories } from "~/consent";
import { formatDay } from "~/format";
import { getOptionalUser, requireUser, rpc } from "~/supabase.server";
import { readForm } from "~/validation";

// The page an invitation email links to. Anyone holding the link may read who invites them and what
// would be shared (the database's invitation_preview decides what it tells whom); only the account
// with the invited email can accept.

// base64url, as the database makes them (43 characters); a little slack for other generators.
const TokenSchema = z
  .string()
  .min(20)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/);
const IntentSchema = z.object({ intent: z.enum(["accept", "decline"]) });


export const meta: MetaFunction = () => [
  { title: "Your invitation · Circle" },
  { name: "robots", content: "noindex" },
];

async function loadPreview(request: Request, token: string | undefined, context: AppLoadContext) {
  const session = await getOptionalUser(request, context);
  const parsed = TokenSchema.safeParse(token);
  if (!parsed.success) return { ...session, token: null, preview: null };
  const { data: preview, error } = await rpc(session.supabase, "invitation_preview", { token: parsed.data });
  if (error) {
    if (rpcFailure(error)?.key === "invitation_not_found") return { ...session, token: parsed.data, preview: null };
    throw new UnexpectedRpcError("invitation_preview", error);
  }
  return { ...session, token: parsed.data, preview };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, headers, token, preview } = await loadPreview(request, params.token, context);
  if (!token || !preview) {
    return data({ found: false as const, signedInAs: user?.email ?? null }, { status: 404, headers });
  }
  const categories = sortCategories(preview.categories ?? []);
  return data(
    {
      found: true as const,
      signedInAs: user?.email ?? null,
      path: `/invitations/${token}`,
      state: preview.state,
      forCurrentUser: preview.for_current_user,
      circleId: preview.circle_id,
      details:
        preview.circle_name !== null && preview.role
          ? {
              circleName: preview.circle_name,
              inviterName: preview.inviter_name ?? "Someone",
              role: preview.role,
              label: preview.label,
              categories,
              notShared: CATEGORIES.filter((c) => !categories.includes(c)),
              // The invitee's zone is unknown and the circle's is not shown to them: a UTC date, and how
              // long is left, which reads the same everywhere.
              expiresOn: preview.expires_at ? formatDay(preview.expires_at, "UTC") : null,
              expiresIn: preview.expires_at ? timeLeft(new Date(preview.expires_at)) : null,
              emailHint: preview.email_hint ?? "",
            }
          : null,
    },
    { headers },
  );
}

/** "in 6 days", "in 1 day", "within a day". */
function timeLeft(expires: Date, now = new Date()): string {
  const hours = (expires.getTime() - now.getTime()) / 3_600_000;
  if (hours < 20) return "within a day";
  const days = Math.round(hours / 24);
  return `in ${days} day${days === 1 ? "" : "s"}`;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const submission = IntentSchema.safeParse({ intent: formData.get("intent") });
  const { user, headers, supabase, token, preview } = await loadPreview(request, params.token, context);
  if (!submission.success) {
    return data({ error: "That action isn't available here." }, { status: 400, headers });
  }
  if (!token || !preview) {
    return data({ error: "This invitation link isn't valid." }, { status: 404, headers });
  }

  if (submission.data.intent === "accept") {
    // Signed out: sign in first, then back here.
    await requireUser(request, context);
    const result = await callRpc(supabase, "accept_invitation", { token });
    if (!result.ok) return data({ error: result.failure.message }, { status: result.failure.status, headers });
    return redirect(`/circles/${result.data.circle_id}`, { headers });
  }

  // Someone signed in with another account holds a forwarded link: only the invitee may say no.
  if (user && preview.for_current_user === false) {
    return data(
      { error: "This invitation was sent to someone else, so only they can decline it." },
      { status: 403, headers },
    );
  }
  const result = await callRpc(supabase, "decline_invitation", { token });
  if (!result.ok) return data({ error: result.failure.message }, { status: result.failure.status, headers });
  return redirect(`/invitations/${token}`, { headers });
}

export default function InvitationPage() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyWith = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;

  if (!page.found) {
    return (
      <div className="auth-card invitation">
        <h1>This invitation link isn&apos;t valid</h1>
        <p>
          Check that you opened the whole link from the email. If it was sent again, only the newest link
          works.
        </p>
        <p>
          <Link to="/">Go to the home page</Link>
        </p>
      </div>
    );
  }

  const { state, details, signedInAs, forCurrentUser, path } = page;
  const withRedirect = (to: string) => `${to}?${new URLSearchParams({ redirectTo: path })}`;

  if (state === "revoked") {
    return (
      <Message title="This invitation was withdrawn">
        <p>The person who sent it withdrew it, so the link no longer works. If you think this is a mistake, ask them to invite you again.</p>
      </Message>
    );
  }
  if (state === "declined") {
    return (
      <Message title="This invitation was declined">
        <p>The invitation was declined, so the link no longer works. If you change your mind, ask for a new invitation.</p>
      </Message>
    );
  }
  if (state === "accepted") {
    return page.circleId ? (
      <Message title="You've already joined this circle">
        <p>
          <Link to={`/circles/${page.circleId}`} className="button">
            Go to the circle
          </Link>
        </p>
      </Message>
    ) : (
      <Message title="This invitation has already been used">
        <p>Each invitation link works once.</p>
        {signedInAs ? (
          <p>
            If you accepted it with another account, sign out and sign in with that one. Otherwise, ask the person
            who invited you for a new link.
          </p>
        ) : (
          <p>
            If you accepted it, <Link to="/auth/sign-in?redirectTo=%2Fcircles">sign in</Link> to see
            your circles.
          </p>
        )}
      </Message>
    );
  }
  if (!details) {
    return (
      <Message title="This invitation can't be opened">
        <p>Please ask the person who invited you for a new link.</p>
      </Message>
    );
  }

  const role = ROLE_WORDS[details.role];
  const expired = state === "expired";
  const wrongAccount = Boolean(signedInAs) && forCurrentUser === false;

  return (
    <article className="auth-card invitation" aria-labelledby="invitation-heading">
      <p className="circle-kicker">Invitation</p>
      <h1 id="invitation-heading">
        {details.inviterName} invited you to join “{details.circleName}”
      </h1>
      {wrongAccount ? (
        <div className="form-errors" role="alert">
          <p>
            This invitation was sent to <strong>{details.emailHint}</strong>. You are signed in as{" "}
            <strong>{signedInAs}</strong>.
          </p>
          <p>
            To accept it, sign out here and sign in (or create an account) with the address it was sent to;
            you will come back to this page.
          </p>
          <Form method="post" action="/auth/sign-out">
            <input type="hidden" name="redirectTo" value={page.path} />
            <button type="submit" className="button button-small">
              Sign out
            </button>
          </Form>
        </div>
      ) : null}
      <p>
        You are invited as <strong>{role.article}</strong>
        {details.label ? (
          <>
            . People in the circle will see you as <strong>“{details.label}”</strong>
          </>
        ) : null}
        .
      </p>
      <p className="muted">{role.forMember}</p>

      <h2>What will be shared with you</h2>
      {details.categories.length ? (
        <ul className="category-list">
          {details.categories.map((category) => (
            <li key={category}>
              <strong>{CATEGORY_WORDS[category].label}</strong>: {CATEGORY_WORDS[category].forMember}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nothing yet. The person can choose to share more with you later.</p>
      )}
      {details.notShared.length ? (
        <p>
          <strong>Not shared with you:</strong> {categoryList(details.notShared)}.
        </p>
      ) : null}
      <p className="muted">
        The person whose circle this is decides what each member sees, and can change it at any time.
      </p>

      {expired ? (
        <div className="form-errors" role="note">
          <p>
            This invitation expired{details.expiresOn ? ` on ${details.expiresOn}` : ""}. Ask {details.inviterName} to
            send you a new one.
          </p>
        </div>
      ) : (
        <>
          {details.expiresOn ? (
            <p>
              This invitation expires {details.expiresIn} (on {details.expiresOn}).
            </p>
          ) : null}
          <FormErrorSummary id="invitation-errors" errors={actionData ? [actionData.error] : undefined} />
          {!signedInAs ? (
            <div className="panel">
              <h2>To accept, sign in or create an account</h2>
              <p>
                Use the email address this invitation was sent to: <strong>{details.emailHint}</strong>. You will
                come back to this page.
              </p>
              <p className="form-actions">
                <Link to={withRedirect("/auth/sign-up")} className="button">
                  Create an account
                </Link>
                <Link to={withRedirect("/auth/sign-in")} className="button button-secondary">
                  Sign in
                </Link>
              </p>
              <DeclineForm busy={busyWith === "decline"} inviterName={details.inviterName} />
            </div>
          ) : forCurrentUser ? (
            <div className="form-actions">
              <Form method="post">
                <input type="hidden" name="intent" value="accept" />
                <button type="submit" className="button" disabled={busyWith === "accept"}>
                  {busyWith === "accept" ? "Joining…" : "Accept and join"}
                </button>
              </Form>
              <DeclineForm busy={busyWith === "decline"} inviterName={details.inviterName} compact />
            </div>
          ) : null}
        </>
      )}
    </article>
  );
}

function DeclineForm({ busy, inviterName, compact }: { busy: boolean; inviterName: string; compact?: boolean }) {
  return (
    <Form method="post" className={compact ? undefined : "decline-form"}>
      <input type="hidden" name="intent" value="decline" />
      {compact ? null : <p className="muted">Not for you? {inviterName} will see that you declined.</p>}
      <button type="submit" className="button button-quiet" disabled={busy}>
        {busy ? "Declining…" : "Decline"}
        <span className="visually-hidden"> the invitation</span>
      </button>
    </Form>
  );
}

function Message({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-card invitation">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
