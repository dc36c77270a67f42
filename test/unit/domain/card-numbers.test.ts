import { describe, expect, it } from "vitest";
import { CARD_NUMBER_MASK, redactCardNumbers } from "../../../src/domain/card-numbers.js";

describe("redactCardNumbers (REQ-57)", () => {
  it.each([
    "4242424242424242",
    "4242 4242 4242 4242",
    "4242-4242-4242-4242",
    "378282246310005", // Amex, 15 digits
    "6011111111111117",
  ])("masks the Luhn-valid card number %s", (card) => {
    const result = redactCardNumbers(`here is my card ${card} exp 12/29`);
    expect(result).toEqual({
      text: `here is my card ${CARD_NUMBER_MASK} exp 12/29`,
      redacted: true,
    });
  });

  it.each([
    "4242424242424241", // fails Luhn
    "invoice 100234, phone 512 555 0100",
    "le pago el 15 de diciembre",
    "123456789012", // 12 digits
  ])("leaves %s alone", (text) => {
    expect(redactCardNumbers(text)).toEqual({ text, redacted: false });
  });
});
