/**
 * The Spending chart's geometry, apart from the DOM so it is tested in plain Node: one column per
 * day, stacked by model in a fixed model order (each model keeps its colour from day to day),
 * scaled to the busiest day.
 */

export interface ChartSegment {
  model: string;
  count: number;
  /** Index into the theme's chart colours. */
  colour: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartColumn {
  day: string;
  total: number;
  segments: ChartSegment[];
}

export interface ChartLayout {
  width: number;
  height: number;
  max: number;
  models: string[];
  columns: ChartColumn[];
}

const GAP = 2;

export function layoutChart(
  days: readonly { day: string; counts: Record<string, number> }[],
  size: { width: number; height: number },
): ChartLayout {
  const models = [...new Set(days.flatMap((d) => Object.keys(d.counts)))].sort();
  const totals = days.map((d) => Object.values(d.counts).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const step = days.length > 0 ? size.width / days.length : size.width;
  const columns = days.map((d, i) => {
    let top = size.height;
    const segments = models.flatMap((model, colour) => {
      const count = d.counts[model] ?? 0;
      if (count === 0) return [];
      const height = (count / max) * size.height;
      top -= height;
      return [{ model, count, colour, x: i * step + GAP / 2, y: top, width: Math.max(1, step - GAP), height }];
    });
    return { day: d.day, total: totals[i]!, segments };
  });
  return { width: size.width, height: size.height, max, models, columns };
}
