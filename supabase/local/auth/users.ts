import { randomBytes, randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import type pg from "pg";
import { ApiError, badRequest } from "./http";

// auth.users and auth.identities: queries, the JSON shape Supabase Auth gives a user, and the
// email/password rules it applies.

export type Db = pg.Pool | pg.PoolClient;
type Json = Record<string, unknown>;

export const INSTANCE_ID = "00000000-0000-0000-0000-000000000000";
const MIN_PASSWORD_LENGTH = 6;
const MAX_PASSWORD_LENGTH = 72; // bcrypt's limit, in bytes
const BCRYPT_COST = 10;

export interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: Json;
  provider: string;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
  email: string | null;
}

export interface UserRow {
  id: string;
  aud: string;
  role: string;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  invited_at: Date | null;
  confirmation_token: string | null;
  confirmation_sent_at: Date | null;
  recovery_token: string | null;
  recovery_sent_at: Date | null;
  email_change_token_new: string | null;
  email_change_token_current: string | null;
  email_change: string | null;
  email_change_sent_at: Date | null;
  email_change_confirm_status: number | null;
  reauthentication_token: string | null;
  reauthentication_sent_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Json | null;
  raw_user_meta_data: Json | null;
  created_at: Date;
  updated_at: Date;
  phone: string | null;
  phone_confirmed_at: Date | null;
  confirmed_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
  identities: IdentityRow[];
}

const SELECT_USER = `
  select u.*, coalesce(
    (select json_agg(i order by i.created_at) from auth.identities i where i.user_id = u.id), '[]'
  ) as identities
  from auth.users u`;

export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`${SELECT_USER} where u.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `${SELECT_USER} where lower(u.email) = lower($1) and u.aud = 'authenticated' and not u.is_sso_user`,
    [email]
  );
  return rows[0] ?? null;
}

export async function listUsers(db: Db, page: number, perPage: number) {
  const [{ rows }, count] = await Promise.all([
    db.query<UserRow>(
      `${SELECT_USER} where u.aud = 'authenticated' order by u.created_at desc, u.id limit $1 offset $2`,
      [perPage, (page - 1) * perPage]
    ),
    db.query<{ count: string }>(`select count(*) from auth.users where aud = 'authenticated'`),
  ]);
  return { users: rows, total: Number(count.rows[0].count) };
}

export interface NewUser {
  id?: string;
  email: string;
  passwordHash: string;
  userMetadata: Json;
  appMetadata?: Json;
  confirmedAt: Date | null;
  invitedAt?: Date | null;
  role?: string;
  /** Extra identity_data (sign-up `data`), below the identity's own claims. */
  identityData?: Json;
  now: Date;
}

/** Inserts a user with its email identity; returns its id. Run inside a transaction. */
export async function insertUser(db: Db, u: NewUser): Promise<string> {
  const id = u.id ?? randomUUID();
  const confirmed = u.confirmedAt !== null;
  const appMetadata = { provider: "email", providers: ["email"], ...u.appMetadata };
  const userMetadata = confirmed ? { ...u.userMetadata, email_verified: true } : u.userMetadata;
  try {
    await db.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
         confirmation_token, recovery_token, email_change_token_new, email_change,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)
       values ($1, $2, 'authenticated', $3, $4, $5, $6, $7, '', '', '', '', $8, $9, $10, $10, false, false)`,
      [
        INSTANCE_ID,
        id,
        u.role ?? "authenticated",
        u.email,
        u.passwordHash,
        u.confirmedAt,
        u.invitedAt ?? null,
        appMetadata,
        userMetadata,
        u.now,
      ]
    );
  } catch (error) {
    if ((error as { code?: string }).code === "23505") {
      throw new ApiError(422, "email_exists", "A user with this email address has already been registered");
    }
    throw error;
  }
  const identityData = {
    ...u.identityData,
    sub: id,
    email: u.email,
    email_verified: confirmed,
    phone_verified: false,
  };
  await db.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1::text, $1::uuid, $2, 'email', $3, $3, $3)`,
    [id, identityData, u.now]
  );
  return id;
}

/** Marks the email confirmed, as a verified link or an auto-confirming sign-up does. */
export async function confirmEmail(db: Db, user: UserRow, now: Date) {
  await db.query(
    `update auth.users set email_confirmed_at = coalesce(email_confirmed_at, $2), confirmation_token = '',
       raw_user_meta_data = coalesce(raw_user_meta_data, '{}') || '{"email_verified": true}', updated_at = $2
     where id = $1`,
    [user.id, now]
  );
  await db.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}', updated_at = $2
     where user_id = $1 and provider = 'email'`,
    [user.id, now]
  );
}

