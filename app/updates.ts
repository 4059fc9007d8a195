import { z } from "zod";
import { CATEGORIES, type Category } from "~/consent";

// The updates vocabulary (moods, check-in colours, support plan sections) and the pure helpers that
// pages, emails and tests share. The database (20261127002000_updates.sql) is the authority on what is
// allowed; the schemas here give the same answers earlier, in words.

export const UPDATE_MAX = 10_000;
export const NOTE_MAX = 2_000;
export const CHECK_IN_NOTE_MAX = 500;
export const PLAN_SECTION_MAX = 5_000;
export const REVIEW_NOTE_MAX = 500;
export const FEED_PAGE_SIZE = 20;

export const MOODS = [1, 2, 3, 4, 5] as const;
export type Mood = (typeof MOODS)[number];
export const MOOD_WORDS: Record<Mood, string> = {
  1: "Very low",
  2: "Low",
  3: "Okay",
  4: "Good",
  5: "Very good",
};

export const CHECK_IN_COLOURS = ["green", "yellow", "red"] as const;
export type CheckInColour = (typeof CHECK_IN_COLOURS)[number];
export const CHECK_IN_WORDS: Record<CheckInColour, { label: string; meaning: string }> = {
  green: { label: "Green", meaning: "Doing well" },
  yellow: { label: "Yellow", meaning: "Up and down" },
  red: { label: "Red", meaning: "Having a hard time" },
};

export const PLAN_SECTIONS = [
  {
    kind: "what_helps",
    title: "What helps",
    prompt: "Things people can do or say that help you: a short walk, a text without expecting a reply, a meal.",
    defaultCategory: "general",
  },
  {
    kind: "what_does_not_help",
    title: "What doesn't help",
    prompt: "Things that, however well meant, make it harder: advice you didn't ask for, surprise visits.",
    defaultCategory: "general",
  },
  {
    kind: "warning_signs",
    title: "Early warning signs",
    prompt: "Signs that you may be heading for a hard time, that the people you trust could notice.",
    defaultCategory: "wellbeing",
  },
  {
    kind: "crisis_contacts",
    title: "Who to contact in a crisis",
    prompt: "Names and numbers, in the order you want them called: your care team, a crisis line, a person.",
    defaultCategory: "wellbeing",
  },
  {
    kind: "do_not_contact",
    title: "Who not to contact",
    prompt: "People who should not be called or told, even in a crisis.",
    defaultCategory: "wellbeing",
  },
  {
    kind: "practical_arrangements",
    title: "Practical arrangements",
    prompt: "Pets, children, bills, work, keys: what needs to happen and who can do it.",
    defaultCategory: "practical",
  },
] as const satisfies ReadonlyArray<{ kind: string; title: string; prompt: string; defaultCategory: Category }>;

export type PlanSectionKind = (typeof PLAN_SECTIONS)[number]["kind"];
export const PLAN_KINDS = PLAN_SECTIONS.map((s) => s.kind) as [PlanSectionKind, ...PlanSectionKind[]];

export function planSection(kind: string) {
  return PLAN_SECTIONS.find((s) => s.kind === kind);
}

// ---------------------------------------------------------------------------------------------------
// Form fields
// ---------------------------------------------------------------------------------------------------

/** \r\n → \n and no surrounding white space, as the database stores it. */
export function normaliseText(value: string): string {
  return value.replace(/\r\n?/g, "\n").trim();
}

const text = (label: { empty: string; tooLong: string }, max: number) =>
  z
    .string({ required_error: label.empty })
    .transform(normaliseText)
    .pipe(z.string().min(1, label.empty).max(max, label.tooLong));

export const UpdateBodySchema = text(
  { empty: "Write something to share", tooLong: `Keep an update to ${UPDATE_MAX.toLocaleString("en")} characters or fewer` },
  UPDATE_MAX,
);

export const NoteBodySchema = text(
  { empty: "Write a few words first", tooLong: `Keep a note to ${NOTE_MAX.toLocaleString("en")} characters or fewer` },
  NOTE_MAX,
);

export const PlanBodySchema = text(
  {
    empty: "Write something in this section, or delete it",
    tooLong: `Keep a section to ${PLAN_SECTION_MAX.toLocaleString("en")} characters or fewer`,
  },
  PLAN_SECTION_MAX,
);

