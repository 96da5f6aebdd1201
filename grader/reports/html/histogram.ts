/**
 * The score histogram as inline SVG, rendered once on the server side: it only
 * holds numbers, prints without script, and needs no chart library.
 */

export const BIN_COUNT = 10;

/** Counts per 10 % band of the maximum; a full score lands in the last band. */
export function binShares(shares: readonly number[], bins = BIN_COUNT): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const share of shares) {
    const index = Math.min(bins - 1, Math.max(0, Math.floor(share * bins)));
    counts[index]! += 1;
  }
  return counts;
}

/** A y-axis step giving at most ~5 whole-number ticks. */
function tickStep(max: number): number {
  for (const step of [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000]) {
    if (max / step <= 5) return step;
  }
  return Math.ceil(max / 5);
}

export function histogramSvg(shares: readonly number[]): string {
  const counts = binShares(shares);
  const width = 400;
  const height = 210;
  const left = 44;
  const right = 10;
  const top = 14;
  const bottom = 44;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const step = tickStep(Math.max(1, ...counts));
  const yMax = Math.max(step, Math.ceil(Math.max(1, ...counts) / step) * step);
  const barW = plotW / counts.length;
  const y = (v: number): number => top + plotH - (v / yMax) * plotH;

  const parts: string[] = [];
  for (let v = 0; v <= yMax; v += step) {
    parts.push(
      `<line class="grid" x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`,
      `<text class="tick" x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`,
    );
  }
  counts.forEach((count, i) => {
    const x = left + i * barW;
    if (count > 0) {
      parts.push(
        `<rect class="bar" x="${(x + 2).toFixed(1)}" y="${y(count).toFixed(1)}" width="${(barW - 4).toFixed(1)}" height="${(top + plotH - y(count)).toFixed(1)}"><title>${i * 10}–${i * 10 + 10} %: ${count}</title></rect>`,
        `<text class="count" x="${(x + barW / 2).toFixed(1)}" y="${(y(count) - 3).toFixed(1)}" text-anchor="middle">${count}</text>`,
      );
    }
  });
  for (let i = 0; i <= counts.length; i += 1) {
    const x = left + i * barW;
    parts.push(`<text class="tick" x="${x.toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle">${i * 10}</text>`);
  }
  parts.push(
    `<line class="axis" x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}"/>`,
    `<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}"/>`,
    `<text class="label" x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle">Score (% of maximum)</text>`,
    `<text class="label" transform="translate(12 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">Submissions</text>`,
  );
  const desc = counts.map((c, i) => `${i * 10}–${i * 10 + 10} %: ${c}`).join('; ');
  return (
    `<svg class="histogram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="hist-title hist-desc">` +
    `<title id="hist-title">Score histogram</title><desc id="hist-desc">Submissions per score band: ${desc}</desc>` +
    parts.join('') +
    `</svg>`
  );
}
