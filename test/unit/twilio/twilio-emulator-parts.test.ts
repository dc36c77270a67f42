import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { twimlMessages } from "../../../src/sandbox/emulators/twilio/twilio-emulator.js";
import { optOutTypeOf } from "../../../src/sandbox/emulators/twilio/twilio-keywords.js";
import { twilioSignature } from "../../../src/sandbox/emulators/twilio/twilio-signature.js";
import { rfc2822, segmentCount } from "../../../src/sandbox/emulators/twilio/twilio-wire.js";

describe("the Twilio emulator's signature", () => {
  const params = {
    MessageSid: "SM1",
    From: "+15558675310",
    To: "+15017122661",
    Body: "STOP",
    AccountSid: "AC1",
    NumMedia: "0",
  };

  it("matches the value probed from Twilio's SDK (integrations.md §C2)", () => {
    expect(twilioSignature("authtoken", "https://app.example/twilio/sms?x=1", params)).toBe(
      "WQgSDRNOPfNMhKEXTTsztp8luVg=",
    );
  });

  it("agrees with the SDK for bodies with non-ASCII text and many fields", () => {
    const spanish = { ...params, Body: "ya pagué 👍 & más", OptOutType: "HELP", Zeta: "" };
    const url = "http://127.0.0.1:3000/webhooks/twilio/sms";
    expect(twilioSignature("s3cret", url, spanish)).toBe(
      twilio.getExpectedTwilioSignature("s3cret", url, spanish),
    );
    expect(twilioSignature("s3cret", url, spanish)).not.toBe(
      twilioSignature("s3cret", `${url}?x=1`, spanish),
    );
  });
});

describe("default keywords", () => {
  it("match only the whole body, in any case", () => {
    expect(optOutTypeOf("STOP")).toBe("STOP");
    expect(optOutTypeOf("  stop ")).toBe("STOP");
    expect(optOutTypeOf("Unsubscribe")).toBe("STOP");
    expect(optOutTypeOf("start")).toBe("START");
    expect(optOutTypeOf("UNSTOP")).toBe("START");
    expect(optOutTypeOf("info")).toBe("HELP");
    expect(optOutTypeOf("Stop please")).toBeNull();
    expect(optOutTypeOf("I'll stop by Friday")).toBeNull();
    expect(optOutTypeOf("alto")).toBeNull();
  });
});

describe("wire helpers", () => {
  it("writes RFC 2822 dates the way the 2010 API does", () => {
    expect(rfc2822(new Date("2023-08-24T05:01:45Z"))).toBe("Thu, 24 Aug 2023 05:01:45 +0000");
  });

  it("counts GSM-7 and UCS-2 segments", () => {
    expect(segmentCount("a".repeat(160))).toBe(1);
    expect(segmentCount("a".repeat(161))).toBe(2);
    expect(segmentCount("{".repeat(80))).toBe(1);
    expect(segmentCount("{".repeat(81))).toBe(2);
    expect(segmentCount("á".repeat(70))).toBe(1);
    expect(segmentCount("á".repeat(71))).toBe(2);
  });

  it("reads the messages out of a TwiML answer", () => {
    expect(twimlMessages('<?xml version="1.0" encoding="UTF-8"?><Response/>')).toEqual([]);
    expect(
      twimlMessages(
        "<Response><Message>Thanks &amp; bye</Message><Message><Body>Two</Body></Message></Response>",
      ),
    ).toEqual(["Thanks & bye", "Two"]);
  });
});