/** Merges metadata as Supabase Auth does: keys set to null are removed. */
export function mergeMetadata(current: Json | null, updates: Json): Json {
  const merged: Json = { ...current };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export function isBanned(user: UserRow, now: Date): boolean {
  return user.banned_until !== null && user.banned_until > now;
}

// checkmail's pattern, which Supabase Auth validates addresses with.
const EMAIL_PATTERN =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Supabase Auth's email check; returns the address lowercased. */
export function validateEmail(email: string): string {
  if (!email) throw badRequest("validation_failed", "An email address is required");
  if (email.length > 255) throw badRequest("validation_failed", "An email address is too long");
  if (!EMAIL_PATTERN.test(email))
    throw badRequest("validation_failed", "Unable to validate email address: invalid format");
  return email.toLowerCase();
}

export function checkPasswordLength(password: string) {
  if (Buffer.byteLength(password) > MAX_PASSWORD_LENGTH) {
    throw badRequest("validation_failed", `Password cannot be longer than ${MAX_PASSWORD_LENGTH} characters`);
  }
}

/** Supabase Auth's default password policy: at least 6 characters, nothing else required. */
export function checkPasswordStrength(password: string) {
  checkPasswordLength(password);
  const weakness = passwordWeakness(password);
  if (weakness)
    throw new ApiError(422, "weak_password", weakness.message, { weak_password: { reasons: weakness.reasons } });
}

export function passwordWeakness(password: string): { message: string; reasons: string[] } | null {
  if (Buffer.byteLength(password) >= MIN_PASSWORD_LENGTH) return null;
  return { message: `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, reasons: ["length"] };
}

export const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_COST);

export async function passwordMatches(user: UserRow, password: string): Promise<boolean> {
  if (!user.encrypted_password) return false;
  return bcrypt.compare(password, user.encrypted_password);
}

/** A password nobody knows, for users created by a magic link or without one. */
export const randomPassword = () => randomBytes(32).toString("base64url");

const iso = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString() : undefined);

function identityJson(i: IdentityRow) {
  return {
    identity_id: i.id,
    id: i.provider_id,
    user_id: i.user_id,
    identity_data: i.identity_data,
    provider: i.provider,
    last_sign_in_at: iso(i.last_sign_in_at),
    created_at: iso(i.created_at),
    updated_at: iso(i.updated_at),
    email: i.email ?? undefined,
  };
}

/** The user as Supabase Auth serialises it (fields it omits when empty are left out). */
export function userJson(u: UserRow) {
  return {
    id: u.id,
    aud: u.aud,
    role: u.role,
    email: u.email ?? "",
    email_confirmed_at: iso(u.email_confirmed_at),
    invited_at: iso(u.invited_at),
    phone: u.phone ?? "",
    phone_confirmed_at: iso(u.phone_confirmed_at),
    confirmation_sent_at: iso(u.confirmation_sent_at),
    confirmed_at: iso(u.confirmed_at),
    recovery_sent_at: iso(u.recovery_sent_at),
    new_email: u.email_change || undefined,
    email_change_sent_at: iso(u.email_change_sent_at),
    last_sign_in_at: iso(u.last_sign_in_at),
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    identities: u.identities.map(identityJson),
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    banned_until: iso(u.banned_until),
    deleted_at: iso(u.deleted_at),
    is_anonymous: u.is_anonymous,
  };
}

/** Runs fn in a transaction on one pooled connection. */
export async function transaction<T>(pool: pg.Pool, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query("begin");
    const result = await fn(db);
    await db.query("commit");
    return result;
  } catch (error) {
    await db.query("rollback").catch(() => {});
    throw error;
  } finally {
    db.release();
  }
}
