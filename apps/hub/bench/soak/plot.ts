/**
 * The soak's plot: one small chart per measure, minutes on the x axis, as an SVG written by hand
 * (no charting dependency). `shade` marks the minutes a receiver was down.
 */
export interface Series {
  title: string;
  unit: string;
  lines: { name: string; color: string; values: number[] }[];
}

const W = 420;
const H = 170;
const PAD = { left: 58, right: 12, top: 26, bottom: 28 };

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const fmt = (v: number) =>
  v >= 1e6
    ? `${(v / 1e6).toFixed(1)}M`
    : v >= 1e3
      ? `${(v / 1e3).toFixed(v >= 1e4 ? 0 : 1)}k`
      : `${+v.toFixed(1)}`;

function chart(s: Series, x0: number, y0: number, minutes: number, shade?: [number, number]): string {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const max = niceMax(Math.max(...s.lines.flatMap((l) => l.values.filter(Number.isFinite))));
  const px = (m: number) => x0 + PAD.left + (minutes <= 1 ? 0 : ((m - 1) / (minutes - 1)) * iw);
  const py = (v: number) => y0 + PAD.top + ih - (v / max) * ih;
  const out: string[] = [];
  out.push(
    `<text x="${x0 + PAD.left}" y="${y0 + 16}" font-size="13" font-weight="bold">${s.title} (${s.unit})</text>`,
  );
  if (shade)
    out.push(
      `<rect x="${px(shade[0])}" y="${y0 + PAD.top}" width="${Math.max(1, px(shade[1]) - px(shade[0]))}" height="${ih}" fill="#f4d9d9"/>`,
    );
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    out.push(
      `<line x1="${x0 + PAD.left}" x2="${x0 + PAD.left + iw}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/>`,
      `<text x="${x0 + PAD.left - 4}" y="${py(v) + 4}" font-size="10" text-anchor="end">${fmt(v)}</text>`,
    );
  }
  const step = minutes > 12 ? 5 : minutes > 6 ? 2 : 1;
  for (let m = 1; m <= minutes; m++) {
    if (m !== 1 && m % step !== 0) continue;
    out.push(`<text x="${px(m)}" y="${y0 + H - 10}" font-size="10" text-anchor="middle">${m}</text>`);
  }
  s.lines.forEach((l, i) => {
    const pts = l.values
      .map((v, k) => (Number.isFinite(v) ? `${px(k + 1).toFixed(1)},${py(v).toFixed(1)}` : ""))
      .filter(Boolean)
      .join(" ");
    out.push(`<polyline fill="none" stroke="${l.color}" stroke-width="1.8" points="${pts}"/>`);
    if (s.lines.length > 1)
      out.push(
        `<text x="${x0 + W - PAD.right - 4}" y="${y0 + 16 + i * 12}" font-size="10" text-anchor="end" fill="${l.color}">${l.name}</text>`,
      );
  });
  return out.join("\n");
}

export function soakSvg(title: string, series: Series[], minutes: number, shade?: [number, number]): string {
  const cols = 2;
  const rows = Math.ceil(series.length / cols);
  const width = cols * W;
  const height = rows * H + 40;
  const charts = series.map((s, i) =>
    chart(s, (i % cols) * W, 40 + Math.floor(i / cols) * H, minutes, shade),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img">`,
    `<title>${title}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="24" font-size="15" font-weight="bold">${title}</text>`,
    `<text x="${width - 12}" y="24" font-size="11" text-anchor="end">x: minute of the soak; shaded: a receiver down</text>`,
    ...charts,
    "</svg>",
    "",
  ].join("\n");
}
