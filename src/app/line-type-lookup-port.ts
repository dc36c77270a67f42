// "Can this number receive texts?": asked before a customer's first text (DESIGN §5,
// landlines get no SMS and raise a staff task). Implemented by a provider lookup adapter.

export type LineType = "mobile" | "landline" | "voip" | "other" | "unknown";

export interface LineTypeResult {
  /** The number as the provider normalised it (E.164), or as asked when invalid. */
  phone: string;
  valid: boolean;
  lineType: LineType;
  /** The provider's own word for the line type (e.g. Twilio's "nonFixedVoip"), if any. */
  providerType: string | null;
  carrierName: string | null;
}

export interface LineTypeLookup {
  lookup(phone: string): Promise<LineTypeResult>;
}
