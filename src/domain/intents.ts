// What a customer's reply can mean: the classifier's output and the thread machine's input
// share this one list, so they cannot drift apart.

export const INTENTS = [
  "STOP",
  "START",
  "HELP",
  "PAID",
  "DISPUTE",
  "PLAN",
  "PROMISE",
  "COPY",
  "WRONG_NUMBER",
  "HUMAN",
  "LANGUAGE",
  "OTHER",
] as const;

export type Intent = (typeof INTENTS)[number];
