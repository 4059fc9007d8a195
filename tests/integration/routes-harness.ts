// Calling Remix loaders and actions with real Requests, as the server would, for route tests against
// the real local stack. A person's session is the cookie set by the real sign-in action.

import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { expect } from "vitest";
import * as signIn from "~/routes/auth.sign-in";
import { createUser, must, PASSWORD, type TestUser } from "../helpers/supabase";

export const appUrl = () => process.env.APP_URL!;

let ipCounter = 0;
export function context(): AppLoadContext {
  ipCounter += 1;
  return { cspNonce: "test", clientIp: `198.51.100.${ipCounter % 250}-${crypto.randomUUID()}` };
}

export type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<unknown>;
// Route data is checked field by field with expect(); typing every shape here would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Result = { status: number; headers: Headers; data: any; location: string | null };

/** Runs a loader or action and returns what Remix would send, whether returned or thrown. */
export async function run(
  handler: unknown,
  request: Request,
  params: Record<string, string> = {},
): Promise<Result> {
  let value: unknown;
  try {
    value = await (handler as Handler)({ request, params, context: context() });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    value = thrown;
  }
  if (value instanceof Response) {
    const body = await value.text();
    return { status: value.status, headers: value.headers, data: body, location: value.headers.get("Location") };
  }
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "DataWithResponseInit") {
    const { data, init } = value as { data: unknown; init: ResponseInit | null };
    const headers = new Headers(init?.headers);
    return { status: init?.status ?? 200, headers, data, location: headers.get("Location") };
  }
  return { status: 200, headers: new Headers(), data: value, location: null };
}

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

export function get(path: string, cookie = "") {
  return new Request(new URL(path, appUrl()), { headers: cookie ? { Cookie: cookie } : {} });
}

/** The cookie header a browser would send after these Set-Cookie headers. */
export function cookiesFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/** Signs in through the real sign-in action and returns the session cookie. */
export async function sessionCookie(email: string, password = PASSWORD): Promise<string> {
  const result = await run(signIn.action, post("/auth/sign-in", { email, password, redirectTo: "/circles" }));
  expect(result.status, `sign in ${email}`).toBe(302);
  const cookie = cookiesFrom(result.headers);
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
  return { owner, circleId: circle.id as string, cookie: await sessionCookie(owner.email) };
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
  return { user, memberId: member.id as string, cookie: await sessionCookie(user.email) };
}
