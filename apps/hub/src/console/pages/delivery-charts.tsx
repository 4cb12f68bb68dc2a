import type { Bucket } from "../../services/reports/delivery-stats.ts";

/** Attempts per time bucket as stacked bars (green delivered, red failed), drawn server-side. */
export function Sparkline(props: { buckets: Bucket[] }) {
  const width = 6;
  const gap = 2;
  const height = 28;
  const max = Math.max(1, ...props.buckets.map((b) => b.ok + b.failed));
  return (
    <svg
      class="spark"
      width={props.buckets.length * (width + gap)}
      height={height}
      role="img"
      aria-label="attempts over time"
    >
      {props.buckets.map((b, i) => {
        const x = i * (width + gap);
        const okH = Math.round((b.ok / max) * height);
        const badH = Math.round((b.failed / max) * height);
        if (okH + badH === 0) return <rect class="none" x={x} y={height - 1} width={width} height={1} />;
        return (
          <g>
            <title>{`${b.start.toISOString().slice(0, 16)}Z: ${b.ok} ok, ${b.failed} failed`}</title>
            <rect class="ok" x={x} y={height - okH} width={width} height={okH} />
            <rect class="bad" x={x} y={height - okH - badH} width={width} height={badH} />
          </g>
        );
      })}
    </svg>
  );
}

export const percent = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(1)}%`);
export const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);
