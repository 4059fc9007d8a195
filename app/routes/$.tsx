import { GeneralErrorBoundary } from "~/components/error-boundary";

// Unknown URLs render the friendly 404 inside the normal page shell (with the user menu).
export async function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
