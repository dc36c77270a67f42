import { describe, expect, it } from "vitest";
import { statusAdvances } from "../../../src/app/handle-delivery-status.js";

// Twilio's callbacks may arrive in any order: the message row moves forward only.

describe("statusAdvances", () => {
  it.each([
    ["queued", "sent", true],
    ["accepted", "sending", true],
    ["sent", "delivered", true],
    ["sent", "undelivered", true],
    ["queued", "failed", true],
    ["delivered", "read", true],
    ["sent", "queued", false],
    ["sent", "sent", false],
    ["delivered", "sent", false],
    ["delivered", "undelivered", false],
    ["failed", "delivered", false],
    ["undelivered", "read", false],
    ["queued", "not-a-status", false],
    ["something-new", "sent", true],
  ])("%s → %s: %s", (current, next, expected) => {
    expect(statusAdvances(current, next)).toBe(expected);
  });
});
