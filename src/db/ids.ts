import { randomBytes } from "node:crypto";

// Prefixed, opaque, sortable-enough ids. Prefixes differ from the providers' (cus_, in_, pi_,
// evt_, SM…) so an id in a log says at once whose it is.
export const ID_PREFIXES = {
  company: "co",
  providerConnection: "pc",
  customer: "cu",
  phone: "ph",
  consentEvent: "ce",
  invoice: "iv",
  thread: "th",
  threadTimer: "tt",
  message: "ms",
  inboundEvent: "ie",
  outbox: "ob",
  payLink: "pl",
  payment: "pm",
  promise: "pr",
  paymentPlan: "pp",
  task: "tk",
  script: "sc",
  user: "us",
  auditLog: "al",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export function newId(kind: IdKind): string {
  const bytes = randomBytes(16);
  let body = "";
  for (const byte of bytes) {
    body += ALPHABET[byte % 32];
  }
  return `${ID_PREFIXES[kind]}_${body}`;
}
