// Fault bodies byte-for-byte in the shapes the real service sends (reference §A7): the 401 uses
// lower-case keys, validation faults capitalised keys, and throttling answers in XML even when
// JSON was asked for. Adapters must cope with all three, so the emulator must not tidy them up.

export interface FaultReply {
  status: number;
  contentType: string;
  body: string;
}

export function authenticationFault(detail: string, now: Date): FaultReply {
  return {
    status: 401,
    contentType: "application/json",
    body: JSON.stringify({
      warnings: null,
      intuitObject: null,
      fault: {
        error: [
          {
            message: "message=AuthenticationFailed; errorCode=003200; statusCode=401",
            detail,
            code: "3200",
            element: null,
          },
        ],
        type: "AUTHENTICATION",
      },
      report: null,
      queryResponse: null,
      batchItemResponse: [],
      attachableResponse: [],
      syncErrorResponse: null,
      requestId: null,
      time: now.getTime(),
      status: null,
      cdcresponse: [],
    }),
  };
}

export function validationFaultBody(
  message: string,
  detail: string,
  code: string,
  now: Date,
): Record<string, unknown> {
  return {
    Fault: {
      Error: [{ Message: message, Detail: detail, code, element: "" }],
      type: "ValidationFault",
    },
    time: qboTime(now),
  };
}

export function validationFault(
  message: string,
  detail: string,
  code: string,
  now: Date,
): FaultReply {
  return {
    status: 400,
    contentType: "application/json",
    body: JSON.stringify(validationFaultBody(message, detail, code, now)),
  };
}

export function throttleFault(now: Date): FaultReply {
  return {
    status: 429,
    contentType: "application/xml",
    body:
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
      `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${qboTime(now)}">` +
      `<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>` +
      `<Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>`,
  };
}

export function systemFault(status: number, now: Date): FaultReply {
  return {
    status,
    contentType: "application/json",
    body: JSON.stringify({
      Fault: {
        Error: [
          {
            Message: "An application error has occurred while processing your request",
            Detail: `System Failure Error: Service unavailable (HTTP ${status})`,
            code: "10000",
            element: "",
          },
        ],
        type: "SystemFault",
      },
      time: qboTime(now),
    }),
  };
}

/** A fault for an injected status, in the shape the real service uses for that status. */
export function faultForStatus(status: number, now: Date): FaultReply {
  if (status === 401) {
    return authenticationFault("Token expired: injected by the emulator", now);
  }
  if (status === 429) {
    return throttleFault(now);
  }
  if (status === 400) {
    return validationFault(
      "A business validation error has occurred while processing your request",
      "Business Validation Error: injected by the emulator",
      "6000",
      now,
    );
  }
  return systemFault(status, now);
}

/** QuickBooks timestamps carry milliseconds and an offset: 2015-07-24T10:48:27.082-07:00. */
export function qboTime(at: Date): string {
  return at.toISOString().replace("Z", "+00:00");
}
