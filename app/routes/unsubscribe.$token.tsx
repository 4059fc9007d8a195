import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import {
  applyUnsubscribe,
  peekUnsubscribe,
  type UnsubscribePurpose,
  type UnsubscribeState,
} from "~/digest/unsubscribe.server";
import { readForm } from "~/validation";

// One-click unsubscribe (RFC 8058) and its page. Mail providers POST `List-Unsubscribe=One-Click` here
// from their own servers: no cookie, their own Origin or none (server.ts exempts this route from the
// Origin check and keeps their Origin from Remix), so the token is the only authority, and it allows
// exactly one thing: stopping the email it names, for 90 days after that email was sent. The database
// checks it (unsubscribe_peek, unsubscribe_apply); no request acts as the member. The GET only shows a
// page (link scanners fetch links; a GET never changes anything), with a button to unsubscribe; turning
// an email back on is for the member, signed in, in the circle's email settings.

const IntentSchema = z.object({ intent: z.literal("unsubscribe") });

const WHAT: Record<UnsubscribePurpose, { name: string; offLine: string }> = {
  digest: { name: "the email digest", offLine: "You will no longer get the email digest" },
  claimed: { name: "emails when someone claims a task", offLine: "You will no longer get an email when someone claims a task" },
  released: {
    name: "emails when a helper releases a task at short notice",
    offLine: "You will no longer get an email when a helper releases a task at short notice",
  },
};

export const meta: MetaFunction = () => [
  { title: "Email settings · Circle" },
  { name: "robots", content: "noindex" },
];

const STATUS: Record<UnsubscribeState["status"], number> = { ok: 200, not_member: 200, expired: 410, invalid: 404 };

export async function loader({ params }: LoaderFunctionArgs) {
  const state = await peekUnsubscribe(params.token ?? "");
  return data({ state, done: false }, { status: STATUS[state.status] });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  // RFC 8058: the provider's POST body is exactly List-Unsubscribe=One-Click; our own page sends an intent.
  const oneClick = form.get("List-Unsubscribe") === "One-Click";
  if (!oneClick && !IntentSchema.safeParse({ intent: form.get("intent") }).success) {
    return data({ state: null, done: false, error: "Choose whether to unsubscribe." }, { status: 400 });
  }
  const state = await applyUnsubscribe(params.token ?? "");
  return data({ state, done: state.status === "ok", error: null }, { status: STATUS[state.status] });
}

export default function Unsubscribe() {
  const { state } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";

  if (state.status === "invalid") {
    return (
      <section className="page-narrow">
        <h1>This unsubscribe link is not valid</h1>
        <p>It may have been copied only in part.</p>
        <p>
          You can change every email we send you from the circle&apos;s email settings, after signing in:{" "}
          <Link to="/circles">go to your circles</Link>.
        </p>
      </section>
    );
  }

  if (state.status === "expired") {
    const settings = `/circles/${state.circle_id}/notifications`;
    return (
      <section className="page-narrow">
        <h1>This unsubscribe link has expired</h1>
        <p>Unsubscribe links work for 90 days after the email was sent, and this one is older.</p>
        <p>
          You can stop any email from this circle in its <Link to={settings}>email settings</Link> (you sign in first).
        </p>
      </section>
    );
  }

  if (state.status === "not_member") {
    return (
      <section className="page-narrow">
        <h1>You are no longer in this circle</h1>
        <p>You won&apos;t get any more emails from it.</p>
      </section>
    );
  }

  const what = WHAT[state.purpose];
  const settings = `/circles/${state.circle_id}/notifications`;
  return (
    <section className="page-narrow">
      <h1>Emails from {state.circle_name}</h1>
      {result?.error ? (
        <p role="alert" className="form-errors">
          {result.error}
        </p>
      ) : null}
      {state.on ? (
        <>
          <p>
            Stop {what.name} from <strong>{state.circle_name}</strong>?
          </p>
          <Form method="post" replace>
            <input type="hidden" name="intent" value="unsubscribe" />
            <button type="submit" className="button" disabled={busy}>
              Unsubscribe
            </button>
          </Form>
        </>
      ) : (
        <>
          <div className="notice" role="status">
            <p>
              <strong>You are unsubscribed.</strong> {what.offLine} from {state.circle_name}.
            </p>
          </div>
          <p>
            Changed your mind? Turn it back on in your <Link to={settings}>email settings</Link> for this circle (you
            sign in first).
          </p>
        </>
      )}
      {state.on ? (
        <p className="muted">
          Other choices (how often, at what time) are in your <Link to={settings}>email settings</Link> for this circle
          (sign-in needed).
        </p>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
