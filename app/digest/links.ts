// Every link an email carries, all to the app itself (APP_URL): never a tracker or a third party.

// APP_URL is validated as a URL at start; joined by hand because new URL() per link is slow over 20,000 emails.
const join = (appUrl: string, path: string) => `${appUrl.replace(/\/+$/, "")}${path}`;

export const emailLinks = {
  /** The task's page, where the reader claims it (or sees who helps). */
  task: (appUrl: string, circleId: string, taskId: string) => join(appUrl, `/circles/${circleId}/tasks/${taskId}`),
  calendar: (appUrl: string, circleId: string) => join(appUrl, `/circles/${circleId}/calendar`),
  circle: (appUrl: string, circleId: string) => join(appUrl, `/circles/${circleId}`),
  updates: (appUrl: string, circleId: string) => join(appUrl, `/circles/${circleId}/updates`),
  /** The member's email settings for the circle (digest frequency and hour, notices). */
  settings: (appUrl: string, circleId: string) => join(appUrl, `/circles/${circleId}/notifications`),
  unsubscribe: (appUrl: string, token: string) => join(appUrl, `/unsubscribe/${encodeURIComponent(token)}`),
};
