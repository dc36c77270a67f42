export { classifyReply } from "./classify-reply.js";
export type {
  CalendarDate,
  ClassifyOptions,
  Intent,
  Language,
  ReplyClassification,
} from "./types.js";
export { INTENTS } from "./types.js";
