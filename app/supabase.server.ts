import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import {
  createServerClient,
  parseCookieHeader,
  serializeCookieHeader,
} from "@supabase/ssr";
import { createClient } from "@supabase/supabase-js";
import type { PostgrestError, SupabaseClient, SupabaseClientOptions, User } from "@supabase/supabase-js";
import WebSocket from "ws";
import { z } from "zod";
import type { FeedData } from "~/calendar/feed.server";
import type { CalendarWindow, SeriesCancelled, SeriesUpdated } from "~/calendar/tasks.server";
import type { Database as Generated, Tables } from "~/database.types";
import type { CheckInResult, ReviewResult } from "~/updates.server";
import type { InvitationPreview, InvitationState } from "~/circles.server";
import type { MemberRole } from "~/consent";
import type { Mood } from "~/updates";
import { getEnv } from "~/env.server";
import { once } from "~/load-context";

/** A supabase-js client typed with the generated schema: tsc checks tables, columns and RPC arguments. */
export type Supabase = SupabaseClient<Database>;

/**
 * The generated schema, and what the generator cannot know: check constraints (an invitation's
 * role is never owner, a mood is 1 to 5), and a view's columns, which it makes all nullable while
 * invitations_with_state passes on the table's not-null columns.
 */
type InvitationRow = Omit<Tables<"invitations">, "role"> & { role: MemberRole };
type Database = Generated & {
  public: {
    Tables: { invitations: { Row: InvitationRow }; updates: { Row: { mood: Mood | null } } };
    Views: { invitations_with_state: { Row: Omit<InvitationRow, "token_hash"> & { state: InvitationState } } };
  };
};

type Functions = Database["public"]["Functions"];
export type RpcName = keyof Functions;
/** A function's arguments. Postgres passes NULL to any parameter (the function decides what it means), which the generator does not say. */
export type RpcArgs<F extends RpcName> = { [Name in keyof Functions[F]["Args"]]: Functions[F]["Args"][Name] | null };

/**
 * What the functions that build their answer with json_build_object answer: the generator can only
 * say `Json` for them (and makes every field of a composite type nullable), so their shapes are
 * stated here, once. Every other function's answer is the generated type.
 */
type StatedAnswers = {
  create_invitation: InvitationToken;
  invitation_preview: InvitationPreview;
  resend_invitation: InvitationToken;
  calendar_window: CalendarWindow;
  calendar_feed: FeedData;
  cancel_task_series: SeriesCancelled;
  update_task_series: SeriesUpdated;
  review_update: ReviewResult;
  share_check_in: CheckInResult;
};
type InvitationToken = { invitation_id: string; token: string; expires_at: string };
export type RpcAnswer<F extends RpcName> = F extends keyof StatedAnswers ? StatedAnswers[F] : Functions[F]["Returns"];

/** Calls a database function: tsc checks its name and arguments, and the answer has its type. */
export async function rpc<F extends RpcName>(
  supabase: Supabase,
  fn: F,
  args: RpcArgs<F>,
): Promise<{ data: RpcAnswer<F>; error: null } | { data: null; error: PostgrestError }> {
  // supabase-js cannot resolve its overloads for a generic name: the name and arguments were checked above.
  const { data, error } = await supabase.rpc(fn, args as never);
  return error ? { data: null, error } : { data: data as unknown as RpcAnswer<F>, error: null };
}

export type ServerSupabase = {
  supabase: Supabase;
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

  const supabase = createServerClient<Database>(env.SUPABASE_URL, env.SUPABASE_PUBLISHABLE_KEY, {
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

const NO_SESSION = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket as unknown as RealtimeTransport },
};

/** Signed out: the publishable key and nothing else, for routes whose database function checks a token. */
export function createPublicClient(): Supabase {
  const env = getEnv();
  return createClient<Database>(env.SUPABASE_URL, env.SUPABASE_PUBLISHABLE_KEY, NO_SESSION);
}

/** The secret key (service_role, past RLS): the email job's client, and nobody else's. */
export function createServiceClient(): Supabase {
  const env = getEnv();
  if (!env.SUPABASE_SECRET_KEY) {
    throw new Error("SUPABASE_SECRET_KEY is not set: the email job needs it (and only the job).");
  }
  return createClient<Database>(env.SUPABASE_URL, env.SUPABASE_SECRET_KEY, NO_SESSION);
}

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
async function verifiedUser(supabase: Supabase): Promise<SessionUser | null> {
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

type SupabaseResult =
  | { data: unknown; error: null }
  | { data: unknown; error: { message: string; code?: string; status?: number } };

/** The data of a supabase-js call, or a thrown error: no `{ error }` is ever silently ignored. */
export function unwrap<R extends SupabaseResult>(result: R): Extract<R, { error: null }>["data"] {
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
