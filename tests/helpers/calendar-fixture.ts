// A small circle for calendar tests: the owner creates it through create_circle (with their own
// token); members are added with the service role (arranging only) and then act with their own token,
// so everything asserted is what row-level security and the RPCs show that person.

import { createUser, must, serviceClient, type TestUser } from "./supabase";

export type Category = "practical" | "general" | "milestones" | "wellbeing" | "health";

export interface Person extends TestUser {
  name: string;
  memberId: string;
}

export interface TaskFields {
  title?: string;
  category?: Category;
  kind?: string;
  startsAt?: Date;
  endsAt?: Date | null;
  allDay?: boolean;
  slots?: number;
  audience?: string[] | null;
  status?: "scheduled" | "done" | "cancelled";
  location?: string | null;
  notes?: string | null;
  contactPreference?: string | null;
  dietaryNeeds?: string | null;
}

export interface CalendarCircle {
  circleId: string;
  timeZone: string;
  owner: Person;
  /** A new member of the circle (signed in, with their own client). */
  member(opts?: { role?: "coordinator" | "supporter"; categories?: Category[]; name?: string }): Promise<Person>;
  /** Inserts a task with the service role; returns its id. */
  task(fields?: TaskFields): Promise<string>;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const fromNow = (ms: number) => new Date(Date.now() + ms);

export async function makeCalendarCircle(opts: { timeZone?: string; ownerName?: string } = {}): Promise<CalendarCircle> {
  const service = serviceClient();
  const timeZone = opts.timeZone ?? "Europe/Dublin";
  const ownerUser = await createUser({ displayName: opts.ownerName ?? "Maria" });
  const circle = must(await ownerUser.client.rpc("create_circle", { name: "Calendar circle", time_zone: timeZone }), "create_circle");
  const ownerMember = must(
    await ownerUser.client.from("circle_members").select("id").eq("circle_id", circle.id).eq("role", "owner").single(),
  ) as { id: string };
  const owner: Person = { ...ownerUser, name: opts.ownerName ?? "Maria", memberId: ownerMember.id };

  return {
    circleId: circle.id,
    timeZone,
    owner,
    async member({ role = "supporter", categories = ["practical"], name = "Helper" } = {}) {
      const user = await createUser({ displayName: name });
      const member = must(
        await service
          .from("circle_members")
          .insert({ circle_id: circle.id, user_id: user.id, role, relationship: "friend", label: name })
          .select("id")
          .single(),
        "insert member",
      ) as { id: string };
      if (categories.length) {
        must(
          await service
            .from("sharing_grants")
            .insert(categories.map((category) => ({ member_id: member.id, circle_id: circle.id, category }))),
          "insert grants",
        );
      }
      return { ...user, name, memberId: member.id };
    },
    async task(fields = {}) {
      const startsAt = fields.startsAt ?? fromNow(2 * DAY);
      const row = must(
        await service
          .from("tasks")
          .insert({
            circle_id: circle.id,
            title: fields.title ?? "Bring dinner",
            category: fields.category ?? "practical",
            kind: fields.kind ?? "meal",
            starts_at: startsAt.toISOString(),
            ends_at: fields.endsAt === null ? null : (fields.endsAt ?? new Date(startsAt.getTime() + HOUR)).toISOString(),
            all_day: fields.allDay ?? false,
            slots: fields.slots ?? 1,
            audience: fields.audience ?? null,
            location: fields.location ?? null,
            notes: fields.notes ?? null,
            contact_preference: fields.contactPreference ?? null,
            dietary_needs: fields.dietaryNeeds ?? null,
            created_by: ownerUser.id,
          })
          .select("id")
          .single(),
        "insert task",
      ) as { id: string };
      if (fields.status && fields.status !== "scheduled") {
        const now = new Date().toISOString();
        must(
          await service
            .from("tasks")
            .update(fields.status === "done" ? { status: "done", done_at: now } : { status: "cancelled", cancelled_at: now })
            .eq("id", row.id),
          "set status",
        );
      }
      return row.id;
    },
  };
}

/** Claims of a task as the service role sees them (for asserting what really happened). */
export async function claimsOf(taskId: string): Promise<string[]> {
  const rows = must(await serviceClient().from("task_claims").select("member_id").eq("task_id", taskId), "claims") as Array<{
    member_id: string;
  }>;
  return rows.map((r) => r.member_id).sort();
}

/** A task row as the service role sees it. */
export async function taskRow(taskId: string): Promise<Record<string, unknown> | null> {
  return (await serviceClient().from("tasks").select("*").eq("id", taskId).maybeSingle()).data;
}
