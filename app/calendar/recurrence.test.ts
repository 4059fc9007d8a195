import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  MAX_OCCURRENCES,
  describeRule,
  occurrenceDates,
  occurrences,
  occurrencesToMaterialise,
  recurrenceRuleSchema,
  seriesSchema,
  splitSeries,
  type Series,
} from "./recurrence";
import { addDays, toLocalDateTime } from "./time";

// The clock is pinned far from every date below: code that read the real clock would fail.
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2031-07-15T03:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

const rule = (input: Record<string, unknown>) => recurrenceRuleSchema.parse(input);
const timed = (input: Record<string, unknown>, firstStart: string, timeZone: string, durationMinutes = 60): Series => ({
  rule: rule(input),
  firstStart,
  timeZone,
  durationMinutes,
});
const everything = { from: new Date("2000-01-01T00:00:00Z"), to: new Date("2100-01-01T00:00:00Z") };
const starts = (series: Series) => occurrences(series, everything).map((o) => o.startsAt.toISOString());
const localStarts = (series: Series) =>
  occurrences(series, everything).map((o) => toLocalDateTime(o.startsAt, series.timeZone));

describe("recurrenceRuleSchema", () => {
  it("accepts a weekly rule, sorting and de-duplicating weekdays", () => {
    expect(rule({ frequency: "weekly", weekdays: [4, 2, 4], until: "2027-06-30" })).toEqual({
      frequency: "weekly",
      interval: 1,
      weekdays: [2, 4],
      until: "2027-06-30",
    });
  });

  it.each([
    [{ frequency: "weekly", weekdays: [], count: 3 }, "Choose at least one day of the week"],
    [{ frequency: "daily", weekdays: [1], count: 3 }, "Days of the week only apply to weekly series"],
    [{ frequency: "daily" }, "Choose when the series ends: a date or a number of times"],
    [{ frequency: "daily", count: 3, until: "2026-05-01" }, "Choose when the series ends: a date or a number of times"],
    [{ frequency: "daily", interval: 0, count: 3 }, "Repeat at least every 1"],
    [{ frequency: "daily", interval: 53, count: 3 }, "Repeat at most every 52"],
    [{ frequency: "daily", count: 501 }, "At most 500 times"],
    [{ frequency: "daily", until: "2026-02-30" }, "Enter a real date (YYYY-MM-DD)"],
    [{ frequency: "weekly", weekdays: [8], count: 3 }, "Number must be less than or equal to 7"],
    [{ frequency: "monthly", count: 3 }, "Invalid enum value. Expected 'daily' | 'weekly', received 'monthly'"],
  ])("rejects %j", (input, message) => {
    const result = recurrenceRuleSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toContain(message);
  });
});

describe("seriesSchema", () => {
  const base = { firstStart: "2026-03-02T10:00", timeZone: "Europe/London", durationMinutes: 60 };
  const messages = (input: Record<string, unknown>) =>
    seriesSchema.safeParse({ ...base, ...input }).error?.issues.map((issue) => issue.message) ?? [];

  it("accepts a timed and an all-day series", () => {
    expect(seriesSchema.parse({ ...base, rule: { frequency: "daily", count: 3 } })).toMatchObject({ allDay: false, durationMinutes: 60 });
    expect(
      seriesSchema.parse({ rule: { frequency: "daily", count: 3 }, firstStart: "2026-03-02", timeZone: "UTC", allDay: true }),
    ).toEqual({ rule: { frequency: "daily", interval: 1, weekdays: [], count: 3 }, firstStart: "2026-03-02", timeZone: "UTC", allDay: true });
  });

  it("keeps a series within two years and sensible inputs", () => {
    expect(messages({ rule: { frequency: "daily", until: "2026-03-01" } })).toEqual(["The series must end after it starts"]);
    expect(messages({ rule: { frequency: "daily", until: "2028-03-02" } })).toEqual(["A series can run for at most 2 years"]);
    expect(messages({ rule: { frequency: "daily", until: "2028-03-01" } })).toEqual([]);
    expect(messages({ rule: { frequency: "weekly", interval: 52, weekdays: [1], count: 10 } })).toEqual([
      "Only 3 occurrences fit in the 2-year limit of a series",
    ]);
    expect(messages({ rule: { frequency: "daily", count: 3 }, durationMinutes: undefined })).toEqual(["Choose when it ends"]);
    expect(messages({ rule: { frequency: "daily", count: 3 }, durationMinutes: 0 })).toEqual(["The end must be after the start"]);
    expect(messages({ rule: { frequency: "daily", count: 3 }, firstStart: "2026-03-02" })).toEqual([
      "Enter a real date and time for the first occurrence",
    ]);
    expect(messages({ rule: { frequency: "daily", count: 3 }, firstStart: "2026-03-02T24:00" })).toEqual([
      "Enter a real date and time for the first occurrence",
    ]);
    expect(messages({ rule: { frequency: "daily", count: 3 }, timeZone: "Mars/Olympus_Mons" })).toEqual([
      "Choose a time zone from the list",
    ]);
  });
});

