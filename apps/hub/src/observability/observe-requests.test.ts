import pino from "pino";
import { describe, expect, it } from "vitest";
import { recordRequest } from "./observe-requests.ts";
import { newTrace, noteVendor } from "./request-context.ts";

/** What recordRequest handed the metrics and the log, for one request that reached `vendors`. */
function recorded(vendors: string[]) {
  const labels: string[] = [];
  const lines: { vendors?: string[] }[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const trace = newTrace("req-1");
  for (const v of vendors) noteVendor(trace, v);
  recordRequest(
    { log, metrics: { countRequest: (_route, _retCode, vendor) => labels.push(vendor) } },
    { route: "/v1/devices/op", method: "POST", path: "/v1/devices/op", status: 200, trace, seconds: 0.01 },
  );
  return { label: labels[0], logged: lines[0]?.vendors };
}

describe("recordRequest's vendor label and log field", () => {
  it("names no vendor, the one vendor (however often it was called), or 'multiple'", () => {
    expect(recorded([])).toEqual({ label: "none", logged: undefined });
    expect(recorded(["V1", "V1"])).toEqual({ label: "V1", logged: ["V1"] });
    expect(recorded(["V1", "V2", "V1"])).toEqual({ label: "multiple", logged: ["V1", "V2"] });
  });
});
