import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import {
  clientActingAs,
  verifyUnsubscribeToken,
  type UnsubscribePurpose,
  type UnsubscribeTarget,
} from "~/digest/unsubscribe.server";
import type { DigestFrequency } from "~/digest/schedule";
import { unwrap } from "~/supabase.server";
import { readForm } from "~/validation";

// One-click unsubscribe (RFC 8058) and its page. Mail providers POST `List-Unsubscribe=One-Click` here
// from their own servers: no cookie, no Origin (security.server.ts exempts this path), so the signed
// token is the only authority, and it allows exactly one thing: turning off the email it names. The
// GET only shows a page (link scanners fetch links; a GET never changes anything), with a button to
// unsubscribe or, once off, to turn it back on. Changes are made as the member themselves, through
// set_email_preferences and row-level security (see unsubscribe.server.ts).

const IntentSchema = z.object({ intent: z.enum(["unsubscribe", "resubscribe"]) });

const WHAT: Record<UnsubscribePurpose, { name: string; offLine: string }> = {
  digest: { name: "the email digest", offLine: "You will no longer get the email digest" },
  claimed: { name: "emails when someone claims a task", offLine: "You will no longer get an email when someone claims a task" },
  released: {
    name: "emails when a helper releases a task at short notice",
    offLine: "You will no longer get an email when a helper releases a task at short notice",
  },
};

type Prefs = {
  digest_frequency: DigestFrequency;
  frequency_before_off: DigestFrequency | null;
  notify_claimed: boolean;
  notify_released: boolean;
};

export const meta: MetaFunction = () => [
  { title: "Email settings · Circle" },
  { name: "robots", content: "noindex" },
];

async function readState(client: SupabaseClient, target: UnsubscribeTarget) {
  const [circle, prefs] = await Promise.all([
    client.from("circles").select("name").eq("id", target.circleId).maybeSingle(),
    client
      .from("email_preferences")
      .select("digest_frequency, frequency_before_off, notify_claimed, notify_released")
      .eq("circle_id", target.circleId)
      .maybeSingle(),
  ]);
  // RLS: a circle the person is no longer in is not returned.
  const name = unwrap(circle) as { name: string } | null;
  if (!name) return null;
  const row = (unwrap(prefs) as Prefs | null) ?? {
    digest_frequency: "weekly",
    frequency_before_off: null,
    notify_claimed: true,
    notify_released: true,
  };
  const on =
    target.purpose === "digest"
      ? row.digest_frequency !== "off"
      : target.purpose === "claimed"
        ? row.notify_claimed
        : row.notify_released;
  return { circleName: name.name, on, restoreTo: row.frequency_before_off ?? "weekly" };
}

async function setOn(client: SupabaseClient, target: UnsubscribeTarget, on: boolean, restoreTo: DigestFrequency) {
  const args =
    target.purpose === "digest"
      ? { digest_frequency: on ? restoreTo : "off" }
      : target.purpose === "claimed"
        ? { notify_claimed: on }
        : { notify_released: on };
  const { error } = await client.rpc("set_email_preferences", { circle_id: target.circleId, ...args });
  // circle_not_found: they left the circle meanwhile, and get nothing from it any more anyway.
  if (error && error.message !== "circle_not_found") unwrap({ data: null, error });
}

function target(params: LoaderFunctionArgs["params"]) {
  return verifyUnsubscribeToken(params.token ?? "");
}

export async function loader({ params }: LoaderFunctionArgs) {
  const who = target(params);
  if (!who) return data({ valid: false as const }, { status: 404 });
  const state = await readState(clientActingAs(who.userId), who);
  return data({
    valid: true as const,
    purpose: who.purpose,
    circleId: who.circleId,
    member: state !== null,
    circleName: state?.circleName ?? null,
    on: state?.on ?? false,
    restoreTo: state?.restoreTo ?? "weekly",
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const who = target(params);
  if (!who) return data({ done: null, error: "This link is not valid." }, { status: 404 });
  const form = await readForm(request);
  // RFC 8058: the provider's POST body is exactly List-Unsubscribe=One-Click; our own page sends an intent.
  const oneClick = form.get("List-Unsubscribe") === "One-Click";
  const parsed = IntentSchema.safeParse({ intent: oneClick ? "unsubscribe" : form.get("intent") });
  if (!parsed.success) return data({ done: null, error: "Choose whether to unsubscribe." }, { status: 400 });

  const client = clientActingAs(who.userId);
  const state = await readState(client, who);
  if (state) await setOn(client, who, parsed.data.intent === "resubscribe", state.restoreTo);
  return data({ done: parsed.data.intent, error: null });
}

export default function Unsubscribe() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";

  if (!page.valid) {
    return (
      <section className="page-narrow">
        <h1>This unsubscribe link is not valid</h1>
        <p>It may have been copied only in part, or it is from an older email.</p>
        <p>
          You can change every email we send you from the circle&apos;s email settings, after signing in:{" "}
          <Link to="/circles">go to your circles</Link>.
        </p>
      </section>
    );
  }

  const what = WHAT[page.purpose];
  const settings = `/circles/${page.circleId}/notifications`;
  if (!page.member) {
    return (
      <section className="page-narrow">
        <h1>You are no longer in this circle</h1>
        <p>You won&apos;t get any more emails from it.</p>
      </section>
    );
  }

  return (
    <section className="page-narrow">
      <h1>Emails from {page.circleName}</h1>
      {result?.error ? (
        <p role="alert" className="form-errors">
          {result.error}
        </p>
      ) : null}
      {page.on ? (
        <>
          {result?.done === "resubscribe" ? (
            <div className="notice" role="status">
              <p>
                <strong>Done:</strong> {what.name} from {page.circleName} {page.purpose === "digest" ? "is" : "are"} back on.
              </p>
            </div>
          ) : null}
          <p>
            Stop {what.name} from <strong>{page.circleName}</strong>?
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
              <strong>You are unsubscribed.</strong> {what.offLine} from {page.circleName}.
            </p>
          </div>
          <p>Changed your mind?</p>
          <Form method="post" replace>
            <input type="hidden" name="intent" value="resubscribe" />
            <button type="submit" className="button button-secondary" disabled={busy}>
              {page.purpose === "digest" ? `Turn the ${page.restoreTo} digest back on` : "Turn these emails back on"}
            </button>
          </Form>
        </>
      )}
      <p className="muted">
        Other choices (how often, at what time) are in your <Link to={settings}>email settings</Link> for this circle
        (sign-in needed).
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
