import type { ThreadInput } from "../../../machines/thread.context.js";

// What the thread machine is given about its customer: the customer's language and time zone,
// else the company's; a number with no customer speaks the company's language.

export function threadInputOf(facts: {
  companyId: string;
  phone: string;
  companyTimeZone: string;
  companyLanguage: string | null;
  customerId: string | null;
  customerLanguage: string | null;
  customerTimeZone: string | null;
  openInvoices: NonNullable<ThreadInput["openInvoices"]>;
}): ThreadInput {
  const language =
    facts.customerId !== null
      ? (facts.customerLanguage ?? facts.companyLanguage)
      : facts.companyLanguage;
  return {
    companyId: facts.companyId,
    phone: facts.phone,
    language: language === "es" ? "es" : "en",
    timeZone: facts.customerTimeZone ?? facts.companyTimeZone,
    openInvoices: facts.openInvoices,
  };
}
