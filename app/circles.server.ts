import type { AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import type { PostgrestError } from "@supabase/supabase-js";
import { z } from "zod";
import type { CompositeTypes, Tables } from "~/database.types";
import { once } from "~/load-context";
import { sortCategories, type Category, type MemberRole, type Role } from "~/consent";
import {
  requireUser,
  rpc,
  unwrap,
  type RpcAnswer,
  type RpcArgs,
  type RpcName,
  type ServerSupabase,
  type SessionUser,
  type Supabase,
} from "~/supabase.server";

type Params = LoaderFunctionArgs["params"];

// Reading circles with the signed-in user's own client: row-level security decides what comes back,
// and the RPCs in supabase/migrations decide what may change. Nothing here uses the service role.

const CIRCLE_COLUMNS = "id, name, owner_id, time_zone, coordinators_can_invite, updates_paused, updates_paused_at, created_at";
const MEMBER_COLUMNS = "id, user_id, role, relationship, label, status, joined_at, ended_at, profile:profiles(display_name)";

export type Circle = Pick<
  Tables<"circles">,
  "id" | "name" | "owner_id" | "time_zone" | "coordinators_can_invite" | "updates_paused" | "updates_paused_at" | "created_at"
>;

/** A member and their name. `user_id` is null once the person deleted their account: the row stays as "Former member". */
export type Member = Pick<
  Tables<"circle_members">,
  "id" | "user_id" | "role" | "relationship" | "label" | "status" | "joined_at" | "ended_at"
> & { name: string };

export type InvitationState = "pending" | "expired" | "revoked" | "accepted" | "declined";

/** invitation_preview's answer: what the invitation's link may show (every field but state is null when it is no longer pending). */
export type InvitationPreview = Omit<CompositeTypes<"invitation_preview">, "state" | "role"> & {
  state: InvitationState;
  role: MemberRole | null;
};

/** An invitation as its managers see it (invitations_with_state: the table without the token's hash, and its state). */
export type Invitation = Pick<
  Tables<"invitations">,
  "id" | "email" | "relationship" | "label" | "categories" | "invited_by" | "sent_at" | "send_count" | "expires_at" | "accepted_at" | "declined_at" | "revoked_at"
> & { role: MemberRole; state: InvitationState };

const INVITATION_COLUMNS =
  "id, email, role, relationship, label, categories, invited_by, sent_at, send_count, expires_at, accepted_at, declined_at, revoked_at, state";

export const UuidSchema = z.string().uuid();

export type CircleAccess = ServerSupabase & {
  user: SessionUser;
  circle: Circle;
  /** The signed-in user's own active membership (the owner has one too, role owner). */
  me: Member;
  isOwner: boolean;
  /** Owner, or a coordinator while the owner lets coordinators invite. */
  canInvite: boolean;
};

const notFound = (headers?: Headers) => new Response("Not found", { status: 404, headers });

/**
 * The circle of `params.circleId` as the signed-in user sees it, and their place in it. Someone
 * outside the circle gets the same 404 as for a circle that does not exist. Read once per request:
 * the circle frame and its child route share it through the load context.
 */
export function requireCircle(request: Request, params: Params, context: AppLoadContext): Promise<CircleAccess> {
  const parsed = UuidSchema.safeParse(params.circleId);
  if (!parsed.success) throw notFound();
  const circleId = parsed.data;
  return once(request, context, `circle:${circleId}`, () => loadCircleAccess(request, context, circleId));
}

async function loadCircleAccess(request: Request, context: AppLoadContext, circleId: string): Promise<CircleAccess> {
  const session = await requireUser(request, context);
  const { supabase, headers, user } = session;
  // One request: the circle with the reader's own active membership embedded (RLS filters both).
  const row = unwrap(
    await supabase
      .from("circles")
      .select(`${CIRCLE_COLUMNS}, me:circle_members(${MEMBER_COLUMNS})`)
      .eq("id", circleId)
      .eq("me.user_id", user.id)
      .eq("me.status", "active")
      .maybeSingle(),
  );
  const meRow = row?.me[0];
  if (!row || !meRow) throw notFound(headers);
  return circleAccess(session, row, meRow);
}

function circleAccess(
  session: ServerSupabase & { user: SessionUser },
  row: Circle & { me?: unknown },
  meRow: MemberRow,
): CircleAccess {
  const { me: _embedded, ...circle } = row;
  const me = toMember(meRow);
  const isOwner = circle.owner_id === session.user.id;
  const canInvite = isOwner || (me.role === "coordinator" && circle.coordinators_can_invite);
  return { ...session, circle, me, isOwner, canInvite };
}

type MemberRow = Omit<Member, "name"> & { profile: { display_name: string } | null };

function toMember(row: MemberRow): Member {
  const { profile, ...rest } = row;
  if (rest.user_id === null) return { ...rest, name: "Former member" };
  return { ...rest, name: profile?.display_name ?? "Someone" };
}

const roleOrder: Record<Role, number> = { owner: 0, coordinator: 1, supporter: 2 };

/**
 * Members the user may see: for the owner everyone who was ever in the circle, for a member the
 * active members. Owner first, then coordinators, then supporters, by name.
 */
export async function listMembers(supabase: Supabase, circleId: string): Promise<Member[]> {
  const rows = unwrap(
    await supabase.from("circle_members").select(MEMBER_COLUMNS).eq("circle_id", circleId).order("joined_at"),
  );
  return rows
    .map(toMember)
    .sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.name.localeCompare(b.name));
}

