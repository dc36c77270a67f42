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
    serializers: {
      // Query strings carry OAuth codes and states; paths are enough to follow a request.
      req: (request: { method?: string; url?: string; id?: string }) => ({
        id: request.id,
        method: request.method,
        url: typeof request.url === "string" ? request.url.split("?")[0] : request.url,
      }),
    },
    ...(options.pretty
      ? { transport: { target: "pino-pretty", options: { colorize: true } } }
      : {}),
  });
}
