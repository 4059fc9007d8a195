import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { listMailbox } from "~/email.server";
import { getEnv } from "~/env.server";

// On the local stack only (LOCAL_STACK=1, set by `npm run dev`): the emails that the app and the local
// auth service "sent". Not NODE_ENV: a development server pointed at a real project has no mailbox page.
const QuerySchema = z.object({ to: z.string().trim().max(254).optional() });

export const meta: MetaFunction = () => [{ title: "Mailbox (development) · Circle" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (!getEnv().LOCAL_STACK) throw new Response("Not found", { status: 404 });
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const to = query.to || undefined;
  const messages = await listMailbox(to);
  return { to: to ?? "", messages };
}

export default function Mailbox() {
  const { to, messages } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>Mailbox</h1>
      <p>
        Emails land here when <code>RESEND_API_KEY</code> is empty. This page exists only when the app
        runs on the local stack (<code>LOCAL_STACK=1</code>).
      </p>
      <Form method="get" className="form-actions mailbox-filter">
        <div className="field">
          <label htmlFor="mailbox-to">Recipient</label>
          <input id="mailbox-to" name="to" type="email" defaultValue={to} />
        </div>
        <button type="submit" className="button">
          Filter
        </button>
      </Form>
      {messages === null ? (
        <p>No MAILBOX_URL is set, so emails are printed in the server&apos;s console instead.</p>
      ) : messages.length === 0 ? (
        <p>No emails{to ? ` to ${to}` : ""} yet.</p>
      ) : (
        <ul className="mailbox-list">
          {messages.map((message) => (
            <li key={message.id}>
              <h2>{message.subject}</h2>
              <p className="mailbox-meta">
                To {[message.to].flat().join(", ")}
                {message.from ? ` · from ${message.from}` : ""} ·{" "}
                <time dateTime={message.created_at}>{formatUtc(message.created_at)}</time>
              </p>
              {message.text ? <LinkifiedText text={message.text} /> : null}
              {message.html ? (
                <details>
                  <summary>HTML version</summary>
                  {/* sandbox with no permissions: no scripts, no same-origin access */}
                  <iframe
                    title={`HTML version of “${message.subject}”`}
                    className="mailbox-html"
                    sandbox=""
                    srcDoc={message.html}
                  />
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// The same text on the server and in the browser, whatever their time zones.
function formatUtc(iso: string) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function LinkifiedText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <pre className="mailbox-text">
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <a key={index} href={part}>
            {part}
          </a>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </pre>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