export const CategorySchema = z.enum(CATEGORIES, {
  errorMap: () => ({ message: "Choose who may see this from the list" }),
});

/** "" (no mood) or 1-5. */
export const MoodSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return null;
    const mood = Number(value);
    if (!Number.isInteger(mood) || mood < 1 || mood > 5) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "Mood is a number from 1 to 5" });
      return z.NEVER;
    }
    return mood as Mood;
  });

export const CheckInColourSchema = z.enum(CHECK_IN_COLOURS, {
  errorMap: () => ({ message: "Choose green, yellow or red" }),
});

/** Member ids from checkboxes (FormData.getAll), deduplicated. */
export const MemberIdsSchema = z
  .array(z.string().uuid("Choose people from the list"))
  .max(100, "Choose at most 100 people")
  .transform((ids) => [...new Set(ids)]);

// ---------------------------------------------------------------------------------------------------
// Safe text: plain text with line breaks kept and http(s) links made clickable. Never HTML.
// ---------------------------------------------------------------------------------------------------

export type TextPart = { type: "text"; text: string } | { type: "link"; text: string; href: string };

// A candidate: scheme, then anything up to white space or characters that end a URL in prose.
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'"»”’]+$/;

/** Trailing ")" belongs to the URL only when the URL opened it: "(see https://x.org/a_(b))". */
function trimUrl(candidate: string): string {
  let url = candidate.replace(TRAILING_PUNCTUATION, "");
  while (url.endsWith(")") && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) {
    url = url.slice(0, -1).replace(TRAILING_PUNCTUATION, "");
  }
  return url;
}

/** An absolute http(s) URL with a host, or null: anything else (javascript:, data:, …) stays text. */
export function safeHref(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) return null;
  return url.href;
}

/** Splits text into plain parts and http(s) links. The text of every part is shown as text. */
export function linkify(value: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of value.matchAll(URL_CANDIDATE)) {
    const start = match.index ?? 0;
    const url = trimUrl(match[0]);
    const href = safeHref(url);
    if (!href) continue;
    if (start > last) parts.push({ type: "text", text: value.slice(last, start) });
    parts.push({ type: "link", text: url, href });
    last = start + url.length;
  }
  if (last < value.length) parts.push({ type: "text", text: value.slice(last) });
  return parts;
}

/** The first characters of a text, cut at a word, for titles and lists. */
export function excerpt(value: string, max = 80): string {
  const flat = value.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export const FORMER_MEMBER = "Former member";

// ---------------------------------------------------------------------------------------------------
// The update form (post, draft, edit)
// ---------------------------------------------------------------------------------------------------

function updateForm<Body extends z.ZodType<string, z.ZodTypeDef, unknown>>(body: Body) {
  return z
    .object({
      body,
      category: CategorySchema,
      mood: MoodSchema,
      audience: MemberIdsSchema.default([]),
    })
    .superRefine((value, ctx) => {
      if (value.mood !== null && value.category !== "wellbeing") {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["mood"],
          message: "A mood can only go with a wellbeing update: choose Wellbeing, or no mood",
        });
      }
    });
}

export const UpdateFormSchema = updateForm(UpdateBodySchema);

/** A check-in may be a colour alone: its words are optional. */
export const CheckInEditSchema = updateForm(
  z
    .string()
    .default("")
    .transform(normaliseText)
    .pipe(z.string().max(UPDATE_MAX, `Keep an update to ${UPDATE_MAX.toLocaleString("en")} characters or fewer`)),
);

export type UpdateFormValues = { body: string; category: string; mood: string; audience: string[] };

/** A form's fields for zod: single values as strings, `audience` and `reachOut` as lists. */
export function formFields(formData: FormData, lists: string[] = ["audience", "reachOut"]) {
  const values: Record<string, string | string[]> = {};
  for (const [key, value] of formData) {
    if (typeof value !== "string") continue;
    if (lists.includes(key)) values[key] = [...((values[key] as string[] | undefined) ?? []), value];
    else values[key] = value;
  }
  return values;
}

/** "marias-circle-2026-11-27.json" */
export function exportFileName(circleName: string, now: Date): string {
  const slug = circleName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${slug || "circle"}-${now.toISOString().slice(0, 10)}.json`;
}
