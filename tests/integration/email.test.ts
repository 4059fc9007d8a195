import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { listEmails } from "../helpers/mailbox";
import { clearSentEmails, sentEmails, server } from "../mocks";

// sendEmail reads the environment once per module instance, so each case sets process.env and
// imports a fresh copy.
const original = { ...process.env };

async function loadEmailModule(env: Record<string, string>) {
  Object.assign(process.env, env);
  vi.resetModules();
  return import("~/email.server");
}

function uniqueEmail(label: string) {
  return `${label}-${crypto.randomUUID().slice(0, 8)}@example.test`;
}

beforeAll(() => server.listen({ onUnhandledRequest: "bypass" }));
afterEach(() => {
  clearSentEmails();
  process.env = { ...original };
  vi.restoreAllMocks();
});
afterAll(() => server.close());

describe("sendEmail through Resend (RESEND_API_KEY set)", () => {
  test("posts exactly our message", async () => {
    const { sendEmail } = await loadEmailModule({
      RESEND_API_KEY: "re_test_123",
      EMAIL_FROM: "Circle <hello@circle.example>",
    });
    const to = uniqueEmail("resend");

    const result = await sendEmail({
      to,
      subject: "Maria's circle: this week",
      html: "<p>Two rides need a driver.</p>",
      text: "Two rides need a driver.",
      headers: {
        "List-Unsubscribe": "<https://circle.example/unsubscribe/abc>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      idempotencyKey: "digest/member-1/2025-W10",
    });

    expect(result).toEqual({ id: expect.any(String), via: "resend" });
    expect(sentEmails).toEqual([
      {
        id: result.id,
        idempotencyKey: "digest/member-1/2025-W10",
        from: "Circle <hello@circle.example>",
        to,
        subject: "Maria's circle: this week",
        html: "<p>Two rides need a driver.</p>",
        text: "Two rides need a driver.",
        headers: {
          "List-Unsubscribe": "<https://circle.example/unsubscribe/abc>",
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
      },
    ]);
  });

  test("the default sender, and a retried send with the same key is sent once", async () => {
    const { sendEmail } = await loadEmailModule({ RESEND_API_KEY: "re_test_123", EMAIL_FROM: "" });
    const email = {
      to: uniqueEmail("retry"),
      subject: "Reminder",
      html: "<p>Tomorrow</p>",
      text: "Tomorrow",
      idempotencyKey: "reminder/task-1",
    };
    const first = await sendEmail(email);
    const second = await sendEmail(email);
    expect(second.id).toBe(first.id);
    expect(sentEmails).toHaveLength(1);
    expect(sentEmails[0].from).toBe("Circle <circle@localhost>");
  });

  test("a refused email throws", async () => {
    const { sendEmail, EmailError } = await loadEmailModule({ RESEND_API_KEY: "re_test_123" });
    await expect(sendEmail({ to: "", subject: "x", html: "x", text: "x" })).rejects.toBeInstanceOf(
      EmailError,
    );
    expect(sentEmails).toHaveLength(0);
  });
});

describe("sendEmail without RESEND_API_KEY", () => {
  test("stores the message in the local mailbox", async () => {
    const { sendEmail, listMailbox } = await loadEmailModule({ RESEND_API_KEY: "" });
    const to = uniqueEmail("mailbox");

    const result = await sendEmail({
      to,
      subject: "You're invited to Maria's circle",
      html: '<p><a href="http://localhost/invite/abc">Accept</a></p>',
      text: "Accept: http://localhost/invite/abc",
      headers: { "X-Entity-Ref-ID": "invite-1" },
    });

    expect(result.via).toBe("mailbox");
    expect(sentEmails).toHaveLength(0);
    const [stored] = await listEmails(to);
    expect(stored).toMatchObject({
      to: [to],
      from: "Circle <circle@localhost>",
      subject: "You're invited to Maria's circle",
      html: '<p><a href="http://localhost/invite/abc">Accept</a></p>',
      text: "Accept: http://localhost/invite/abc",
      headers: { "X-Entity-Ref-ID": "invite-1" },
    });
    // The dev mailbox page reads the same list.
    expect((await listMailbox(to))?.[0]).toMatchObject({ subject: "You're invited to Maria's circle" });
  });

  test("prints the message when there is no mailbox either", async () => {
    const { sendEmail, listMailbox } = await loadEmailModule({ RESEND_API_KEY: "", MAILBOX_URL: "" });
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const result = await sendEmail({ to: "a@example.test", subject: "Hello", html: "<p>Hi</p>", text: "Hi" });
    expect(result).toEqual({ id: null, via: "console" });
    expect(info.mock.calls[0][0]).toContain("Subject: Hello");
    expect(await listMailbox()).toBeNull();
  });
});
