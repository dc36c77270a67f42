import { describe, expect, it } from "vitest";
import {
  areaCodeInfo,
  buildAreaCodeTable,
  NANP_AREA_CODES,
} from "../../../src/domain/area-codes.js";
import { isValidTimeZone } from "../../../src/domain/calendar.js";
import { NANP_AREA_CODE_ROWS } from "../../../src/domain/nanp-area-codes.js";

const number = (areaCode: string) => `+1${areaCode}5550100`;

describe("areaCodeInfo", () => {
  it.each([
    ["212", ["America/New_York"], "NY"],
    ["917", ["America/New_York"], "NY"],
    ["213", ["America/Los_Angeles"], "CA"],
    ["310", ["America/Los_Angeles"], "CA"],
    ["415", ["America/Los_Angeles"], "CA"],
    ["305", ["America/New_York"], "FL"],
    ["808", ["Pacific/Honolulu"], "HI"],
    ["602", ["America/Phoenix"], "AZ"],
    ["480", ["America/Phoenix"], "AZ"],
    ["520", ["America/Phoenix"], "AZ"],
    ["512", ["America/Chicago"], "TX"],
    ["303", ["America/Denver"], "CO"],
    ["317", ["America/New_York"], "IN"],
    ["787", ["America/Puerto_Rico"], "PR"],
  ])("%s → %j in %s", (areaCode, zones, region) => {
    expect(areaCodeInfo(number(areaCode))).toEqual({ areaCode, zones, region, country: "US" });
  });

  it.each(["617", "508", "781", "978", "413", "339", "351", "774", "857"])(
    "%s is Massachusetts",
    (areaCode) => {
      expect(areaCodeInfo(number(areaCode))).toMatchObject({
        region: "MA",
        zones: ["America/New_York"],
      });
    },
  );

  it("puts 907 in Alaska time, with the Aleutians' zone too", () => {
    const info = areaCodeInfo(number("907"));
    expect(info?.region).toBe("AK");
    expect(info?.zones).toContain("America/Anchorage");
    expect(info?.zones).toContain("America/Adak");
  });

  it.each([
    ["850", ["America/New_York", "America/Chicago"]],
    ["448", ["America/New_York", "America/Chicago"]],
    ["915", ["America/Denver", "America/Chicago"]],
    ["541", ["America/Los_Angeles", "America/Boise"]],
    ["208", ["America/Boise", "America/Los_Angeles"]],
    ["219", ["America/New_York", "America/Chicago"]],
    ["812", ["America/New_York", "America/Chicago"]],
    ["270", ["America/Chicago", "America/New_York"]],
    ["423", ["America/New_York", "America/Chicago"]],
    ["906", ["America/New_York", "America/Chicago"]],
    ["701", ["America/Chicago", "America/Denver"]],
    ["605", ["America/Chicago", "America/Denver"]],
    ["308", ["America/Chicago", "America/Denver"]],
    ["620", ["America/Chicago", "America/Denver"]],
    ["785", ["America/Chicago", "America/Denver"]],
    ["928", ["America/Phoenix", "America/Denver"]],
  ])("%s spans %j", (areaCode, zones) => {
    expect(areaCodeInfo(number(areaCode))?.zones).toEqual(zones);
  });

  it("knows Canadian area codes by province", () => {
    expect(areaCodeInfo(number("416"))).toMatchObject({ region: "ON", country: "CA" });
    expect(areaCodeInfo(number("604"))).toMatchObject({
      region: "BC",
      zones: ["America/Vancouver"],
    });
  });

  it.each(["800", "833", "844", "855", "866", "877", "888", "900", "500", "700", "211"])(
    "has nothing for the non-geographic %s",
    (areaCode) => {
      expect(areaCodeInfo(number(areaCode))).toBeNull();
    },
  );

  it.each(["+442071234567", "+1212555010", "2125550100", "+12121550100", "+11125550100", ""])(
    "refuses %j, which is not a +1 number in E.164",
    (e164) => {
      expect(areaCodeInfo(e164)).toBeNull();
    },
  );

  it("reads another table of the same shape when given one", () => {
    const table = buildAreaCodeTable([
      { country: "US", region: "TX", zones: ["America/Chicago"], codes: ["212"] },
    ]);
    expect(areaCodeInfo(number("212"), table)?.region).toBe("TX");
    expect(areaCodeInfo(number("213"), table)).toBeNull();
  });

  it("hands out copies, so a caller cannot edit the table", () => {
    areaCodeInfo(number("212"))?.zones.push("Europe/Paris");
    expect(areaCodeInfo(number("212"))?.zones).toEqual(["America/New_York"]);
  });
});

describe("the NANP area code data", () => {
  it("lists each code once", () => {
    expect(() =>
      buildAreaCodeTable([
        { country: "US", region: "NY", zones: ["America/New_York"], codes: ["212"] },
        { country: "US", region: "CA", zones: ["America/Los_Angeles"], codes: ["212"] },
      ]),
    ).toThrow(/212/);
    expect(NANP_AREA_CODES.size).toBe(NANP_AREA_CODE_ROWS.flatMap((row) => row.codes).length);
  });

  it("covers every US state and DC", () => {
    const states = new Set(
      NANP_AREA_CODE_ROWS.filter((row) => row.country === "US").map((row) => row.region),
    );
    for (const state of [
      ...["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL"],
      ...["IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE"],
      ...["NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD"],
      ...["TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"],
    ]) {
      expect(states, state).toContain(state);
    }
  });

  it("uses only valid area codes and IANA zones", () => {
    for (const row of NANP_AREA_CODE_ROWS) {
      expect(row.zones.length).toBeGreaterThan(0);
      for (const zone of row.zones) {
        expect(isValidTimeZone(zone), zone).toBe(true);
      }
      for (const code of row.codes) {
        expect(code).toMatch(/^[2-9][0-8]\d$/);
      }
    }
  });
});
