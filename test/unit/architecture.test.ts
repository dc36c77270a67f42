import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The rings of DESIGN §3, enforced by reading every import in the tree.

const ROOT = resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  const absolute = join(ROOT, dir);
  return readdirSync(absolute).flatMap((name) => {
    const path = join(absolute, name);
    if (statSync(path).isDirectory()) {
      return sourceFiles(relative(ROOT, path));
    }
    return /\.(ts|js|mjs)$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? "");
}

/** Where an import lands: a top-level ring (`src/db`, `machines`, …) or an npm package. */
function target(file: string, specifier: string): { ring: string | null; pkg: string | null } {
  if (specifier.startsWith(".")) {
    const path = relative(ROOT, resolve(ROOT, file, "..", specifier));
    const parts = path.split("/");
    const ring =
      parts[0] === "src" ? (parts[1]?.replace(/\.(ts|js)$/, "") ?? "src") : (parts[0] ?? "");
    return { ring: parts[0] === "src" ? `src/${ring}` : ring, pkg: null };
  }
  const pkg = specifier.startsWith("@")
    ? specifier.split("/").slice(0, 2).join("/")
    : (specifier.split("/")[0] ?? "");
  return { ring: null, pkg };
}

function ringOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] === "src") {
    return `src/${(parts[1] ?? "").replace(/\.(ts|js)$/, "")}`;
  }
  return parts[0] ?? "";
}

const PURE_PACKAGES = new Set([
  "zod",
  "xstate",
  "chrono-node",
  "date-fns",
  "@date-fns/tz",
  "libphonenumber-js",
  "date-holidays",
  // Parses the phrase patterns of the lexicons (src/understanding/first-words.ts); no I/O.
  "regjsparser",
]);

/** Which rings each ring may import (besides itself). */
const ALLOWED_RINGS: Record<string, string[]> = {
  "src/domain": [],
  machines: ["src/domain"],
  "src/understanding": ["src/domain"],
  "src/app": ["src/domain", "machines", "src/understanding"],
  "src/db": ["src/app", "src/domain", "machines"],
  "src/adapters": ["src/app", "src/domain", "machines"],
  "src/http": ["src/app", "src/domain", "machines", "src/understanding"],
  "src/workers": ["src/app", "src/domain", "machines"],
  "src/cli": [
    "src/app",
    "src/domain",
    "machines",
    "src/understanding",
    "src/config",
    "src/db",
    "src/adapters",
    // The CLI composes like `npm start` does, from the composition root's exported builders.
    "src/main",
  ],
  "src/sandbox": ["src/app", "src/domain", "machines", "src/adapters", "src/http"],
  "src/main": ["*"],
  "src/config": [],
};

/** Provider SDKs and frameworks, each owned by one ring. */
const OWNED_PACKAGES: Record<string, string> = {
  fastify: "src/http",
  "drizzle-orm": "src/db",
  "drizzle-kit": "src/db",
  "@electric-sql/pglite": "src/db",
  postgres: "src/db",
  twilio: "src/adapters",
  stripe: "src/adapters",
  "node-quickbooks": "src/adapters",
  "intuit-oauth": "src/adapters",
  "@slack/web-api": "src/adapters",
};

const PURE_RINGS = new Set(["src/domain", "machines", "src/understanding"]);

function violations(file: string, source: string): string[] {
  const ring = ringOf(file);
  const problems: string[] = [];
  for (const specifier of importsOf(source)) {
    const { ring: toRing, pkg } = target(file, specifier);
    if (toRing !== null && toRing !== ring) {
      const allowed = ALLOWED_RINGS[ring] ?? [];
      if (!allowed.includes("*") && !allowed.includes(toRing)) {
        problems.push(`${file}: ${ring} must not import ${toRing} (${specifier})`);
      }
    }
    if (pkg !== null) {
      const owner = OWNED_PACKAGES[pkg];
      if (owner !== undefined && owner !== ring && !(pkg === "fastify" && ring === "src/sandbox")) {
        problems.push(`${file}: only ${owner} may import ${pkg}`);
      }
      if (PURE_RINGS.has(ring) && !PURE_PACKAGES.has(pkg)) {
        problems.push(`${file}: ${ring} is pure and must not import ${pkg}`);
      }
    }
  }
  if (file !== "src/config.ts" && /process\.env/.test(source)) {
    problems.push(`${file}: only src/config.ts may read process.env`);
  }
  if (PURE_RINGS.has(ring) && /Date\.now\(|new Date\(\)|Math\.random\(/.test(source)) {
    problems.push(`${file}: ${ring} is pure: take time and randomness as inputs`);
  }
  return problems;
}

describe("architecture", () => {
  const files = [...sourceFiles("src"), ...sourceFiles("machines")];

  it("finds the source tree", () => {
    expect(files).toContain("src/main.ts");
    expect(files).toContain("machines/thread.machine.ts");
  });

  it("keeps every import inside the ring rules of DESIGN §3", () => {
    const problems = files.flatMap((file) =>
      violations(file, readFileSync(join(ROOT, file), "utf8")),
    );
    expect(problems).toEqual([]);
  });

  it("catches a forbidden import between rings", () => {
    expect(violations("src/domain/money.ts", 'import { db } from "../db/client.js";')).toEqual([
      "src/domain/money.ts: src/domain must not import src/db (../db/client.js)",
    ]);
    expect(
      violations("machines/thread.machine.ts", 'import { x } from "../src/app/ports.js";'),
    ).toHaveLength(1);
    expect(violations("src/app/use-case.ts", 'import Fastify from "fastify";')).toEqual([
      "src/app/use-case.ts: only src/http may import fastify",
    ]);
    expect(violations("src/http/routes/x.ts", 'import { eq } from "drizzle-orm";')).toHaveLength(1);
    expect(
      violations("src/understanding/x.ts", 'import { readFile } from "node:fs/promises";'),
    ).toHaveLength(1);
  });

  it("catches process.env outside src/config.ts and clocks in pure rings", () => {
    expect(violations("src/db/client.ts", "const url = process.env.DATABASE_URL;")).toHaveLength(1);
    expect(violations("src/config.ts", "const env = process.env;")).toEqual([]);
    expect(violations("machines/thread.machine.ts", "const at = Date.now();")).toHaveLength(1);
  });
});
