// Calling Remix loaders and actions with real Requests, as a signed-in browser would (cookies from the
// real sign-in action against the local stack). Same approach as tests/integration/routes-auth.test.ts,
// with route params.

import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { resetRateLimits } from "~/rate-limit.server";
import * as signInRoute from "~/routes/auth.sign-in";
import { PASSWORD } from "./supabase";

export const appUrl = () => process.env.APP_URL!;

export function context(): AppLoadContext {
  return { cspNonce: "test", clientIp: `198.51.100.${Math.floor(Math.random() * 250)}-${crypto.randomUUID()}` };
}

export type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<unknown>;
// Route data is checked field by field with expect().
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteResult = { status: number; headers: Headers; data: any; body: string | null };

/** Runs a loader or action and returns what Remix would send, whether returned or thrown. */
export async function run(
  handler: unknown,
  request: Request,
  params: Record<string, string> = {},
): Promise<RouteResult> {
  let value: unknown;
  try {
    value = await (handler as Handler)({ request, params, context: context() });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    value = thrown;
  }
  if (value instanceof Response) {
    const isText = /json|text/.test(value.headers.get("Content-Type") ?? "") && value.status < 300;
    return { status: value.status, headers: value.headers, data: null, body: isText ? await value.text() : null };
  }
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "DataWithResponseInit") {
    const { data, init } = value as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, headers: new Headers(init?.headers), data, body: null };
  }
  return { status: 200, headers: new Headers(), data: value, body: null };
}

export function post(path: string, fields: Record<string, string | string[]>, cookie = "") {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
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

/** Signs in through the real sign-in action and returns the session cookies. */
export async function signInCookie(email: string, password = PASSWORD): Promise<string> {
  resetRateLimits();
  const result = await run(signInRoute.action, post("/auth/sign-in", { email, password }));
  if (result.status !== 302) throw new Error(`sign in as ${email}: ${result.status} ${JSON.stringify(result.data)}`);
  return cookiesFrom("", result.headers);
}
