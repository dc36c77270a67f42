// The QuickBooks v3 query language, as far as the real service accepts it:
//   SELECT * | COUNT(*) FROM Entity [WHERE prop op value [AND ...]] [ORDERBY prop [ASC|DESC]]
//   [STARTPOSITION n] [MAXRESULTS n]
// Keywords, entity and property names are case-insensitive; there is no OR, no projection.
// A query the real service would reject is rejected here too (QueryError → 400 ValidationFault).

export class QueryError extends Error {
  constructor(
    message: string,
    readonly code: "4000" | "4001" = "4000",
  ) {
    super(message);
    this.name = "QueryError";
  }
}

export type Operator = "=" | "<" | ">" | "<=" | ">=" | "IN" | "LIKE";

export interface Condition {
  property: string;
  operator: Operator;
  values: string[];
}

export interface ParsedQuery {
  count: boolean;
  entity: string;
  conditions: Condition[];
  orderBy: { property: string; descending: boolean } | null;
  startPosition: number;
  maxResults: number;
}

type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; text: string }
  | { kind: "symbol"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? "";
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    if (char === "'") {
      let text = "";
      index += 1;
      let closed = false;
      while (index < source.length) {
        const current = source[index] ?? "";
        if (current === "\\" && index + 1 < source.length) {
          text += source[index + 1];
          index += 2;
          continue;
        }
        if (current === "'") {
          closed = true;
          index += 1;
          break;
        }
        text += current;
        index += 1;
      }
      if (!closed) {
        throw new QueryError("Unterminated string literal");
      }
      tokens.push({ kind: "string", text });
      continue;
    }
    const two = source.slice(index, index + 2);
    if (two === "<=" || two === ">=") {
      tokens.push({ kind: "symbol", text: two });
      index += 2;
      continue;
    }
    if ("=<>(),*".includes(char)) {
      tokens.push({ kind: "symbol", text: char });
      index += 1;
      continue;
    }
    const word = /^[A-Za-z0-9_.:+-]+/.exec(source.slice(index));
    if (!word) {
      throw new QueryError(`Unexpected character '${char}'`);
    }
    tokens.push({ kind: "word", text: word[0] });
    index += word[0].length;
  }
  return tokens;
}

const MAX_RESULTS_LIMIT = 1000;
/** Page size when MAXRESULTS is omitted (stored copy of the docs; a knob in reference §F). */
export const DEFAULT_MAX_RESULTS = 100;

export function parseQuery(source: string): ParsedQuery {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => {
    const token = tokens[position];
    if (!token) {
      throw new QueryError("Unexpected end of query");
    }
    position += 1;
    return token;
  };
  const isKeyword = (token: Token | undefined, keyword: string) =>
    token?.kind === "word" && token.text.toLowerCase() === keyword;
  const expectKeyword = (keyword: string) => {
    const token = next();
    if (!isKeyword(token, keyword)) {
      throw new QueryError(`Expected ${keyword.toUpperCase()} but found '${token.text}'`);
    }
  };
  const expectSymbol = (symbol: string) => {
    const token = next();
    if (token.kind !== "symbol" || token.text !== symbol) {
      throw new QueryError(`Expected '${symbol}' but found '${token.text}'`);
    }
  };

  expectKeyword("select");
  let count = false;
  const selected = next();
  if (selected.kind === "symbol" && selected.text === "*") {
    count = false;
  } else if (isKeyword(selected, "count")) {
    expectSymbol("(");
    expectSymbol("*");
    expectSymbol(")");
    count = true;
  } else {
    // Projections are not part of the language.
    throw new QueryError(`Unsupported select list '${selected.text}'`);
  }
  expectKeyword("from");
  const entityToken = next();
  if (entityToken.kind !== "word") {
    throw new QueryError("Expected an entity name");
  }
  const query: ParsedQuery = {
    count,
    entity: entityToken.text,
    conditions: [],
    orderBy: null,
    startPosition: 1,
    maxResults: DEFAULT_MAX_RESULTS,
  };

  if (isKeyword(peek(), "where")) {
    next();
    for (;;) {
      query.conditions.push(parseCondition());
      if (isKeyword(peek(), "and")) {
        next();
        continue;
      }
      if (isKeyword(peek(), "or")) {
        throw new QueryError("OR is not supported");
      }
      break;
    }
  }
  while (peek()) {
    const token = next();
    if (isKeyword(token, "orderby")) {
      const property = next();
      let descending = false;
      if (isKeyword(peek(), "desc")) {
        next();
        descending = true;
      } else if (isKeyword(peek(), "asc")) {
        next();
      }
      query.orderBy = { property: property.text, descending };
    } else if (isKeyword(token, "startposition")) {
      query.startPosition = positiveInteger(next().text, "STARTPOSITION");
    } else if (isKeyword(token, "maxresults")) {
      query.maxResults = positiveInteger(next().text, "MAXRESULTS");
      if (query.maxResults > MAX_RESULTS_LIMIT) {
        throw new QueryError(`MAXRESULTS may not exceed ${MAX_RESULTS_LIMIT}`);
      }
    } else {
      throw new QueryError(`Unexpected '${token.text}'`);
    }
  }
  return query;

  function parseCondition(): Condition {
    const property = next();
    if (property.kind !== "word") {
      throw new QueryError(`Expected a property but found '${property.text}'`);
    }
    const operatorToken = next();
    const operatorText = operatorToken.text.toUpperCase();
    if (operatorText === "IN") {
      expectSymbol("(");
      const values: string[] = [];
      for (;;) {
        values.push(literal(next()));
        const separator = next();
        if (separator.kind === "symbol" && separator.text === ")") {
          break;
        }
        if (separator.kind !== "symbol" || separator.text !== ",") {
          throw new QueryError(`Expected ',' or ')' but found '${separator.text}'`);
        }
      }
      return checkId({ property: property.text, operator: "IN", values });
    }
    if (!["=", "<", ">", "<=", ">=", "LIKE"].includes(operatorText)) {
      throw new QueryError(`Unsupported operator '${operatorToken.text}'`);
    }
    return checkId({
      property: property.text,
      operator: operatorText as Operator,
      values: [literal(next())],
    });
  }
}

