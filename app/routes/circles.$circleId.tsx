import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireCircle } from "~/circles.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ROLE_WORDS } from "~/consent";
import { formatDay } from "~/format";
import { zoneLabel } from "~/calendar/time";

// The frame of every circle page: its name, the reader's role, the circle's sub-navigation and the
// "Take a break" banner. Child routes load their own data (with the same per-request lookup).

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.circle.name} · Circle` : "Circle" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { circle, me, isOwner, canInvite, headers } = await requireCircle(request, params);
  return data(
    {
      circle: {
        id: circle.id,
        name: circle.name,
        timeZone: circle.time_zone,
        zoneLabel: zoneLabel(circle.time_zone),
        updatesPaused: circle.updates_paused,
        pausedSince: circle.updates_paused_at ? formatDay(circle.updates_paused_at, circle.time_zone) : null,
        coordinatorsCanInvite: circle.coordinators_can_invite,
      },
      me: { memberId: me.id, name: me.name, role: me.role, label: me.label },
      isOwner,
      canInvite,
    },
    { headers },
  );
}

export default function CircleLayout() {
  const { circle, me, isOwner } = useLoaderData<typeof loader>();
  const base = `/circles/${circle.id}`;
  return (
    <div className="circle">
      <div className="circle-header">
        <p className="circle-kicker">
          <Link to="/circles">Your circles</Link>
          <span aria-hidden="true"> › </span>
          <Link to={base} className="circle-name">
            {circle.name}
          </Link>
        </p>
        <p className="muted circle-meta">
          Your role: <strong>{ROLE_WORDS[me.role].label}</strong> · Times shown in {circle.zoneLabel}
        </p>
      </div>
      <nav aria-label="Circle" className="subnav">
        <NavLink to={base} end>
          Home
        </NavLink>
        <NavLink to={`${base}/calendar`}>Calendar</NavLink>
        <NavLink to={`${base}/tasks`} end>
          Task list
        </NavLink>
        <NavLink to={`${base}/updates`}>Updates</NavLink>
        <NavLink to={`${base}/plan`}>Support plan</NavLink>
        <NavLink to={`${base}/notes`}>{isOwner ? "Notes for you" : "Send a note"}</NavLink>
        <NavLink to={`${base}/members`}>Members</NavLink>
        {isOwner ? (
          <NavLink to={`${base}/preview`}>Preview as…</NavLink>
        ) : (
          <NavLink to={`${base}/shared-with-me`}>What is shared with me</NavLink>
        )}
        <NavLink to={`${base}/activity`}>Activity</NavLink>
        <NavLink to={`${base}/notifications`}>Email</NavLink>
        <NavLink to={`${base}/settings`}>Settings</NavLink>
        {isOwner ? <NavLink to={`${base}/data`}>Your data</NavLink> : null}
      </nav>
      {circle.updatesPaused ? (
        <div className="banner" role="note" aria-label="Take a break">
          {isOwner ? (
            <p>
              <strong>Take a break is on</strong>
              {circle.pausedSince ? ` since ${circle.pausedSince}` : ""}: your updates are hidden from everyone.
              Tasks go on as usual. <Link to={`${base}/settings#take-a-break`}>Change this in Settings</Link>
            </p>
          ) : (
            <p>
              <strong>Take a break is on:</strong> updates are paused for now. Tasks go on as usual.
            </p>
          )}
        </div>
      ) : null}
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <GeneralErrorBoundary
      statusHandlers={{
        404: () => (
          <div className="error-page">
            <h1>We couldn&apos;t find that circle</h1>
            <p>It may not exist, or it isn&apos;t shared with you. If you were invited, open the link in your invitation email.</p>
            <p>
              <Link to="/circles">Go to your circles</Link>
            </p>
          </div>
        ),
      }}
    />
  );
}
