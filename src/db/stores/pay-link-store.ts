import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type {
  MirroredInvoice,
  NewPayLink,
  PayLinkBusiness,
  PayLinkStore,
  StoredPayLink,
} from "../../app/pay-link-port.js";
import { parseCompanySettings } from "../../domain/company-settings.js";
import type { Database, Queryable } from "../client.js";
import { companies, customers, invoices, payLinks, payments } from "../schema/index.js";

// pay_links through Drizzle. Issuing is an upsert on the token hash, so the same seed issued
// twice (a retried dispatch) finds the row the first issue wrote.

const linkColumns = {
  id: payLinks.id,
  companyId: payLinks.companyId,
  threadId: payLinks.threadId,
  purpose: payLinks.purpose,
  invoiceIds: payLinks.invoiceIds,
  amountMinor: payLinks.amountMinor,
  installmentNumber: payLinks.installmentNumber,
  expiresAt: payLinks.expiresAt,
  usedAt: payLinks.usedAt,
  stripeSessionId: payLinks.stripeSessionId,
};

type LinkRow = Omit<StoredPayLink, "installmentNumber"> & { installmentNumber: string | null };

function toLink(row: LinkRow): StoredPayLink {
  return {
    ...row,
    installmentNumber: row.installmentNumber === null ? null : Number(row.installmentNumber),
  };
}

export class DrizzlePayLinkStore implements PayLinkStore {
  constructor(private readonly db: Database) {}

  async upsert(link: NewPayLink): Promise<StoredPayLink> {
    await this.db
      .insert(payLinks)
      .values({
        companyId: link.companyId,
        threadId: link.threadId,
        purpose: link.purpose,
        tokenHash: link.tokenHash,
        invoiceIds: link.invoiceIds,
        amountMinor: link.amountMinor,
        installmentNumber: link.installmentNumber === null ? null : String(link.installmentNumber),
        expiresAt: link.expiresAt,
      })
      .onConflictDoNothing({ target: payLinks.tokenHash });
    const stored = await this.findByTokenHash(link.tokenHash);
    if (!stored) {
      throw new Error("A pay link vanished right after it was written");
    }
    return stored;
  }

  async findByTokenHash(tokenHash: string): Promise<StoredPayLink | null> {
    const [row] = await this.db
      .select(linkColumns)
      .from(payLinks)
      .where(eq(payLinks.tokenHash, tokenHash));
    return row ? toLink(row) : null;
  }

  async pageFacts(
    link: StoredPayLink,
  ): Promise<{ business: PayLinkBusiness; invoices: MirroredInvoice[] }> {
    const [company] = await this.db
      .select({
        name: companies.name,
        settings: companies.settings,
        language: companies.defaultLanguage,
      })
      .from(companies)
      .where(eq(companies.id, link.companyId));
    if (!company) {
      throw new Error(`Company ${link.companyId} of pay link ${link.id} does not exist`);
    }
    const rows = await mirroredInvoices(this.db, link.companyId, link.invoiceIds);
    const contact = contactOf(company.settings);
    const customerLanguage = rows.find((row) => row.language !== null)?.language ?? null;
    const language = customerLanguage ?? company.language;
    return {
      business: {
        name: company.name,
        contactPhone: contact.phone,
        contactEmail: contact.email,
        language: language === "es" ? "es" : "en",
      },
      invoices: rows.map(({ language: _language, ...invoice }) => invoice),
    };
  }

  async recordCheckoutSession(linkId: string, sessionId: string): Promise<void> {
    await this.db
      .update(payLinks)
      .set({ stripeSessionId: sessionId })
      .where(eq(payLinks.id, linkId));
  }

  async isPaymentWrittenBack(stripePaymentIntentId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: payments.id })
      .from(payments)
      .where(
        and(
          eq(payments.stripePaymentIntentId, stripePaymentIntentId),
          isNotNull(payments.writtenBackAt),
        ),
      );
    return row !== undefined;
  }
}

/** Our invoices (with their customer's QuickBooks id and language), oldest due first. */
export async function mirroredInvoices(
  db: Queryable,
  companyId: string,
  invoiceIds: string[],
): Promise<Array<MirroredInvoice & { language: "en" | "es" | null }>> {
  if (invoiceIds.length === 0) {
    return [];
  }
  return db
    .select({
      id: invoices.id,
      quickbooksId: invoices.quickbooksId,
      customerQuickbooksId: customers.quickbooksId,
      docNumber: invoices.docNumber,
      currency: invoices.currency,
      balanceMinor: invoices.balanceMinor,
      dueDate: invoices.dueDate,
      status: invoices.status,
      language: customers.language,
    })
    .from(invoices)
    .innerJoin(customers, eq(customers.id, invoices.customerId))
    .where(and(eq(invoices.companyId, companyId), inArray(invoices.id, invoiceIds)))
    .orderBy(asc(invoices.dueDate), asc(invoices.docNumber));
}

/** The company's contact details; settings that fail validation simply show none. */
function contactOf(settings: Record<string, unknown>): {
  phone: string | null;
  email: string | null;
} {
  try {
    return parseCompanySettings(settings).contact;
  } catch {
    return { phone: null, email: null };
  }
}
