import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "~/routes/circles.$circleId";

const CIRCLE_ROUTE_ID = "routes/circles.$circleId";

/** The circle frame's data (circle, the reader's role), for the pages inside /circles/:circleId. */
export function useCircle() {
  const circleData = useRouteLoaderData<typeof loader>(CIRCLE_ROUTE_ID);
  if (!circleData) throw new Error("useCircle() is only for pages inside /circles/:circleId");
  return circleData;
}
