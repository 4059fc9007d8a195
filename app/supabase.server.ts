import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import {
  createServerClient,
  parseCookieHeader,
  serializeCookieHeader,
} from "@supabase/ssr";
import type { SupabaseClient, SupabaseClientOptions, User } from "@supabase/supabase-js";
import { jwtVerify } from "jose";
import WebSocket from "ws";
import { z } from "zod";
import { getEnv } from "~/env.server";
import { once } from "~/load-context";

export type ServerSupabase = {
  supabase: SupabaseClient;
  /** Set-Cookie headers written by supabase-js (sign in, token refresh, sign out): return them. */
  headers: Headers;
};

/**
 * A supabase-js client acting as the user of this request: it reads the session from the
 * request's cookies and collects the cookies it writes in `headers`, for the response.
 */
export function createSupabaseServerClient(request: Request): ServerSupabase {
  const env = getEnv();
  const headers = new Headers();
  const secure = new URL(env.APP_URL).protocol === "https:";

  const supabase = createServerClient(env.SUPABASE_URL, env.SUPABASE_PUBLISHABLE_KEY, {
    cookieOptions: { httpOnly: true, sameSite: "lax", secure, path: "/" },
    cookies: {
      getAll() {
        return parseCookieHeader(request.headers.get("Cookie") ?? "").map(({ name, value }) => ({
          name,
          value: value ?? "",
        }));
      },
      setAll(cookies) {
        for (const { name, value, options } of cookies) {
          headers.append(
            "Set-Cookie",
            serializeCookieHeader(name, value, {
              ...options,
              httpOnly: true,
              sameSite: "lax",
              secure,
              path: "/",
            }),
          );
        }
      },
    },
    // supabase-js builds a realtime client eagerly, and Node 20 has no global WebSocket.
    // (ws's class and realtime-js's WebSocket type differ only in typings.)
    realtime: { transport: WebSocket as unknown as RealtimeTransport },
  });

  return { supabase, headers };
}

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"]>;

/** Who is signed in, as the verified access token says: all the app reads of a user. */
export type SessionUser = Pick<User, "id" | "email" | "user_metadata">;

type UserSession = ServerSupabase & { user: SessionUser | null };

// The root, layout and route loaders of one request share one client and one verified user (through
// the load context), so the cookie is read, a token refreshed and its signature checked once.
function loadUserSession(request: Request, context: AppLoadContext): Promise<UserSession> {
  return once(request, context, "session", async () => {
    const client = createSupabaseServerClient(request);
    // getSession() only reads the cookie (refreshing an expired token with the auth server); the
    // cookie proves nothing until the token's signature is checked, below.
    const { data } = await client.supabase.auth.getSession();
    const user = data.session ? await verifyAccessToken(data.session.access_token) : null;
    return { ...client, user };
  });
}

const ClaimsSchema = z.object({
  sub: z.string().uuid(),
  role: z.literal("authenticated"),
  email: z.string().optional(),
  user_metadata: z.record(z.unknown()).default({}),
});

let signingKey: Promise<CryptoKey> | undefined;

/**
 * The user of an access token whose signature, expiry and audience hold, else null. Checked here
 * with the project's JWT secret, as PostgREST checks it, instead of asking the auth server on every
 * request (ADR 007): a session revoked elsewhere ends when its access token expires.
 */
export async function verifyAccessToken(token: string): Promise<SessionUser | null> {
  // Imported once: handing jose the raw secret would import it again on every request.
  signingKey ??= crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(getEnv().SUPABASE_JWT_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  try {
    const { payload } = await jwtVerify(token, await signingKey, { algorithms: ["HS256"], audience: "authenticated" });
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) return null;
    return { id: claims.data.sub, email: claims.data.email, user_metadata: claims.data.user_metadata };
  } catch {
    return null;
  }
}

/** The verified user, or null when signed out (or the session is no longer valid). */
export async function getOptionalUser(request: Request, context: AppLoadContext): Promise<UserSession> {
  return loadUserSession(request, context);
}

/** The verified user; redirects to sign-in (and back here afterwards) when signed out. */
export async function requireUser(
  request: Request,
  context: AppLoadContext,
): Promise<ServerSupabase & { user: SessionUser }> {
  const session = await loadUserSession(request, context);
  if (!session.user) {
    const url = new URL(request.url);
    const redirectTo = url.pathname + url.search;
    const params = new URLSearchParams({ redirectTo });
    throw redirect(`/auth/sign-in?${params}`, { headers: session.headers });
  }
  return { ...session, user: session.user };
}

/** Redirects signed-in users away from pages meant for signed-out ones (sign in, sign up). */
export async function requireAnonymous(request: Request, context: AppLoadContext, to = "/") {
  const session = await loadUserSession(request, context);
  if (session.user) throw redirect(to, { headers: session.headers });
  return session;
}

export class SupabaseRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = "SupabaseRequestError";
  }
}

type SupabaseResult<T> = {
  data: T;
  error: { message: string; code?: string; status?: number } | null;
};

/** The data of a supabase-js call, or a thrown error: no `{ error }` is ever silently ignored. */
export function unwrap<T>(result: SupabaseResult<T>): T {
  if (result.error) {
    const { message, code, status } = result.error;
    throw new SupabaseRequestError(message, code, status);
  }
  return result.data;
}

/** A display name for people: the one chosen at sign-up, else the email's local part. */
export function displayNameOf(user: SessionUser): string {
  const name = user.user_metadata?.display_name;
  if (typeof name === "string" && name.trim()) return name.trim();
  return user.email?.split("@")[0] ?? "friend";
}
