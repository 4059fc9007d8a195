import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { CONFIG_TOML, EMAIL_TEMPLATES, readProjectConfig } from "../../supabase/local/config";
import { buildEmail, buildReauthenticationEmail, createMailer, htmlToText } from "../../supabase/local/auth/emails";
import { compileTemplate } from "../../supabase/local/auth/templates";

// supabase/config.toml is the local stack's one configuration (issue 11): read with a TOML parser,
// checked, and the email templates it names rendered as Supabase Auth renders them.

const repoConfig = readFileSync(CONFIG_TOML, "utf8");

/** A project folder with config.toml (the repository's, edited) and the repository's templates. */
function projectWith(edit: (toml: string) => string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "config-test-"));
  mkdirSync(path.join(dir, "supabase", "templates"), { recursive: true });
  for (const file of ["confirmation", "invite", "magic-link", "recovery", "email-change", "reauthentication"]) {
    const name = `${file}.html`;
    writeFileSync(path.join(dir, "supabase", "templates", name), readFileSync(path.join(path.dirname(CONFIG_TOML), "templates", name)));
  }
  const file = path.join(dir, "supabase", "config.toml");
  writeFileSync(file, edit(repoConfig));
  return file;
}

describe("config.toml", () => {
  test("gives every setting the local stack uses", () => {
    const config = readProjectConfig();
    expect(config.api).toEqual({ enabled: true, port: 54321, schemas: ["public"], extra_search_path: ["public", "extensions"], max_rows: 1000 });
    expect(config.db.port).toBe(54322);
    expect(config.auth).toMatchObject({
      site_url: "http://localhost:3000",
      additional_redirect_urls: ["http://localhost:3000/auth/confirm"],
      jwt_expiry: 3600,
      enable_refresh_token_rotation: true,
      refresh_token_reuse_interval: 10,
      enable_signup: true,
      email: { enable_signup: true, enable_confirmations: true, double_confirm_changes: true, secure_password_change: true },
      rate_limit: { sign_in_sign_ups: 30, token_refresh: 150, token_verifications: 30, email_sent: 30 },
    });
  });

  test("names a template file and a subject for every email Supabase Auth sends", () => {
    const { emailTemplates } = readProjectConfig();
    expect(Object.keys(emailTemplates).sort()).toEqual([...EMAIL_TEMPLATES].sort());
    for (const name of EMAIL_TEMPLATES) {
      expect(emailTemplates[name].subject, name).not.toBe("");
      expect(emailTemplates[name].content, name).toContain("{{ .Token");
    }
  });

  test.each([
    ["a misspelt setting", (t: string) => t.replace("enable_confirmations = true", "enable_confirmation = true"), /auth\.email\.enable_confirmation: not a setting/],
    ["a value of the wrong type", (t: string) => t.replace("jwt_expiry = 3600", 'jwt_expiry = "1h"'), /auth\.jwt_expiry: Expected number/],
    ["a setting the local auth cannot honour", (t: string) => t.replace("enable_refresh_token_rotation = true", "enable_refresh_token_rotation = false"), /always rotates refresh tokens/],
    ["a missing template", (t: string) => t.replace(/\[auth\.email\.template\.invite\][^[]*/, ""), /auth\.email\.template\.invite: Required/],
    ["a template file that is not there", (t: string) => t.replace("./supabase/templates/invite.html", "./supabase/templates/nope.html"), /content_path: no file at/],
    ["an API setting the local stack does not model", (t: string) => t.replace("max_rows = 1000", "max_rows = 1000\nmax_row = 5"), /api\.max_row: not a setting/],
    ["TOML that does not parse", (t: string) => t.replace("[auth.email]", "[auth.email"), /config\.toml:/],
  ])("stops the stack on %s, naming it", (_what, edit, message) => {
    expect(() => readProjectConfig(projectWith(edit))).toThrow(message);
  });
});

describe("email templates, rendered as Supabase Auth's html/template renders them", () => {
  const render = (source: string, data: Record<string, unknown>) =>
    compileTemplate(source, "test")({ SiteURL: "http://localhost:3000", Email: "", ...data });

  test("escapes a value for HTML text and attributes", () => {
    expect(render("<p>{{ .Email }}</p>", { Email: `a<b>&"'+c@x.test` })).toBe("<p>a&lt;b&gt;&amp;&#34;&#39;&#43;c@x.test</p>");
    expect(render('<p title="{{ .Data.name }}">{{ .Data.name }}</p>', { Data: { name: 'Ana "A"' } })).toBe(
      '<p title="Ana &#34;A&#34;">Ana &#34;A&#34;</p>',
    );
  });

  test("in a link: a safe scheme at the start, normalised; percent-encoded in the query", () => {
    const link = '<a href="{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}&type=signup&next={{ .RedirectTo }}">x</a>';
    const html = render(link, { TokenHash: "pkce_ab12", RedirectTo: "http://localhost:3000/auth/confirm?next=%2Finvitations%2Fa b" });
    expect(html).toBe(
      '<a href="http://localhost:3000/auth/confirm?token_hash=pkce_ab12&type=signup&next=http%3a%2f%2flocalhost%3a3000%2fauth%2fconfirm%3fnext%3d%252Finvitations%252Fa%20b">x</a>',
    );
    const url = new URL(htmlToText(html).trim().replace(/^x: /, ""));
    expect(url.searchParams.get("next")).toBe("http://localhost:3000/auth/confirm?next=%2Finvitations%2Fa b");
    expect(render('<a href="{{ .SiteURL }}/x">x</a>', { SiteURL: "javascript:alert(1)" })).toBe('<a href="#ZgotmplZ/x">x</a>');
    expect(render('<a href="{{ .SiteURL }}/x">x</a>', { SiteURL: "http://a.test/é\"" })).toBe('<a href="http://a.test/%c3%a9%22/x">x</a>');
  });

  test("trims around {{- and -}}, and prints a missing Data key as nothing", () => {
    expect(render("<p>\n  {{- .Token -}}\n</p>{{ .Data.nope }}", { Token: "123456", Data: {} })).toBe("<p>123456</p>");
  });

  test.each(["{{ if .Token }}", "{{ .Unknown }}", "{{ .Data }}", "{{ .Email | html }}", "{{ .Token.More }}"])(
    "refuses %s when the template is loaded",
    (action) => expect(() => compileTemplate(`<p>${action}</p>`, "x.html")).toThrow(/x\.html: .* is not supported/),
  );

  test("refuses a value where its escaping would be ambiguous", () => {
    expect(() => compileTemplate("<a {{ .Email }}>", "x.html")).toThrow(/inside a tag/);
    expect(() => compileTemplate("<a href={{ .SiteURL }}>", "x.html")).toThrow(/unquoted/);
  });

  test("every email from config.toml's templates: subject, link to the app with its type and next, the code", () => {
    const mailer = createMailer(readProjectConfig().emailTemplates);
    const user = { email: "old@example.test", raw_user_meta_data: { display_name: "Ana" } };
    const common = {
      redirectTo: "http://localhost:3000/auth/confirm?next=%2Fcircles",
      hashedToken: "abc123",
      otp: "654321",
      authUrl: "http://127.0.0.1:54321/auth/v1",
      siteUrl: "http://localhost:3000",
      user,
    };
    for (const kind of ["signup", "invite", "magiclink", "recovery", "email_change"] as const) {
      const email = buildEmail(mailer, { ...common, to: "to@example.test", kind, newEmail: "new@example.test" });
      expect(email.to).toBe("to@example.test");
      const link = new URL(/http:\/\/localhost:3000\/auth\/confirm\S*/.exec(email.text)![0]);
      expect(Object.fromEntries(link.searchParams), kind).toEqual({ token_hash: "abc123", type: kind, next: common.redirectTo });
      if (kind !== "recovery" && kind !== "email_change") expect(email.text, kind).toContain("enter this code: 654321");
    }
    const change = buildEmail(mailer, { ...common, to: "new@example.test", kind: "email_change", newEmail: "new@example.test" });
    expect(change.text).toContain("from old@example.test to new@example.test");
    expect(change.text).toContain("This email went to new@example.test");
    expect(change.subject).toBe("Confirm your new email address");

    const code = buildReauthenticationEmail(mailer, user, "111222", common.siteUrl);
    expect(code).toMatchObject({ to: "old@example.test", subject: "Your confirmation code" });
    expect(code.text).toContain("enter this code: 111222");
    expect(code.text).not.toMatch(/https?:/);
  });
});
