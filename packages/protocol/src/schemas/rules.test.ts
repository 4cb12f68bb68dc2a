/** One test per rule of the standard: each fails if its rule is removed from the schemas. */
import { describe, expect, it } from "vitest";
import { parseRequest, parseResponse } from "../parse.ts";
import { DeviceAttr, DeviceInfo, UserBase } from "./objects.ts";

const issueOf = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.error?.issues[0]?.message;

describe("UserBase rules (table 14)", () => {
  it("loginID: at most 20 characters", () => {
    expect(UserBase.safeParse({ loginID: "a".repeat(20) }).success).toBe(true);
    expect(issueOf(UserBase.safeParse({ loginID: "a".repeat(21) }))).toBe("at most 20 characters");
  });

  it("loginName: 3–15 characters", () => {
    expect(UserBase.safeParse({ loginName: "abc" }).success).toBe(true);
    expect(UserBase.safeParse({ loginName: "a".repeat(15) }).success).toBe(true);
    expect(UserBase.safeParse({ loginName: "ab" }).success).toBe(false);
    expect(UserBase.safeParse({ loginName: "a".repeat(16) }).success).toBe(false);
  });

  it.each([..."'\"-\\/:;*?<>|%&#+ "])("loginName: %j is forbidden", (c) => {
    expect(UserBase.safeParse({ loginName: `ab${c}cd` }).success).toBe(false);
  });

  it("loginName: digits, letters, underscore (and the example's QQ1927XXX3853) pass", () => {
    expect(UserBase.safeParse({ loginName: "QQ1927XXX3853" }).success).toBe(true);
    expect(UserBase.safeParse({ loginName: "user_01" }).success).toBe(true);
  });

  it("email ≤ 256, mobile ≤ 32, both nullable", () => {
    expect(UserBase.safeParse({ email: "e".repeat(256), mobile: "1".repeat(32) }).success).toBe(true);
    expect(UserBase.safeParse({ email: "e".repeat(257) }).success).toBe(false);
    expect(UserBase.safeParse({ mobile: "1".repeat(33) }).success).toBe(false);
    expect(UserBase.safeParse({ email: null, mobile: null }).success).toBe(true);
  });

  it('status: "0"–"3" only; a number is canonicalised', () => {
    for (const s of ["0", "1", "2", "3"]) expect(UserBase.parse({ status: s }).status).toBe(s);
    expect(UserBase.parse({ status: 2 }).status).toBe("2");
    for (const s of ["4", "-1", "", "active", 9])
      expect(UserBase.safeParse({ status: s }).success, String(s)).toBe(false);
  });

  it("keeps unknown fields", () => {
    expect(UserBase.parse({ loginID: "a", nickName: "n" })).toEqual({ loginID: "a", nickName: "n" });
  });
});

describe("Device objects", () => {
  it("DeviceAttr values: strings, numbers, booleans → strings; others refused", () => {
    expect(DeviceAttr.parse({ a: "x", b: 3, c: true, d: false, e: 1.5 })).toEqual({
      a: "x",
      b: "3",
      c: "True",
      d: "False",
      e: "1.5",
    });
    expect(DeviceAttr.safeParse({ a: null }).success).toBe(false);
    expect(DeviceAttr.safeParse({ a: {} }).success).toBe(false);
  });

  it("DeviceInfo: binding-only fields may be null, extras are kept, deviceID is trimmed", () => {
    expect(DeviceInfo.parse({ deviceID: " C89346112DD5", model: null, accessWay: 1, name: null })).toEqual({
      deviceID: "C89346112DD5",
      model: null,
      accessWay: "1",
      name: null,
    });
  });
});

const H = { PlatID: "MB-JDAPP-0000" };
const op = (body: unknown) => parseRequest("devices/op", JSON.stringify(body), H);

