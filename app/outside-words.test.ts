import { describe, expect, test } from "vitest";
import { keptInApp, taskForOutside } from "~/outside-words";

describe("what a message outside the app may say of a task", () => {
  const task = { id: "t", title: "Psychiatrist review", kind: "ride", location: "Mental health unit", starts_at: "2027-03-02T10:00:00Z" };

  test("health and wellbeing: the kind of help, no title or place", () => {
    for (const category of ["health", "wellbeing"] as const) {
      expect(taskForOutside({ ...task, category })).toEqual({ ...task, category, title: "A ride", location: null, detailsInApp: true });
      expect(keptInApp(category)).toBe(true);
    }
    expect(taskForOutside({ ...task, kind: "unknown", category: "health" }).title).toBe("Some help");
  });

  test("other categories: unchanged", () => {
    for (const category of ["practical", "general", "milestones"] as const) {
      expect(taskForOutside({ ...task, category })).toEqual({ ...task, category, detailsInApp: false });
      expect(keptInApp(category)).toBe(false);
    }
  });
});
