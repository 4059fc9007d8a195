import { describe, expect, test } from "vitest";
import { digestPeriod, isDigestDue, nextDigestAt, type DigestSchedule } from "~/digest/schedule";

// Pinned instants (UTC) in two zones across their daylight-saving changes of 2026:
//   Europe/Dublin     spring forward Sun 29 Mar 01:00 GMT -> 02:00 IST; back Sun 25 Oct 02:00 IST -> 01:00 GMT
//   America/New_York  spring forward Sun 8 Mar 02:00 EST -> 03:00 EDT; back Sun 1 Nov 02:00 EDT -> 01:00 EST

const DUBLIN = "Europe/Dublin";
const NEW_YORK = "America/New_York";
const daily = (hour: number): DigestSchedule => ({ frequency: "daily", weekday: 1, hour });
const weekly = (weekday: number, hour: number): DigestSchedule => ({ frequency: "weekly", weekday, hour });
const t = (iso: string) => new Date(iso);

describe("isDigestDue", () => {
  test("daily at 8:00 follows the local clock on both sides of Dublin's spring change", () => {
    expect(isDigestDue(t("2026-03-28T07:59:00Z"), DUBLIN, daily(8))).toBe(false); // 07:59 GMT
    expect(isDigestDue(t("2026-03-28T08:00:00Z"), DUBLIN, daily(8))).toBe(true); // 08:00 GMT
    expect(isDigestDue(t("2026-03-29T06:59:00Z"), DUBLIN, daily(8))).toBe(false); // 07:59 IST
    expect(isDigestDue(t("2026-03-29T07:00:00Z"), DUBLIN, daily(8))).toBe(true); // 08:00 IST
    // The rest of the local day catches up a missed run.
    expect(isDigestDue(t("2026-03-29T22:59:00Z"), DUBLIN, daily(8))).toBe(true); // 23:59 IST
    expect(isDigestDue(t("2026-03-29T23:00:00Z"), DUBLIN, daily(8))).toBe(false); // 00:00 IST, next day
  });

  test("weekly on Monday at 8:00 in New York, before and after its spring change", () => {
    expect(isDigestDue(t("2026-03-02T12:59:00Z"), NEW_YORK, weekly(1, 8))).toBe(false); // Mon 07:59 EST
    expect(isDigestDue(t("2026-03-02T13:00:00Z"), NEW_YORK, weekly(1, 8))).toBe(true); // Mon 08:00 EST
    expect(isDigestDue(t("2026-03-09T11:59:00Z"), NEW_YORK, weekly(1, 8))).toBe(false); // Mon 07:59 EDT
    expect(isDigestDue(t("2026-03-09T12:00:00Z"), NEW_YORK, weekly(1, 8))).toBe(true); // Mon 08:00 EDT
    expect(isDigestDue(t("2026-03-08T12:00:00Z"), NEW_YORK, weekly(1, 8))).toBe(false); // Sunday
    expect(isDigestDue(t("2026-03-10T12:00:00Z"), NEW_YORK, weekly(1, 8))).toBe(false); // Tuesday
    // 04:00 UTC on Monday is still Sunday evening in New York.
    expect(isDigestDue(t("2026-03-09T03:00:00Z"), NEW_YORK, weekly(1, 8))).toBe(false);
  });

  test("an hour that does not exist (New York, 8 March, 02:00) is caught at the next one", () => {
    expect(isDigestDue(t("2026-03-08T06:59:00Z"), NEW_YORK, daily(2))).toBe(false); // 01:59 EST
    expect(isDigestDue(t("2026-03-08T07:00:00Z"), NEW_YORK, daily(2))).toBe(true); // 03:00 EDT
    expect(digestPeriod(t("2026-03-08T07:00:00Z"), NEW_YORK)).toBe("2026-03-08");
  });

  test("an hour that happens twice is due from the first time, and both belong to the same period", () => {
    // New York, 1 November: 01:00 EDT (05:00Z) then 01:00 EST (06:00Z).
    expect(isDigestDue(t("2026-11-01T04:59:00Z"), NEW_YORK, daily(1))).toBe(false);
    expect(isDigestDue(t("2026-11-01T05:00:00Z"), NEW_YORK, daily(1))).toBe(true);
    expect(isDigestDue(t("2026-11-01T06:00:00Z"), NEW_YORK, daily(1))).toBe(true);
    expect(digestPeriod(t("2026-11-01T05:00:00Z"), NEW_YORK)).toBe(digestPeriod(t("2026-11-01T06:00:00Z"), NEW_YORK));
    // Dublin, 25 October: 01:00 IST (00:00Z) then 01:00 GMT (01:00Z).
    expect(isDigestDue(t("2026-10-24T23:59:00Z"), DUBLIN, daily(1))).toBe(false);
    expect(isDigestDue(t("2026-10-25T00:00:00Z"), DUBLIN, daily(1))).toBe(true);
    expect(digestPeriod(t("2026-10-25T00:00:00Z"), DUBLIN)).toBe("2026-10-25");
    expect(digestPeriod(t("2026-10-25T01:30:00Z"), DUBLIN)).toBe("2026-10-25");
  });

  test("off is never due", () => {
    expect(isDigestDue(t("2026-03-09T12:00:00Z"), NEW_YORK, { frequency: "off", weekday: 1, hour: 0 })).toBe(false);
  });
});

describe("nextDigestAt", () => {
  test("the next opening of a period, by the local clock across the change", () => {
    expect(nextDigestAt(t("2026-03-28T09:00:00Z"), DUBLIN, daily(8))).toEqual(t("2026-03-29T07:00:00Z"));
    expect(nextDigestAt(t("2026-03-28T07:00:00Z"), DUBLIN, daily(8))).toEqual(t("2026-03-28T08:00:00Z"));
    expect(nextDigestAt(t("2026-03-07T12:00:00Z"), NEW_YORK, daily(2))).toEqual(t("2026-03-08T07:00:00Z")); // 03:00 EDT
    expect(nextDigestAt(t("2026-03-08T12:00:00Z"), NEW_YORK, weekly(1, 8))).toEqual(t("2026-03-09T12:00:00Z"));
    expect(nextDigestAt(t("2026-03-09T12:00:00Z"), NEW_YORK, weekly(1, 8))).toEqual(t("2026-03-16T12:00:00Z"));
    expect(nextDigestAt(t("2026-10-31T12:00:00Z"), NEW_YORK, daily(1))).toEqual(t("2026-11-01T05:00:00Z")); // the first 01:00
    expect(nextDigestAt(t("2026-03-09T12:00:00Z"), NEW_YORK, { frequency: "off", weekday: 1, hour: 8 })).toBeNull();
  });
});
