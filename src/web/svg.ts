/**
 * Charts drawn on the server as SVG: no script, no CDN, nothing fetched, so the pages work offline
 * and behind a firewall. Each chart is paired with a table holding the same numbers (html.ts). A few
 * dozen lines do this; a charting library would bring a DOM or a browser for two kinds of bars.
 */
import { esc } from "./escape.js";

export interface Bar {
  label: string;
  value: number;
}

const niceMax = (n: number) => {
  if (n <= 5) return Math.max(1, n);
  const step = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / step) * step;
};

/** Vertical bars (catches per week). `id` ties the SVG to its title for screen readers. */
export function columnChart(id: string, title: string, bars: Bar[], unit: string): string {
  const w = 480;
  const h = 200;
  const left = 34;
  const bottom = 30;
  const top = 16;
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const plotH = h - top - bottom;
  const slot = (w - left - 8) / Math.max(1, bars.length);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const grid = [0, max / 2, max]
    .map((v) => `<line x1="${left}" x2="${w - 4}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" class="axis" text-anchor="end">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`)
    .join("");
  const cols = bars
    .map((b, i) => {
      const x = left + i * slot + slot * 0.15;
      const bw = slot * 0.7;
      const bh = (b.value / max) * plotH;
      return (
        `<g><title>${esc(b.label)}: ${b.value} ${esc(unit)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${(top + plotH - bh).toFixed(1)}" width="${bw.toFixed(1)}" height="${bh.toFixed(1)}" rx="2" class="bar"/>` +
        (b.value > 0 ? `<text x="${(x + bw / 2).toFixed(1)}" y="${(top + plotH - bh - 4).toFixed(1)}" class="value" text-anchor="middle">${b.value}</text>` : "") +
        `<text x="${(x + bw / 2).toFixed(1)}" y="${h - 10}" class="axis" text-anchor="middle">${esc(b.label)}</text></g>`
      );
    })
    .join("");
  return `<svg viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-labelledby="${id}-t" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${esc(title)}</title>${grid}${cols}</svg>`;
}

/** Horizontal bars with their labels (evidence categories). */
export function barChart(id: string, title: string, bars: Bar[], unit: string): string {
  const w = 480;
  const row = 28;
  const label = 110;
  const h = Math.max(1, bars.length) * row + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars
    .map((b, i) => {
      const bw = ((w - label - 60) * b.value) / max;
      const y = 4 + i * row;
      return (
        `<g><title>${esc(b.label)}: ${b.value} ${esc(unit)}</title>` +
        `<text x="${label - 8}" y="${y + 17}" class="axis" text-anchor="end">${esc(b.label)}</text>` +
        `<rect x="${label}" y="${y + 4}" width="${Math.max(b.value > 0 ? 2 : 0, bw).toFixed(1)}" height="${row - 10}" rx="2" class="bar"/>` +
        `<text x="${(label + bw + 6).toFixed(1)}" y="${y + 17}" class="value">${b.value}</text></g>`
      );
    })
    .join("");
  return `<svg viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-labelledby="${id}-t" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${esc(title)}</title>${rows}</svg>`;
}
