import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { DisclosureMenu } from "~/components/menu";
import { useNonce } from "~/nonce";
import { displayNameOf, getOptionalUser } from "~/supabase.server";
import appStyles from "~/styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "manifest", href: "/manifest.webmanifest" },
  { rel: "apple-touch-icon", href: "/icons/icon-192.png" },
  { rel: "stylesheet", href: appStyles },
];

export const meta: MetaFunction = () => [
  { title: "Circle: support around recovery" },
  {
    name: "description",
    content: "A private circle of support for someone in recovery, where they decide what is shared.",
  },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, headers } = await getOptionalUser(request, context);
  return data(
    { user: user ? { email: user.email ?? "", name: displayNameOf(user) } : null },
    { headers },
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  // Undefined when the root loader itself failed: the shell still renders, signed out.
  const rootData = useRouteLoaderData<typeof loader>("root");
  const user = rootData?.user ?? null;

  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <meta name="theme-color" content="#2f5d62" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to main content
        </a>
        <header className="site-header">
          <div className="container site-header-inner">
            <Link to="/" className="brand">
              <span aria-hidden="true" className="brand-mark" />
              <span className="brand-name">Circle</span>
            </Link>
            <nav aria-label="Main" className="site-nav">
              {user ? (
                <NavLink to="/circles" end className="nav-link">
                  Your circles
                </NavLink>
              ) : null}
              <NavLink to="/resources" className="nav-link">
                Resources
              </NavLink>
              {user ? (
                <DisclosureMenu label="Account" className="menu-end">
                  <p className="menu-note">
                    <span className="visually-hidden">Signed in as </span>
                    <span className="user-email">{user.email}</span>
                  </p>
                  <ul className="menu-list">
                    <li>
                      <NavLink to="/account">Account settings</NavLink>
                    </li>
                  </ul>
                  <Form method="post" action="/auth/sign-out">
                    <button type="submit" className="button button-quiet">
                      Sign out
                    </button>
                  </Form>
                </DisclosureMenu>
              ) : (
                <>
                  <Link to="/auth/sign-in" className="nav-link">
                    Sign in
                  </Link>
                  <Link to="/auth/sign-up" className="button button-small">
                    Sign up
                  </Link>
                </>
              )}
            </nav>
          </div>
        </header>
        <main id="main" tabIndex={-1} className="container site-main">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            <p>
              Circle is not a crisis service. If you or someone you know is in danger, call your local
              emergency number or <Link to="/resources">find a crisis line</Link>.
            </p>
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
