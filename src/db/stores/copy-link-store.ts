import { eq } from "drizzle-orm";
import type { CopyLinkStore } from "../../app/invoice-copy-port.js";
import type {
  MirroredInvoice,
  NewPayLink,
  PayLinkBusiness,
  StoredPayLink,
} from "../../app/pay-link-port.js";
import { DEFAULT_COMPANY_SETTINGS, parseCompanySettings } from "../../domain/company-settings.js";
import type { Database } from "../client.js";
import { companies } from "../schema/index.js";
import { DrizzlePayLinkStore } from "./pay-link-store.js";

// Invoice-copy links live in `pay_links` (purpose `invoice_copy`): the same hashed tokens and
// page facts as pay links, plus the company's pay-link validity for the page's Pay link.

export class DrizzleCopyLinkStore implements CopyLinkStore {
  private readonly links: DrizzlePayLinkStore;

  constructor(private readonly db: Database) {
    this.links = new DrizzlePayLinkStore(db);
  }

  upsert(link: NewPayLink & { purpose: "invoice_copy" }): Promise<StoredPayLink> {
    return this.links.upsert(link);
  }

  findByTokenHash(tokenHash: string): Promise<StoredPayLink | null> {
    return this.links.findByTokenHash(tokenHash);
  }

  async pageFacts(link: StoredPayLink): Promise<{
    business: PayLinkBusiness;
    invoices: MirroredInvoice[];
    payLinkValidityDays: number;
  }> {
    const facts = await this.links.pageFacts(link);
    const [company] = await this.db
      .select({ settings: companies.settings })
      .from(companies)
      .where(eq(companies.id, link.companyId));
    return { ...facts, payLinkValidityDays: payLinkValidityDays(company?.settings) };
  }
}

/** Settings that fail validation fall back to the default, as the pay page's contact does. */
function payLinkValidityDays(settings: unknown): number {
  try {
    return parseCompanySettings(settings).payLinkValidityDays;
  } catch {
    return DEFAULT_COMPANY_SETTINGS.payLinkValidityDays;
  }
}
