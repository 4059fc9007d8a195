import type { TaskKind } from "~/calendar/words";
import { namesList } from "~/calendar/words";
import type { Category } from "~/consent";

// What pages show of a task (computed on the server by tasks.server.ts's summarise), and the little
// logic the browser needs about it.

export type TaskState = "open" | "full" | "done" | "cancelled" | "past";

export type TaskSummary = {
  id: string;
  title: string;
  kind: TaskKind;
  category: Category;
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  /** Local date in the circle's zone, for grouping by day. */
  localDate: string;
  /** The last local date it covers (the same as localDate unless it runs past midnight). */
  lastLocalDate: string;
  when: string;
  slots: number;
  taken: number;
  /** Names of the other helpers who claimed it. */
  claimers: string[];
  mine: boolean;
  state: TaskState;
  /** Someone can still claim it: scheduled, not started, a spot free. */
  needsHelp: boolean;
  /** Its day has come (in the circle's zone): a helper may mark it done. */
  due: boolean;
  recurring: boolean;
  location: string | null;
};

export const FILTERS = ["all", "open", "mine"] as const;
export type Filter = (typeof FILTERS)[number];

export function applyFilter(tasks: TaskSummary[], filter: Filter): TaskSummary[] {
  if (filter === "open") return tasks.filter((t) => t.needsHelp);
  if (filter === "mine") return tasks.filter((t) => t.mine);
  return tasks;
}

/** "Claimed by you and Sam"; empty when nobody has claimed it. */
export function claimersText(summary: Pick<TaskSummary, "claimers" | "mine">): string {
  const names = summary.mine ? ["you", ...summary.claimers] : summary.claimers;
  return names.length ? `Claimed by ${namesList(names)}` : "";
}
