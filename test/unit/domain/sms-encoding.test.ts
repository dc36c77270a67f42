import { describe, expect, it } from "vitest";
import {
  isGsm7,
  nonGsmCharacters,
  normalizeForSms,
  smsEncoding,
} from "../../../src/domain/sms-encoding.js";

describe("smsEncoding: which alphabet (REQ-40)", () => {
  it.each([
    ["Mañana, ¿pagó?", "UCS-2"],
    ["Mañana ¿pago?", "GSM-7"],
    ["Cuota vencida: pague ahora ¡gracias!", "GSM-7"],
    ["Pagué", "GSM-7"],
    ["Aún", "UCS-2"],
  ] as const)("%s is %s", (text, encoding) => {
    expect(smsEncoding(text).encoding).toBe(encoding);
  });

  it("knows the whole GSM 03.38 default alphabet and its extension table", () => {
    const basic =
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
      "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    expect([...basic]).toHaveLength(127); // 128 codes less the escape
    expect(smsEncoding(basic)).toMatchObject({ encoding: "GSM-7", units: 127 });
    expect(smsEncoding("\f^{}\\[~]|€")).toEqual({ encoding: "GSM-7", units: 20, segments: 1 });
  });

  it("sends ç, á, the backtick and emoji as UCS-2, and names the culprits", () => {
    for (const char of ["ç", "á", "`", "😀", "“"]) {
      expect(isGsm7(`abc${char}`), char).toBe(false);
    }
    expect(nonGsmCharacters("Aún más, ¿sí? ú")).toEqual(["ú", "á", "í"]);
  });
});

describe("smsEncoding: how many segments (REQ-41)", () => {
  it.each([
    ["a", 160, 1],
    ["a", 161, 2],
    ["a", 306, 2],
    ["a", 307, 3],
    ["€", 80, 1],
    ["€", 81, 2],
    ["á", 70, 1],
    ["á", 71, 2],
    ["á", 134, 2],
    ["á", 135, 3],
  ] as const)("%s × %i takes %i segment(s)", (char, count, segments) => {
    expect(smsEncoding(char.repeat(count)).segments).toBe(segments);
  });

  it("counts extension characters as two septets", () => {
    expect(smsEncoding("€".repeat(80))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(smsEncoding("{x}").units).toBe(5);
  });

  it("never splits an escape pair across segments", () => {
    // 152 + 2 + 152 = 306 septets would be 2 segments by division, but the € cannot start
    // in the last septet of segment 1, so it opens segment 2 and the tail spills into a 3rd.
    const text = `${"a".repeat(152)}€${"a".repeat(152)}`;
    expect(smsEncoding(text)).toEqual({ encoding: "GSM-7", units: 306, segments: 3 });
    expect(smsEncoding(`${"a".repeat(151)}€${"a".repeat(153)}`).segments).toBe(2);
  });

  it("counts characters outside the BMP as two UTF-16 units and never splits them", () => {
    expect(smsEncoding("😀".repeat(35))).toEqual({ encoding: "UCS-2", units: 70, segments: 1 });
    expect(smsEncoding("😀".repeat(36))).toEqual({ encoding: "UCS-2", units: 72, segments: 2 });
    const straddling = `${"á".repeat(66)}😀${"á".repeat(66)}`;
    expect(smsEncoding(straddling)).toEqual({ encoding: "UCS-2", units: 134, segments: 3 });
  });

  it('counts a Spanish sentence with "vencerá el día" exactly', () => {
    const sentence = "Su factura vencerá el día 3. "; // 29 characters, all in the BMP
    expect(sentence.length).toBe(29);
    const text = sentence.repeat(5); // 145 UTF-16 units > 70, so 67 a segment
    expect(smsEncoding(text)).toEqual({ encoding: "UCS-2", units: 145, segments: 3 });

    const reminder =
      "Acme Plumbing: su factura 1042 por $1,250.00 vencerá el día 3 de diciembre. " +
      "Pague aquí: https://pay.acmeplumbing.com/p/Xk3v9QmT2pLr8sWz";
    const units = reminder.length;
    expect([...reminder]).toHaveLength(units);
    expect(smsEncoding(reminder)).toEqual({
      encoding: "UCS-2",
      units,
      segments: units <= 70 ? 1 : Math.ceil(units / 67),
    });
    // Without the accents the same reminder is GSM-7 and fits one segment.
    expect(smsEncoding(normalizeForSms(reminder))).toEqual({
      encoding: "GSM-7",
      units,
      segments: 1,
    });
  });

  it("counts an empty text as one segment", () => {
    expect(smsEncoding("")).toEqual({ encoding: "GSM-7", units: 0, segments: 1 });
  });
});

describe("normalizeForSms (REQ-42)", () => {
  it("replaces smart quotes, dashes, ellipses and odd spaces with GSM-7 equivalents", () => {
    expect(normalizeForSms("“We’re here” – call us… now")).toBe(`"We're here" - call us... now`);
    expect(normalizeForSms("a\u00A0b\u202Fc\u2009d\te")).toBe("a b c d e");
    expect(normalizeForSms("zero\u200Bwidth\uFEFF")).toBe("zerowidth");
    expect(normalizeForSms("`quoted´ — ‘single’")).toBe("'quoted' - 'single'");
  });

  it("writes á í ó ú without the accent and keeps ñ é ü ¿ ¡ (the recorded policy)", () => {
    expect(normalizeForSms("vencerá el día")).toBe("vencera el dia");
    expect(normalizeForSms("ÁÍÓÚ áíóú")).toBe("AIOU aiou");
    expect(normalizeForSms("¡Pagué mañana! ¿Pingüino? Ñandú")).toBe(
      "¡Pagué mañana! ¿Pingüino? Ñandu",
    );
    expect(smsEncoding(normalizeForSms("Mañana, ¿pagó? Aún vencerá el día")).encoding).toBe(
      "GSM-7",
    );
  });

  it("removes accents GSM-7 lacks in any language, keeps the letters it has", () => {
    expect(normalizeForSms("François Zoë Crème Brûlée Ç")).toBe("Francois Zoe Crème Brulée Ç");
    expect(normalizeForSms("Sa\u0301nchez")).toBe("Sanchez"); // decomposed á
  });

  it("leaves what has no GSM-7 form, so the count stays honest", () => {
    const text = normalizeForSms("Gracias 🙏 Łódź");
    expect(text).toBe("Gracias 🙏 Łodz");
    expect(smsEncoding(text).encoding).toBe("UCS-2");
  });

  it("makes the count exact: the normalised text is what is counted and sent", () => {
    const typed = "Acme: “Thanks!” — we’ll confirm your payment…";
    expect(smsEncoding(typed).encoding).toBe("UCS-2");
    const sent = normalizeForSms(typed);
    expect(sent).toBe(`Acme: "Thanks!" - we'll confirm your payment...`);
    expect(smsEncoding(sent)).toEqual({ encoding: "GSM-7", units: sent.length, segments: 1 });
    expect(normalizeForSms(sent)).toBe(sent);
  });
});
