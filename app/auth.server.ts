import type { AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { createCookie, data } from "@remix-run/node";
import type { AuthError } from "@supabase/supabase-js";
import { getEnv } from "~/env.server";
import type { RateLimitRule } from "~/rate-limit.server";
import { consume, tooManyAttemptsMessage } from "~/rate-limit.server";
import { safeRedirect } from "~/safe-redirect";
import { requireAnonymous } from "~/supabase.server";

type Errors = { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };
type Init = { status: number; headers?: HeadersInit };

/**
 * The answer of an account form that failed for a reason found after validation: zod's
 * flatten() shape, as for validation errors, plus the values to refill (never passwords).
 */
export function formError<Values extends Record<string, string>>(
  message: string,
  values: Values,
  init: Init,
) {
  const errors: Errors = { formErrors: [message], fieldErrors: {} };
  return data({ errors, values }, init);
}

export function fieldError<Values extends Record<string, string>>(
  field: string,
  message: string,
  values: Values,
  init: Init = { status: 400 },
) {
  const errors: Errors = { formErrors: [], fieldErrors: { [field]: [message] } };
  return data({ errors, values }, init);
}

/** A 429 answer when this IP or this email used up its attempts; null when the attempt may go on. */
export function checkRateLimit<Values extends Record<string, string>>(
  rule: RateLimitRule,
  context: AppLoadContext,
  email: string,
  values: Values,
) {
  const result = consume(rule, [`ip:${context.clientIp ?? "unknown"}`, `email:${email}`]);
  if (result.ok) return null;
  return formError(tooManyAttemptsMessage(result.retryAfterMs), values, {
    status: 429,
    headers: { "Retry-After": String(Math.ceil(result.retryAfterMs / 1000)) },
  });
}

/**
 * Supabase Auth's own rate limits ([auth.rate_limit]) answered 429: nothing is wrong with what the
 * person typed, so say so instead of "incorrect" or "try again in a moment".
 */
export function authRateLimited<Values extends Record<string, string>>(error: AuthError, values: Values) {
  if (error.status !== 429) return null;
  const message =
    error.code === "over_email_send_rate_limit"
      ? "We have sent too many emails in the last hour. Please try again later."
      : "Too many attempts just now. Please wait a few minutes and try again.";
  return formError(message, values, { status: 429 });
}

/** Our own page that an emailed link opens; it verifies the token and then goes to `next`. */
export function confirmUrl(next: string): string {
  const url = new URL("/auth/confirm", getEnv().APP_URL);
  url.searchParams.set("next", next);
  return url.toString();
}

/**
 * Asking for a sign-in link for an address without an account must look exactly like success
 * (no account enumeration). Supabase Auth refuses it with these codes when shouldCreateUser
 * is false.
 */
export function isUnknownAccountError(error: AuthError): boolean {
  return (
    error.code === "otp_disabled" ||
    error.code === "user_not_found" ||
    error.code === "signup_disabled" ||
    /signups? not allowed/i.test(error.message)
  );
}

/** An auth error the user can do nothing about (auth server down, unexpected answer). */
export function isServiceError(error: AuthError): boolean {
  return error.status === undefined || error.status === 0 || error.status >= 500;
}

const RECOVERY_MINUTES = 15;

// Set by /auth/confirm after a password-recovery link: only then may /auth/reset-password
// change the password without the current one. Signed with SESSION_SECRET.
function recoveryCookie() {
  const env = getEnv();
  return createCookie("circle_recovery", {
    secrets: [env.SESSION_SECRET],
    httpOnly: true,
    sameSite: "lax",
    secure: new URL(env.APP_URL).protocol === "https:",
    path: "/auth/reset-password",
    maxAge: RECOVERY_MINUTES * 60,
  });
}

export async function startRecovery(userId: string): Promise<string> {
  return recoveryCookie().serialize({ userId, expiresAt: Date.now() + RECOVERY_MINUTES * 60_000 });
}

export async function hasRecovery(request: Request, userId: string): Promise<boolean> {
  const value: unknown = await recoveryCookie().parse(request.headers.get("Cookie"));
  if (!value || typeof value !== "object") return false;
  const { userId: id, expiresAt } = value as { userId?: unknown; expiresAt?: unknown };
  return id === userId && typeof expiresAt === "number" && expiresAt > Date.now();
}

export async function endRecovery(): Promise<string> {
  return recoveryCookie().serialize("", { maxAge: 0 });
}

/** Loader of the sign-in and sign-up pages: someone already signed in goes on to ?redirectTo (or home). */
export async function anonymousOnlyLoader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context, safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}
