import { describe, expect, it } from "vitest";
import { CalendarSearchSchema, placeLabel, placeSearch, shiftDate } from "./navigation";

// Pure date arithmetic on local dates: no clock, no zone.

describe("shiftDate", () => {
  it.each([
    ["month", "2027-01-31", -1, "2026-12-31"],
    ["month", "2027-01-31", 1, "2027-02-28"],
    ["week", "2027-03-10", 1, "2027-03-17"],
    ["day", "2027-03-01", -1, "2027-02-28"],
    ["agenda", "2027-03-01", 1, "2027-03-31"],
  ] as const)("%s from %s by %i is %s", (view, date, direction, expected) => {
    expect(shiftDate(view, date, direction)).toBe(expected);
  });
});

describe("placeLabel", () => {
  it("names the shown dates as the toolbar says them", () => {
    expect(placeLabel("month", "2027-03-14")).toBe("March 2027");
    expect(placeLabel("day", "2027-03-14")).toBe("Sunday 14 March 2027");
    expect(placeLabel("week", "2027-03-14")).toBe("8 – 14 March 2027");
    expect(placeLabel("week", "2027-03-31")).toBe("29 March – 4 April 2027");
    expect(placeLabel("week", "2026-12-31")).toBe("28 December 2026 – 3 January 2027");
  });
});

describe("the calendar's place in the URL", () => {
  it("leaves defaults out, so that links stay short", () => {
    expect(placeSearch({ view: "month", date: "2027-03-14", filter: "all" }, "2027-03-14")).toBe("");
    expect(placeSearch({ view: "week", date: "2027-03-20", filter: "mine" }, "2027-03-14")).toBe("?view=week&date=2027-03-20&filter=mine");
  });

  it("falls back to the defaults for anything else", () => {
    expect(CalendarSearchSchema.parse({ view: "year", date: "2027-02-30", filter: "x" })).toEqual({ view: "month", date: undefined, filter: "all" });
    expect(CalendarSearchSchema.parse({ view: "day", date: "2027-02-28" })).toEqual({ view: "day", date: "2027-02-28", filter: "all" });
  });
});