function checkId(condition: Condition): Condition {
  // The real service supports only = and IN on Id.
  if (condition.property.toLowerCase() === "id" && !["=", "IN"].includes(condition.operator)) {
    throw new QueryError(`Operator ${condition.operator} is not supported on Id`, "4001");
  }
  return condition;
}

function literal(token: Token): string {
  if (token.kind === "string" || token.kind === "word") {
    return token.text;
  }
  throw new QueryError(`Expected a value but found '${token.text}'`);
}

function positiveInteger(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new QueryError(`${what} must be a positive integer`);
  }
  return value;
}

/** Reads a (possibly dotted) property case-insensitively, as the service resolves names. */
export function readProperty(entity: Record<string, unknown>, path: string): unknown {
  let current: unknown = entity;
  for (const part of path.split(".")) {
    if (typeof current !== "object" || current === null) {
      return undefined;
    }
    const record = current as Record<string, unknown>;
    const key = Object.keys(record).find((name) => name.toLowerCase() === part.toLowerCase());
    if (key === undefined) {
      return undefined;
    }
    current = record[key];
    // References compare on their value: `CustomerRef = '5'`.
    if (
      typeof current === "object" &&
      current !== null &&
      !Array.isArray(current) &&
      "value" in current &&
      part.toLowerCase().endsWith("ref")
    ) {
      current = (current as { value: unknown }).value;
    }
  }
  return current;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;
const NUMERIC = /^-?\d+(\.\d+)?$/;

function compare(left: unknown, right: string): number | null {
  if (left === undefined || left === null) {
    return null;
  }
  if (typeof left === "boolean") {
    return String(left) === right.toLowerCase() ? 0 : 1;
  }
  if (typeof left === "number") {
    return Math.sign(left - Number(right));
  }
  const text = String(left);
  // Ids and amounts travel as strings ('10' > '9' numerically, as the service orders them).
  if (NUMERIC.test(text) && NUMERIC.test(right)) {
    return Math.sign(Number(text) - Number(right));
  }
  if (DATE_TIME.test(text) && DATE_TIME.test(right)) {
    return Math.sign(Date.parse(text) - Date.parse(right));
  }
  return text < right ? -1 : text > right ? 1 : 0;
}

function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split("%")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "i");
}

export function matches(entity: Record<string, unknown>, condition: Condition): boolean {
  const value = readProperty(entity, condition.property);
  const [first = ""] = condition.values;
  switch (condition.operator) {
    case "IN":
      return condition.values.some((candidate) => compare(value, candidate) === 0);
    case "LIKE":
      return value !== undefined && likeToRegExp(first).test(String(value));
    case "=":
      return compare(value, first) === 0;
    case "<":
      return (compare(value, first) ?? 0) < 0;
    case ">":
      return (compare(value, first) ?? 0) > 0;
    case "<=":
      return value !== undefined && (compare(value, first) ?? 1) <= 0;
    case ">=":
      return (compare(value, first) ?? -1) >= 0;
  }
}

export function orderEntities<T extends Record<string, unknown>>(
  rows: T[],
  orderBy: ParsedQuery["orderBy"],
): T[] {
  if (!orderBy) {
    return rows;
  }
  const sign = orderBy.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const right = readProperty(b, orderBy.property);
    return sign * (compare(readProperty(a, orderBy.property), String(right ?? "")) ?? 0);
  });
}
