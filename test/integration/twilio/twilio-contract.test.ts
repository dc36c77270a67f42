import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TwilioEmulator } from "../../../src/sandbox/emulators/twilio/twilio-emulator.js";
import { FakeClock } from "../../fakes/fake-clock.js";
import { MemoryLogger } from "../../fakes/silent-logger.js";
import { startEmulator } from "../../helpers/start-emulator.js";

// The emulator's responses checked against Twilio's own OpenAPI description of API 2010-04-01
// (twilio/twilio-oai, copied to ../shared/specs), so the emulator cannot drift into inventions:
// every key it sends must be declared there, every declared key must be sent, and each value
// must fit its declared type, format, pattern and enum.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: string[];
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
}

interface Spec {
  components: { schemas: Record<string, Schema> };
  paths: Record<
    string,
    Record<
      string,
      { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }
    >
  >;
}

const spec = JSON.parse(
  readFileSync(new URL("../../../../shared/specs/twilio_api_v2010.json", import.meta.url), "utf8"),
) as Spec;

function resolve(schema: Schema): Schema {
  if (!schema.$ref) {
    return schema;
  }
  const name = schema.$ref.replace("#/components/schemas/", "");
  const target = spec.components.schemas[name];
  if (!target) {
    throw new Error(`unresolved $ref ${schema.$ref}`);
  }
  return resolve(target);
}

const FORMATS: Record<string, RegExp> = {
  "date-time-rfc-2822":
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/,
  // Twilio's phone-number format also covers short codes and channel addresses (whatsapp:+1…).
  "phone-number": /^(\+?\d{3,15}|[a-z]+:\+\d{6,15})$/,
  uri: /^(\/|https?:\/\/)\S+$/,
  currency: /^[A-Z]{3}$/,
};

/** A small JSON-Schema/OpenAPI-subset checker: returns every problem found, with its path. */
function check(value: Json | undefined, raw: Schema, path = "$", strict = true): string[] {
  const schema = resolve(raw);
  if (value === undefined) {
    return [`${path}: missing`];
  }
  if (value === null) {
    return schema.nullable ? [] : [`${path}: null but not nullable`];
  }
  const problems: string[] = [];
  const type = schema.type;
  if (type === "string" && typeof value !== "string") {
    problems.push(`${path}: expected string, got ${typeof value}`);
  } else if (type === "integer" && !Number.isInteger(value)) {
    problems.push(`${path}: expected integer`);
  } else if (type === "number" && typeof value !== "number") {
    problems.push(`${path}: expected number`);
  } else if (type === "boolean" && typeof value !== "boolean") {
    problems.push(`${path}: expected boolean`);
  } else if (type === "array" && !Array.isArray(value)) {
    problems.push(`${path}: expected array`);
  } else if (type === "object" && (typeof value !== "object" || Array.isArray(value))) {
    problems.push(`${path}: expected object`);
  }
  if (typeof value === "string") {
    if (schema.enum && !schema.enum.includes(value)) {
      problems.push(`${path}: "${value}" not in enum`);
    }
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
      problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      problems.push(`${path}: shorter than ${schema.minLength}`);
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      problems.push(`${path}: longer than ${schema.maxLength}`);
    }
    const format = schema.format ? FORMATS[schema.format] : undefined;
    if (format && !format.test(value)) {
      problems.push(`${path}: "${value}" is not ${schema.format}`);
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => {
      problems.push(...check(item, schema.items as Schema, `${path}[${index}]`, strict));
    });
  }
  if (typeof value === "object" && !Array.isArray(value) && schema.properties) {
    const declared = schema.properties;
    for (const key of Object.keys(value)) {
      if (!(key in declared)) {
        problems.push(`${path}.${key}: not declared by the spec`);
      }
    }
    for (const [key, propertySchema] of Object.entries(declared)) {
      if (strict || key in value) {
        problems.push(...check(value[key], propertySchema, `${path}.${key}`, strict));
      }
    }
  }
  return problems;
}

