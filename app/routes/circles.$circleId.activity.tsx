import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { auditSentence, type AuditEvent } from "~/audit";
import { listMembers, profileNames, requireCircle } from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatMoment } from "~/format";
import { unwrap } from "~/supabase.server";

// The audit log. The same query for everyone: RLS gives the owner every entry of the circle and a
// member the entries about themselves.

const LIMIT = 200;

export const meta: MetaFunction = () => [{ title: "Activity · Circle" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { supabase, headers, circle, me, isOwner, user } = await requireCircle(request, params);
  const [events, members] = await Promise.all([
    supabase
      .from("audit_events")
      .select("id, action, actor_id, subject_member_id, details, created_at")
      .eq("circle_id", circle.id)
      .order("created_at", { ascending: false })
      .order("id", { ascending: false })
      .limit(LIMIT)
      .then((result) => unwrap(result) as AuditEvent[]),
    listMembers(supabase, circle.id),
  ]);
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
      truncated: events.length === LIMIT,
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
  const { isOwner, entries, truncated } = useLoaderData<typeof loader>();
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
      {truncated ? <p className="muted">Showing the latest {LIMIT} entries.</p> : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
