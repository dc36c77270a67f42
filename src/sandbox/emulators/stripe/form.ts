// Stripe's form encoding: nested objects as `a[b][c]=v`, arrays as indexed `a[0]=v` (or
// `a[]=v`). stripe-node sends POST bodies and GET query strings this way, and neither
// Node's querystring nor Fastify's parser understands the brackets, so the emulator decodes
// them itself.

export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

function decode(part: string): string {
  return decodeURIComponent(part.replace(/\+/g, " "));
}

/** Splits `a[b][0]` into ["a", "b", "0"]; null for keys that are not bracket notation. */
function pathOf(key: string): string[] | null {
  const match = KEY.exec(key);
  if (!match?.[1]) {
    return null;
  }
  const rest = [...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "");
  return [match[1], ...rest];
}

function assign(target: FormObject, path: string[], value: string): void {
  let node: FormObject = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const existing = node[key];
    if (typeof existing === "object" && existing !== null && !Array.isArray(existing)) {
      node = existing;
    } else {
      const created: FormObject = {};
      node[key] = created;
      node = created;
    }
  }
  const last = path[path.length - 1] as string;
  if (last === "") {
    // `a[]=v`: appended in order, exactly like an index one past the last.
    const index = Object.keys(node).length;
    node[String(index)] = value;
    return;
  }
  node[last] = value;
}

/** Objects whose keys are exactly 0..n-1 were arrays on the client side. */
function arraysFromIndexes(value: FormValue): FormValue {
  if (typeof value === "string" || Array.isArray(value)) {
    return value;
  }
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const key of keys) {
    converted[key] = arraysFromIndexes(value[key] as FormValue);
  }
  const indexed =
    keys.length > 0 &&
    keys.every((key) => /^\d+$/.test(key)) &&
    keys
      .map(Number)
      .sort((a, b) => a - b)
      .every((n, i) => n === i);
  if (indexed) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((n) => converted[String(n)] as FormValue);
  }
  return converted;
}

export function parseStripeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const pair of encoded.split("&")) {
    if (pair === "") {
      continue;
    }
    const eq = pair.indexOf("=");
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? "" : pair.slice(eq + 1);
    const path = pathOf(decode(rawKey));
    if (path) {
      assign(root, path, decode(rawValue));
    }
  }
  return arraysFromIndexes(root) as FormObject;
}

// ---- Typed readers: the emulator validates like Stripe, naming the offending `param` ----

export function isFormObject(value: FormValue | undefined): value is FormObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function formString(value: FormValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Metadata values: the SDK sends every value as a string; an empty string unsets a key. */
export function formStringMap(value: FormValue | undefined): Record<string, string> | null {
  if (value === undefined || value === "") {
    return {};
  }
  // Keys "0", "1", … decode as an array; as metadata they are still plain keys.
  const entries = Array.isArray(value)
    ? value.map((entry, index) => [String(index), entry] as const)
    : isFormObject(value)
      ? Object.entries(value)
      : null;
  if (entries === null) {
    return null;
  }
  const out: Record<string, string> = {};
  for (const [key, entry] of entries) {
    if (typeof entry !== "string") {
      return null;
    }
    if (entry !== "") {
      out[key] = entry;
    }
  }
  return out;
}

export function formList(value: FormValue | undefined): FormValue[] | null {
  if (value === undefined) {
    return [];
  }
  if (Array.isArray(value)) {
    return value;
  }
  return typeof value === "string" ? [value] : null;
}
