import { CATEGORIES, CATEGORY_WORDS, ROLE_WORDS, type Category, type MemberRole } from "~/consent";
import { sendEmail, type SendEmailResult } from "~/email.server";
import { getEnv } from "~/env.server";
import { formatDay } from "~/format";

// The invitation email: who invites, to which circle, as what, and which categories will be shared.
// Only category names and descriptions: never the content of an update (health and wellbeing text
// never goes into an email).

export type InvitationEmail = {
  to: string;
  token: string;
  inviterName: string;
  /** The person whose circle it is; the same as the inviter unless a coordinator invites. */
  ownerName: string;
  inviterIsOwner: boolean;
  circleName: string;
  role: MemberRole;
  label: string | null;
  categories: Category[];
  expiresAt: string;
  timeZone: string;
};

export function invitationLink(token: string): string {
  return new URL(`/invitations/${encodeURIComponent(token)}`, getEnv().APP_URL).toString();
}

const escapeHtml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

export function invitationSubject(email: Pick<InvitationEmail, "inviterName" | "ownerName" | "inviterIsOwner">): string {
  return email.inviterIsOwner
    ? `${email.inviterName} invited you to their support circle`
    : `${email.inviterName} invited you to ${email.ownerName}'s support circle`;
}

export function renderInvitationEmail(email: InvitationEmail) {
  const link = invitationLink(email.token);
  const expires = formatDay(email.expiresAt, email.timeZone);
  const role = ROLE_WORDS[email.role];
  const shared = CATEGORIES.filter((c) => email.categories.includes(c));
  const sharedLines = shared.map((c) => `${CATEGORY_WORDS[c].label}: ${CATEGORY_WORDS[c].forMember}`);
  const whose = email.inviterIsOwner ? "their" : `${email.ownerName}'s`;
  const intro = `${email.inviterName} has invited you to join “${email.circleName}”, ${whose} support circle on Circle, as ${role.article}.`;
  const labelLine = email.label ? `People in the circle will see you as “${email.label}”.` : null;
  const sharedIntro = shared.length
    ? `If you accept, ${email.ownerName} will share with you:`
    : `If you accept, nothing will be shared with you yet; ${email.ownerName} can choose to share more later.`;
  const change = `${email.ownerName} decides what each person sees and can change it at any time.`;
  const expiry = `This link is for you only, works once, and expires on ${expires}. If you weren't expecting this email, you can ignore it.`;

  const text = [
    "Hello,",
    "",
    intro,
    ...(labelLine ? [labelLine] : []),
    "",
    sharedIntro,
    ...sharedLines.map((line) => `- ${line}`),
    "",
    change,
    "",
    "See the invitation, then accept or decline it:",
    link,
    "",
    expiry,
  ].join("\n");

  const html = `<!doctype html>
<html lang="en"><body style="font-family: system-ui, sans-serif; color: #1f2a2e; line-height: 1.6; max-width: 36rem;">
<p>Hello,</p>
<p>${escapeHtml(intro)}${labelLine ? `<br>${escapeHtml(labelLine)}` : ""}</p>
<p>${escapeHtml(sharedIntro)}</p>
${shared.length ? `<ul>${shared.map((c) => `<li><strong>${escapeHtml(CATEGORY_WORDS[c].label)}</strong>: ${escapeHtml(CATEGORY_WORDS[c].forMember)}</li>`).join("")}</ul>` : ""}
<p>${escapeHtml(change)}</p>
<p><a href="${escapeHtml(link)}" style="display: inline-block; padding: 0.6rem 1.2rem; background: #2f5d62; color: #ffffff; border-radius: 8px; text-decoration: none; font-weight: 600;">See the invitation</a></p>
<p style="color: #4a5a60; font-size: 0.95rem;">${escapeHtml(expiry)}</p>
</body></html>`;

  return { subject: invitationSubject(email), text, html };
}

export async function sendInvitationEmail(email: InvitationEmail): Promise<SendEmailResult> {
  const { subject, text, html } = renderInvitationEmail(email);
  return sendEmail({ to: email.to, subject, text, html });
}
