import type { LineType, LineTypeLookup, LineTypeResult } from "../../app/line-type-lookup-port.js";
import { createTwilioClient, type TwilioClientOptions } from "./twilio-client.js";
import { twilioErrorToAppError } from "./twilio-errors.js";

// Twilio Lookup v2 with the line_type_intelligence package (billed per lookup, so callers
// should cache the answer on the phone row).

const LINE_TYPES: Record<string, LineType> = {
  mobile: "mobile",
  landline: "landline",
  fixedVoip: "voip",
  nonFixedVoip: "voip",
};

export class TwilioLineTypeLookup implements LineTypeLookup {
  private readonly client;

  constructor(options: TwilioClientOptions) {
    this.client = createTwilioClient(options);
  }

  async lookup(phone: string): Promise<LineTypeResult> {
    try {
      const result = await this.client.lookups.v2
        .phoneNumbers(phone)
        .fetch({ fields: "line_type_intelligence" });
      const providerType = result.lineTypeIntelligence?.type ?? null;
      return {
        phone: result.phoneNumber ?? phone,
        valid: result.valid === true,
        lineType: providerType === null ? "unknown" : (LINE_TYPES[providerType] ?? "other"),
        providerType,
        carrierName: result.lineTypeIntelligence?.carrierName ?? null,
      };
    } catch (error) {
      throw twilioErrorToAppError(error, "lookups.phoneNumbers.fetch");
    }
  }
}
