// A small hand-drawn SVG line chart: panels side by side, a log2 concurrency axis, a linear value
// axis from zero, one line per series with a legend. No dependencies, deterministic output.

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly (readonly [x: number, y: number])[];
}

export interface Panel {
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel: string;
  readonly series: readonly Series[];
}

const PANEL_W = 480;
const PANEL_H = 360;
const M = { left: 64, right: 20, top: 44, bottom: 78 };

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^k) at or above `value`; 1 for non-positive input. */
export function niceCeil(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= value - 1e-9) return step * exp;
  return 10 * exp;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 1 : 0);
}

function panelSvg(panel: Panel, offsetX: number): string {
  const xs = [...new Set(panel.series.flatMap((s) => s.points.map(([x]) => x)))]
    .filter((x) => x > 0)
    .sort((a, b) => a - b);
  const ys = panel.series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => Number.isFinite(y));
  const yMax = niceCeil(Math.max(0, ...ys) * 1.05);
  const minLog = Math.log2(xs[0] ?? 1);
  const maxLog = Math.log2(xs[xs.length - 1] ?? 2);
  const spanLog = maxLog - minLog || 1;
  const plotW = PANEL_W - M.left - M.right;
  const plotH = PANEL_H - M.top - M.bottom;
  const px = (x: number) => offsetX + M.left + ((Math.log2(x) - minLog) / spanLog) * plotW;
  const py = (y: number) => M.top + plotH - (y / yMax) * plotH;
  const out: string[] = [];
  out.push(
    `<text x="${offsetX + PANEL_W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    const y = py(v).toFixed(1);
    out.push(
      `<line x1="${offsetX + M.left}" y1="${y}" x2="${offsetX + PANEL_W - M.right}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${offsetX + M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="12">${fmt(v)}</text>`,
    );
  }
  for (const x of xs) {
    const xp = px(x).toFixed(1);
    out.push(
      `<line x1="${xp}" y1="${M.top}" x2="${xp}" y2="${M.top + plotH}" stroke="#eee"/>`,
      `<text x="${xp}" y="${M.top + plotH + 18}" text-anchor="middle" font-size="12">${x}</text>`,
    );
  }
  out.push(
    `<rect x="${offsetX + M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
    `<text x="${offsetX + M.left + plotW / 2}" y="${M.top + plotH + 38}" text-anchor="middle" font-size="13">${escapeXml(panel.xLabel)}</text>`,
    `<text transform="translate(${offsetX + 16},${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(panel.yLabel)}</text>`,
  );
  for (const s of panel.series) {
    const pts = s.points.filter(([x, y]) => x > 0 && Number.isFinite(y));
    // a path, not a polyline: some renderers (ImageMagick's) close polylines
    const path = pts
      .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
      .join(' ');
    out.push(
      `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2.5"${s.dashed === true ? ' stroke-dasharray="7 4"' : ''}/>`,
    );
    for (const [x, y] of pts) {
      out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${s.color}"/>`);
    }
  }
  panel.series.forEach((s, i) => {
    const lx = offsetX + M.left + 8 + i * 220;
    const ly = PANEL_H - 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${s.dashed === true ? ' stroke-dasharray="7 4"' : ''}/>`,
      `<text x="${lx + 32}" y="${ly}" dominant-baseline="middle" font-size="12">${escapeXml(s.label)}</text>`,
    );
  });
  return out.join('\n');
}

/** An SVG document with the panels side by side and a caption line under them. */
export function renderChart(panels: readonly Panel[], caption: string): string {
  const width = PANEL_W * panels.length;
  const height = PANEL_H + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...panels.map((p, i) => panelSvg(p, i * PANEL_W)),
    `<text x="${width / 2}" y="${height - 6}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