describe("parseRequest", () => {
  it("canonicalises a devices/op request", () => {
    const r = parseRequest(
      "devices/op",
      '{"UserID ": 100013954770780042, "Device": [{"DeviceInfo": {"deviceID ": " C89346112DD5"}, "DeviceAttr": {"onOffStatus ": true, "laundryCycle": 5}}]}',
      { "X-Other": "1", accesstoken: "T" },
    );
    expect(r).toEqual({
      ok: true,
      headers: { accessToken: "T" },
      body: {
        UserID: "100013954770780042",
        Device: [
          {
            DeviceInfo: { deviceID: "C89346112DD5" },
            DeviceAttr: { onOffStatus: "True", laundryCycle: "5" },
          },
        ],
      },
    });
  });

  it("names the field path of a validation failure", () => {
    expect(op({ UserID: "1", Device: [{ DeviceInfo: {}, DeviceAttr: { a: "1" } }] })).toEqual({
      ok: false,
      retCode: "400",
      retInfo: "Device[0].DeviceInfo.deviceID: required",
      field: "Device[0].DeviceInfo.deviceID",
    });
    expect(op({ UserID: "1", Device: [] })).toMatchObject({
      retInfo: "Device: must name at least one device",
    });
    expect(op({ UserID: "1", Device: [{ DeviceInfo: { deviceID: "d" }, DeviceAttr: {} }] })).toMatchObject({
      field: "Device[0].DeviceAttr",
    });
    expect(op({ UserID: 1.5, Device: [] })).toMatchObject({ field: "UserID" });
    expect(op({ UserID: "  ", Device: [] })).toMatchObject({
      retInfo: expect.stringContaining("UserID: must not be empty"),
    });
  });

  it("refuses a body that is not an object", () => {
    expect(parseRequest("devices/op", "[]", H)).toMatchObject({
      retInfo: "body: must be a JSON object",
      field: "body",
    });
  });

  it("login and verify require the AuthToken in the body or the header; other calls don't read it", () => {
    const body = '{"User":[{"UserBase":{"loginID":"u1"}}]}';
    expect(parseRequest("user/login", body, {})).toMatchObject({ ok: false, retInfo: "AuthToken: required" });
    expect(parseRequest("user/verify", body, { authtoken: "h" })).toMatchObject({
      ok: true,
      body: { AuthToken: "h" },
    });
    const inBody = parseRequest("user/login", body.replace("}]}", '}],"AuthToken":"b"}'), { AuthToken: "h" });
    expect(inBody.ok && inBody.body.AuthToken).toBe("b");
    const bind = parseRequest(
      "user/bindDevices",
      '{"UserID":"1","Device":[{"DeviceInfo":{"deviceID":"d"}}]}',
      {
        AuthToken: "h",
      },
    );
    expect(bind.ok && "AuthToken" in bind.body).toBe(false);
  });

  it("unregister requires loginID and status", () => {
    const r = parseRequest("user/unregister", '{"User":[{"UserBase":{"loginID":"u1"}}]}', H);
    expect(r).toMatchObject({ ok: false, retInfo: "User[0].UserBase.status: required" });
  });

  it("dataGateway: TimeStamp as a number becomes a string; unknown DataType is named", () => {
    const r = parseRequest(
      "dataservices/dataGateway",
      '{"DeviceID":"d","DataType":"alarm","TimeStamp":1444965812870,"DeviceStatus":{"error":"E1","level":2}}',
      {},
    );
    expect(r.ok && r.body).toEqual({
      DeviceID: "d",
      DataType: "alarm",
      TimeStamp: "1444965812870",
      DeviceStatus: { error: "E1", level: "2" },
    });
    const bad = parseRequest(
      "dataservices/dataGateway",
      '{"DeviceID":"d","DataType":"x","TimeStamp":"1"}',
      {},
    );
    expect(bad).toMatchObject({
      ok: false,
      field: "DataType",
      retInfo: "DataType: must be one of attr, alarm, onOffline",
    });
  });

  it("dataGateway onOffline: onLine must be True or False (booleans and casing canonicalised)", () => {
    const report = (onLine: unknown) =>
      parseRequest(
        "dataservices/dataGateway",
        JSON.stringify({ DeviceID: "d", DataType: "onOffline", TimeStamp: "1", DeviceStatus: { onLine } }),
        {},
      );
    const on = report(true);
    expect(on.ok && on.body.DataType === "onOffline" && on.body.DeviceStatus.onLine).toBe("True");
    const off = report("false");
    expect(off.ok && off.body.DataType === "onOffline" && off.body.DeviceStatus.onLine).toBe("False");
    expect(report("maybe")).toMatchObject({ ok: false, field: "DeviceStatus.onLine" });
  });

  it("dataGateway: the standard's DeviceStatus keys are examples, not a closed list (issue 15)", () => {
    const report = (DataType: string, DeviceStatus: unknown) =>
      parseRequest(
        "dataservices/dataGateway",
        JSON.stringify({ DeviceID: "d", DataType, TimeStamp: "1", DeviceStatus }),
        {},
      );
    const offline = report("onOffline", { ip: "103.10.225.165", reason: "power cut" });
    expect(offline.ok && offline.body.DeviceStatus).toEqual({ ip: "103.10.225.165", reason: "power cut" });
    const alarm = report("alarm", { alarmCode: "E21", level: 2 });
    expect(alarm.ok && alarm.body.DeviceStatus).toEqual({ alarmCode: "E21", level: "2" });
  });

  it("dataGateway: DeviceStatus given as a JSON string (table 50 types it String) is read as its object", () => {
    const text = (DeviceStatus: unknown) =>
      `{"DeviceID":"d","DataType":"attr","TimeStamp":"1","DeviceStatus":${JSON.stringify(DeviceStatus)}}`;
    const asString = parseRequest(
      "dataservices/dataGateway",
      text('{"onOffStatus ":"True","laundryCycle":20}'),
      {},
    );
    expect(asString.ok && asString.body.DeviceStatus).toEqual({ onOffStatus: "True", laundryCycle: "20" });
    const online = parseRequest(
      "dataservices/dataGateway",
      '{"DeviceID":"d","DataType":"onOffline","TimeStamp":"1","DeviceStatus":"{\\"onLine\\":true}"}',
      {},
    );
    expect(online.ok && online.body.DeviceStatus).toEqual({ onLine: "True" });
    for (const bad of ["not json", "[1]", '"x"']) {
      const r = parseRequest("dataservices/dataGateway", text(bad), {});
      expect(r, bad).toMatchObject({ ok: false, field: "DeviceStatus" });
      expect(!r.ok && r.retInfo, bad).toContain("JSON text of an object");
    }
  });

  it("lists at most three issues", () => {
    const r = parseRequest(
      "user/unregister",
      '{"User":[{"UserBase":{}},{"UserBase":{}},{"UserBase":{}}]}',
      H,
    );
    expect(!r.ok && r.retInfo).toMatch(/\(and 3 more\)$/);
  });
});

describe("parseResponse", () => {
  it("reads a vendor's numeric RetCode and missing RetInfo canonically", () => {
    expect(parseResponse("devices/op", '{"RetCode":500}')).toEqual({
      ok: true,
      body: { RetCode: "500", RetInfo: "" },
    });
  });

  it("requires the payload only on success", () => {
    expect(parseResponse("user/login", '{"RetCode":"500","RetInfo":"no"}').ok).toBe(true);
    expect(parseResponse("user/login", '{"RetCode":"200","RetInfo":"ok"}')).toMatchObject({
      ok: false,
      field: "User",
    });
  });

  it("reports a vendor answer that is not JSON", () => {
    expect(parseResponse("devices/op", "<html>")).toMatchObject({ ok: false, field: "body" });
  });
});
