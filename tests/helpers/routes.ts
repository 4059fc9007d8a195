// Calling Remix loaders and actions with real Requests, as the server would, for route tests against
// the real local stack. A person's session is the cookie set by the real sign-in action.

import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { expect } from "vitest";
import { resetRateLimits } from "~/rate-limit.server";
import * as signInRoute from "~/routes/auth.sign-in";
import { createUser, must, PASSWORD, type TestUser } from "./supabase";

export const appUrl = () => process.env.APP_URL!;

let ipCounter = 0;
/** What the server passes to a route; every call gets a client IP of its own, so rate limits never collide. */
export function context(): AppLoadContext {
  ipCounter += 1;
  return { cspNonce: "test", clientIp: `198.51.100.${ipCounter % 250}-${crypto.randomUUID()}` };
}

export type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<unknown>;
/**
 * What Remix would send. For a Response, `body` is its text and `data` is that text too; for data
 * (plain or with `data(value, init)`), `data` is the value and `body` is null. `location` is the
 * Location header, if any.
 */
// Route data is checked field by field with expect(); typing every shape here would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteResult = { status: number; headers: Headers; data: any; body: string | null; location: string | null };

/**
 * Runs a loader or action and returns what Remix would send, whether returned or thrown. `ctx` is a
 * fresh context (its own client IP) unless given, e.g. to send many requests from one IP.
 */
export async function run(
  handler: unknown,
  request: Request,
  params: Record<string, string> = {},
  ctx: AppLoadContext = context(),
): Promise<RouteResult> {
  let value: unknown;
  try {
    value = await (handler as Handler)({ request, params, context: ctx });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    value = thrown;
  }
  if (value instanceof Response) {
    const body = await value.text();
    return { status: value.status, headers: value.headers, data: body, body, location: value.headers.get("Location") };
  }
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "DataWithResponseInit") {
    const { data, init } = value as { data: unknown; init: ResponseInit | null };
    const headers = new Headers(init?.headers);
    return { status: init?.status ?? 200, headers, data, body: null, location: headers.get("Location") };
  }
  return { status: 200, headers: new Headers(), data: value, body: null, location: null };
}

/** A form POST from the app's own origin; a field given a list is sent once per item. */
export function post(path: string, fields: Record<string, string | string[]>, cookie = "") {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of [value].flat()) body.append(name, item);
  }
  return new Request(new URL(path, appUrl()), {
    method: "POST",
    body,
    headers: { Origin: new URL(appUrl()).origin, ...(cookie ? { Cookie: cookie } : {}) },
  });
}

/** A GET of a path (or a whole URL). */
export function get(path: string, cookie = "") {
  return new Request(new URL(path, appUrl()), { headers: cookie ? { Cookie: cookie } : {} });
}

/** The browser's cookie jar after these responses: name=value pairs, deleted cookies dropped. */
export function cookiesFrom(previous: string, ...headers: Headers[]): string {
  const jar = new Map(
    previous
      .split(/;\s*/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)] as const),
  );
  for (const h of headers) {
    for (const cookie of h.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(/;\s*/);
      const name = pair.slice(0, pair.indexOf("="));
      const deleted = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      if (deleted) jar.delete(name);
      else jar.set(name, pair.slice(pair.indexOf("=") + 1));
    }
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

/** Signs in through the real sign-in action (rate limits reset first) and returns the session cookies. */
export async function signInCookie(email: string, password = PASSWORD): Promise<string> {
  resetRateLimits();
  const result = await run(signInRoute.action, post("/auth/sign-in", { email, password, redirectTo: "/circles" }));
  expect(result.status, `sign in as ${email}: ${JSON.stringify(result.data)}`).toBe(302);
  const cookie = cookiesFrom("", result.headers);
  expect(cookie).toMatch(/auth-token/);
  return cookie;
}

/** A new person with a new circle (made through the RPC), and their session cookie. */
export async function newCircle(ownerName = "Maria", timeZone = "Europe/London") {
  const owner = await createUser({ displayName: ownerName });
  const circle = must(
    await owner.client.rpc("create_circle", { name: `${ownerName}'s circle`, time_zone: timeZone }),
    "create_circle",
  );
  return { owner, circleId: circle.id as string, cookie: await signInCookie(owner.email) };
}

/** A new person invited by the owner and accepted, with their session cookie. */
export async function join(
  owner: TestUser,
  circleId: string,
  opts: { role?: "coordinator" | "supporter"; categories?: string[]; name?: string } = {},
) {
  const user = await createUser({ displayName: opts.name ?? "Sam" });
  const invitation = must(
    await owner.client.rpc("create_invitation", {
      circle_id: circleId,
      email: user.email,
      role: opts.role ?? "supporter",
      relationship: "family",
      label: opts.name ?? "Sam",
      categories: opts.categories ?? ["practical", "general", "milestones"],
    }),
    "create_invitation",
  );
  const member = must(await user.client.rpc("accept_invitation", { token: invitation.token }), "accept_invitation");
  return { user, memberId: member.id as string, cookie: await signInCookie(user.email) };
}
