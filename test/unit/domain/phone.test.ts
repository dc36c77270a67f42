import { describe, expect, it } from "vitest";
import { toE164 } from "../../../src/domain/phone.js";

describe("toE164", () => {
  it.each([
    ["(512) 555-0100", "+15125550100"],
    ["512.555.0100", "+15125550100"],
    ["+1 617 555 0103", "+16175550103"],
    ["1-305-555-0102", "+13055550102"],
  ])("%s → %s", (raw, e164) => {
    expect(toE164(raw)).toBe(e164);
  });

  it.each(["", "call me", "555", "12345678901234567"])("refuses %j", (raw) => {
    expect(toE164(raw)).toBeNull();
  });
});
