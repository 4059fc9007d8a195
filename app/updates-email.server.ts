import type { Email } from "~/email.server";
import { getEnv } from "~/env.server";

// Emails of the updates side: "please reach out" after a check-in, and the notice to a coordinator
// whose draft the person approved or declined. Neither ever carries the text, colour, mood or category
// of an update: wellbeing and health details stay in the app, behind the consent rule.

const escapeHtml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function appLink(path: string): string {
  return new URL(path, getEnv().APP_URL).toString();
}

function layout(paragraphs: string[], button: { label: string; href: string }, footer: string): string {
  return `<!doctype html>
<html lang="en"><body style="font-family: system-ui, sans-serif; color: #1f2a2e; line-height: 1.6; max-width: 36rem;">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
<p><a href="${escapeHtml(button.href)}" style="display: inline-block; padding: 0.6rem 1.2rem; background: #2f5d62; color: #ffffff; border-radius: 8px; text-decoration: none; font-weight: 600;">${escapeHtml(button.label)}</a></p>
<p style="color: #4a5a60; font-size: 0.95rem;">${escapeHtml(footer)}</p>
</body></html>`;
}

export type ReachOutEmail = {
  to: string;
  recipientName: string;
  personName: string;
  circleName: string;
  circleId: string;
  /** One email per check-in and recipient, even if the action is retried. */
  updateId: string;
};

/** "Maria would like to hear from you": no word about how they are. */
export function renderReachOutEmail(email: ReachOutEmail): Email {
  const link = appLink(`/circles/${email.circleId}/updates`);
  const resources = appLink("/resources");
  const subject = `${email.personName} would like to hear from you`;
  const paragraphs = [
    `Hello ${email.recipientName},`,
    `${email.personName} checked in on “${email.circleName}” and asked you to reach out when you can: a call, a message or a visit, whatever you usually do.`,
    "You can see their check-in in the circle.",
  ];
  const footer = `Circle is not a crisis service. If you think someone is in danger, call your local emergency number. Crisis lines: ${resources}`;
  return {
    to: email.to,
    subject,
    text: [...paragraphs, "", `Open the circle: ${link}`, "", footer].join("\n"),
    html: layout(paragraphs, { label: "Open the circle", href: link }, footer),
    idempotencyKey: `reach-out/${email.updateId}/${email.to.toLowerCase()}`,
  };
}

export type ReviewNoticeEmail = {
  to: string;
  authorName: string;
  personName: string;
  circleName: string;
  circleId: string;
  updateId: string;
  approved: boolean;
  /** Whether the person left a note: the note itself stays in the app, like every word they write. */
  hasNote: boolean;
};

/** The notice to the author of a draft: approved (published) or declined. Never the draft's text. */
export function renderReviewNoticeEmail(email: ReviewNoticeEmail): Email {
  const link = appLink(`/circles/${email.circleId}/updates/drafts`);
  const subject = email.approved
    ? `${email.personName} published the update you drafted`
    : `${email.personName} decided not to publish the update you drafted`;
  const paragraphs = [
    `Hello ${email.authorName},`,
    email.approved
      ? `${email.personName} approved the update you drafted in “${email.circleName}”. It is now shared with the people ${email.personName} chose.`
      : `${email.personName} decided not to publish the update you drafted in “${email.circleName}”. Thank you for offering it.`,
    ...(email.hasNote ? [`${email.personName} left you a note: you can read it in the circle.`] : []),
  ];
  const footer = "You receive this because you drafted an update for the person's approval.";
  return {
    to: email.to,
    subject,
    text: [...paragraphs, "", `See your drafts: ${link}`, "", footer].join("\n"),
    html: layout(paragraphs, { label: "See your drafts", href: link }, footer),
    idempotencyKey: `review/${email.updateId}`,
  };
}
