import type { ErrorResponse } from "@remix-run/react";
import { isRouteErrorResponse, Link, useParams, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";

type StatusHandler = (info: { error: ErrorResponse; params: Record<string, string | undefined> }) => ReactNode;

const friendly: Record<number, { title: string; body: ReactNode }> = {
  400: { title: "Something in that request wasn't right", body: "Please go back and try again." },
  403: { title: "This page isn't shared with you", body: "If you think it should be, ask the person who invited you." },
  404: {
    title: "We couldn't find that page",
    body: "The link may be old, or the page may have moved.",
  },
  405: { title: "That action isn't available here", body: "Please go back and use the page's buttons." },
  429: { title: "Let's slow down a little", body: "Too many attempts. Please wait a few minutes and try again." },
};

function Message({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="error-page">
      <h1>{title}</h1>
      <div>{children}</div>
      <p>
        <Link to="/">Go to the home page</Link> · <Link to="/resources">Support resources</Link>
      </p>
    </div>
  );
}

/**
 * The one error UI of the app: a calm message per status, never a stack trace in production.
 * Routes may pass handlers for statuses they know more about.
 */
export function GeneralErrorBoundary({
  statusHandlers,
  unexpectedErrorHandler,
}: {
  statusHandlers?: Record<number, StatusHandler>;
  unexpectedErrorHandler?: (error: unknown) => ReactNode;
}) {
  const error = useRouteError();
  const params = useParams();

  if (isRouteErrorResponse(error)) {
    const custom = statusHandlers?.[error.status];
    if (custom) return <>{custom({ error, params })}</>;
    const known = friendly[error.status];
    // A 400 thrown with a plain-text reason (readForm) says what was wrong with the request.
    const reason = error.status === 400 && typeof error.data === "string" && error.data ? <p>{error.data}</p> : null;
    if (known) return <Message title={known.title}>{reason ?? known.body}</Message>;
    return (
      <Message title="Something went wrong">
        <p>We hit a problem ({error.status}). Please try again in a moment.</p>
      </Message>
    );
  }

  // Expected statuses are not errors; anything else is worth a line in the browser console.
  if (typeof document !== "undefined") console.error(error);
  if (unexpectedErrorHandler) return <>{unexpectedErrorHandler(error)}</>;

  return (
    <Message title="Something went wrong on our side">
      <p>Sorry about that. Please try again in a moment; nothing you did caused this.</p>
      {import.meta.env.DEV && error instanceof Error ? (
        <details className="error-details">
          <summary>Details (shown in development only)</summary>
          <pre>{error.stack ?? error.message}</pre>
        </details>
      ) : null}
    </Message>
  );
}
