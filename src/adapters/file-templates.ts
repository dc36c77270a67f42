import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Language } from "../../machines/thread.templates.js";
import type { RenderedMessage, Templates } from "../app/ports.js";
import { AppError } from "../domain/errors.js";

// Loads `prompts/sms/<id>.<language>.md` once at start-up. Front matter (between `---`
// lines) declares metadata; the body is the text with `{{variable}}` placeholders.

export const PROMPTS_DIR = fileURLToPath(new URL("../../prompts", import.meta.url));

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
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source);
  if (!match) {
    throw new Error(`Template ${fileName} has no front matter block`);
  }
  const meta: Record<string, string> = {};
  for (const line of (match[1] ?? "").split("\n")) {
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

export function loadTemplateFiles(dir = join(PROMPTS_DIR, "sms")): TemplateFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".md") && file !== "README.md")
    .map((file) => parseTemplateFile(file, readFileSync(join(dir, file), "utf8")));
}

export class FileTemplates implements Templates {
  private readonly byKey = new Map<string, TemplateFile>();

  constructor(files: TemplateFile[] = loadTemplateFiles()) {
    for (const file of files) {
      this.byKey.set(`${file.id}.${file.language}`, file);
    }
  }

  render(template: string, language: Language, vars: Record<string, string>): RenderedMessage {
    const file = this.byKey.get(`${template}.${language}`);
    if (!file) {
      throw new AppError("NOT_FOUND", `No template ${template} in ${language}`);
    }
    const body = file.body.replace(PLACEHOLDER, (_, name: string) => {
      const value = vars[name];
      if (value === undefined) {
        throw new AppError("VALIDATION_FAILED", `Template ${template} needs variable ${name}`);
      }
      return value;
    });
    return { body };
  }
}
