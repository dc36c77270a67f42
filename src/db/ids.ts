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

const ID_BYTES = 16;
// One call to the system's random source per 256 ids, not one per id: an inbound text writes
// several rows, and the per-call cost showed in the inbound benchmark's profile.
const POOL_BYTES = ID_BYTES * 256;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

export function newId(kind: IdKind): string {
  if (offset + ID_BYTES > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  let body = "";
  for (let index = offset; index < offset + ID_BYTES; index++) {
    body += ALPHABET[(pool[index] ?? 0) % 32];
  }
  offset += ID_BYTES;
  return `${ID_PREFIXES[kind]}_${body}`;
}
