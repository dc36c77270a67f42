import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, configSchema, describeConfig, parseConfig } from "../../src/config.js";

function readEnvExample(): Record<string, string> {
  const text = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
  const entries: Array<[string, string]> = [];
  for (const line of text.split("\n")) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) {
      entries.push([match[1] ?? "", match[2] ?? ""]);
    }
  }
  return Object.fromEntries(entries);
}

describe("config", () => {
  it(".env.example parses against the schema", () => {
    expect(() => parseConfig(readEnvExample())).not.toThrow();
  });

  it(".env.example lists every key of the schema and nothing else", () => {
    expect(Object.keys(readEnvExample()).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it("describes every key", () => {
    for (const { key, description } of describeConfig()) {
      expect(description, key).not.toBe("");
    }
  });

  it("lists every problem at once", () => {
    try {
      parseConfig({ PORT: "eighty", DATABASE_URL: "not a url", LOG_LEVEL: "loud" });
      expect.unreachable("parseConfig should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toContain("PORT");
      expect(problems).toContain("DATABASE_URL");
      expect(problems).toContain("LOG_LEVEL");
    }
  });

  it("treats empty values as unset and applies defaults", () => {
    const config = parseConfig({ DATABASE_URL: "", PORT: "" });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe("./data");
  });
});
