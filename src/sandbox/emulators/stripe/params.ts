import {
  type FormObject,
  type FormValue,
  formList,
  formString,
  formStringMap,
  isFormObject,
} from "./form.js";
import type { NewSession } from "./stripe-state.js";
import { invalidRequest, SUPPORTED_CURRENCIES } from "./stripe-state.js";

// Request validation with Stripe's wording: unknown parameters are refused, a missing one
// is `parameter_missing`, a malformed one names its `param` in bracket notation.

export function missing(param: string) {
  return invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
}

export function rejectUnknown(params: FormObject, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(params)) {
    if (!allowed.has(key)) {
      throw invalidRequest(`Received unknown parameter: ${key}`, key, "parameter_unknown");
    }
  }
}

export function integerParam(value: FormValue | undefined, param: string): number | null {
  if (value === undefined) {
    return null;
  }
  const text = formString(value);
  if (text === undefined || !/^-?\d+$/.test(text)) {
    throw invalidRequest(
      `Invalid integer: ${text ?? "object"}`,
      param,
      "parameter_invalid_integer",
    );
  }
  return Number(text);
}

export function metadataParam(value: FormValue | undefined, param: string): Record<string, string> {
  const map = formStringMap(value);
  if (map === null) {
    throw invalidRequest("Invalid object", param, "parameter_invalid_object");
  }
  const keys = Object.keys(map);
  if (keys.length > 50) {
    throw invalidRequest(
      "You can only specify up to 50 metadata keys.",
      param,
      "parameter_invalid_object",
    );
  }
  for (const key of keys) {
    if (key.length > 40) {
      throw invalidRequest(
        `Metadata keys can have up to 40 characters, but you passed in a key that is ${key.length} characters long.`,
        `${param}[${key}]`,
      );
    }
    const entry = map[key] as string;
    if (entry.length > 500) {
      throw invalidRequest(
        `Metadata values can have up to 500 characters, but you passed in a value that is ${entry.length} characters long.`,
        `${param}[${key}]`,
      );
    }
  }
  return map;
}

function urlParam(value: FormValue | undefined, param: string): string | null {
  if (value === undefined) {
    return null;
  }
  const text = formString(value);
  if (text === undefined || !URL.canParse(text)) {
    throw invalidRequest("Not a valid URL", param, "url_invalid");
  }
  return text;
}

function stringParam(value: FormValue | undefined, param: string, max: number): string | null {
  if (value === undefined || value === "") {
    return null;
  }
  const text = formString(value);
  if (text === undefined) {
    throw invalidRequest("Invalid string", param, "parameter_invalid_string");
  }
  if (text.length > max) {
    throw invalidRequest(
      `Invalid string: ${text.slice(0, 10)}...; must be at most ${max} characters`,
      param,
      "parameter_invalid_string",
    );
  }
  return text;
}

export function currencyParam(value: FormValue | undefined, param: string): string {
  const text = formString(value);
  if (text === undefined) {
    throw missing(param);
  }
  const currency = text.toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency)) {
    throw invalidRequest(`Invalid currency: ${text}.`, param, "parameter_invalid_string");
  }
  return currency;
}

/** Parameters the emulator accepts on `POST /v1/checkout/sessions`; the rest are refused. */
const SESSION_PARAMS = new Set([
  "mode",
  "line_items",
  "metadata",
  "payment_intent_data",
  "success_url",
  "cancel_url",
  "client_reference_id",
  "customer_email",
  "expires_at",
  "expand",
  "locale",
  "payment_method_types",
  "submit_type",
  "ui_mode",
  "billing_address_collection",
  "customer_creation",
]);

const PAYMENT_INTENT_DATA_PARAMS = new Set(["metadata", "description", "statement_descriptor"]);

