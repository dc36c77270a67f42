import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// src/understanding is a pure ring: it reads no clock, environment, randomness or files, and
// imports nothing of ours but itself and the pure src/domain (the shared intent list).

const ring = resolve(dirname(fileURLToPath(import.meta.url)), "../../../src/understanding");
const domain = resolve(ring, "../domain");

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      return sources(path);
    }
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const FORBIDDEN: [string, RegExp][] = [
  ["Date.now()", /Date\.now\(/],
  ["new Date() without arguments", /new Date\(\s*\)/],
  ["process", /\bprocess\./],
  ["Math.random", /Math\.random/],
  ["node: built-ins", /from\s+["']node:/],
  ["console", /\bconsole\./],
];

describe("the understanding ring", () => {
  const files = sources(ring);

  it("has source files", () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it.each(files.map((file) => [relative(ring, file), file]))("%s stays pure", (_name, file) => {
    const text = readFileSync(file, "utf8");
    for (const [label, pattern] of FORBIDDEN) {
      expect({ label, found: pattern.test(text) }).toEqual({ label, found: false });
    }
    for (const [, specifier] of text.matchAll(/(?:from|import)\s+["']([^"']+)["']/g)) {
      if (specifier?.startsWith(".")) {
        const target = resolve(dirname(file), specifier);
        expect(target.startsWith(ring) || target.startsWith(domain)).toBe(true);
      } else {
        expect(specifier).toMatch(
          /^(?:chrono-node|date-fns|@date-fns\/tz|regjsparser|zod)(?:\/|$)/,
        );
      }
    }
  });
});
