import { createHmac } from "node:crypto";

// Twilio's webhook signature, written out here rather than borrowed from the SDK so the
// app's verifier (which uses the SDK) is checked against an independent implementation:
// base64(HMAC-SHA1(authToken, url + each sorted param name followed by its value)).

export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + (params[key] ?? ""), url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}