export function parseSessionCreate(params: FormObject): NewSession {
  rejectUnknown(params, SESSION_PARAMS);
  const mode = formString(params.mode);
  if (mode === undefined) {
    throw missing("mode");
  }
  if (mode !== "payment") {
    throw invalidRequest(
      `Invalid mode: ${mode}. The sandbox emulates mode=payment only.`,
      "mode",
      "parameter_invalid_string",
    );
  }
  const uiMode = formString(params.ui_mode);
  if (uiMode !== undefined && uiMode !== "hosted") {
    throw invalidRequest(
      `Invalid ui_mode: ${uiMode}. The sandbox emulates the hosted page only.`,
      "ui_mode",
    );
  }

  const items = formList(params.line_items);
  if (items === null) {
    throw invalidRequest("Invalid array", "line_items", "parameter_invalid_array");
  }
  if (items.length === 0) {
    throw invalidRequest(
      "You must specify either `line_items` or `price` in `payment` mode.",
      "line_items",
      "parameter_missing",
    );
  }
  if (items.length > 100) {
    throw invalidRequest("A Checkout Session accepts at most 100 line items.", "line_items");
  }
  const lineItems = items.map((item, index) => parseLineItem(item, `line_items[${index}]`));
  const currency = lineItems[0]?.currency ?? "usd";
  lineItems.forEach((item, index) => {
    if (item.currency !== currency) {
      throw invalidRequest(
        "All line items in a Checkout Session must share one currency.",
        `line_items[${index}][price_data][currency]`,
      );
    }
  });

  const intentData = params.payment_intent_data;
  if (intentData !== undefined && !isFormObject(intentData)) {
    throw invalidRequest("Invalid object", "payment_intent_data", "parameter_invalid_object");
  }
  for (const key of Object.keys(intentData ?? {})) {
    if (!PAYMENT_INTENT_DATA_PARAMS.has(key)) {
      throw invalidRequest(
        `Received unknown parameter: payment_intent_data[${key}]`,
        `payment_intent_data[${key}]`,
        "parameter_unknown",
      );
    }
  }

  return {
    currency,
    lineItems,
    metadata: metadataParam(params.metadata, "metadata"),
    clientReferenceId: stringParam(params.client_reference_id, "client_reference_id", 200),
    customerEmail: stringParam(params.customer_email, "customer_email", 800),
    successUrl: urlParam(params.success_url, "success_url"),
    cancelUrl: urlParam(params.cancel_url, "cancel_url"),
    expiresAt: integerParam(params.expires_at, "expires_at"),
    paymentIntentMetadata: metadataParam(intentData?.metadata, "payment_intent_data[metadata]"),
    paymentIntentDescription: stringParam(
      intentData?.description,
      "payment_intent_data[description]",
      1000,
    ),
  };
}

function parseLineItem(item: FormValue, param: string): NewSession["lineItems"][number] {
  if (!isFormObject(item)) {
    throw invalidRequest("Invalid object", param, "parameter_invalid_object");
  }
  const price = formString(item.price);
  if (price !== undefined) {
    throw invalidRequest(`No such price: '${price}'`, `${param}[price]`, "resource_missing");
  }
  const priceData = item.price_data;
  if (!isFormObject(priceData)) {
    throw missing(`${param}[price_data]`);
  }
  const currency = currencyParam(priceData.currency, `${param}[price_data][currency]`);
  const unitAmount = integerParam(priceData.unit_amount, `${param}[price_data][unit_amount]`);
  if (unitAmount === null) {
    throw missing(`${param}[price_data][unit_amount]`);
  }
  if (unitAmount < 0) {
    throw invalidRequest(
      "This value must be greater than or equal to 0.",
      `${param}[price_data][unit_amount]`,
    );
  }
  const product = priceData.product_data;
  const name = isFormObject(product) ? formString(product.name) : undefined;
  if (name === undefined || name === "") {
    throw missing(`${param}[price_data][product_data][name]`);
  }
  const quantity = integerParam(item.quantity, `${param}[quantity]`);
  if (quantity === null) {
    throw missing(`${param}[quantity]`);
  }
  if (quantity < 1) {
    throw invalidRequest("This value must be greater than or equal to 1.", `${param}[quantity]`);
  }
  const description = isFormObject(product) ? formString(product.description) : undefined;
  return { name, description: description ?? null, unitAmount, quantity, currency };
}
