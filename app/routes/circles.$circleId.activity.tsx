import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { auditSentence } from "~/audit";
import { listMembers, profileNames, requireCircle } from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatMoment } from "~/format";
import { unwrap } from "~/supabase.server";

// The audit log. The same query for everyone: RLS gives the owner every entry of the circle and a
// member the entries about themselves.

const PAGE_SIZE = 100;

// Older pages by keyset: `before` is the time and id of the last entry shown ("2026-03-03T10:00:00.5+00:00|812").
const BeforeSchema = z
  .string()
  .regex(/^[0-9T:.+-]{10,40}\|\d{1,18}$/)
  .refine((value) => !Number.isNaN(Date.parse(value.split("|")[0])))
  .transform((value) => {
    const [at, id] = value.split("|");
    return { at, id };
  });

export const meta: MetaFunction = () => [{ title: "Activity · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, me, isOwner, user } = await requireCircle(request, params, context);
  const beforeParam = new URL(request.url).searchParams.get("before");
  const before = beforeParam === null ? null : BeforeSchema.safeParse(beforeParam);
  if (before && !before.success) throw new Response("Not found", { status: 404, headers });
  let query = supabase
    .from("audit_events")
    .select("id, action, actor_id, subject_member_id, details, created_at")
    .eq("circle_id", circle.id);
  if (before?.success) {
    const { at, id } = before.data;
    query = query.or(`created_at.lt."${at}",and(created_at.eq."${at}",id.lt.${id})`);
  }
  const [page, members] = await Promise.all([
    query
      .order("created_at", { ascending: false })
      .order("id", { ascending: false })
      .limit(PAGE_SIZE + 1)
      .then(unwrap),
    listMembers(supabase, circle.id),
  ]);
  const events = page.slice(0, PAGE_SIZE);
  const last = events[events.length - 1];
  const memberNames = new Map(members.map((m) => [m.id, m.name]));
  const userNames = new Map(members.map((m) => [m.user_id, m.name]));
  const unknownActors = events.flatMap((e) => (e.actor_id && !userNames.has(e.actor_id) ? [e.actor_id] : []));
  for (const [id, name] of await profileNames(supabase, unknownActors)) userNames.set(id, name);

  const names = {
    viewerUserId: user.id,
    viewerMemberId: me.id,
    userName: (id: string) => userNames.get(id),
    memberName: (id: string) => memberNames.get(id),
  };
  return data(
    {
      isOwner,
      olderHref: page.length > PAGE_SIZE && last ? `?${new URLSearchParams({ before: `${last.created_at}|${last.id}` })}` : null,
      isOlderPage: Boolean(before),
      entries: events.map((event) => ({
        id: event.id,
        at: event.created_at,
        when: formatMoment(event.created_at, circle.time_zone),
        text: `${auditSentence(event, names)}.`,
      })),
    },
    { headers },
  );
}

export default function Activity() {
  const { isOwner, entries, olderHref, isOlderPage } = useLoaderData<typeof loader>();
  const { circle } = useCircle();
  return (
    <>
      <h1>{isOwner ? "Activity" : "Changes about you"}</h1>
      <p>
        {isOwner
          ? "Every change to who is in the circle and what they see. Nobody can edit or delete these entries."
          : "Every change to what is shared with you in this circle. Only the person whose circle this is sees the full log."}{" "}
        Times are in {circle.zoneLabel}.
      </p>
      {entries.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="timeline" reversed>
          {entries.map((entry) => (
            <li key={entry.id}>
              <time dateTime={entry.at} className="timeline-time">
                {entry.when}
              </time>
              <span>{entry.text}</span>
            </li>
          ))}
        </ol>
      )}
      {olderHref || isOlderPage ? (
        <nav aria-label="Older and newer entries" className="form-actions">
          {isOlderPage ? <Link to=".">Back to the latest entries</Link> : null}
          {olderHref ? <Link to={olderHref}>Older entries</Link> : null}
        </nav>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
