import pino, { type Logger } from "pino";

// Customers' phone numbers, message bodies and every credential are redacted wherever they
// appear in a log line.
const REDACTED_PATHS = [
  "phone",
  "to",
  "from",
  "body",
  "text",
  "*.phone",
  "*.to",
  "*.from",
  "*.body",
  "*.text",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-twilio-signature"]',
  'req.headers["stripe-signature"]',
  "*.token",
  "*.accessToken",
  "*.refreshToken",
];

export function createLogger(options: { level: string; pretty: boolean }): Logger {
  return pino({
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    ...(options.pretty
      ? { transport: { target: "pino-pretty", options: { colorize: true } } }
      : {}),
  });
}
