import type { Bucket } from "../../services/reports/delivery-stats.ts";

const hhmm = (d: Date) => `${d.toISOString().slice(11, 16)}Z`;

/**
 * Attempts per time bucket as stacked bars (green delivered, red failed), drawn server-side,
 * with axes: the count scale on the left (0 and the tallest bar), the window's start, middle
 * and end in UTC below.
 */
export function Sparkline(props: { buckets: Bucket[]; bucketMs: number }) {
  const width = 6;
  const gap = 2;
  const height = 28;
  const left = 26;
  const bottom = 12;
  const max = Math.max(1, ...props.buckets.map((b) => b.ok + b.failed));
  const plotWidth = props.buckets.length * (width + gap);
  const first = props.buckets[0]?.start;
  const end = first ? new Date(first.getTime() + props.buckets.length * props.bucketMs) : undefined;
  const middle = first && end ? new Date((first.getTime() + end.getTime()) / 2) : undefined;
  return (
    <svg
      class="spark"
      width={left + plotWidth + 4}
      height={height + bottom + 2}
      role="img"
      aria-label={`attempts per ${props.bucketMs / 3_600_000} h, at most ${max}`}
    >
      <g class="axis">
        <line x1={left - 2} y1={0} x2={left - 2} y2={height} />
        <line x1={left - 2} y1={height} x2={left + plotWidth} y2={height} />
        <text x={left - 4} y={8} text-anchor="end" class="tick y-max">
          {String(max)}
        </text>
        <text x={left - 4} y={height} text-anchor="end" class="tick y-min">
          0
        </text>
        {first && (
          <text x={left} y={height + bottom} text-anchor="start" class="tick x-start">
            {hhmm(first)}
          </text>
        )}
        {middle && (
          <text x={left + plotWidth / 2} y={height + bottom} text-anchor="middle" class="tick x-middle">
            {hhmm(middle)}
          </text>
        )}
        {end && (
          <text x={left + plotWidth} y={height + bottom} text-anchor="end" class="tick x-end">
            {hhmm(end)}
          </text>
        )}
      </g>
      {props.buckets.map((b, i) => {
        const x = left + i * (width + gap);
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