/** Grants by member id: every member's for the owner, only one's own for a member (RLS). */
export async function listGrants(supabase: Supabase, circleId: string): Promise<Map<string, Category[]>> {
  const rows = unwrap(
    await supabase.from("sharing_grants").select("member_id, category").eq("circle_id", circleId),
  );
  const byMember = new Map<string, Category[]>();
  for (const row of rows) byMember.set(row.member_id, [...(byMember.get(row.member_id) ?? []), row.category]);
  for (const [id, categories] of byMember) byMember.set(id, sortCategories(categories));
  return byMember;
}

/** Invitations the user may manage (all of the circle's for the owner, their own for a coordinator). */
export async function listInvitations(supabase: Supabase, circleId: string): Promise<Invitation[]> {
  const rows = unwrap(
    await supabase
      .from("invitations_with_state")
      .select(INVITATION_COLUMNS)
      .eq("circle_id", circleId)
      .order("sent_at", { ascending: false })
      .limit(100),
  );
  return rows.map((row) => ({ ...row, categories: sortCategories(row.categories) }));
}

/** Display names of the given users that the reader may see (RLS on profiles). */
export async function profileNames(supabase: Supabase, userIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = unwrap(await supabase.from("profiles").select("id, display_name").in("id", ids));
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

/** A member's name as others see it: "Ana (Mom)". */
export function memberTitle(member: Pick<Member, "name" | "label">): string {
  return member.label && member.label !== member.name ? `${member.name} (${member.label})` : member.name;
}

// ---------------------------------------------------------------------------------------------------
// RPC errors in plain words. Every RPC raises a stable key as its message (docs/policies.md); the
// SQLSTATE says which HTTP status fits.
// ---------------------------------------------------------------------------------------------------

const RPC_MESSAGES: Record<string, string> = {
  not_authenticated: "Please sign in again.",
  not_circle_owner: "Only the person whose circle this is can do that.",
  not_allowed_to_invite: "You can't invite people to this circle.",
  invitation_wrong_account: "This invitation was sent to a different email address.",
  email_not_confirmed: "Please confirm your email address first: the link is in your inbox.",
  cannot_change_owner: "The person whose circle this is always keeps their role and sees everything.",
  cannot_move_between_circles: "That change isn't possible.",
  circle_not_found: "We couldn't find that circle.",
  member_not_found: "We couldn't find that person in this circle.",
  invitation_not_found: "This invitation link isn't valid. Check that you copied all of it.",
  already_member: "This person is already in the circle.",
  invitation_already_pending: "This person already has an invitation waiting. Re-send it from the list instead.",
  invitation_expired: "This invitation has expired.",
  invitation_revoked: "This invitation was withdrawn.",
  invitation_used: "This invitation has already been used.",
  invitation_declined: "This invitation was declined.",
  member_not_active: "This person is no longer in the circle.",
  owner_cannot_leave: "You can't leave your own circle. You will be able to delete it instead.",
  rate_limited: "This circle has sent 50 invitations in the last 24 hours. Please try again tomorrow.",
  invalid_circle_name: "Give the circle a name of 1 to 80 characters.",
  invalid_time_zone: "Choose a time zone from the list.",
  invalid_role: "Choose coordinator or supporter.",
  invalid_relationship: "Choose a relationship.",
  invalid_label: "Keep the label to 60 characters.",
  invalid_email: "Enter a valid email address, like name@example.com",
  invalid_categories: "Choose what to share from the list.",
  invalid_paused: "Say whether updates are paused.",
};

export type RpcFailure = { key: string; message: string; status: number };

const STATUS_BY_SQLSTATE: Record<string, number> = {
  "42501": 403,
  PT404: 404,
  PT409: 409,
  PT429: 429,
  "22023": 400,
};

/**
 * An RPC error as a message for the person and a status, or null for an error we don't know
 * (the caller throws it, and the error boundary answers 500).
 */
export function rpcFailure(error: Pick<PostgrestError, "message" | "code">): RpcFailure | null {
  const message = RPC_MESSAGES[error.message];
  if (!message) return null;
  return { key: error.message, message, status: STATUS_BY_SQLSTATE[error.code] ?? 400 };
}

export class UnexpectedRpcError extends Error {
  constructor(fn: string, error: PostgrestError) {
    super(`${fn} failed: ${error.code} ${error.message} ${error.details ?? ""}`);
    this.name = "UnexpectedRpcError";
  }
}

type RpcResult<T> = { ok: true; data: T } | { ok: false; failure: RpcFailure };

/**
 * Calls an RPC as the signed-in user. Known refusals come back as `{ ok: false, failure }` for the
 * page to show next to its form; anything else is thrown.
 */
export async function callRpc<F extends RpcName>(
  supabase: Supabase,
  fn: F,
  args: RpcArgs<F>,
): Promise<RpcResult<RpcAnswer<F>>> {
  const { data, error } = await rpc(supabase, fn, args);
  if (!error) return { ok: true, data };
  const failure = rpcFailure(error);
  if (!failure) throw new UnexpectedRpcError(fn, error);
  return { ok: false, failure };
}
