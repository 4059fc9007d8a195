import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { updatesStylesheet } from "~/components/check-in-card";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { displayNameOf, requireUser } from "~/supabase.server";

// Account settings: who is signed in, and the account's own actions (each circle's settings stay in
// the circle). Deleting the account lives here rather than on the first page a newcomer sees.

export const links: LinksFunction = () => [updatesStylesheet];
export const meta: MetaFunction = () => [{ title: "Account settings · Circle" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, headers } = await requireUser(request, context);
  return data({ name: displayNameOf(user), email: user.email ?? "" }, { headers });
}

export default function AccountSettings() {
  const { name, email } = useLoaderData<typeof loader>();
  return (
    <div className="page-narrow">
      <h1>Account settings</h1>
      <dl className="facts">
        <div>
          <dt>Name</dt>
          <dd>{name}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{email}</dd>
        </div>
      </dl>
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <p>
          To choose a new password, <Link to="/auth/forgot-password">ask for a reset link</Link>: it is sent to {email}.
        </p>
      </section>
      <section aria-labelledby="sign-out-heading">
        <h2 id="sign-out-heading">Sign out</h2>
        <Form method="post" action="/auth/sign-out">
          <button type="submit" className="button button-secondary">
            Sign out on this device
          </button>
        </Form>
      </section>
      <section aria-labelledby="delete-heading" className="danger-zone">
        <h2 id="delete-heading">Delete your account</h2>
        <p>
          This removes your account for good, and the circles you started with it. You can read what it means first.
        </p>
        <p>
          <Link to="/account/delete">Delete your account</Link>
        </p>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
