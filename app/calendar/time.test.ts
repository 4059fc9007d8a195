import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  formatInZone,
  formatRangeInZone,
  isValidTimeZone,
  localDateSchema,
  rangeFor,
  timeZoneOptions,
  timeZoneSchema,
  wallClockInstants,
  zoneAbbreviation,
  zoneLabel,
  zonedInstant,
} from "./time";

// The clock is pinned far from every date below: code that read the real clock would fail.
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2031-07-15T03:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

const iso = (range: { from: Date; to: Date }) => [range.from.toISOString(), range.to.toISOString()];
const hours = (range: { from: Date; to: Date }) => (range.to.getTime() - range.from.getTime()) / 3600_000;

describe("wall-clock times and instants", () => {
  it("finds no instant in a spring-forward gap, two in a fall-back hour, one otherwise", () => {
    expect(wallClockInstants("2026-03-08", "02:30", "America/New_York")).toEqual([]);
    expect(wallClockInstants("2026-11-01", "01:30", "America/New_York").map((d) => d.toISOString())).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T06:30:00.000Z",
    ]);
    expect(wallClockInstants("2026-07-01", "12:00", "Europe/London").map((d) => d.toISOString())).toEqual([
      "2026-07-01T11:00:00.000Z",
    ]);
  });

  it("moves a gap time forward by the gap and takes the first of a repeated time", () => {
    expect(zonedInstant("2026-03-08", "02:30", "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
    expect(zonedInstant("2026-11-01", "01:30", "America/New_York").toISOString()).toBe("2026-11-01T05:30:00.000Z");
    expect(zonedInstant("2026-10-25", "01:30", "Europe/London").toISOString()).toBe("2026-10-25T00:30:00.000Z");
    // Chile moves its clocks at midnight: 6 September 2026 starts at 01:00.
    expect(zonedInstant("2026-09-06", "00:00", "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it("rejects invalid input", () => {
    expect(() => zonedInstant("2026-02-30", "10:00", "Europe/London")).toThrow(RangeError);
    expect(() => zonedInstant("2026-02-03", "25:00", "Europe/London")).toThrow(RangeError);
    expect(() => zonedInstant("2026-02-03", "10:00", "Europe/Atlantis")).toThrow(RangeError);
  });
});

describe("showing times in the circle's zone", () => {
  const ride = new Date("2026-03-03T18:30:00Z");

  it("formats an instant with the zone's name", () => {
    expect(formatInZone(ride, "Europe/London")).toBe("Tue 3 Mar, 18:30 (London time)");
    expect(formatInZone(ride, "America/New_York")).toBe("Tue 3 Mar, 13:30 (New York time)");
    expect(formatInZone(ride, "America/New_York", { hour12: true })).toBe("Tue 3 Mar, 1:30 PM (New York time)");
    expect(formatInZone(ride, "Australia/Sydney")).toBe("Wed 4 Mar, 05:30 (Sydney time)");
    expect(formatInZone(new Date("2026-03-03T00:00:00Z"), "Europe/London", { allDay: true })).toBe("Tue 3 Mar");
  });

  it("formats a range", () => {
    expect(formatRangeInZone(ride, new Date("2026-03-03T20:00:00Z"), "Europe/London")).toBe("Tue 3 Mar, 18:30–20:00 (London time)");
    expect(formatRangeInZone(new Date("2026-03-03T22:00:00Z"), new Date("2026-03-04T01:00:00Z"), "Europe/London")).toBe(
      "Tue 3 Mar, 22:00–Wed 4 Mar, 01:00 (London time)",
    );
    const midnight = (date: string) => zonedInstant(date, "00:00", "Europe/London");
    expect(formatRangeInZone(midnight("2026-03-03"), midnight("2026-03-04"), "Europe/London", { allDay: true })).toBe("Tue 3 Mar");
    expect(formatRangeInZone(midnight("2026-03-28"), midnight("2026-03-31"), "Europe/London", { allDay: true })).toBe(
      "Sat 28 Mar – Mon 30 Mar",
    );
  });

  it("names zones and their abbreviations, winter and summer", () => {
    expect(zoneLabel("Europe/London")).toBe("London time");
    expect(zoneLabel("America/Argentina/Buenos_Aires")).toBe("Buenos Aires time");
    expect(zoneLabel("UTC")).toBe("UTC");
    expect(zoneLabel("Etc/GMT+5")).toBe("GMT-5");

    const january = new Date("2026-01-15T12:00:00Z");
    const july = new Date("2026-07-15T12:00:00Z");
    const both = (timeZone: string) => [zoneAbbreviation(january, timeZone), zoneAbbreviation(july, timeZone)];
    expect(both("Europe/London")).toEqual(["GMT", "BST"]);
    expect(both("America/New_York")).toEqual(["EST", "EDT"]);
    expect(both("Australia/Sydney")).toEqual(["AEDT", "AEST"]);
    expect(both("Europe/Berlin")).toEqual(["CET", "CEST"]);
    expect(both("Asia/Kolkata")).toEqual(["IST", "IST"]);
    expect(both("Asia/Tokyo")).toEqual(["GMT+9", "GMT+9"]);
  });
});

describe("rangeFor", () => {
  it("covers the whole weeks of a month grid, Monday to Sunday", () => {
    // March 2026: Sunday 1st to Tuesday 31st; the grid runs from Monday 23 February to Sunday 5 April.
    expect(iso(rangeFor("month", "2026-03-15", "Europe/London"))).toEqual(["2026-02-23T00:00:00.000Z", "2026-04-05T23:00:00.000Z"]);
    expect(iso(rangeFor("month", "2026-03-01", "America/New_York"))).toEqual(["2026-02-23T05:00:00.000Z", "2026-04-06T04:00:00.000Z"]);
    // June 2026 starts on a Monday, so the grid starts on the 1st.
    expect(iso(rangeFor("month", "2026-06-30", "Europe/London"))).toEqual(["2026-05-31T23:00:00.000Z", "2026-07-05T23:00:00.000Z"]);
  });

  it("covers a week from Monday, one hour shorter or longer across a change", () => {
    const london = rangeFor("week", "2026-03-25", "Europe/London");
    expect(iso(london)).toEqual(["2026-03-23T00:00:00.000Z", "2026-03-29T23:00:00.000Z"]);
    expect(hours(london)).toBe(167);
    const sydney = rangeFor("week", "2026-04-05", "Australia/Sydney");
    expect(iso(sydney)).toEqual(["2026-03-29T13:00:00.000Z", "2026-04-05T14:00:00.000Z"]);
    expect(hours(sydney)).toBe(169);
  });

  it("covers a day, 23 or 25 hours long on change days", () => {
    expect(hours(rangeFor("day", "2026-03-29", "Europe/London"))).toBe(23);
    expect(hours(rangeFor("day", "2026-10-25", "Europe/London"))).toBe(25);
    expect(hours(rangeFor("day", "2026-03-08", "America/New_York"))).toBe(23);
    expect(iso(rangeFor("day", "2026-09-06", "America/Santiago"))).toEqual(["2026-09-06T04:00:00.000Z", "2026-09-07T03:00:00.000Z"]);
  });

  it("covers the agenda's days: the date and the next `length` days", () => {
    expect(iso(rangeFor("agenda", "2026-03-03", "Europe/London"))).toEqual(["2026-03-03T00:00:00.000Z", "2026-04-02T23:00:00.000Z"]);
    expect(iso(rangeFor("agenda", "2026-03-03", "Europe/London", 6))).toEqual(["2026-03-03T00:00:00.000Z", "2026-03-10T00:00:00.000Z"]);
  });

  it("reads an instant as the date it falls on in the zone", () => {
    const instant = new Date("2026-03-09T02:00:00Z"); // Monday in London, still Sunday in New York
    expect(iso(rangeFor("week", instant, "Europe/London"))).toEqual(["2026-03-09T00:00:00.000Z", "2026-03-16T00:00:00.000Z"]);
    expect(iso(rangeFor("week", instant, "America/New_York"))).toEqual(["2026-03-02T05:00:00.000Z", "2026-03-09T04:00:00.000Z"]);
  });

  it("rejects a date that does not exist", () => {
    expect(() => rangeFor("day", "2026-02-29", "Europe/London")).toThrow(RangeError);
  });
});

describe("time zones for a select", () => {
  const options = timeZoneOptions(new Date("2026-07-15T12:00:00Z"));
  const values = options.map((option) => option.value);

  it("lists every valid zone once, sorted, under its current IANA name", () => {
    expect(values.length).toBeGreaterThan(300);
    expect(new Set(values).size).toBe(values.length);
    expect([...values].sort((a, b) => a.localeCompare(b))).toEqual(values);
    expect(values.every(isValidTimeZone)).toBe(true);
    expect(values).toEqual(expect.arrayContaining(["Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Kyiv", "UTC"]));
    expect(values).not.toContain("Asia/Calcutta");
    expect(options).toContainEqual({ value: "Europe/London", label: "Europe/London (GMT+01:00)" });
    expect(options).toContainEqual({ value: "Asia/Kolkata", label: "Asia/Kolkata (GMT+05:30)" });
    expect(options).toContainEqual({ value: "America/Argentina/Buenos_Aires", label: "America/Argentina/Buenos Aires (GMT-03:00)" });
  });

  it("validates zones and dates", () => {
    expect(timeZoneSchema.safeParse("Australia/Sydney").success).toBe(true);
    expect(timeZoneSchema.safeParse("Mars/Olympus_Mons").error?.issues[0].message).toBe("Choose a time zone from the list");
    expect(timeZoneSchema.safeParse("").success).toBe(false);
    expect(timeZoneSchema.safeParse("+01:00").success).toBe(false);
    expect(localDateSchema.safeParse("2028-02-29").success).toBe(true);
    expect(localDateSchema.safeParse("2026-02-29").success).toBe(false);
    expect(localDateSchema.safeParse("2026-3-1").success).toBe(false);
  });
});
