import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Account deleted · Circle" }];

export default function AccountDeleted() {
  return (
    <div className="page-narrow">
      <h1>Your account is deleted</h1>
      <p className="lead">
        Thank you for the part you played. Your account and the circles you owned are gone; in the circles you helped
        in, what you did is kept only as the work of a former member.
      </p>
      <p>
        <Link to="/">Go to the home page</Link> · <Link to="/resources">Support resources</Link>
      </p>
    </div>
  );
}
