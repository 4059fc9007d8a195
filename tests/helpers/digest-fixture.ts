// Circles for the email job's tests, written with superuser SQL so that a test can have 150 members,
// tasks at pinned instants and updates published "an hour ago" in a few milliseconds. Only data is
// arranged this way: what each person may see is still decided by the migrations' consent rule, and
// the tests assert it against what the person sees through the API with their own JWT.
//
// Every user gets a unique address (…@example.test); every test makes its own circles and runs the job
// for those circles only (runEmailJob({ circleIds })), so tests never see each other's data.

import { randomUUID } from "node:crypto";
import { sql } from "./supabase";

export type Category = "practical" | "general" | "milestones" | "wellbeing" | "health";

export type Person = { userId: string; memberId: string; email: string; name: string };

export async function newUser(name: string, email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomUUID().slice(0, 8)}@example.test`) {
  const id = randomUUID();
  await sql(
    `insert into auth.users (id, aud, role, email, email_confirmed_at, raw_user_meta_data, created_at, updated_at)
     values ($1, 'authenticated', 'authenticated', $2, now(), jsonb_build_object('display_name', $3::text), now(), now())`,
    [id, email, name],
  );
  return { id, email };
}

export type TestCircle = {
  circleId: string;
  name: string;
  owner: Person;
  member(name: string, opts?: MemberOptions): Promise<Person>;
  members(count: number, opts?: MemberOptions): Promise<Person[]>;
  task(opts: TaskOptions): Promise<string>;
  claim(taskId: string, who: Person, createdAt?: Date): Promise<string>;
  update(opts: UpdateOptions): Promise<string>;
};

export type MemberOptions = {
  role?: "coordinator" | "supporter";
  categories?: Category[];
  joinedAt?: Date;
  email?: string;
  prefs?: { frequency?: "daily" | "weekly" | "off"; weekday?: number; hour?: number; notifyClaimed?: boolean; notifyReleased?: boolean };
};

export type TaskOptions = {
  title?: string;
  category?: Category;
  startsAt: Date;
  endsAt?: Date;
  slots?: number;
  audience?: string[];
  kind?: string;
  location?: string;
  contactPreference?: "no_contact" | "brief_visit" | "happy_to_chat";
  allDay?: boolean;
};

export type UpdateOptions = { author: Person; category?: Category; body?: string; publishedAt: Date; audience?: string[] };

export async function setPrefs(member: Person, circleId: string, prefs: NonNullable<MemberOptions["prefs"]>) {
  await sql(
    `insert into public.email_preferences (member_id, circle_id, digest_frequency, digest_weekday, digest_hour, notify_claimed, notify_released)
     values ($1, $2, coalesce($3, 'weekly')::public.digest_frequency, coalesce($4, 1), coalesce($5, 8), coalesce($6, true), coalesce($7, true))
     on conflict (member_id) do update set digest_frequency = excluded.digest_frequency, digest_weekday = excluded.digest_weekday,
       digest_hour = excluded.digest_hour, notify_claimed = excluded.notify_claimed, notify_released = excluded.notify_released`,
    [member.memberId, circleId, prefs.frequency ?? null, prefs.weekday ?? null, prefs.hour ?? null, prefs.notifyClaimed ?? null, prefs.notifyReleased ?? null],
  );
}

export async function makeCircle(opts: { name?: string; ownerName?: string; timeZone?: string; ownerPrefs?: MemberOptions["prefs"] } = {}): Promise<TestCircle> {
  const ownerName = opts.ownerName ?? "Maria";
  const name = opts.name ?? `${ownerName}'s circle`;
  const owner = await newUser(ownerName);
  const circleId = randomUUID();
  await sql(`insert into public.circles (id, name, owner_id, time_zone) values ($1, $2, $3, $4)`, [
    circleId,
    name,
    owner.id,
    opts.timeZone ?? "Europe/Dublin",
  ]);
  const [{ id: ownerMemberId }] = await sql<{ id: string }>(
    `insert into public.circle_members (circle_id, user_id, role, joined_at) values ($1, $2, 'owner', now() - interval '30 days') returning id`,
    [circleId, owner.id],
  );
  const ownerPerson: Person = { userId: owner.id, memberId: ownerMemberId, email: owner.email, name: ownerName };
  if (opts.ownerPrefs) await setPrefs(ownerPerson, circleId, opts.ownerPrefs);

  const member = async (memberName: string, m: MemberOptions = {}): Promise<Person> => {
    const user = await newUser(memberName, m.email);
    const [{ id }] = await sql<{ id: string }>(
      `insert into public.circle_members (circle_id, user_id, role, relationship, label, joined_at)
       values ($1, $2, $3, 'friend', $4, $5) returning id`,
      [circleId, user.id, m.role ?? "supporter", memberName, m.joinedAt ?? new Date(Date.now() - 30 * 86_400_000)],
    );
    const categories = m.categories ?? ["practical", "general", "milestones"];
    if (categories.length) {
      await sql(
        `insert into public.sharing_grants (member_id, circle_id, category) select $1, $2, unnest($3::public.sharing_category[])`,
        [id, circleId, categories],
      );
    }
    const person = { userId: user.id, memberId: id, email: user.email, name: memberName };
    if (m.prefs) await setPrefs(person, circleId, m.prefs);
    return person;
  };

  return {
    circleId,
    name,
    owner: ownerPerson,
    member,
    async members(count, m = {}) {
      const people: Person[] = [];
      for (let i = 0; i < count; i++) people.push(await member(`Helper ${i + 1}`, m));
      return people;
    },
    async task(t) {
      const [{ id }] = await sql<{ id: string }>(
        `insert into public.tasks (circle_id, title, category, starts_at, ends_at, slots, audience, kind, location, contact_preference, all_day, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 'other')::public.task_kind, $9, $10, $11, $12) returning id`,
        [
          circleId,
          t.title ?? "A task",
          t.category ?? "practical",
          t.startsAt,
          t.endsAt ?? null,
          t.slots ?? 1,
          t.audience ?? null,
          t.kind ?? null,
          t.location ?? null,
          t.contactPreference ?? null,
          t.allDay ?? false,
          owner.id,
        ],
      );
      return id;
    },
    async claim(taskId, who, createdAt) {
      const [{ id }] = await sql<{ id: string }>(
        `insert into public.task_claims (task_id, circle_id, member_id, created_at) values ($1, $2, $3, coalesce($4, now())) returning id`,
        [taskId, circleId, who.memberId, createdAt ?? null],
      );
      return id;
    },
    async update(u) {
      const [{ id }] = await sql<{ id: string }>(
        `insert into public.updates (circle_id, author_id, category, body, status, published_at, audience)
         values ($1, $2, $3, $4, 'published', $5, $6) returning id`,
        [circleId, u.author.userId, u.category ?? "general", u.body ?? "News from today.", u.publishedAt, u.audience ?? null],
      );
      return id;
    },
  };
}

/** The delivery log rows of some circles, oldest first. */
export async function deliveries(circleIds: string[]) {
  return sql<{
    id: number;
    kind: string;
    member_id: string;
    period: string;
    status: string;
    batch_key: string | null;
    idempotency_key: string;
    attempts: number;
    has_payload: boolean;
    last_error: string | null;
  }>(
    `select id::int, kind, member_id, period, status, batch_key, idempotency_key, attempts, payload is not null as has_payload, last_error
       from private.email_deliveries where circle_id = any($1::uuid[]) order by id`,
    [circleIds],
  );
}

export const minutes = (n: number) => n * 60_000;
export const hours = (n: number) => n * 3_600_000;
export const days = (n: number) => n * 86_400_000;
export const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
