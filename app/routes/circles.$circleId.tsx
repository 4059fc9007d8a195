import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData, useLocation } from "@remix-run/react";
import { requireCircle } from "~/circles.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { DisclosureMenu } from "~/components/menu";
import { formatDay } from "~/format";
import { zoneLabel } from "~/calendar/time";

// The frame of every circle page: its name, the circle's navigation (Home, Calendar, Updates, More) and
// the "Take a break" banner. Child routes load their own data (with the same per-request lookup).

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.circle.name} · Circle` : "Circle" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { circle, me, isOwner, canInvite, headers } = await requireCircle(request, params, context);
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
  const { circle, isOwner } = useLoaderData<typeof loader>();
  const base = `/circles/${circle.id}`;
  const { pathname } = useLocation();
  // Home, Calendar and Updates are the everyday pages; the rest waits one tap away under More.
  const primary = [base, `${base}/calendar`, `${base}/updates`];
  const inPrimary = pathname === base || pathname === `${base}/` || primary.slice(1).some((p) => pathname.startsWith(p));
  const more: Array<[string, string]> = [
    [`${base}/tasks`, "Task list"],
    [`${base}/tasks/offers`, isOwner ? "Offers of help" : "Offer help"],
    [`${base}/plan`, "Support plan"],
    [`${base}/notes`, isOwner ? "Notes for you" : "Send a note"],
    [`${base}/members`, "Members"],
    isOwner ? [`${base}/preview`, "Preview as…"] : [`${base}/shared-with-me`, "What is shared with me"],
    [`${base}/activity`, "Activity"],
    [`${base}/notifications`, "Email"],
    [`${base}/settings`, "Settings"],
    ...(isOwner ? ([[`${base}/data`, "Your data"]] as Array<[string, string]>) : []),
  ];
  return (
    <div className="circle">
      <div className="circle-bar">
        <p className="circle-bar-name">
          <Link to={base}>{circle.name}</Link>
        </p>
        <nav aria-label="Circle" className="circle-nav">
          <NavLink to={base} end>
            Home
          </NavLink>
          <NavLink to={`${base}/calendar`}>Calendar</NavLink>
          <NavLink to={`${base}/updates`}>Updates</NavLink>
          <DisclosureMenu label="More" current={!inPrimary} className="menu-end">
            <ul className="menu-list">
              {more.map(([to, label]) => (
                <li key={to}>
                  <NavLink to={to} end={to === `${base}/tasks`}>
                    {label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </DisclosureMenu>
        </nav>
      </div>
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
