import type { CompanySettings, CompanySettingsInput } from "../domain/company-settings.js";

// Review-before-send and approvals, as staff use them: the held reminders of a company, the
// decision on them (all or per item), invoices waiting for approval before their first
// text, and the company's sending settings. The console will sit on these; the admin API
// exposes them now.

export interface HeldReminder {
  outboxId: string;
  threadId: string | null;
  phone: string | null;
  template: string;
  language: string;
  invoiceIds: string[];
  /** The held reminder lapses (and is re-planned) at this moment if nobody decides. */
  lapsesAt: Date;
  createdAt: Date;
}

export interface InvoiceAwaitingApproval {
  invoiceId: string;
  number: string | null;
  customerName: string;
  balanceMinor: number;
  currency: string;
  dueDate: string;
}

export interface ReviewStore {
  companyIds(): Promise<Array<{ id: string; name: string }>>;
  heldReminders(companyId: string): Promise<HeldReminder[]>;
  /** Held → pending now (ids null: all of the company's). Returns how many were released. */
  approveHeld(companyId: string, outboxIds: string[] | null, now: Date): Promise<number>;
  /** Held → skipped; the rung counts as used (the next one is planned as usual). */
  rejectHeld(companyId: string, outboxIds: string[] | null, now: Date): Promise<number>;
  invoicesAwaitingApproval(companyId: string): Promise<InvoiceAwaitingApproval[]>;
  /** pending → approved; the customer's ladder is checked again now. False if not waiting. */
  approveInvoice(companyId: string, invoiceId: string, now: Date): Promise<boolean>;
  readSettings(companyId: string): Promise<unknown>;
  writeSettings(companyId: string, settings: CompanySettings): Promise<void>;
}

/** Merges a partial update into stored settings; nested objects merge one level deep. */
export function mergeSettings(
  current: CompanySettings,
  patch: CompanySettingsInput,
): CompanySettingsInput {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const existing = merged[key];
    merged[key] =
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      existing !== null &&
      typeof existing === "object" &&
      !Array.isArray(existing)
        ? { ...(existing as Record<string, unknown>), ...(value as Record<string, unknown>) }
        : value;
  }
  return merged as CompanySettingsInput;
}
