import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, test } from "vitest";
import { UpdateText } from "~/components/update-text";
import {
  CheckInEditSchema,
  excerpt,
  exportFileName,
  formFields,
  linkify,
  safeHref,
  UpdateFormSchema,
} from "~/updates";
import { renderReachOutEmail, renderReviewNoticeEmail } from "~/updates-email.server";

describe("linkify", () => {
  test("turns http(s) URLs into links and keeps the rest as text", () => {
    expect(linkify("See https://nami.org/help, and http://example.com.")).toEqual([
      { type: "text", text: "See " },
      { type: "link", text: "https://nami.org/help", href: "https://nami.org/help" },
      { type: "text", text: ", and " },
      { type: "link", text: "http://example.com", href: "http://example.com/" },
      { type: "text", text: "." },
    ]);
  });

  test("keeps a closing parenthesis only when the URL opened one", () => {
    expect(linkify("(see https://en.wikipedia.org/wiki/Bipolar_(disorder))")).toEqual([
      { type: "text", text: "(see " },
      { type: "link", text: "https://en.wikipedia.org/wiki/Bipolar_(disorder)", href: "https://en.wikipedia.org/wiki/Bipolar_(disorder)" },
      { type: "text", text: ")" },
    ]);
    expect(linkify("(https://example.com/a)")[1]).toEqual({ type: "link", text: "https://example.com/a", href: "https://example.com/a" });
  });

  test("never links javascript:, data: or other schemes", () => {
    for (const text of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "file:///etc/passwd",
      "<a href=\"javascript:alert(1)\">x</a>",
    ]) {
      expect(linkify(text).every((part) => part.type === "text"), text).toBe(true);
    }
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("https://")).toBeNull();
    expect(safeHref("https://example.com/x")).toBe("https://example.com/x");
  });

  test("loses no character", () => {
    const text = "a https://x.org/b?c=d&e=f#g b\nhttps://y.org) <script>";
    expect(linkify(text).map((p) => p.text).join("")).toBe(text);
  });
});

describe("UpdateText", () => {
  test("renders script tags and javascript: links as inert text, with safe links and line breaks kept", () => {
    const html = renderToStaticMarkup(
      <UpdateText text={'<script>alert("x")</script>\n<a href="javascript:alert(1)">click</a>\nhttps://nami.org'} />,
    );
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/<a href="javascript/i);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain('<a href="https://nami.org/" rel="noopener noreferrer nofollow">https://nami.org</a>');
    expect(html).toContain("\n");
    expect(html.match(/<a /g)).toHaveLength(1);
  });
});

describe("update form", () => {
  const form = (fields: Record<string, string | string[]>) => UpdateFormSchema.safeParse(fields);

  test("refuses empty and over-long text, moods out of range and moods off wellbeing", () => {
    const messages = (fields: Record<string, string | string[]>) => {
      const result = form(fields);
      return result.success ? {} : result.error.flatten().fieldErrors;
    };
    expect(messages({ body: "  \r\n ", category: "general" }).body).toEqual(["Write something to share"]);
    expect(messages({ body: "x".repeat(10_001), category: "general" }).body).toEqual([
      "Keep an update to 10,000 characters or fewer",
    ]);
    expect(messages({ body: "Hi", category: "wellbeing", mood: "6" }).mood).toEqual(["Mood is a number from 1 to 5"]);
    expect(messages({ body: "Hi", category: "wellbeing", mood: "2.5" }).mood).toEqual(["Mood is a number from 1 to 5"]);
    expect(messages({ body: "Hi", category: "general", mood: "3" }).mood?.[0]).toMatch(/only go with a wellbeing update/);
    expect(messages({ body: "Hi", category: "secret" }).category).toEqual(["Choose who may see this from the list"]);
    expect(messages({ body: "Hi", category: "general", audience: ["not-a-uuid"] }).audience).toEqual([
      "Choose people from the list",
    ]);
  });

  test("normalises line breaks and accepts a check-in without words", () => {
    const ok = form({ body: " one\r\ntwo ", category: "wellbeing", mood: "4" });
    expect(ok.success && ok.data).toEqual({ body: "one\ntwo", category: "wellbeing", mood: 4, audience: [] });
    expect(CheckInEditSchema.safeParse({ body: "", category: "wellbeing" }).success).toBe(true);
  });

  test("formFields keeps repeated checkboxes as lists", () => {
    const data = new FormData();
    data.append("body", "x");
    data.append("audience", "a");
    data.append("audience", "b");
    expect(formFields(data)).toEqual({ body: "x", audience: ["a", "b"] });
  });
});

describe("emails", () => {
  beforeAll(() => {
    process.env.APP_URL ??= "http://localhost:3000";
  });

  test("the reach-out email says nothing about how the person is", () => {
    const email = renderReachOutEmail({
      to: "sam@example.test",
      recipientName: "Sam",
      personName: "Maria",
      circleName: "Maria's circle",
      circleId: "c1",
      updateId: "u1",
    });
    expect(email.subject).toBe("Maria would like to hear from you");
    for (const part of [email.text, email.html, email.subject]) {
      expect(part).not.toMatch(/red|yellow|green|mood|wellbeing|health|rough/i);
    }
    expect(email.text).toContain("/circles/c1/updates");
    expect(email.html).toContain("Maria&#39;s circle");
    expect(email.idempotencyKey).toBe("reach-out/u1/sam@example.test");
  });

  test("the review notice never repeats the draft or the person's note", () => {
    const email = renderReviewNoticeEmail({
      to: "ana@example.test",
      authorName: "Ana",
      personName: "Maria",
      circleName: "Maria's circle",
      circleId: "c1",
      updateId: "u1",
      approved: false,
      hasNote: true,
    });
    expect(email.subject).toBe("Maria decided not to publish the update you drafted");
    expect(email.text).toContain("left you a note");
    expect(email.text).toContain("/circles/c1/updates/drafts");
  });
});

test("excerpt and export file names", () => {
  expect(excerpt("A short one")).toBe("A short one");
  expect(excerpt("word ".repeat(40), 20)).toBe("word word word word…");
  expect(exportFileName("Maria’s circle", new Date("2026-03-03T10:00:00Z"))).toBe("marias-circle-2026-03-03.json");
  expect(exportFileName("😀", new Date("2026-03-03T10:00:00Z"))).toBe("circle-2026-03-03.json");
});
