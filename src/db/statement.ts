import { type SQL, sql } from "drizzle-orm";
import type { StatementParam } from "./client.js";

// A small SQL template for the hot paths: text and parameters only, rendered to `$n` text for
// a prepared statement, or to Drizzle's SQL to run inside a Drizzle transaction. Drizzle's own
// template checks every chunk's entity kind as it renders, which shows up in the inbound
// benchmark's profile; this one is string concatenation.

type Part = Statement | StatementParam;

export class Statement {
  constructor(
    private readonly strings: readonly string[],
    private readonly values: readonly Part[],
  ) {}

  /** `$1`-numbered text and its parameters. */
  render(): { text: string; params: StatementParam[] } {
    const params: StatementParam[] = [];
    return { text: this.renderInto(params), params };
  }

  /** The same statement as Drizzle SQL (for `tx.execute` inside a Drizzle transaction). */
  toSql(): SQL {
    const chunks: SQL[] = [sql.raw(this.strings[0] ?? "")];
    this.values.forEach((value, index) => {
      chunks.push(value instanceof Statement ? value.toSql() : sql`${value ?? null}`);
      chunks.push(sql.raw(this.strings[index + 1] ?? ""));
    });
    return sql.join(chunks);
  }

  private renderInto(params: StatementParam[]): string {
    let text = this.strings[0] ?? "";
    for (let index = 0; index < this.values.length; index++) {
      const value = this.values[index] ?? null;
      if (value instanceof Statement) {
        text += value.renderInto(params);
      } else {
        params.push(value);
        text += `$${params.length}`;
      }
      text += this.strings[index + 1] ?? "";
    }
    return text;
  }
}

/** `stmt\`select ${value}\``: values become parameters, nested statements are inlined. */
export function stmt(strings: TemplateStringsArray, ...values: Part[]): Statement {
  return new Statement(strings, values);
}

/** Joins statements with a separator (`, ` unless given). */
export function joinStatements(parts: readonly Statement[], separator = ", "): Statement {
  const strings = ["", ...parts.slice(1).map(() => separator), ""];
  return new Statement(parts.length === 0 ? [""] : strings, parts);
}

/** Trusted SQL text (identifiers, keywords), never user input. */
export function rawStatement(text: string): Statement {
  return new Statement([text], []);
}

export const emptyStatement = rawStatement("");
