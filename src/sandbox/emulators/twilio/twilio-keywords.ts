// Twilio's default keywords (integrations.md §C2, compliance.md §1.3): only a whole-body
// match counts, case-insensitive, so "Stop please" is an ordinary message.

export type OptOutType = "STOP" | "START" | "HELP";

const KEYWORDS: Record<string, OptOutType> = {
  STOP: "STOP",
  STOPALL: "STOP",
  UNSUBSCRIBE: "STOP",
  CANCEL: "STOP",
  END: "STOP",
  QUIT: "STOP",
  REVOKE: "STOP",
  OPTOUT: "STOP",
  START: "START",
  YES: "START",
  UNSTOP: "START",
  HELP: "HELP",
  INFO: "HELP",
};

export function optOutTypeOf(body: string): OptOutType | null {
  return KEYWORDS[body.trim().toUpperCase()] ?? null;
}

/** Twilio's stock auto-replies for the default keywords (sent from the business number). */
export const AUTO_REPLIES: Record<OptOutType, string> = {
  STOP: "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.",
  START:
    "You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
  HELP: "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
};
