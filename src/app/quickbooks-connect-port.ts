// What the QuickBooks connect pages need: start consent, finish it, then import.

export interface QuickBooksConnector {
  companyExists(companyId: string): Promise<boolean>;
  authorizeUrl(state: string): string;
  /** Exchanges the callback (code, realmId) and stores the encrypted tokens. */
  connect(companyId: string, callbackUrl: string): Promise<{ realmId: string }>;
  /** Starts the initial import of customers and open invoices; progress goes to the logs. */
  startImport(companyId: string): void;
}
