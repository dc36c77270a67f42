import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Language } from "../../machines/thread.templates.js";
import type { RenderedMessage, Templates } from "../app/ports.js";
import { AppError } from "../domain/errors.js";
import { normalizeForSms, smsEncoding } from "../domain/sms-encoding.js";
import {
  declaredMaxSegments,
  fillTemplate,
  parseTemplateFile,
  placeholdersIn,
  type TemplateFile,
} from "../domain/template-file.js";
import { findPublicShorteners, MAX_CHARACTERS, MAX_SEGMENTS } from "../domain/template-lint.js";

// Loads `prompts/sms/<id>.<language>.md` once at start-up and renders them. `render` takes
// the finished values (see messageVars in src/domain/message-format.ts) and returns the text
// exactly as it will be sent, with its encoding and segment count.

export { parseTemplateFile, type TemplateFile };

export const PROMPTS_DIR = fileURLToPath(new URL("../../prompts", import.meta.url));

export function loadTemplateFiles(dir = join(PROMPTS_DIR, "sms")): TemplateFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".md") && file !== "README.md")
    .map((file) => parseTemplateFile(file, readFileSync(join(dir, file), "utf8")));
}

export class FileTemplates implements Templates {
  private readonly byKey = new Map<string, { file: TemplateFile; maxSegments: number }>();

  constructor(files: TemplateFile[] = loadTemplateFiles()) {
    for (const file of files) {
      const maxSegments = declaredMaxSegments(file);
      if (maxSegments === null || maxSegments < 1) {
        throw new Error(`Template ${file.id}.${file.language} has no valid maxSegments`);
      }
      this.byKey.set(`${file.id}.${file.language}`, { file, maxSegments });
    }
  }

  variables(template: string, language: Language): string[] {
    const entry = this.byKey.get(`${template}.${language}`);
    if (!entry) {
      throw new AppError("NOT_FOUND", `No template ${template} in ${language}`);
    }
    return placeholdersIn(entry.file.body);
  }

  render(template: string, language: Language, vars: Record<string, string>): RenderedMessage {
    const entry = this.byKey.get(`${template}.${language}`);
    if (!entry) {
      throw new AppError("NOT_FOUND", `No template ${template} in ${language}`);
    }
    const body = normalizeForSms(fillTemplate(entry.file, vars));
    const { encoding, segments } = smsEncoding(body);
    const context = { template, language, encoding, segments, characters: body.length };
    if (segments > Math.min(entry.maxSegments, MAX_SEGMENTS) || body.length > MAX_CHARACTERS) {
      throw new AppError(
        "VALIDATION_FAILED",
        `Template ${template} (${language}) renders to ${segments} ${encoding} segments ` +
          `(${body.length} characters), over its budget of ${entry.maxSegments}`,
        { context },
      );
    }
    const shorteners = findPublicShorteners(body);
    if (shorteners.length > 0) {
      throw new AppError(
        "VALIDATION_FAILED",
        `Template ${template} (${language}) would send a public URL shortener: ${shorteners.join(", ")}`,
        { context },
      );
    }
    return { body, encoding, segments };
  }
}
