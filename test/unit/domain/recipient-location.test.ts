import { describe, expect, it } from "vitest";
import {
  recipientLocation,
  UNKNOWN_LOCATION_ZONES,
} from "../../../src/domain/recipient-location.js";

describe("recipientLocation", () => {
  it("joins the address's zone and state with the area code's", () => {
    expect(
      recipientLocation({ e164: "+12125550100", timeZone: "America/Los_Angeles", region: "CA" }),
    ).toEqual({
      zones: ["America/Los_Angeles", "America/New_York"],
      regions: ["NY", "CA"],
      timeZone: "America/Los_Angeles",
      massachusetts: false,
      known: true,
    });
  });

  it("uses the area code alone when the customer record says nothing", () => {
    expect(recipientLocation({ e164: "+18505550100", timeZone: null, region: null })).toEqual({
      zones: ["America/New_York", "America/Chicago"],
      regions: ["FL"],
      timeZone: "America/New_York",
      massachusetts: false,
      known: true,
    });
  });

  it("treats a Massachusetts number or address as Massachusetts", () => {
    expect(
      recipientLocation({ e164: "+16175550100", timeZone: null, region: null }).massachusetts,
    ).toBe(true);
    expect(
      recipientLocation({ e164: "+12125550100", timeZone: null, region: " ma " }),
    ).toMatchObject({ massachusetts: true, regions: ["NY", "MA"] });
  });

  it("lists a zone once when both sources agree", () => {
    expect(
      recipientLocation({ e164: "+12125550100", timeZone: "America/New_York", region: "NY" }),
    ).toMatchObject({ zones: ["America/New_York"], regions: ["NY"] });
  });

  it("ignores a zone that is not an IANA name", () => {
    expect(
      recipientLocation({ e164: "+12125550100", timeZone: "Eastern", region: null }).zones,
    ).toEqual(["America/New_York"]);
  });

  it("falls back to every contiguous US zone when nothing is known", () => {
    expect(recipientLocation({ e164: "+18005550100", timeZone: null, region: null })).toEqual({
      zones: [...UNKNOWN_LOCATION_ZONES],
      regions: [],
      timeZone: "America/New_York",
      massachusetts: false,
      known: false,
    });
  });
});
