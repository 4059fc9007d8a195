import { Form, Link, useLocation } from "@remix-run/react";
import { CATEGORY_WORDS, type Category } from "~/consent";
import { CHECK_IN_WORDS, MOOD_WORDS, type CheckInColour, type Mood } from "~/updates";
import { UpdateText } from "~/components/update-text";
import type { FeedItem } from "~/updates.server";

// One update as the feed shows it. The data comes from loadFeed, already cut to what the reader may
// see; this component only decides what to offer: support and a note for members, edit for the person.

export function CategoryTag({ category }: { category: Category }) {
  return <span className={`tag tag-${category}`}>{CATEGORY_WORDS[category].label}</span>;
}

export function CheckInTag({ colour }: { colour: CheckInColour }) {
  const words = CHECK_IN_WORDS[colour];
  return (
    <span className={`check-in-tag check-in-${colour}`}>
      <span aria-hidden="true" className="check-in-dot" />
      Check-in: {words.label}, {words.meaning.toLowerCase()}
    </span>
  );
}

export function MoodTag({ mood }: { mood: Mood }) {
  return (
    <span className="mood-tag">
      Mood {mood} of 5: {MOOD_WORDS[mood].toLowerCase()}
    </span>
  );
}

function people(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

export function UpdateCard({
  item,
  circleId,
  isOwner,
  personName,
  headingLevel = 2,
}: {
  item: FeedItem;
  circleId: string;
  isOwner: boolean;
  /** The person's name, for "Send Maria a note". */
  personName: string;
  /** 2 under a page's h1 (the feed); 3 inside a section with its own h2 (the circle's home). */
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 3 ? "h3" : "h2";
  const location = useLocation();
  const back = `${location.pathname}${location.search}#update-${item.id}`;
  const headingId = `update-${item.id}-title`;
  return (
    <article id={`update-${item.id}`} className="update-card" aria-labelledby={headingId}>
      <header className="update-meta">
        <Heading id={headingId} className="update-author">
          {item.authorName}
        </Heading>
        <p className="update-when">
          <time dateTime={item.publishedIso}>{item.published}</time>
          {item.edited ? <span className="muted"> · edited</span> : null}
          {item.draftedBy ? <span className="muted"> · drafted by {item.draftedBy}</span> : null}
        </p>
        <p className="update-tags">
          <CategoryTag category={item.category} />
          {item.checkIn ? <CheckInTag colour={item.checkIn} /> : null}
          {item.mood ? <MoodTag mood={item.mood} /> : null}
        </p>
      </header>
      {item.body ? <UpdateText text={item.body} /> : null}
      {item.askedMe ? (
        <p className="update-asked">
          <strong>{personName} asked you to reach out.</strong> A call, a message or a visit: whatever you usually do.
        </p>
      ) : item.askedNames.length > 0 ? (
        <p className="update-audience muted">You asked {people(item.askedNames)} to reach out</p>
      ) : null}
      {isOwner ? (
        <p className="update-audience muted">
          {item.audienceNames
            ? `Shared only with ${people(item.audienceNames)} (if they hold ${CATEGORY_WORDS[item.category].label.toLowerCase()})`
            : `Shared with everyone who holds ${CATEGORY_WORDS[item.category].label.toLowerCase()}`}
        </p>
      ) : item.hasAudience ? (
        <p className="update-audience muted">Shared with a few people, you among them</p>
      ) : null}
      <footer className="update-actions">
        {isOwner ? (
          <>
            <p className="support-summary">
              {item.supporterNames.length > 0
                ? `Support from ${people(item.supporterNames)}`
                : "No support sent yet"}
            </p>
            <Link to={`/circles/${circleId}/updates/${item.id}/edit`} className="button button-quiet">
              Edit<span className="visually-hidden"> the update of {item.published}</span>
            </Link>
          </>
        ) : (
          <>
            <p className="support-summary" id={`update-${item.id}-support`}>
              {item.supporters === 0
                ? "No support sent yet"
                : item.supportedByMe
                  ? item.supporters === 1
                    ? "You sent support"
                    : `You and ${item.supporters - 1} ${item.supporters - 1 === 1 ? "other" : "others"} sent support`
                  : `${item.supporters} ${item.supporters === 1 ? "person" : "people"} sent support`}
            </p>
            <Form method="post" action={`/circles/${circleId}/updates/${item.id}/support`} preventScrollReset>
              <input type="hidden" name="redirectTo" value={back} />
              <input type="hidden" name="supported" value={item.supportedByMe ? "false" : "true"} />
              <button
                type="submit"
                className={item.supportedByMe ? "button button-quiet" : "button button-small"}
                aria-describedby={`update-${item.id}-support`}
              >
                {item.supportedByMe ? "Withdraw support" : "Send support"}
              </button>
            </Form>
            <Link to={`/circles/${circleId}/notes?update=${item.id}`} className="button button-quiet">
              Send {personName} a note
            </Link>
          </>
        )}
      </footer>
    </article>
  );
}
