// Which QuickBooks company (realm) a stored webhook event is about: CloudEvents carry
// `intuitaccountid`; legacy notifications carry `realmId`.

export function quickbooksRealmOf(payload: unknown): string | null {
  if (typeof payload !== "object" || payload === null) {
    return null;
  }
  const record = payload as { intuitaccountid?: unknown; realmId?: unknown };
  const realm = record.intuitaccountid ?? record.realmId;
  return typeof realm === "string" && realm.length > 0 ? realm : null;
}
