import type { DigestContent, EmailTask, NoticeEvent, ReminderContent } from "~/digest/content";
import { oneLine, taskWhen } from "~/digest/render";
import { taskForOutside } from "~/outside-words";
import type { PushMessage } from "~/push/send.server";

// What a push notification says: pure functions from what the email functions returned for this
// recipient (the consent rule already applied) to {title, body, url, tag}, as public/sw.js shows it.
// A notification may show on a lock screen, so it says less than an email: the task as
// ~/outside-words allows (for health and wellbeing only the kind of help: "A ride"), when, and who
// helps; never a place, a note, a cancel note or an update's words. The url opens the item in the app
// (a path: the service worker opens only its own origin); the tag is the event, so the same event
// shown twice on a device replaces itself.

const quoted = (title: string) => `“${oneLine(title, 60)}”`;
const line = (text: string) => oneLine(text, 120);

const taskPath = (circleId: string, taskId: string) => `/circles/${circleId}/tasks/${taskId}`;
const tagOf = (kind: string, circleId: string, period: string) => `${kind}/${circleId}/${period}`;

function outside(task: EmailTask, timeZone: string) {
  const words = taskForOutside(task);
  return { title: words.title, when: taskWhen(task, timeZone) };
}

/** "Maria's circle: 2 tasks need help" · "“A ride” · Tue 3 Mar, 10:00, and 1 more". */
export function openTasksPush(content: DigestContent): PushMessage | null {
  const [first] = content.open_tasks;
  if (!first) return null;
  const task = outside(first, content.time_zone);
  const more = content.open_count - 1;
  return {
    title: line(`${content.circle_name}: ${content.open_count === 1 ? "a task needs help" : `${content.open_count} tasks need help`}`),
    body: line(`${quoted(task.title)} · ${task.when}${more > 0 ? `, and ${more} more` : ""}`),
    url: content.open_count === 1 ? taskPath(content.circle_id, first.id) : `/circles/${content.circle_id}`,
    tag: tagOf("open_tasks", content.circle_id, content.period),
  };
}

export function reminderPush(reminder: ReminderContent): PushMessage {
  const task = outside(reminder.task, reminder.time_zone);
  return {
    title: line(`Tomorrow: ${quoted(task.title)}`),
    body: line(`${task.when} · ${reminder.circle_name}`),
    url: taskPath(reminder.circle_id, reminder.task.id),
    tag: tagOf("reminder", reminder.circle_id, reminder.claim_id),
  };
}

export function noticePush(event: NoticeEvent): PushMessage {
  const task = outside(event.task, event.time_zone);
  const helper = oneLine(event.helper_name, 40);
  const words = {
    claimed: { title: `${helper} will help with ${quoted(task.title)}`, body: `${task.when} · ${event.circle_name}` },
    released: { title: `${quoted(task.title)} needs a helper again`, body: `${helper} can no longer do it · ${task.when}` },
    cancelled: { title: `${quoted(task.title)} was cancelled`, body: `You no longer need to do it · it was ${task.when}` },
    rescheduled: {
      title: `New time for ${quoted(task.title)}`,
      body: `${task.when}${event.previous_time ? ` (was ${taskWhen(event.previous_time, event.time_zone)})` : ""}`,
    },
  }[event.kind];
  return {
    title: line(words.title),
    body: line(words.body),
    url: taskPath(event.circle_id, event.task.id),
    tag: tagOf(event.kind, event.circle_id, String(event.event_id)),
  };
}

export type ReachOut = { request_id: string; circle_id: string; member_id: string; circle_name: string; person_name: string };

/** As the reach-out email: who asked, nothing about how they are. */
export function reachOutPush(request: ReachOut): PushMessage {
  return {
    title: line(`${request.person_name} would like to hear from you`),
    body: line(`A call, a message or a visit, whatever you usually do · ${request.circle_name}`),
    url: `/circles/${request.circle_id}/updates`,
    tag: tagOf("reach_out", request.circle_id, request.request_id),
  };
}
