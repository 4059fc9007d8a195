import type { MetaFunction } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/error-boundary";

export const meta: MetaFunction = () => [
  { title: "Crisis lines and support · Circle" },
  { name: "description", content: "Crisis lines and mental health support organisations." },
];

export default function Resources() {
  return (
    <article>
      <h1>Crisis lines and support</h1>
      <div className="callout" role="note">
        <p>
          <strong>Circle is not a crisis service.</strong> No one watches what is posted here in
          real time, and messages may not be seen quickly.
        </p>
        <p>
          If you or someone else is in immediate danger, call your local emergency number (911 in
          the US, 999 or 112 in the UK and Ireland, 112 across the EU).
        </p>
      </div>

      <h2>Talk to someone now</h2>
      <ul className="resource-list">
        <li>
          <strong>988 Suicide &amp; Crisis Lifeline (US)</strong>
          Call or text <a href="tel:988">988</a>, or chat at{" "}
          <a href="https://988lifeline.org" rel="noreferrer">
            988lifeline.org
          </a>
          . Free and confidential, 24 hours a day.
        </li>
        <li>
          <strong>Samaritans (UK and Ireland)</strong>
          Call <a href="tel:116123">116 123</a> for free, any time, or visit{" "}
          <a href="https://www.samaritans.org" rel="noreferrer">
            samaritans.org
          </a>
          .
        </li>
        <li>
          <strong>Prefer to text?</strong>
          In the US, text HOME to <a href="sms:741741">741741</a> (Crisis Text Line). In the UK, text SHOUT
          to <a href="sms:85258">85258</a>. In Ireland, text HELLO to <a href="sms:50808">50808</a>. All free,
          any time.
        </li>
        <li>
          <strong>Other countries</strong>
          Find a free, confidential helpline near you at{" "}
          <a href="https://findahelpline.com" rel="noreferrer">
            findahelpline.com
          </a>
          .
        </li>
      </ul>

      <h2>Support and information</h2>
      <ul className="resource-list">
        <li>
          <strong>NAMI, National Alliance on Mental Illness (US)</strong>
          Support groups, education and a HelpLine for people living with mental illness and their
          families:{" "}
          <a href="https://www.nami.org" rel="noreferrer">
            nami.org
          </a>
          .
        </li>
        <li>
          <strong>Mental Health America (US)</strong>
          Screening tools, guides and local affiliates:{" "}
          <a href="https://mhanational.org" rel="noreferrer">
            mhanational.org
          </a>
          .
        </li>
      </ul>

      <h2>If you are worried about someone in your circle</h2>
      <ul className="resource-list">
        <li>
          <strong>Reach out, and ask directly.</strong>
          Asking someone whether they are thinking about suicide does not put the idea in their head; it
          tells them they can talk to you. Listen without judging, and stay with them if you can.
        </li>
        <li>
          <strong>Help them connect.</strong>
          Offer to call a crisis line together, or to contact the people in their support plan. If they
          are in immediate danger, call the emergency number.
        </li>
      </ul>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
