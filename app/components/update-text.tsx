import { Fragment } from "react";
import { linkify } from "~/updates";

/**
 * Text someone wrote, shown as text: React escapes every character (a "<script>" stays visible
 * words), line breaks are kept by CSS (white-space: pre-wrap), and only absolute http(s) URLs become
 * links, with rel="noopener noreferrer nofollow". No HTML from a member ever reaches the page.
 */
export function UpdateText({ text, className = "update-text" }: { text: string; className?: string }) {
  return (
    <p className={className}>
      {linkify(text).map((part, index) =>
        part.type === "link" ? (
          <a key={index} href={part.href} rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ) : (
          <Fragment key={index}>{part.text}</Fragment>
        ),
      )}
    </p>
  );
}
