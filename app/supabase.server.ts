import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import {
  createServerClient,
  parseCookieHeader,
  serializeCookieHeader,
} from "@supabase/ssr";
import type { SupabaseClient, SupabaseClientOptions, User } from "@supabase/supabase-js";
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
    return { ...client, user: await verifiedUser(client.supabase) };
  });
}

const ClaimsSchema = z.object({
  sub: z.string().uuid(),
  role: z.literal("authenticated"),
  aud: z.literal("authenticated"),
  email: z.string().optional(),
  user_metadata: z.record(z.unknown()).default({}),
});

/**
 * The user of the cookie's session, once its access token is verified, else null (ADR 007).
 * getClaims() reads the cookie (refreshing an expired token with the auth server) and checks the
 * token's signature and expiry against the project's JWKS, fetched once and cached; a token signed
 * with a symmetric secret (a legacy project) it sends to the auth server instead. Then the claims
 * must be a signed-in user's: the role keys are signed by the project too.
 */
async function verifiedUser(supabase: SupabaseClient): Promise<SessionUser | null> {
  try {
    const { data, error } = await supabase.auth.getClaims();
    if (error || !data) return null;
    const claims = ClaimsSchema.safeParse(data.claims);
    if (!claims.success) return null;
    return { id: claims.data.sub, email: claims.data.email, user_metadata: claims.data.user_metadata };
  } catch {
    // WebCrypto refuses a key that does not fit the token's alg header: not a valid session either.
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
