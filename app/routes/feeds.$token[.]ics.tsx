import type { LoaderFunctionArgs } from "@remix-run/node";
import { FeedTokenSchema, loadFeed } from "~/calendar/feed.server";

// GET /feeds/<secret>.ics: a member's private calendar feed, for Google, Apple or Outlook calendars.
// A resource route (no page): the answer is the ICS text itself.

export async function loader({ params }: LoaderFunctionArgs) {
  const token = FeedTokenSchema.safeParse(params.token);
  const ics = token.success ? await loadFeed(token.data) : null;
  if (ics === null) {
    return new Response("This calendar address is not valid any more. Get a new one from the circle's calendar page.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  return new Response(ics, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="circle-tasks.ics"',
      // Personal data behind a secret URL: not for shared caches; calendar apps poll it anyway.
      "Cache-Control": "private, max-age=300",
      "X-Robots-Tag": "noindex",
      // Referrer-Policy is the app's (strict-origin-when-cross-origin: never the path, so never the
      // secret, leaves the site); a second one here was sent beside it.
    },
  });
}
