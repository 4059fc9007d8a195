import type { LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { getOptionalUser, unwrap } from "~/supabase.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, supabase, headers } = await getOptionalUser(request, context);
  if (user) {
    // Signed in: someone in one circle goes straight into it (the list is one tap away in the
    // header); anyone else sees their circles, or the form to start one.
    const circles = unwrap(
      await supabase.from("circle_members").select("circle_id").eq("user_id", user.id).eq("status", "active").limit(2),
    );
    throw redirect(circles.length === 1 ? `/circles/${circles[0].circle_id}` : "/circles", { headers });
  }
  return data({ signedOut: true }, { headers });
}

export default function Index() {
  return (
    <>
      <section className="hero">
        <h1>Support around you, on your terms</h1>
        <p>
          Recovery goes better with people around you. Circle lets you gather the people you choose,
          share only what you want each of them to know, and let them help with the practical
          things: meals, rides, errands, a call when you need one.
        </p>
        <p className="form-actions">
          <Link to="/auth/sign-up" className="button">
            Start your circle
          </Link>
          <Link to="/auth/sign-in">I already have an account</Link>
        </p>
      </section>
      <ul className="features" aria-label="What Circle does">
        <li>
          <h2>You decide who sees what</h2>
          <p>
            Practical needs for everyone, how you&apos;re doing only for those you trust. Change it
            or take it back at any time.
          </p>
        </li>
        <li>
          <h2>Help that fits</h2>
          <p>
            A shared calendar of what would help. Helpers claim a meal or a ride, so nothing falls
            through the cracks and no one does it all.
          </p>
        </li>
        <li>
          <h2>Gentle updates</h2>
          <p>
            Share good news or a quick check-in once, instead of answering the same question ten
            times. Or take a break from updates altogether.
          </p>
        </li>
      </ul>
    </>
  );
}
