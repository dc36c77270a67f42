import type { StaffNotice } from "./ports.js";

// What a staff notice shows besides its reason (DESIGN §7: the customer, the invoices, the last
// messages): read when the notice is posted, so staff see the thread as it is then.

export type StaffNoticeInvoice = NonNullable<StaffNotice["invoices"]>[number];
export type StaffNoticeMessage = NonNullable<StaffNotice["lastMessages"]>[number];

export interface StaffNoticeFacts {
  /** Null when the thread's number belongs to no known customer. */
  customerName: string | null;
  /** Open and disputed invoices of the thread's customer, oldest due first. */
  invoices: StaffNoticeInvoice[];
  /** The thread's last texts, oldest first. */
  lastMessages: StaffNoticeMessage[];
}

/** How many of a thread's texts a notice shows. */
export const STAFF_NOTICE_MESSAGES = 5;

export interface StaffNoticeFactsStore {
  /** Null when the thread does not exist. */
  factsFor(threadId: string): Promise<StaffNoticeFacts | null>;
}