function responseSchema(path: string, method: string, status: string): Schema {
  const schema =
    spec.paths[path]?.[method]?.responses?.[status]?.content?.["application/json"]?.schema;
  if (!schema) {
    throw new Error(`the spec has no ${method} ${path} ${status} schema`);
  }
  return schema;
}

const ACCOUNT_SID = `AC${"0f".repeat(16)}`;
const AUTH_TOKEN = "contract-token";
const BUSINESS = "+15017122661";
const PHONE = "+14155550123";
const AUTH = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;
const MESSAGES = "/2010-04-01/Accounts/{AccountSid}/Messages.json";

let server: Awaited<ReturnType<typeof startEmulator<TwilioEmulator>>>;

async function call(
  method: "GET" | "POST",
  path: string,
  form?: Record<string, string>,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      authorization: AUTH,
      ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

beforeAll(async () => {
  server = await startEmulator(
    (selfBaseUrl) =>
      new TwilioEmulator(
        {
          clock: new FakeClock(new Date("2026-11-20T15:00:00Z")),
          logger: new MemoryLogger(),
          appBaseUrl: "http://127.0.0.1:9",
          selfBaseUrl,
        },
        { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingNumbers: [BUSINESS] },
      ),
  );
});

afterAll(async () => {
  await server.close();
});

describe("the Twilio emulator against twilio_api_v2010.json", () => {
  it("the checker itself catches wrong types, undeclared keys and bad formats", () => {
    const schema = responseSchema(MESSAGES, "post", "201");
    expect(check({ sid: 12 }, schema).length).toBeGreaterThan(0);
    const problems = check(
      { sid: "SMnothex", date_created: "2026-11-20T15:00:00Z", invented: true },
      schema,
      "$",
      false,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("$.sid"),
        expect.stringContaining("$.date_created"),
        "$.invented: not declared by the spec",
      ]),
    );
  });

  it("Messages create: 201 with the message resource", async () => {
    const created = await call("POST", `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      To: PHONE,
      From: BUSINESS,
      Body: "Acme: invoice 1037 is due",
      StatusCallback: "http://127.0.0.1:9/webhooks/twilio/status",
    });
    expect(created.status).toBe(201);
    expect(check(created.body, responseSchema(MESSAGES, "post", "201"))).toEqual([]);
    await server.emulator.idle();
  });

  it("Messages fetch and list: the message resource and the list page", async () => {
    await call("POST", `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      To: PHONE,
      From: BUSINESS,
      Body: "second",
    });
    await server.emulator.receiveFromPhone(PHONE, BUSINESS, "STOP");
    await server.emulator.idle();

    const list = await call(
      "GET",
      `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?PageSize=2&DateSent%3E=2026-11-20`,
    );
    expect(list.status).toBe(200);
    expect(check(list.body, responseSchema(MESSAGES, "get", "200"))).toEqual([]);
    const page = list.body as { messages: Array<{ sid: string }>; next_page_uri: string };
    expect(page.messages).toHaveLength(2);
    expect(page.next_page_uri).toContain("PageToken=");

    const next = await call("GET", page.next_page_uri);
    expect(check(next.body, responseSchema(MESSAGES, "get", "200"))).toEqual([]);

    const sid = page.messages[0]?.sid ?? "";
    const fetched = await call("GET", `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`);
    expect(fetched.status).toBe(200);
    expect(
      check(
        fetched.body,
        responseSchema("/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", "get", "200"),
      ),
    ).toEqual([]);
  });

  it("error bodies carry code, message, more_info and status as the SDK reads them", async () => {
    // The 2010 spec declares no error schema, so this one is the legacy body the SDK's
    // RestException parses (integrations.md §C1), checked just as strictly.
    const errorSchema: Schema = {
      type: "object",
      properties: {
        code: { type: "integer" },
        message: { type: "string" },
        more_info: { type: "string", format: "uri" },
        status: { type: "integer" },
      },
    };
    await server.emulator.idle();
    const optedOut = await call("POST", `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      To: PHONE,
      From: BUSINESS,
      Body: "after STOP",
    });
    expect(optedOut.status).toBe(400);
    expect(check(optedOut.body, errorSchema)).toEqual([]);
    expect(optedOut.body).toEqual({
      code: 21610,
      message: "Attempt to send to unsubscribed recipient",
      more_info: "https://www.twilio.com/docs/errors/21610",
      status: 400,
    });

    const missing = await call("GET", `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/SMx.json`);
    expect(missing.status).toBe(404);
    expect(check(missing.body, errorSchema)).toEqual([]);
  });

  it("Lookup v2 answers with the phone number resource the SDK maps", async () => {
    // Lookup lives in twilio_lookups_v2.json, which ../shared/specs does not carry; this schema
    // is the `PhoneNumberResource` the SDK 6.2.0 declares (lib/rest/lookups/v2/phoneNumber.d.ts)
    // plus live_activity, which Twilio's lookups spec lists and the SDK ignores.
    const info = (properties: Record<string, Schema>): Schema => ({
      type: "object",
      nullable: true,
      properties,
    });
    const lookupSchema: Schema = {
      type: "object",
      properties: {
        calling_country_code: { type: "string", nullable: true },
        country_code: { type: "string", nullable: true },
        phone_number: { type: "string", format: "phone-number", nullable: true },
        national_format: { type: "string", nullable: true },
        valid: { type: "boolean", nullable: true },
        validation_errors: {
          type: "array",
          nullable: true,
          items: {
            type: "string",
            enum: [
              "TOO_SHORT",
              "TOO_LONG",
              "INVALID_BUT_POSSIBLE",
              "INVALID_COUNTRY_CODE",
              "INVALID_LENGTH",
              "NOT_A_NUMBER",
            ],
          },
        },
        caller_name: info({}),
        sim_swap: info({}),
        call_forwarding: info({}),
        live_activity: info({}),
        line_type_intelligence: info({
          carrier_name: { type: "string", nullable: true },
          error_code: { type: "integer", nullable: true },
          mobile_country_code: { type: "string", nullable: true },
          mobile_network_code: { type: "string", nullable: true },
          type: {
            type: "string",
            nullable: true,
            enum: [
              "landline",
              "mobile",
              "fixedVoip",
              "nonFixedVoip",
              "personal",
              "tollFree",
              "premium",
              "sharedCost",
              "uan",
              "voicemail",
              "pager",
              "unknown",
            ],
          },
        }),
        identity_match: info({}),
        reassigned_number: info({}),
        sms_pumping_risk: info({}),
        phone_number_quality_score: info({}),
        url: { type: "string", format: "uri", nullable: true },
      },
    };
    const mobile = await call("GET", `/v2/PhoneNumbers/${PHONE}?Fields=line_type_intelligence`);
    expect(mobile.status).toBe(200);
    expect(check(mobile.body, lookupSchema)).toEqual([]);
    server.emulator.setFault(PHONE, "landline");
    const landline = await call("GET", `/v2/PhoneNumbers/${PHONE}?Fields=line_type_intelligence`);
    expect(check(landline.body, lookupSchema)).toEqual([]);
    expect(landline.body).toMatchObject({ line_type_intelligence: { type: "landline" } });
    const bare = await call("GET", `/v2/PhoneNumbers/${PHONE}`);
    expect(bare.body).toMatchObject({ line_type_intelligence: null });
    const invalid = await call("GET", "/v2/PhoneNumbers/+1555?Fields=line_type_intelligence");
    expect(check(invalid.body, lookupSchema)).toEqual([]);
    expect(invalid.body).toMatchObject({ valid: false, validation_errors: ["TOO_SHORT"] });
  });

  it("refuses requests without the account's credentials with Twilio's 401 body", async () => {
    const response = await fetch(
      `${server.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: 20003,
      message: "Authenticate",
      more_info: "https://www.twilio.com/docs/errors/20003",
      status: 401,
    });
  });
});
