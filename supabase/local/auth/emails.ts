import type { EmailTemplate, EmailTemplateName } from "../config";
import type { AuthEmail } from "./server";
import { compileTemplate, type TemplateData } from "./templates";

// The emails of the local auth service, rendered from the templates and subjects of config.toml
// ([auth.email.template.*], files in supabase/templates/) with the variables Supabase Auth gives them,
// so a hosted project using the same files sends the same emails. Supabase sends HTML only; the local
// mailbox also keeps a plain-text copy made from it, with each link written out, for tests and the
// dev mailbox page.

/** The verification types of emailed links (the `type` of /verify and of the app's /auth/confirm). */
export type EmailKind = "signup" | "invite" | "magiclink" | "recovery" | "email_change";

const TEMPLATE_OF: Record<EmailKind, EmailTemplateName> = {
  signup: "confirmation",
  invite: "invite",
  magiclink: "magic_link",
  recovery: "recovery",
  email_change: "email_change",
};

export type Mailer = (name: EmailTemplateName, to: string, data: TemplateData) => AuthEmail;

/** Compiles every template once, so one the renderer cannot do stops the service at start. */
export function createMailer(templates: Record<EmailTemplateName, EmailTemplate>): Mailer {
  const compiled = new Map(
    Object.entries(templates).map(([name, t]) => [
      name,
      {
        subject: compileTemplate(t.subject, `[auth.email.template.${name}] subject`),
        body: compileTemplate(t.content, t.file ?? name),
      },
    ]),
  );
  return (name, to, data) => {
    const template = compiled.get(name);
    if (!template) throw new Error(`no [auth.email.template.${name}] in config.toml`);
    const html = template.body(data);
    // The subject is HTML-escaped too, as html/template does it for Supabase Auth.
    return { to, subject: template.subject(data), html, text: htmlToText(html) };
  };
}

export interface LinkEmail {
  to: string;
  kind: EmailKind;
  /** Where the user should end up: the allowed redirect_to, or the site URL. */
  redirectTo: string;
  hashedToken: string;
  otp: string;
  /** Public URL of the auth API, for ConfirmationURL (its /verify). */
  authUrl: string;
  siteUrl: string;
  user: { email: string | null; raw_user_meta_data: Record<string, unknown> | null };
  /** An email change: the new address (the email goes to `to`, one of the two). */
  newEmail?: string;
}

/** Supabase's ConfirmationURL: the auth API's /verify, which redirects to redirect_to. */
export function verifyLink(authUrl: string, hashedToken: string, type: string, redirectTo: string): string {
  const query = new URLSearchParams({ token: hashedToken, type, redirect_to: redirectTo });
  return `${authUrl}/verify?${query}`;
}

/** A link email (sign-up, invitation, magic link, recovery, email change) with Supabase's variables. */
export function buildEmail(mailer: Mailer, e: LinkEmail): AuthEmail {
  return mailer(TEMPLATE_OF[e.kind], e.to, {
    SiteURL: e.siteUrl,
    ConfirmationURL: verifyLink(e.authUrl, e.hashedToken, e.kind, e.redirectTo),
    Email: e.user.email ?? "",
    Token: e.otp,
    TokenHash: e.hashedToken,
    Data: e.user.raw_user_meta_data ?? {},
    RedirectTo: e.redirectTo,
    ...(e.kind === "email_change" ? { NewEmail: e.newEmail, SendingTo: e.to } : {}),
  });
}

/** Supabase's reauthentication email: the code a password change asks for, no link. */
export function buildReauthenticationEmail(
  mailer: Mailer,
  user: { email: string | null; raw_user_meta_data: Record<string, unknown> | null },
  otp: string,
  siteUrl: string,
): AuthEmail {
  return mailer("reauthentication", user.email ?? "", {
    SiteURL: siteUrl,
    Email: user.email ?? "",
    Token: otp,
    Data: user.raw_user_meta_data ?? {},
  });
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** The plain-text copy: block elements become lines, a link becomes "label: URL". */
export function htmlToText(html: string): string {
  const withLinks = html.replace(
    /<a\b[^>]*?\bhref\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi,
    (_whole, _quoted, dq: string | undefined, sq: string | undefined, label: string) => {
      const url = dq ?? sq ?? "";
      const text = label.replace(/<[^>]*>/g, "").trim();
      return text && text !== url ? `${text}: ${url}` : url;
    },
  );
  const text = withLinks
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|h[1-6]|div|li|tr|table|ul|ol)>/gi, "\n")
    .replace(/<[^>]*>/g, "");
  return (
    decodeEntities(text)
      .split("\n")
      .map((line) => line.replace(/\s+/g, " ").trim())
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n"
  );
}
