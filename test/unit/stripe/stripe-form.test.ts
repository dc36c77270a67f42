import { describe, expect, it } from "vitest";
import { parseStripeForm } from "../../../src/sandbox/emulators/stripe/form.js";

// The emulator's decoder for stripe-node's bracket-notation form encoding (reference §B1).

describe("parseStripeForm", () => {
  it("decodes the body stripe-node sends for a Checkout Session", () => {
    const body =
      "mode=payment&success_url=https%3A%2F%2Fe.x%2Fok&cancel_url=https%3A%2F%2Fe.x%2Fno&client_reference_id=qbo-inv-130&expires_at=1795238927&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=36207&line_items[0][price_data][product_data][name]=Invoice%201037&metadata[qbo_invoice_id]=130&metadata[realm_id]=9130&payment_intent_data[metadata][qbo_invoice_id]=130";
    expect(parseStripeForm(body)).toEqual({
      mode: "payment",
      success_url: "https://e.x/ok",
      cancel_url: "https://e.x/no",
      client_reference_id: "qbo-inv-130",
      expires_at: "1795238927",
      line_items: [
        {
          quantity: "1",
          price_data: {
            currency: "usd",
            unit_amount: "36207",
            product_data: { name: "Invoice 1037" },
          },
        },
      ],
      metadata: { qbo_invoice_id: "130", realm_id: "9130" },
      payment_intent_data: { metadata: { qbo_invoice_id: "130" } },
    });
  });

  it("decodes list queries with ranges and indexed arrays", () => {
    expect(
      parseStripeForm(
        "created[gte]=1700000000&types[0]=checkout.session.completed&types[1]=charge.refunded&limit=100",
      ),
    ).toEqual({
      created: { gte: "1700000000" },
      types: ["checkout.session.completed", "charge.refunded"],
      limit: "100",
    });
  });

  it("keeps out-of-order indexes in order, and empty-bracket arrays", () => {
    expect(parseStripeForm("a[1]=y&a[0]=x&expand[]=p&expand[]=q")).toEqual({
      a: ["x", "y"],
      expand: ["p", "q"],
    });
  });

  it("keeps percent-encoded brackets and '+' as data", () => {
    expect(parseStripeForm("metadata[k]=a%3Db%26c%5Bd%5D&q=a+b")).toEqual({
      metadata: { k: "a=b&c[d]" },
      q: "a b",
    });
  });

  it("does not treat sparse numeric keys as an array", () => {
    expect(parseStripeForm("metadata[2]=x")).toEqual({ metadata: { "2": "x" } });
  });
});
