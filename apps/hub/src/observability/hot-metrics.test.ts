import { AggregatorRegistry, Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { HotCounter, HotHistogram } from "./hot-metrics.ts";

const BUCKETS = [0.005, 0.01, 0.1, 1];

/** The same observations fed to prom-client's own classes and to ours must expose the same text. */
describe("hot metrics", () => {
  it("expose exactly what prom-client's Counter and Histogram expose for the same observations", async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const family = { name: "t_requests_total", help: "requests", labelNames: ["route", "code"] as const };
    const counter = new Counter({ ...family, registers: [theirs] });
    const hotCounter = new HotCounter({ ...family, registers: [ours] });
    const hist = {
      name: "t_duration_seconds",
      help: "latency",
      labelNames: ["route"] as const,
      buckets: BUCKETS,
    };
    const histogram = new Histogram({ ...hist, registers: [theirs] });
    const hotHistogram = new HotHistogram({ ...hist, registers: [ours] });

    const observations: [string, string, number][] = [
      ["/v1/devices/op", "200", 0.004],
      ["/v1/devices/op", "200", 0.005], // on a bound: counted in that bucket
      ["/v1/devices/op", "502", 0.2],
      ["/v1/user/login", "200", 3], // above every bound: only +Inf
      ['/odd "route"\\', "400", 0.01],
    ];
    for (const [route, code, seconds] of observations) {
      counter.inc({ route, code });
      hotCounter.inc([route, code]);
      histogram.observe({ route }, seconds);
      hotHistogram.observe([route], seconds);
    }
    counter.inc({ route: "/v1/devices/op", code: "200" }, 5);
    hotCounter.inc(["/v1/devices/op", "200"], 5);

    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    // Several HTTP processes: the primary sums what each process's registry answers as JSON.
    const summed = async (registry: Registry) => {
      const json = await registry.getMetricsAsJSON();
      return AggregatorRegistry.aggregate([json, json]).metrics();
    };
    const twice = await summed(ours);
    expect(twice).toBe(await summed(theirs));
    expect(twice).toContain('t_duration_seconds_bucket{le="0.005",route="/v1/devices/op"} 4');
    expect(text).toContain('t_requests_total{route="/v1/devices/op",code="200"} 7');
    expect(text).toContain('t_duration_seconds_bucket{le="0.005",route="/v1/devices/op"} 2');
    expect(text).toContain('t_duration_seconds_bucket{le="+Inf",route="/v1/user/login"} 1');
  });

  it("starts over on reset, like the registry's resetMetrics", async () => {
    const registry = new Registry();
    const counter = new HotCounter({
      name: "t_total",
      help: "h",
      labelNames: ["a"] as const,
      registers: [registry],
    });
    counter.inc(["x"]);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('t_total{a="x"}');
  });
});
