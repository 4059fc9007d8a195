import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listGrants, listMembers, memberTitle, requireCircle } from "~/circles.server";
import { useCircle } from "~/components/circle-context";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { categoryList, ROLE_WORDS } from "~/consent";

// "Preview as…": the owner chooses whose eyes to borrow.

export const meta: MetaFunction = () => [{ title: "Preview as… · Circle" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { supabase, headers, circle, isOwner } = await requireCircle(request, params, context);
  if (!isOwner) throw new Response("Only the owner can preview", { status: 403, headers });
  const [members, grants] = await Promise.all([listMembers(supabase, circle.id), listGrants(supabase, circle.id)]);
  return data(
    {
      members: members
        .filter((m) => m.status === "active" && m.role !== "owner")
        .map((m) => ({ id: m.id, name: m.name, title: memberTitle(m), role: m.role, sees: categoryList(grants.get(m.id) ?? []) })),
    },
    { headers },
  );
}

export default function PreviewChooser() {
  const { members } = useLoaderData<typeof loader>();
  const { circle } = useCircle();
  return (
    <>
      <h1>Preview as…</h1>
      <p>
        See the circle exactly as one of your members sees it. The preview uses the same rules as the circle itself,
        so what you see is what they see.
      </p>
      {members.length === 0 ? (
        <p className="muted">
          Nobody to preview yet. <Link to={`/circles/${circle.id}/members#invite`}>Invite someone</Link>.
        </p>
      ) : (
        <ul className="card-list">
          {members.map((member) => (
            <li key={member.id} className="card">
              <Link to={`/circles/${circle.id}/preview/${member.id}`} className="card-title">
                Preview as {member.name}
              </Link>
              <p className="muted">
                {memberLine(member.title, member.name)}
                {ROLE_WORDS[member.role].label} · sees {member.sees}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function memberLine(title: string, name: string) {
  return title !== name ? `${title} · ` : "";
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
