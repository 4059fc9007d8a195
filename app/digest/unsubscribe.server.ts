import { createHmac, timingSafeEqual } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import { getEnv } from "~/env.server";

// One-click unsubscribe (RFC 8058). The link in an email's List-Unsubscribe header carries an opaque
// token naming the member (their user id and circle) and what to stop: the digest, or one of the two
// notices. It is signed with HMAC-SHA-256 under a key derived from SESSION_SECRET for this purpose
// only, so it cannot be forged or altered; it does not expire (links in old emails keep working), and
// rotating SESSION_SECRET invalidates every link already sent (the page then points to the settings).
//
// The POST that mail providers send carries no cookie: the route acts as the member by minting a
// short-lived Supabase JWT for them (SUPABASE_JWT_SECRET), so the change goes through
// set_email_preferences and row-level security like any change the member makes. No service role.

export const UNSUBSCRIBE_PURPOSES = ["digest", "claimed", "released"] as const;
export type UnsubscribePurpose = (typeof UNSUBSCRIBE_PURPOSES)[number];

export type UnsubscribeTarget = { userId: string; circleId: string; purpose: UnsubscribePurpose };

const VERSION = 1;
const MAC_BYTES = 16;
const BODY_BYTES = 2 + 16 + 16;

let cachedKey: { secret: string; key: Buffer } | undefined;

function signingKey(): Buffer {
  const secret = getEnv().SESSION_SECRET;
  if (cachedKey?.secret !== secret) {
    cachedKey = { secret, key: createHmac("sha256", secret).update("circle/unsubscribe/v1").digest() };
  }
  return cachedKey.key;
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`Not a uuid: ${uuid}`);
  return Buffer.from(hex, "hex");
}

function bytesUuid(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function mac(body: Buffer): Buffer {
  return createHmac("sha256", signingKey()).update(body).digest().subarray(0, MAC_BYTES);
}

export function createUnsubscribeToken(target: UnsubscribeTarget): string {
  const body = Buffer.concat([
    Buffer.from([VERSION, UNSUBSCRIBE_PURPOSES.indexOf(target.purpose)]),
    uuidBytes(target.userId),
    uuidBytes(target.circleId),
  ]);
  return Buffer.concat([body, mac(body)]).toString("base64url");
}

/** The target of a genuine token; null for anything forged, altered, truncated or malformed. */
export function verifyUnsubscribeToken(token: string): UnsubscribeTarget | null {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(token)) return null;
  const raw = Buffer.from(token, "base64url");
  if (raw.length !== BODY_BYTES + MAC_BYTES) return null;
  const body = raw.subarray(0, BODY_BYTES);
  if (!timingSafeEqual(raw.subarray(BODY_BYTES), mac(body))) return null;
  const purpose = UNSUBSCRIBE_PURPOSES[body[1]];
  if (body[0] !== VERSION || !purpose) return null;
  return { purpose, userId: bytesUuid(body.subarray(2, 18)), circleId: bytesUuid(body.subarray(18, 34)) };
}

/**
 * A supabase-js client acting as `userId` for a few minutes: a JWT like the ones Supabase Auth issues
 * (HS256, role authenticated), made here because the unsubscribe POST comes without a session.
 */
export function clientActingAs(userId: string): SupabaseClient {
  const env = getEnv();
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({ sub: userId, role: "authenticated", aud: "authenticated", iat: now, exp: now + 300 }),
  ).toString("base64url");
  const signature = createHmac("sha256", env.SUPABASE_JWT_SECRET).update(`${header}.${payload}`).digest("base64url");
  return createClient(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { Authorization: `Bearer ${header}.${payload}.${signature}` } },
    realtime: { transport: WebSocket as never },
  });
}
