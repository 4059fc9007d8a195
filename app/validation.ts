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
