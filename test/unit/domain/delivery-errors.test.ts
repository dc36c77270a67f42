import { describe, expect, it } from "vitest";
import {
  DELIVERY_ERRORS,
  DELIVERY_ERRORS_VERSION,
  deliveryErrorRule,
  retriesAutomatically,
} from "../../../src/domain/delivery-errors.js";

// compliance.md §4, row by row: the class, whether and when to retry, and the reaction.

describe("the delivery-error table", () => {
  it.each([
    [21211, "permanent", "never", { type: "block_number", reason: "invalid_number" }],
    [21610, "permanent_until_opt_in", "never", { type: "opt_out" }],
    [21614, "permanent", "never", { type: "block_number", reason: "not_mobile" }],
    [21635, "permanent", "never", { type: "block_number", reason: "landline" }],
    [30003, "transient", "after", { type: "count_unreachable" }],
    [30005, "permanent", "never", { type: "block_number", reason: "unknown_number" }],
    [30006, "permanent", "never", { type: "block_number", reason: "landline_or_unreachable" }],
    [30007, "content", "never", { type: "alert_filtered" }],
    [30008, "transient", "after", { type: "count_unreachable" }],
    [30034, "configuration", "after_fix", { type: "pause_sending", reason: "unregistered_sender" }],
    [30022, "throttling", "throttled", { type: "slow_down" }],
    [30036, "scheduling", "next_window", { type: "replan_reminder" }],
    [21611, "throttling", "throttled", { type: "slow_down" }],
    [30001, "throttling", "throttled", { type: "slow_down" }],
    [30943, "eligibility", "never", { type: "pause_sending", reason: "forbidden_category" }],
    [30863, "eligibility", "never", { type: "pause_sending", reason: "forbidden_category" }],
  ] as const)("%i: %s, retry %s", (code, errorClass, retryKind, reaction) => {
    const rule = deliveryErrorRule(code);
    expect(rule.code).toBe(code);
    expect(rule.class).toBe(errorClass);
    expect(rule.retry.kind).toBe(retryKind);
    expect(rule.reaction).toEqual(reaction);
    expect(rule.name).not.toBe("");
  });

  it("retries 30003 at most twice, at least one and then four hours later, in the same window", () => {
    expect(deliveryErrorRule(30003).retry).toEqual({
      kind: "after",
      delaysMinutes: [60, 240],
      sameWindowOnly: true,
    });
    expect(deliveryErrorRule(30008).retry).toEqual({
      kind: "after",
      delaysMinutes: [10],
      sameWindowOnly: true,
    });
  });

  it("never retries an unmapped code and asks an operator to look (REQ-47)", () => {
    const rule = deliveryErrorRule(30450);
    expect(rule).toMatchObject({
      code: 30450,
      class: "unmapped",
      retry: { kind: "never" },
      reaction: { type: "alert_operator" },
    });
    expect(retriesAutomatically(rule)).toBe(false);
  });

  it("retries on its own only what may succeed later without a person", () => {
    const automatic = DELIVERY_ERRORS.filter(retriesAutomatically).map((rule) => rule.code);
    expect(automatic.sort()).toEqual([21611, 30001, 30003, 30008, 30022, 30036]);
  });

  it("has one row per code and a version", () => {
    const codes = DELIVERY_ERRORS.map((rule) => rule.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(DELIVERY_ERRORS_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
  });
});
