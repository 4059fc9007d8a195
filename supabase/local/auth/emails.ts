import type { AuthEmail } from "./server";

// The emails of the local auth service. Their main link follows the template Supabase recommends for
// server-rendered apps, `{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}&type=...`, which the
// app's /auth/confirm route passes to verifyOtp; the 6-digit code and Supabase's own /verify link
// (`{{ .ConfirmationURL }}`) follow it.

export type EmailKind = "signup" | "magiclink" | "recovery" | "email_change";

export interface EmailLinks {
  to: string;
  kind: EmailKind;
  /** Where the user should end up: the allowed redirect_to, or the site URL. */
  redirectTo: string;
  hashedToken: string;
  otp: string;
  /** Public URL of the auth API, for the /verify link. */
  authUrl: string;
  /** The subject configured for this kind (config.toml's template subject), else Supabase's default. */
  subject?: string;
  /** Replaces the kind's standard first line (an email change names both addresses). */
  intro?: string;
}

const CONTENT: Record<EmailKind, { subject: string; heading: string; intro: string; action: string }> = {
  signup: {
    subject: "Confirm Your Signup",
    heading: "Confirm your signup",
    intro: "Follow this link to confirm your user:",
    action: "Confirm your mail",
  },
  magiclink: {
    subject: "Your Magic Link",
    heading: "Magic Link",
    intro: "Follow this link to log in:",
    action: "Log In",
  },
  recovery: {
    subject: "Reset Your Password",
    heading: "Reset Password",
    intro: "Follow this link to reset the password for your user:",
    action: "Reset Password",
  },
  email_change: {
    subject: "Confirm Email Change",
    heading: "Confirm Change of Email",
    intro: "Follow this link to confirm the update of your email:",
    action: "Change Email",
  },
};

/**
 * `<origin of redirectTo>/auth/confirm?token_hash=…&type=…`, with `next` set to the redirect's path
 * when it has one, so the app can send the user on after verifying.
 */
export function confirmLink(redirectTo: string, hashedToken: string, type: EmailKind): string {
  const target = new URL(redirectTo);
  const link = new URL("/auth/confirm", target.origin);
  link.searchParams.set("token_hash", hashedToken);
  link.searchParams.set("type", type);
  const next = target.pathname + target.search;
  if (next !== "/") link.searchParams.set("next", next);
  return link.toString();
}

/** Supabase's ConfirmationURL: the auth API's /verify, which redirects to redirect_to. */
export function verifyLink(authUrl: string, hashedToken: string, type: string, redirectTo: string): string {
  const query = new URLSearchParams({ token: hashedToken, type, redirect_to: redirectTo });
  return `${authUrl}/verify?${query}`;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function buildEmail(e: EmailLinks): AuthEmail {
  const content = { ...CONTENT[e.kind], ...(e.intro ? { intro: e.intro } : {}) };
  const primary = confirmLink(e.redirectTo, e.hashedToken, e.kind);
  const secondary = verifyLink(e.authUrl, e.hashedToken, e.kind, e.redirectTo);
  const text = [
    content.intro,
    primary,
    "",
    `Alternatively, enter the code: ${e.otp}`,
    "",
    "Or open this link through the auth server:",
    secondary,
    "",
  ].join("\n");
  const html = [
    `<h2>${content.heading}</h2>`,
    `<p>${content.intro}</p>`,
    `<p><a href="${escapeHtml(primary)}">${content.action}</a></p>`,
    `<p>Alternatively, enter the code: ${e.otp}</p>`,
    `<p><small>Or open this link through the auth server: <a href="${escapeHtml(secondary)}">${
      content.action
    }</a></small></p>`,
  ].join("\n");
  return { to: e.to, subject: e.subject ?? content.subject, html, text };
}

/** Supabase's reauthentication email: only the code a password change asks for, no link. */
export function buildReauthenticationEmail(to: string, otp: string, subject?: string): AuthEmail {
  return {
    to,
    subject: subject ?? "Confirm reauthentication",
    text: `Enter the code: ${otp}\n`,
    html: `<h2>Confirm reauthentication</h2>\n<p>Enter the code: ${otp}</p>`,
  };
}
