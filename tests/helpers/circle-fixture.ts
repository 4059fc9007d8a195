// The identities of the RLS matrix, built through the real flows (create_circle, create_invitation,
// accept_invitation, remove_member, leave_circle) so that the fixture itself exercises them.
//
// Circle A ("the circle"), owned by `owner`. Its items are in `wellbeing` unless said otherwise:
//   owner    the person
//   coordW   coordinator holding wellbeing (and practical)
//   coordWo  coordinator without wellbeing (practical, general)
//   supW     supporter holding wellbeing (and practical); in the audience of `taskAudience`
//   supWo    supporter without wellbeing (practical only)
//   supOut   supporter holding wellbeing, but not in the audience of `taskAudience`
//   removed  held wellbeing, then removed by the owner
//   left     held wellbeing, then left
//   invitee  invited with wellbeing, has an account, has not accepted
//   outsider owner of another circle (B), nothing to do with A
//   anon     not signed in

import { createHash, randomBytes } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { anonClient, createAuthUser, createUser, must, serviceClient, uniqueEmail, type TestUser } from "./supabase";

export const IDENTITIES = [
  "owner",
  "coordW",
  "coordWo",
  "supW",
  "supWo",
  "supOut",
  "removed",
  "left",
  "invitee",
  "outsider",
  "anon",
] as const;
export type Identity = (typeof IDENTITIES)[number];
export type SignedIn = Exclude<Identity, "anon">;
export type Category = "practical" | "general" | "milestones" | "wellbeing" | "health";

export interface CircleFixture {
  circleId: string;
  otherCircleId: string;
  users: Record<SignedIn, TestUser>;
  /** circle_members ids in circle A (owner's own row included). */
  members: Record<"owner" | "coordW" | "coordWo" | "supW" | "supWo" | "supOut" | "removed" | "left", string>;
  invitation: { id: string; token: string };
  tasks: { shared: string; audience: string; practical: string; otherCircle: string };
  claimId: string;
  updates: { published: string; draft: string };
  /** The API as this identity, with their own token (anon: the anon key only). */
  as(who: Identity): SupabaseClient;
  /** Inserts a task with the service role (for cases that delete or change one). */
  newTask(fields?: { category?: Category; audience?: string[] | null; title?: string }): Promise<string>;
  newUpdate(fields?: { category?: Category; status?: string; authorId?: string }): Promise<string>;
  /** A fresh active member of circle A (for cases that change or remove a member). */
  spareMember(role?: "coordinator" | "supporter", categories?: Category[]): Promise<{ memberId: string; userId: string }>;
  /** A fresh pending invitation to circle A, inserted with the service role (no email, no rate limit). */
  newInvitation(opts?: InvitationFields): Promise<{ id: string; token: string }>;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export interface InvitationFields {
  email?: string;
  role?: "coordinator" | "supporter";
  categories?: Category[];
  expiresAt?: string;
}

/** The token format create_invitation uses: 32 random bytes, base64url. Only its SHA-256 is stored. */
export function newToken() {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: createHash("sha256").update(token).digest("hex") };
}

/** Inserts a pending invitation directly (service role), returning its raw token. */
export async function insertInvitation(circleId: string, invitedBy: string, opts: InvitationFields = {}) {
  const { token, hash } = newToken();
  const row = must(
    await serviceClient()
      .from("invitations")
      .insert({
        circle_id: circleId,
        email: (opts.email ?? uniqueEmail("invited")).toLowerCase(),
        role: opts.role ?? "supporter",
        relationship: "friend",
        categories: opts.categories ?? ["practical"],
        token_hash: hash,
        invited_by: invitedBy,
        expires_at: opts.expiresAt ?? inDays(7),
      })
      .select("id")
      .single(),
    "insert invitation",
  );
  return { id: row.id as string, token };
}

