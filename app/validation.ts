import { z } from "zod";

// Field schemas shared by the account forms; each route composes its own form schema from them.

export const EmailSchema = z
  .string({ required_error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  // pipe: an empty field gets one message, not "required" and "invalid" at once.
  .pipe(
    z
      .string()
      .max(254, "Email is too long")
      .email("Enter a valid email address, like name@example.com")
      .transform((email) => email.toLowerCase()),
  );

// 72 is bcrypt's limit: longer passwords would be silently cut by the auth server.
export const NewPasswordSchema = z
  .string({ required_error: "Password is required" })
  .min(1, "Password is required")
  .pipe(
    z
      .string()
      .min(8, "Password must be at least 8 characters")
      .max(72, "Password must be at most 72 characters"),
  );

export const PasswordSchema = z
  .string({ required_error: "Password is required" })
  .min(1, "Password is required");

export const DisplayNameSchema = z
  .string({ required_error: "Your name is required" })
  .trim()
  .min(1, "Your name is required")
  .max(60, "Please keep your name under 60 characters");

export const RedirectToSchema = z.string().optional();

/** FormData as a plain object for zod; files are not expected in account forms. */
export function formObject(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string") values[key] = value;
  return values;
}

export const UNREADABLE_FORM_MESSAGE =
  "The form could not be read: it arrived incomplete or in a form this site does not accept. Please go back and send it again.";

/**
 * The body of a form POST. Every action reads its form through here: a body that is not a whole
 * urlencoded or multipart form (cut short, no boundary, another content type) is answered 400 with
 * a message the error boundary shows, instead of the parser's exception becoming a 500.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response(UNREADABLE_FORM_MESSAGE, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