describe("occurrenceDates", () => {
  it("repeats daily, every N days, up to and including `until`", () => {
    expect(occurrenceDates(rule({ frequency: "daily", count: 3 }), "2026-02-27")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
    expect(occurrenceDates(rule({ frequency: "daily", interval: 3, until: "2026-03-13" }), "2026-03-01")).toEqual([
      "2026-03-01",
      "2026-03-04",
      "2026-03-07",
      "2026-03-10",
      "2026-03-13",
    ]);
  });

  it("repeats weekly on chosen weekdays until a date", () => {
    // 3 March 2026 is a Tuesday.
    expect(occurrenceDates(rule({ frequency: "weekly", weekdays: [2, 4], until: "2026-03-17" }), "2026-03-03")).toEqual([
      "2026-03-03",
      "2026-03-05",
      "2026-03-10",
      "2026-03-12",
      "2026-03-17",
    ]);
  });

  it("repeats every 2 weeks, counting weeks from the first start's week", () => {
    expect(occurrenceDates(rule({ frequency: "weekly", interval: 2, weekdays: [1], count: 10 }), "2026-03-02")).toEqual([
      "2026-03-02",
      "2026-03-16",
      "2026-03-30",
      "2026-04-13",
      "2026-04-27",
      "2026-05-11",
      "2026-05-25",
      "2026-06-08",
      "2026-06-22",
      "2026-07-06",
    ]);
    // A Wednesday start on a Monday/Friday rule: that week's Friday comes first, then every other week.
    expect(occurrenceDates(rule({ frequency: "weekly", interval: 2, weekdays: [1, 5], count: 4 }), "2026-03-04")).toEqual([
      "2026-03-06",
      "2026-03-16",
      "2026-03-20",
      "2026-03-30",
    ]);
  });

  it("caps a series at 500 occurrences and 2 years, whatever the rule says", () => {
    const unbounded = { frequency: "daily" as const, interval: 1, weekdays: [], until: "2099-12-31" };
    const daily = occurrenceDates(unbounded, "2026-03-01");
    expect(daily).toHaveLength(MAX_OCCURRENCES);
    expect(daily.at(-1)).toBe("2027-07-13");

    const everyOtherDay = occurrenceDates({ ...unbounded, interval: 2 }, "2026-03-01");
    expect(everyOtherDay.at(-1)).toBe("2028-02-29");
    expect(everyOtherDay).toHaveLength(366);

    expect(occurrenceDates(rule({ frequency: "weekly", interval: 52, weekdays: [1], count: 500 }), "2026-03-02")).toEqual([
      "2026-03-02",
      "2027-03-01",
      "2028-02-28",
    ]);
  });
});

describe("occurrences across daylight-saving changes", () => {
  const tuesdays = { frequency: "weekly", weekdays: [2], count: 6 };

  it("keeps an 18:30 ride at 18:30 in New York and London, whose spring changes fall on different dates", () => {
    const newYork = timed(tuesdays, "2026-03-03T18:30", "America/New_York");
    const london = timed(tuesdays, "2026-03-03T18:30", "Europe/London");
    for (const series of [newYork, london]) {
      expect(localStarts(series)).toEqual([
        "2026-03-03T18:30",
        "2026-03-10T18:30",
        "2026-03-17T18:30",
        "2026-03-24T18:30",
        "2026-03-31T18:30",
        "2026-04-07T18:30",
      ]);
    }
    // US clocks change on 8 March, UK clocks on 29 March: for three weeks the two are 4 hours apart.
    expect(starts(newYork)).toEqual([
      "2026-03-03T23:30:00.000Z",
      "2026-03-10T22:30:00.000Z",
      "2026-03-17T22:30:00.000Z",
      "2026-03-24T22:30:00.000Z",
      "2026-03-31T22:30:00.000Z",
      "2026-04-07T22:30:00.000Z",
    ]);
    expect(starts(london)).toEqual([
      "2026-03-03T18:30:00.000Z",
      "2026-03-10T18:30:00.000Z",
      "2026-03-17T18:30:00.000Z",
      "2026-03-24T18:30:00.000Z",
      "2026-03-31T17:30:00.000Z",
      "2026-04-07T17:30:00.000Z",
    ]);
  });

  it("keeps 18:30 through the autumn changes (UK 25 October, US 1 November)", () => {
    const autumn = { frequency: "weekly", weekdays: [2], count: 3 };
    expect(starts(timed(autumn, "2026-10-20T18:30", "Europe/London"))).toEqual([
      "2026-10-20T17:30:00.000Z",
      "2026-10-27T18:30:00.000Z",
      "2026-11-03T18:30:00.000Z",
    ]);
    expect(starts(timed(autumn, "2026-10-20T18:30", "America/New_York"))).toEqual([
      "2026-10-20T22:30:00.000Z",
      "2026-10-27T22:30:00.000Z",
      "2026-11-03T23:30:00.000Z",
    ]);
  });

  it("keeps 18:30 in Sydney, where summer time ends in April and starts in October", () => {
    expect(starts(timed({ frequency: "weekly", weekdays: [2], count: 2 }, "2026-03-31T18:30", "Australia/Sydney"))).toEqual([
      "2026-03-31T07:30:00.000Z",
      "2026-04-07T08:30:00.000Z",
    ]);
    expect(starts(timed({ frequency: "weekly", weekdays: [2], count: 2 }, "2026-09-29T18:30", "Australia/Sydney"))).toEqual([
      "2026-09-29T08:30:00.000Z",
      "2026-10-06T07:30:00.000Z",
    ]);
  });

  it.each([
    ["America/New_York", "2026-03-07T02:30", ["2026-03-07T07:30:00.000Z", "2026-03-08T07:30:00.000Z", "2026-03-09T06:30:00.000Z"]],
    ["Europe/London", "2026-03-28T01:30", ["2026-03-28T01:30:00.000Z", "2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z"]],
    ["Australia/Sydney", "2026-10-03T02:30", ["2026-10-02T16:30:00.000Z", "2026-10-03T16:30:00.000Z", "2026-10-04T15:30:00.000Z"]],
  ])("moves a time in the spring-forward gap forward by the gap, on that day only (%s)", (timeZone, firstStart, expected) => {
    const series = timed({ frequency: "daily", count: 3 }, firstStart, timeZone);
    expect(starts(series)).toEqual(expected);
    const [before, gapDay, after] = localStarts(series);
    const time = firstStart.slice(11);
    const shifted = `${String(Number(time.slice(0, 2)) + 1).padStart(2, "0")}${time.slice(2)}`;
    expect([before.slice(11), gapDay.slice(11), after.slice(11)]).toEqual([time, shifted, time]);
    const firstDate = firstStart.slice(0, 10);
    expect(occurrences(series, everything).map((o) => o.localDate)).toEqual([firstDate, addDays(firstDate, 1), addDays(firstDate, 2)]);
  });

  it.each([
    ["America/New_York", "2026-10-31T01:30", ["2026-10-31T05:30:00.000Z", "2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]],
    ["Europe/London", "2026-10-24T01:30", ["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]],
    ["Australia/Sydney", "2026-04-04T02:30", ["2026-04-03T15:30:00.000Z", "2026-04-04T15:30:00.000Z", "2026-04-05T16:30:00.000Z"]],
  ])("takes the first of a repeated fall-back time (%s)", (timeZone, firstStart, expected) => {
    const series = timed({ frequency: "daily", count: 3 }, firstStart, timeZone);
    expect(starts(series)).toEqual(expected);
    expect(localStarts(series).map((local) => local.slice(11))).toEqual(Array(3).fill(firstStart.slice(11)));
  });

  it("measures durations in elapsed time and all-day occurrences from midnight to midnight", () => {
    const [overnight] = occurrences(timed({ frequency: "daily", count: 1 }, "2026-03-08T01:00", "America/New_York", 120), everything);
    expect(overnight.endsAt.getTime() - overnight.startsAt.getTime()).toBe(2 * 3600_000);
    expect(toLocalDateTime(overnight.endsAt, "America/New_York")).toBe("2026-03-08T04:00");

    const allDay: Series = { rule: rule({ frequency: "daily", count: 3 }), firstStart: "2026-03-28", timeZone: "Europe/London", allDay: true };
    expect(
      occurrences(allDay, everything).map((o) => [o.localDate, o.startsAt.toISOString(), (o.endsAt.getTime() - o.startsAt.getTime()) / 3600_000]),
    ).toEqual([
      ["2026-03-28", "2026-03-28T00:00:00.000Z", 24],
      ["2026-03-29", "2026-03-29T00:00:00.000Z", 23],
      ["2026-03-30", "2026-03-29T23:00:00.000Z", 24],
    ]);
  });

  it("returns the occurrences overlapping [from, to)", () => {
    const series = timed({ frequency: "daily", count: 10 }, "2026-03-01T18:30", "Europe/London", 90);
    const found = occurrences(series, { from: new Date("2026-03-03T19:00:00Z"), to: new Date("2026-03-05T18:30:00Z") });
    expect(found.map((o) => o.localDate)).toEqual(["2026-03-03", "2026-03-04"]);
  });
});

describe("occurrencesToMaterialise", () => {
  const series = timed({ frequency: "weekly", weekdays: [2, 4], until: "2026-12-31" }, "2026-03-03T18:30", "Europe/London", 90);
  const now = new Date("2026-03-10T12:00:00Z");

  it("makes the occurrences of the next 8 weeks that are not yet there, never past ones", () => {
    const made = occurrencesToMaterialise(series, { now, existingLocalDates: ["2026-03-10", "2026-03-12"] });
    expect(made.map((o) => o.localDate)).toEqual([
      "2026-03-17",
      "2026-03-19",
      "2026-03-24",
      "2026-03-26",
      "2026-03-31",
      "2026-04-02",
      "2026-04-07",
      "2026-04-09",
      "2026-04-14",
      "2026-04-16",
      "2026-04-21",
      "2026-04-23",
      "2026-04-28",
      "2026-04-30",
    ]);
    // Tuesday 5 May 18:30 BST is after the 8-week horizon (5 May 12:00 UTC).
    expect(made.at(-1)?.startsAt.toISOString()).toBe("2026-04-30T17:30:00.000Z");
  });

  it("makes nothing twice", () => {
    const first = occurrencesToMaterialise(series, { now, existingLocalDates: [] });
    const again = occurrencesToMaterialise(series, { now, existingLocalDates: first.map((o) => o.localDate) });
    expect(first).toHaveLength(16);
    expect(again).toEqual([]);
    const later = occurrencesToMaterialise(series, {
      now: new Date("2026-03-24T12:00:00Z"),
      existingLocalDates: first.map((o) => o.localDate),
    });
    expect(later.map((o) => o.localDate)).toEqual(["2026-05-05", "2026-05-07", "2026-05-12", "2026-05-14"]);
  });

  it("accepts a horizon and stops at the series end", () => {
    const short = timed({ frequency: "daily", count: 3 }, "2026-03-10T18:30", "Europe/London");
    expect(occurrencesToMaterialise(short, { now, existingLocalDates: [], horizonEnd: new Date("2026-03-11T19:00:00Z") })).toHaveLength(2);
    expect(occurrencesToMaterialise(short, { now, existingLocalDates: [] })).toHaveLength(3);
  });
});

describe("splitSeries", () => {
  const series = timed({ frequency: "weekly", interval: 2, weekdays: [1], count: 10 }, "2026-03-02T10:00", "Europe/London");
  const all = occurrenceDates(series.rule, "2026-03-02");

  it("splits a counted series, keeping the phase of every-other-week", () => {
    // 20 April is an off week: the later part starts on 27 April, not 20 April.
    const { before, after } = splitSeries(series, "2026-04-20");
    expect(before?.rule.count).toBe(4);
    expect(after).toMatchObject({ firstStart: "2026-04-27T10:00", rule: { count: 6 } });
    expect([...occurrenceDates(before!.rule, "2026-03-02"), ...occurrenceDates(after!.rule, "2026-04-27")]).toEqual(all);
  });

  it("splits a series that ends on a date", () => {
    const untilSeries = timed({ frequency: "weekly", weekdays: [2, 4], until: "2026-06-30" }, "2026-03-03T18:30", "Europe/London");
    const { before, after } = splitSeries(untilSeries, "2026-04-01");
    expect(before?.rule.until).toBe("2026-03-31");
    expect(after).toMatchObject({ firstStart: "2026-04-02T18:30", rule: { until: "2026-06-30" } });
  });

  it("leaves nothing before the first or after the last occurrence", () => {
    expect(splitSeries(series, "2026-03-02")).toEqual({ before: null, after: series });
    expect(splitSeries(series, "2026-07-07")).toEqual({ before: series, after: null });
  });
});

describe("describeRule", () => {
  it.each([
    [{ frequency: "weekly", weekdays: [4, 2], until: "2027-06-30" }, "Every Tuesday and Thursday until 30 June 2027"],
    [{ frequency: "weekly", interval: 2, weekdays: [1], count: 10 }, "Every 2 weeks on Monday, 10 times"],
    [{ frequency: "weekly", weekdays: [1, 3, 5], count: 6 }, "Every Monday, Wednesday and Friday, 6 times"],
    [{ frequency: "weekly", weekdays: [1, 2, 3, 4, 5], until: "2026-04-01" }, "Every weekday until 1 April 2026"],
    [{ frequency: "weekly", weekdays: [1, 2, 3, 4, 5, 6, 7], count: 3 }, "Every day, 3 times"],
    [{ frequency: "daily", count: 1 }, "Every day, once"],
    [{ frequency: "daily", interval: 3, until: "2026-12-25" }, "Every 3 days until 25 December 2026"],
  ])("describes %j", (input, text) => {
    expect(describeRule(rule(input))).toBe(text);
  });
});
