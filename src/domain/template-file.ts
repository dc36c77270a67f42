import { AppError } from "./errors.js";

// A message template as stored: `prompts/sms/<id>.<language>.md` (or, later, an admin's
// override of one). Front matter between `---` lines declares metadata; the body is the text
// with `{{variable}}` placeholders and no logic. Parsing and filling are pure so the linter,
// the renderer and an admin preview all read a template the same way.

export interface TemplateFile {
  id: string;
  language: string;
  meta: Record<string, string>;
  body: string;
}

const FILE_NAME = /^(?<id>.+)\.(?<language>[a-z]{2})\.md$/;
const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

export function parseTemplateFile(fileName: string, source: string): TemplateFile {
  const name = FILE_NAME.exec(fileName);
  if (!name?.groups) {
    throw new Error(`Template file name must be <id>.<language>.md: ${fileName}`);
  }
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(source);
  if (!match) {
    throw new Error(`Template ${fileName} has no front matter block`);
  }
  const meta: Record<string, string> = {};
  for (const line of (match[1] ?? "").split(/\r?\n/)) {
    const separator = line.indexOf(":");
    if (separator > 0) {
      meta[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
    }
  }
  return {
    id: name.groups.id ?? "",
    language: name.groups.language ?? "",
    meta,
    body: (match[2] ?? "").trim(),
  };
}

/** Placeholder names in the order they appear, each once. */
export function placeholdersIn(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))];
}

/** The `variables` the front matter declares, in order. */
export function declaredVariables(file: TemplateFile): string[] {
  return (file.meta.variables ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/** The declared segment budget, or null when it is missing or not a whole number. */
export function declaredMaxSegments(file: TemplateFile): number | null {
  const raw = file.meta.maxSegments ?? "";
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/** A value that must never reach a customer in place of a real one. */
function isBlank(value: string): boolean {
  return /^\s*(undefined|null|NaN)?\s*$/.test(value);
}

/**
 * The body with every placeholder replaced. A placeholder whose value is missing or blank
 * fails with VALIDATION_FAILED: a text with a hole (or "undefined") is never produced.
 */
export function fillTemplate(file: TemplateFile, vars: Record<string, string>): string {
  return file.body.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars[name];
    if (value === undefined || isBlank(value)) {
      throw new AppError(
        "VALIDATION_FAILED",
        `Template ${file.id} (${file.language}) needs variable ${name}`,
        { context: { template: file.id, language: file.language, variable: name } },
      );
    }
    return value;
  });
}