export async function makeCircleFixture(): Promise<CircleFixture> {
  const service = serviceClient();
  const names: Record<SignedIn, string> = {
    owner: "Maria",
    coordW: "Ana (coordinator)",
    coordWo: "Luis (coordinator)",
    supW: "Sam",
    supWo: "Tom",
    supOut: "Priya",
    removed: "Rae",
    left: "Lee",
    invitee: "Ines",
    outsider: "Olga",
  };
  const entries = await Promise.all(
    (Object.keys(names) as SignedIn[]).map(async (k) => [k, await createUser({ displayName: names[k] })] as const),
  );
  const users = Object.fromEntries(entries) as Record<SignedIn, TestUser>;
  const owner = users.owner.client;

  const circle = must(await owner.rpc("create_circle", { name: "Maria's circle", time_zone: "Europe/Dublin" }), "create_circle");
  const circleId: string = circle.id;
  const otherCircle = must(await users.outsider.client.rpc("create_circle", { name: "Olga's circle", time_zone: "UTC" }));

  const join = async (who: SignedIn, role: "coordinator" | "supporter", categories: Category[]) => {
    const invitation = must(
      await owner.rpc("create_invitation", {
        circle_id: circleId,
        email: users[who].email,
        role,
        relationship: "friend",
        label: names[who],
        categories,
      }),
      `invite ${who}`,
    );
    const member = must(await users[who].client.rpc("accept_invitation", { token: invitation.token }), `accept ${who}`);
    return member.id as string;
  };
  const [coordW, coordWo, supW, supWo, supOut, removed, left] = await Promise.all([
    join("coordW", "coordinator", ["practical", "wellbeing"]),
    join("coordWo", "coordinator", ["practical", "general"]),
    join("supW", "supporter", ["practical", "wellbeing"]),
    join("supWo", "supporter", ["practical"]),
    join("supOut", "supporter", ["practical", "wellbeing"]),
    join("removed", "supporter", ["practical", "wellbeing"]),
    join("left", "supporter", ["practical", "wellbeing"]),
  ]);
  must(await owner.rpc("remove_member", { member_id: removed }), "remove_member");
  must(await users.left.client.rpc("leave_circle", { circle_id: circleId }), "leave_circle");
  const invited = must(
    await owner.rpc("create_invitation", {
      circle_id: circleId,
      email: users.invitee.email,
      role: "supporter",
      relationship: "family",
      categories: ["practical", "wellbeing"],
    }),
    "invite invitee",
  );
  const ownerMember = must(
    await owner.from("circle_members").select("id").eq("circle_id", circleId).eq("role", "owner").single(),
  );

  const insertTask = async (client: SupabaseClient, row: Record<string, unknown>) =>
    must(await client.from("tasks").insert(row).select("id").single(), "insert task").id as string;
  const [shared, audience, practical, otherCircleTask] = await Promise.all([
    insertTask(owner, { circle_id: circleId, title: "Check-in call", category: "wellbeing", starts_at: inDays(2) }),
    insertTask(owner, {
      circle_id: circleId,
      title: "Walk together",
      category: "wellbeing",
      starts_at: inDays(3),
      audience: [supW, coordW],
    }),
    insertTask(owner, { circle_id: circleId, title: "Bring dinner", category: "practical", starts_at: inDays(1) }),
    insertTask(users.outsider.client, { circle_id: otherCircle.id, title: "Olga's errand", category: "practical", starts_at: inDays(1) }),
  ]);
  const claim = must(
    await service.from("task_claims").insert({ task_id: shared, circle_id: circleId, member_id: supW }).select("id").single(),
  );
  const published = must(
    await owner.from("updates").insert({ circle_id: circleId, category: "wellbeing", body: "A good week." }).select("id").single(),
  );
  const draft = must(
    await users.coordW.client
      .from("updates")
      .insert({ circle_id: circleId, category: "wellbeing", body: "Draft for Maria", status: "draft" })
      .select("id")
      .single(),
  );

  const anon = anonClient();
  const fixture: CircleFixture = {
    circleId,
    otherCircleId: otherCircle.id,
    users,
    members: { owner: ownerMember.id, coordW, coordWo, supW, supWo, supOut, removed, left },
    invitation: { id: invited.invitation_id, token: invited.token },
    tasks: { shared, audience, practical, otherCircle: otherCircleTask },
    claimId: claim.id,
    updates: { published: published.id, draft: draft.id },
    as: (who) => (who === "anon" ? anon : users[who].client),
    async newTask(fields = {}) {
      return insertTask(service, {
        circle_id: circleId,
        title: fields.title ?? "Spare task",
        category: fields.category ?? "wellbeing",
        starts_at: inDays(5),
        audience: fields.audience ?? null,
        created_by: users.owner.id,
      });
    },
    async newUpdate(fields = {}) {
      const row = must(
        await service
          .from("updates")
          .insert({
            circle_id: circleId,
            category: fields.category ?? "wellbeing",
            body: "Spare update",
            status: fields.status ?? "published",
            author_id: fields.authorId ?? users.owner.id,
          })
          .select("id")
          .single(),
      );
      return row.id as string;
    },
    async spareMember(role = "supporter", categories = ["practical"]) {
      const user = await createAuthUser({ displayName: "Spare" });
      const member = must(
        await service
          .from("circle_members")
          .insert({ circle_id: circleId, user_id: user.id, role, relationship: "other" })
          .select("id")
          .single(),
      );
      if (categories.length > 0) {
        must(
          await service
            .from("sharing_grants")
            .insert(categories.map((category) => ({ member_id: member.id, circle_id: circleId, category }))),
        );
      }
      return { memberId: member.id as string, userId: user.id };
    },
    async newInvitation(opts = {}) {
      return insertInvitation(circleId, users.owner.id, opts);
    },
  };
  return fixture;
}
