import { randomBytes } from "node:crypto";
import { optOutTypeOf } from "../../src/sandbox/emulators/twilio/twilio-keywords.js";
import { twilioSignature } from "../../src/sandbox/emulators/twilio/twilio-signature.js";
import { SANDBOX_CREDENTIALS } from "../../src/sandbox/sandbox-server.js";
import { benchPhone } from "./reminder-seed.js";

// Customer replies as Twilio delivers them to `POST /webhooks/twilio/sms`: the emulator's
// form fields (Advanced Opt-Out's OptOutType on a bare keyword), a fresh MessageSid each,
// signed the way Twilio signs (HMAC-SHA1 of the URL and the sorted fields, with the sandbox's
// auth token). Signing happens before anything is timed: it is Twilio's cost, not ours.

/** English and Spanish, every intent; a keyword now and then, as customers send them. */
export const REPLY_TEXTS = [
  "ya pagué",
  "le pago el viernes",
  "HELP",
  "can I pay half now",
  "I already paid this last week",
  "I'll pay on the 15th",
  "who is this?",
  "can you send me a copy of the invoice",
  "I want to talk to a person",
  "wrong number, I don't know this company",
  "no reconozco esta factura, el trabajo no se terminó",
  "¿puedo pagar en partes?",
  "en español por favor",
  "2",
  "ok thanks",
  "Paid by check yesterday, check #1043",
  "puedo pagar la mitad ahora y el resto el 15",
  "mándeme la factura por favor",
  "STOP",
  "START",
] as const;

export interface SignedReply {
  /** The urlencoded form, byte for byte what was signed. */
  body: string;
  signature: string;
}

export interface ReplyPlan {
  /** The exact URL Twilio would call (the app's loopback URL in the sandbox). */
  url: string;
  count: number;
  /** Senders are drawn from benchPhone(0 … phones - 1). */
  phones: number;
  /** Seeds the sender and text choice, so every target gets the same sequence. */
  seed: number;
}

export function signedReplies(plan: ReplyPlan): SignedReply[] {
  const { accountSid, authToken, businessNumber } = SANDBOX_CREDENTIALS.twilio;
  const next = mulberry32(plan.seed);
  const replies: SignedReply[] = [];
  for (let index = 0; index < plan.count; index += 1) {
    const from = benchPhone(Math.floor(next() * plan.phones));
    const text = REPLY_TEXTS[Math.floor(next() * REPLY_TEXTS.length)] ?? "ok";
    const sid = `SM${randomBytes(16).toString("hex")}`;
    const params: Record<string, string> = {
      ToCountry: "US",
      ToState: "",
      SmsMessageSid: sid,
      NumMedia: "0",
      ToCity: "",
      FromZip: "",
      SmsSid: sid,
      FromState: "",
      SmsStatus: "received",
      FromCity: "",
      Body: text,
      FromCountry: "US",
      To: businessNumber,
      MessagingServiceSid: `MG${"0".repeat(31)}1`,
      ToZip: "",
      NumSegments: "1",
      MessageSid: sid,
      AccountSid: accountSid,
      From: from,
      ApiVersion: "2010-04-01",
    };
    const optOutType = optOutTypeOf(text);
    if (optOutType) {
      params.OptOutType = optOutType;
    }
    replies.push({
      body: new URLSearchParams(params).toString(),
      signature: twilioSignature(authToken, plan.url, params),
    });
  }
  return replies;
}

/** A small seeded generator: the same senders and texts in the same order on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
