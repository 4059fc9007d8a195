import { redirect } from "@remix-run/node";
import {
  createServerClient,
  parseCookieHeader,
  serializeCookieHeader,
} from "@supabase/ssr";
import type { SupabaseClient, SupabaseClientOptions, User } from "@supabase/supabase-js";
import WebSocket from "ws";
import { getEnv } from "~/env.server";

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

  const supabase = createServerClient(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, {
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

type UserSession = ServerSupabase & { user: User | null };

// Root and route loaders of one request share one client and one verified user, so a token
// refresh happens once per request, not once per loader.
const perRequest = new WeakMap<Request, Promise<UserSession>>();

function loadUserSession(request: Request): Promise<UserSession> {
  let pending = perRequest.get(request);
  if (!pending) {
    pending = (async () => {
      const client = createSupabaseServerClient(request);
      // getUser() asks the auth server; the cookie alone proves nothing.
      const { data, error } = await client.supabase.auth.getUser();
      return { ...client, user: error ? null : data.user };
    })();
    perRequest.set(request, pending);
  }
  return pending;
}

/** The verified user, or null when signed out (or the session is no longer valid). */
export async function getOptionalUser(request: Request): Promise<UserSession> {
  return loadUserSession(request);
}

/** The verified user; redirects to sign-in (and back here afterwards) when signed out. */
export async function requireUser(request: Request): Promise<ServerSupabase & { user: User }> {
  const session = await loadUserSession(request);
  if (!session.user) {
    const url = new URL(request.url);
    const redirectTo = url.pathname + url.search;
    const params = new URLSearchParams({ redirectTo });
    throw redirect(`/auth/sign-in?${params}`, { headers: session.headers });
  }
  return { ...session, user: session.user };
}

/** Redirects signed-in users away from pages meant for signed-out ones (sign in, sign up). */
export async function requireAnonymous(request: Request, to = "/") {
  const session = await loadUserSession(request);
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
export function displayNameOf(user: User): string {
  const name = user.user_metadata?.display_name;
  if (typeof name === "string" && name.trim()) return name.trim();
  return user.email?.split("@")[0] ?? "friend";
}
