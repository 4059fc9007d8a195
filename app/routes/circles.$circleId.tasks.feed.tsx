import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { feedUrl } from "~/calendar/feed.server";
import { callCalendarRpc } from "~/calendar/tasks.server";
import { requireCircle } from "~/circles.server";
import { Notice } from "~/components/choices";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CalendarActions } from "~/components/task-parts";
import { formatDay } from "~/format";
import { unwrap } from "~/supabase.server";
import appCalendarStyles from "~/styles/calendar.css?url";
import { readForm } from "~/validation";

// The member's private calendar feed (ICS) of the tasks they claimed: create it, reset it (a new
// secret address; the old one stops working) or turn it off. Only a hash of the secret is stored, so
// the address is shown once, right after it is made.

export const links: LinksFunction = () => [{ rel: "stylesheet", href: appCalendarStyles }];

export const meta: MetaFunction = () => [{ title: "Calendar feed · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCircle(request, params, context);
  const { supabase, circle, me, headers } = access;
  const feed = unwrap(
    await supabase.from("calendar_feeds").select("created_at").eq("member_id", me.id).maybeSingle(),
  ) as { created_at: string } | null;
  return data(
    {
      circleId: circle.id,
      isOwner: access.isOwner,
      canCreate: access.isOwner || me.role === "coordinator",
      feedSince: feed ? formatDay(feed.created_at, circle.time_zone) : null,
      off: new URL(request.url).searchParams.get("notice") === "off",
    },
    { headers },
  );
}

const IntentSchema = z.object({ intent: z.enum(["reset", "delete"]) });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { supabase, circle, headers } = await requireCircle(request, params, context);
  const parsed = IntentSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ url: null, error: "Please use the buttons on this page." }, { status: 400, headers });
  if (parsed.data.intent === "delete") {
    const result = await callCalendarRpc(supabase, "delete_calendar_feed", { circle_id: circle.id });
    if (!result.ok) return data({ url: null, error: result.failure.message }, { status: result.failure.status, headers });
    return redirect(`/circles/${circle.id}/tasks/feed?notice=off`, { headers });
  }
  const result = await callCalendarRpc(supabase, "reset_calendar_feed", { circle_id: circle.id });
  if (!result.ok) return data({ url: null, error: result.failure.message }, { status: result.failure.status, headers });
  // Shown once, in this response: it is not stored anywhere we could read it back from.
  return data({ url: feedUrl(result.data), error: null }, { headers: { ...Object.fromEntries(headers), "Cache-Control": "no-store" } });
}

export default function Feed() {
  const { circleId, isOwner, canCreate, feedSince, off } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const base = `/circles/${circleId}`;
  const url = actionData?.url ?? null;
  const webcal = url ? url.replace(/^https?:/, "webcal:") : null;

  return (
    <div className="calendar-page page-narrow">
      <div className="page-heading">
        <h1>Your calendar feed</h1>
      </div>
      <CalendarActions base={base} canCreate={canCreate} isOwner={isOwner} current="feed" />
      <p className="lead">
        A private address that lists the tasks you claimed in this circle, for Google, Apple or Outlook calendars. They
        refresh it on their own, every few hours; cancelled tasks show as cancelled.
      </p>
      {off ? <Notice>Your calendar feed is off. Its address no longer works.</Notice> : null}
      {actionData?.error ? <Notice tone="error">{actionData.error}</Notice> : null}

      {url ? (
        <section className="panel" aria-labelledby="new-feed-heading">
          <h2 id="new-feed-heading">Your new calendar address</h2>
          <p role="status">Copy it now: for your privacy it is shown only this once.</p>
          <div className="field">
            <label htmlFor="feed-url">Calendar address</label>
            <input id="feed-url" className="feed-url" readOnly value={url} />
          </div>
          <ul className="plain-list">
            <li>
              <strong>Apple Calendar or Outlook:</strong> <a href={webcal ?? url}>subscribe with one click</a>, or add a
              calendar &ldquo;from the internet&rdquo; and paste the address.
            </li>
            <li>
              <strong>Google Calendar:</strong> Other calendars, &ldquo;+&rdquo;, From URL, then paste the address.
            </li>
          </ul>
          <p className="field-hint">Anyone with this address can see your claimed tasks. Keep it to yourself; reset it if it gets out.</p>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="feed-settings-heading">
        <h2 id="feed-settings-heading">Settings</h2>
        {feedSince || url ? (
          <>
            <p>
              Your feed is on{feedSince && !url ? ` (address made on ${feedSince})` : ""}. If you lost the address, or someone else
              may have it, reset it: you get a new one and the old one stops working at once.
            </p>
            <Form method="post" className="form-actions compact">
              <button type="submit" name="intent" value="reset" className="button" disabled={busy}>
                Reset the address
              </button>
              <button type="submit" name="intent" value="delete" className="button button-quiet" disabled={busy}>
                Turn the feed off
              </button>
            </Form>
          </>
        ) : (
          <Form method="post" className="form-actions compact">
            <p>You have no calendar feed for this circle yet.</p>
            <button type="submit" name="intent" value="reset" className="button" disabled={busy}>
              Make my calendar address
            </button>
          </Form>
        )}
        <p className="field-hint">If you leave the circle or are removed from it, the address stops working.</p>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
