// Supabase Auth renders its emails (subject and body) with Go's html/template, from the files that
// config.toml's [auth.email.template.*] name. This renders the same files the same way, for the part
// of the template language they use: `{{ .Field }}` and `{{ .Data.key }}` (with `{{-` / `-}}`
// trimming), each escaped for where it stands as html/template escapes it: HTML text and attribute
// values are HTML-escaped; in a URL attribute the start of the URL is checked for a safe scheme and
// normalised, and a value in the query or fragment is percent-encoded. Anything else ({{ if }},
// pipelines, a field Supabase does not provide) stops the stack when the template is loaded, rather
// than rendering differently from a hosted project.

/** The variables Supabase Auth gives its email templates. */
export interface TemplateData {
  SiteURL: string;
  ConfirmationURL?: string;
  Email: string;
  NewEmail?: string;
  SendingTo?: string;
  Token?: string;
  TokenHash?: string;
  RedirectTo?: string;
  Data?: Record<string, unknown>;
}

const FIELDS = new Set<string>([
  "SiteURL",
  "ConfirmationURL",
  "Email",
  "NewEmail",
  "SendingTo",
  "Token",
  "TokenHash",
  "RedirectTo",
  "Data",
]);

// Attributes whose value html/template treats as a URL.
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "cite", "poster", "background", "longdesc", "usemap"]);

type Context = { in: "text" } | { in: "attr" } | { in: "url"; part: UrlPart };
type UrlPart = "start" | "path" | "query";

type Scan =
  | { s: "text" }
  | { s: "tagName" }
  | { s: "tag" }
  | { s: "attrName"; name: string }
  | { s: "afterName"; name: string }
  | { s: "beforeValue"; name: string }
  | { s: "value"; name: string; quote: string; part: UrlPart }
  | { s: "comment" };

const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";

/** Where HTML text leaves the scanner (only what the context of a following value needs). */
function scan(text: string, state: Scan): Scan {
  let st = state;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    switch (st.s) {
      case "text":
        if (text.startsWith("<!--", i)) {
          st = { s: "comment" };
          i += 3;
        } else if (c === "<" && /[a-zA-Z/!]/.test(text[i + 1] ?? "")) st = { s: "tagName" };
        break;
      case "comment":
        if (text.startsWith("-->", i)) {
          st = { s: "text" };
          i += 2;
        }
        break;
      case "tagName":
        if (c === ">") st = { s: "text" };
        else if (isSpace(c)) st = { s: "tag" };
        break;
      case "tag":
        if (c === ">") st = { s: "text" };
        else if (!isSpace(c) && c !== "/") st = { s: "attrName", name: c.toLowerCase() };
        break;
      case "attrName":
        if (c === "=") st = { s: "beforeValue", name: st.name };
        else if (c === ">") st = { s: "text" };
        else if (isSpace(c)) st = { s: "afterName", name: st.name };
        else st = { s: "attrName", name: st.name + c.toLowerCase() };
        break;
      case "afterName":
        if (c === "=") st = { s: "beforeValue", name: st.name };
        else if (c === ">") st = { s: "text" };
        else if (!isSpace(c)) st = { s: "attrName", name: c.toLowerCase() };
        break;
      case "beforeValue":
        if (c === '"' || c === "'") st = { s: "value", name: st.name, quote: c, part: "start" };
        else if (c === ">") st = { s: "text" };
        else if (!isSpace(c)) st = urlStep({ s: "value", name: st.name, quote: "", part: "start" }, c);
        break;
      case "value":
        if (st.quote ? c === st.quote : isSpace(c)) st = { s: "tag" };
        else if (!st.quote && c === ">") st = { s: "text" };
        else st = urlStep(st, c);
        break;
    }
  }
  return st;
}

function urlStep(st: Extract<Scan, { s: "value" }>, c: string): Scan {
  if (c === "?" || c === "#") return { ...st, part: "query" };
  if (st.part === "start" && !isSpace(c)) return { ...st, part: "path" };
  return st;
}

function contextOf(st: Scan, where: string): Context {
  if (st.s === "text") return { in: "text" };
  if (st.s === "value" && st.quote) return URL_ATTRIBUTES.has(st.name) ? { in: "url", part: st.part } : { in: "attr" };
  throw new Error(`${where}: a value inside a tag, an unquoted attribute or a comment is not supported`);
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
  "+": "&#43;",
  "\0": "\uFFFD",
};
export const escapeHtml = (s: string) => s.replace(/[&<>"'+\0]/g, (c) => HTML_ESCAPES[c]);

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[!#$&*+,/:;=?@[\]%]/;

/** Go's URL processing: percent-encodes (lowercase hex, UTF-8) all but unreserved characters, and the reserved ones too unless normalising. */
function percentEncode(s: string, normalise: boolean): string {
  let out = "";
  for (const ch of s) {
    if (UNRESERVED.test(ch) || (normalise && RESERVED.test(ch))) out += ch;
    else for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** html/template's check of a URL's start: a scheme other than http(s) or mailto becomes #ZgotmplZ. */
function filterUrl(s: string): string {
  const scheme = /^([^/?#:]*):/.exec(s)?.[1]?.toLowerCase();
  return scheme === undefined || ["http", "https", "mailto"].includes(scheme) ? s : "#ZgotmplZ";
}

function escapeFor(value: string, context: Context): string {
  if (context.in !== "url") return escapeHtml(value);
  if (context.part === "query") return escapeHtml(percentEncode(value, false));
  return escapeHtml(percentEncode(context.part === "start" ? filterUrl(value) : value, true));
}

function lookup(data: TemplateData, path: string[]): string {
  let value: unknown = data;
  for (const key of path) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (value === undefined || value === null) return ""; // html/template prints a missing map key as nothing
  if (typeof value === "object") return JSON.stringify(value); // Go would print a map; no template of ours does
  return String(value);
}

type Part = { literal: string } | { path: string[]; context: Context };

const ACTION = /\{\{(-\s)?\s*(.*?)\s*(\s-)?\}\}/gs;
const FIELD_PATH = /^\.([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

/**
 * Parses a template once (at startup, so a template the renderer cannot do fails early, naming the
 * file); the result renders it for one email. `subject` templates are HTML text, as Supabase's are.
 */
export function compileTemplate(source: string, where: string): (data: TemplateData) => string {
  const parts: Part[] = [];
  let last = 0;
  let trimNext = false;
  for (const match of source.matchAll(ACTION)) {
    const [whole, trimBefore, expression, trimAfter] = match;
    let literal = source.slice(last, match.index);
    if (trimNext) literal = literal.replace(/^\s+/, "");
    if (trimBefore) literal = literal.replace(/\s+$/, "");
    parts.push({ literal });
    last = match.index + whole.length;
    trimNext = Boolean(trimAfter);

    const field = FIELD_PATH.exec(expression);
    if (!field || !FIELDS.has(field[1]) || Boolean(field[2]) !== (field[1] === "Data")) {
      throw new Error(`${where}: {{ ${expression} }} is not supported by the local renderer (only {{ .Field }} and {{ .Data.key }})`);
    }
    const path = [field[1], ...field[2].split(".").filter(Boolean)];
    parts.push({ path, context: { in: "text" } });
  }
  parts.push({ literal: trimNext ? source.slice(last).replace(/^\s+/, "") : source.slice(last) });

  let state: Scan = { s: "text" };
  for (const part of parts) {
    if ("literal" in part) state = scan(part.literal, state);
    else part.context = contextOf(state, where);
  }
  return (data) =>
    parts.map((part) => ("literal" in part ? part.literal : escapeFor(lookup(data, part.path), part.context))).join("");
}
