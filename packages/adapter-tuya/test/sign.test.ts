import { randomUUID } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalUrl, sha256Hex, tuyaSign } from "../src/index.ts";
import { startTuyaSim, type TuyaSim } from "../src/sim/index.ts";

// Vectors computed outside this code base with `openssl dgst -sha256 -hmac` over hand-written
// strings-to-sign (parameters from the public docs' worked example).
const base = {
  clientId: "1KAD46OrT9HafiKdsXeg",
  secret: "4OHBOnWOqaEC1mWXOpVL3yV50s0qGSRC",
  t: "1588925778000",
  nonce: "5138cc3a9033d69856923fd07b491173",
};
const token = "3f4eda2bdec17232f67c0b188af3eec1";

describe("Tuya request signature", () => {
  it("matches independently computed vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const url = canonicalUrl("/v1.0/devices", [
      ["page_size", "20"],
      ["device_ids", "vdevo1,vdevo2"],
    ]);
    expect(url).toBe("/v1.0/devices?device_ids=vdevo1,vdevo2&page_size=20");
    expect(tuyaSign({ ...base, accessToken: token, method: "GET", url, body: "" })).toBe(
      "83A2461D719C598A778395F0683A5003587D3107DBBA71D61297565522B0F00A",
    );
    const body = '{"commands":[{"code":"switch","value":true}]}';
    const signedHeaders: [string, string][] = [["area_id", "29a39e7"]];
    expect(
      tuyaSign({
        ...base,
        accessToken: token,
        method: "POST",
        url: "/v1.0/devices/vdevo1/commands",
        body,
        signedHeaders,
      }),
    ).toBe("B28814A4752741A503F83D8A8AB75C3D6EA67F22685BC422B39CC7D6D07A7A62");
    // Token calls sign without an access token.
    expect(tuyaSign({ ...base, method: "GET", url: "/v1.0/token?grant_type=1", body: "" })).toBe(
      "3206F74CBFC2869794FD3013C44F18166BE22AB1FB5FF66F513212264F67F681",
    );
  });
});

describe("the Tuya sim enforces the signing rules", () => {
  let sim: TuyaSim;
  beforeAll(async () => {
    sim = await startTuyaSim({ clients: { cid: "secret" } });
  });
  afterAll(() => sim.close());

  async function send(opts: {
    t?: string;
    secret?: string;
    path?: string;
    method?: string;
    body?: string;
    token?: string;
    sentBody?: string;
    sentPath?: string;
  }) {
    const t = opts.t ?? String(Date.now());
    const nonce = randomUUID();
    const method = opts.method ?? "GET";
    const url = opts.path ?? "/v1.0/token?grant_type=1";
    const body = opts.body ?? "";
    const accessToken = opts.token;
    const sign = tuyaSign({
      clientId: "cid",
      secret: opts.secret ?? "secret",
      accessToken,
      t,
      nonce,
      method,
      url,
      body,
    });
    const headers: Record<string, string> = { client_id: "cid", t, nonce, sign, sign_method: "HMAC-SHA256" };
    if (accessToken) headers.access_token = accessToken;
    const sent = opts.sentBody ?? body;
    const res = await request(`${sim.url}${opts.sentPath ?? url}`, {
      method: method as "GET",
      headers,
      body: sent || undefined,
    });
    return (await res.body.json()) as { success: boolean; code?: number; msg?: string; result?: unknown };
  }

  it("answers a correctly signed token request", async () => {
    const answer = await send({});
    expect(answer.success).toBe(true);
    expect(answer.result).toMatchObject({ access_token: expect.any(String), expire_time: 7200 });
  });

  it("refuses a wrong secret, a tampered body and a stale timestamp with Tuya's envelope", async () => {
    expect(await send({ secret: "guess" })).toMatchObject({
      success: false,
      code: 1004,
      msg: "sign invalid",
    });
    const token = ((await send({})).result as { access_token: string }).access_token;
    const path = `/v1.0/devices/${sim.idOf(sim.deviceIds[0] ?? "")}/commands`;
    const body = JSON.stringify({ commands: [{ code: "switch", value: false }] });
    const signed = { method: "POST", path, body, token };
    expect(await send(signed)).toMatchObject({ success: true });
    expect(await send({ ...signed, sentBody: body.replace("false", "true") })).toMatchObject({ code: 1004 });
    expect(await send({ ...signed, sentPath: path.replace("0001", "0002") })).toMatchObject({ code: 1004 });
    expect(await send({ ...signed, token: "stale" })).toMatchObject({
      success: false,
      code: 1010,
      msg: "token invalid",
    });
    expect(await send({ t: String(Date.now() - 10 * 60_000) })).toMatchObject({ success: false, code: 1013 });
    expect(await send({ t: "1588925778" })).toMatchObject({ success: false, code: 1013 });
  });
});
