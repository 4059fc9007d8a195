import { setupServer } from "msw/node";
import { resendHandlers } from "./resend";

// Only third-party HTTP is mocked; requests to our own stack (Supabase, mailbox) pass through.
// Callers start it: server.listen({ onUnhandledRequest: "bypass" }).
export const server = setupServer(...resendHandlers);

export {
  clearSentEmails,
  failNextResendRequests,
  resendRequests,
  resetResendMock,
  sentEmails,
  type ResendFault,
  type ResendRequest,
} from "./resend";
