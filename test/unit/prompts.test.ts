import { describe, expect, it } from "vitest";
import { LANGUAGES, TEMPLATE_IDS } from "../../machines/thread.templates.js";
import { FileTemplates, loadTemplateFiles } from "../../src/adapters/file-templates.js";

const files = loadTemplateFiles();

describe("prompts/", () => {
  it.each(TEMPLATE_IDS.flatMap((id) => LANGUAGES.map((language) => [id, language] as const)))(
    "has %s in %s",
    (id, language) => {
      expect(files.find((file) => file.id === id && file.language === language)).toBeDefined();
    },
  );

  it("has no template the machine cannot name", () => {
    const known = new Set<string>(TEMPLATE_IDS);
    expect(files.filter((file) => !known.has(file.id)).map((file) => file.id)).toEqual([]);
  });

  it("declares every variable a template uses, and starts with the business name", () => {
    for (const file of files) {
      const used = [...file.body.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();
      const declared = (file.meta.variables ?? "")
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean)
        .sort();
      expect(used, `${file.id}.${file.language}`).toEqual([...new Set(used)].sort());
      expect(declared, `${file.id}.${file.language}`).toEqual([...new Set(used)].sort());
      expect(file.body.startsWith("{{businessName}}"), `${file.id}.${file.language}`).toBe(true);
    }
  });

  it("renders with its variables and refuses a missing one", () => {
    const templates = new FileTemplates(files);
    expect(templates.render("reply.help", "es", { businessName: "Acme" }).body).toMatch(/^Acme /);
    expect(() => templates.render("staff.message", "en", { businessName: "Acme" })).toThrow(/text/);
    expect(() => templates.render("no.such", "en", {})).toThrow(/No template/);
  });
});
