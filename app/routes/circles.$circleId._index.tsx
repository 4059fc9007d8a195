import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listGrants, listMembers, requireCircle } from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { categoryList, ROLE_WORDS } from "~/consent";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { supabase, headers, circle, me, isOwner } = await requireCircle(request, params);
  const [members, grants] = await Promise.all([listMembers(supabase, circle.id), listGrants(supabase, circle.id)]);
  const active = members.filter((m) => m.status === "active");
  return data(
    {
      otherMembers: active.filter((m) => m.id !== me.id).length,
      myCategories: isOwner ? null : (grants.get(me.id) ?? []),
    },
    { headers },
  );
}

export default function CircleHome() {
  const { otherMembers, myCategories } = useLoaderData<typeof loader>();
  const { circle, me, isOwner } = useCircle();
  const base = `/circles/${circle.id}`;

  return (
    <>
      <h1>{circle.name}</h1>
      <dl className="facts">
        <div>
          <dt>Your role</dt>
          <dd>
            {ROLE_WORDS[me.role].label}
            <span className="muted"> — {ROLE_WORDS[me.role].forMember}</span>
          </dd>
        </div>
        <div>
          <dt>Time zone</dt>
          <dd>
            {circle.zoneLabel} <span className="muted">({circle.timeZone.replaceAll("_", " ")})</span>
          </dd>
        </div>
        <div>
          <dt>{isOwner ? "People in your circle" : "People in this circle"}</dt>
          <dd>{otherMembers === 0 ? "Just you so far" : `${otherMembers} besides you`}</dd>
        </div>
        {myCategories ? (
          <div>
            <dt>Shared with you</dt>
            <dd>{categoryList(myCategories)}</dd>
          </div>
        ) : null}
      </dl>

      {isOwner && otherMembers === 0 ? (
        <div className="panel">
          <h2>Invite your first people</h2>
          <p>
            Invite the people you&apos;d like around you. For each person you choose what they may see, and you
            can change it at any time.
          </p>
          <p>
            <Link to={`${base}/members#invite`} className="button">
              Invite someone
            </Link>
          </p>
        </div>
      ) : null}

      <h2>Quick links</h2>
      <ul className="quick-links">
        <li>
          <Link to={`${base}/members`}>{isOwner ? "Members and what each person sees" : "Members"}</Link>
        </li>
        {isOwner ? (
          <li>
            <Link to={`${base}/preview`}>Preview the circle as one of your members</Link>
          </li>
        ) : (
          <li>
            <Link to={`${base}/shared-with-me`}>What is shared with me</Link>
          </li>
        )}
        <li>
          <Link to={`${base}/activity`}>{isOwner ? "Activity log" : "Changes about you"}</Link>
        </li>
        <li>
          <Link to={`${base}/settings`}>{isOwner ? "Settings and Take a break" : "Settings"}</Link>
        </li>
      </ul>

      <section aria-labelledby="calendar-heading" className="placeholder">
        <h2 id="calendar-heading">Calendar</h2>
        <p className="muted">The shared calendar of practical help will appear here.</p>
      </section>
      <section aria-labelledby="updates-heading" className="placeholder">
        <h2 id="updates-heading">Updates</h2>
        <p className="muted">
          {circle.updatesPaused
            ? "Updates are paused while Take a break is on."
            : "Updates shared in this circle will appear here."}
        </p>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
