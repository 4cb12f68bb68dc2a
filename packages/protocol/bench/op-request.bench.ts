/**
 * `pnpm bench`: parse + normalise + validate a devices/op request (parseRequest) against bare
 * JSON.parse of the same bytes, in the same process, so the ratio is what matters, not the machine.
 * Also times the lenient reader alone and lossless-json (the library alternative it was weighed
 * against: it keeps big integers but neither trims keys nor reports line/column).
 */
import { parse as losslessParse } from "lossless-json";
import { parseLenientJson, parseRequest } from "../src/index.ts";

const body = JSON.stringify({
  UserID: "100013954770780042",
  Device: [
    {
      DeviceInfo: { "deviceID ": " C89346112DD5", deviceType: "02002001" },
      DeviceAttr: { "onOffStatus ": "True", laundryCycle: "5", runningstatus: "1", doorLockStatus: "True" },
    },
  ],
});
const headers = {
  PlatID: "MB-JDAPP-0000",
  AppID: "17592186044420",
  AccessToken: "TGT-5-e5tcvcZhlBxMSwN6Wnp9uWRU",
};

const WARMUP = 20_000;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200_000);

let sink = 0; // keeps results alive so the optimiser cannot drop the work

function measure(name: string, fn: () => unknown): number {
  for (let i = 0; i < WARMUP; i++) if (fn()) sink++;
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) if (fn()) sink++;
  const ns = Number(process.hrtime.bigint() - start);
  const opsPerSec = (ITERATIONS * 1e9) / ns;
  console.log(`${name.padEnd(44)} ${Math.round(opsPerSec).toLocaleString("en-US").padStart(12)} ops/s`);
  return opsPerSec;
}

const check = parseRequest("devices/op", body, headers);
if (!check.ok) throw new Error(`benchmark body does not validate: ${check.retInfo}`);

console.log(
  `devices/op request body, ${body.length} bytes; ${ITERATIONS.toLocaleString("en-US")} iterations`,
);
const bare = measure("JSON.parse", () => JSON.parse(body));
const lenient = measure("parseLenientJson", () => parseLenientJson(body).ok);
measure("lossless-json parse (no key trimming)", () => losslessParse(body));
const full = measure(
  "parseRequest (parse + normalise + validate)",
  () => parseRequest("devices/op", body, headers).ok,
);
console.log(`parseLenientJson / JSON.parse = ${(lenient / bare).toFixed(2)}`);
console.log(
  `parseRequest / JSON.parse    = ${(full / bare).toFixed(2)}  (JSON.parse is ${(bare / full).toFixed(1)}× faster)`,
);
if (sink < 0) console.log(sink);
