/**
 * The Spending view's page: draws the ledger the host posts as SVG bar charts (images per day,
 * and spend per day when priced), stacked by model, with month totals. Every bar is reachable by
 * Tab and names its day and figures, so the chart is read by keyboard and screen reader too.
 */
import { type ChartLayout, layoutChart } from '../../src/shared/spendingChart';
import { type SpendingData, spendingDataSchema } from '../../src/shared/spendingMessages';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = { width: 600, height: 160 };
const root = document.getElementById('spending')!;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function svg(tag: string, attributes: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function money(data: SpendingData, amount: number): string {
  const c = data.currency.trim();
  return /^[A-Za-z]{2,}$/.test(c) ? `${c} ${amount.toFixed(2)}` : `${c}${amount.toFixed(2)}`;
}

function spendOf(data: SpendingData, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([m, n]) => [m, n * (data.prices[m] ?? 0)]));
}

/** One chart: a labelled SVG picture whose columns are focusable and titled. */
function chart(
  layout: ChartLayout,
  label: string,
  describe: (column: ChartLayout['columns'][number]) => string,
): SVGElement {
  const picture = svg('svg', {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'img',
    'aria-label': label,
    class: 'chart',
    'data-testid': 'spending-chart',
  });
  picture.appendChild(svg('line', { x1: 0, y1: layout.height, x2: layout.width, y2: layout.height, class: 'axis' }));
  for (const column of layout.columns) {
    const group = svg('g', { tabindex: 0, class: 'column', 'aria-label': describe(column) });
    const title = svg('title', {});
    title.textContent = describe(column);
    group.appendChild(title);
    const step = layout.width / layout.columns.length;
    const x = layout.columns.indexOf(column) * step;
    group.appendChild(svg('rect', { x, y: 0, width: step, height: layout.height, class: 'hit' }));
    for (const s of column.segments)
      group.appendChild(
        svg('rect', { x: s.x, y: s.y, width: s.width, height: s.height, class: `bar c${s.colour % 6}` }),
      );
    picture.appendChild(group);
  }
  return picture;
}

function legend(models: string[]): HTMLElement {
  const list = el('ul', undefined, 'legend');
  models.forEach((model, i) => {
    const item = el('li');
    item.append(el('span', undefined, `swatch c${i % 6}`), document.createTextNode(model));
    list.appendChild(item);
  });
  return list;
}

function describeCounts(counts: Record<string, number>, format: (n: number) => string): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([m, n]) => `${m}: ${format(n)}`)
    .join(', ');
}

function render(data: SpendingData): void {
  const s = data.strings;
  root.replaceChildren(el('h1', s.title));
  const priced = Object.keys(data.prices).length > 0;
  const images = layoutChart(data.days, SIZE);
  if (images.models.length === 0) root.appendChild(el('p', s.empty, 'empty'));
  const day = (c: { day: string; total: number }, counts: Record<string, number>, f: (n: number) => string) =>
    `${c.day}: ${f(c.total)}${c.total > 0 ? ` (${describeCounts(counts, f)})` : ''}`;
  const countsOf = (d: string) => data.days.find((x) => x.day === d)?.counts ?? {};
  root.append(
    el('h2', s.images),
    chart(images, s.summary, (c) => day(c, countsOf(c.day), String)),
    legend(images.models),
  );
  if (priced) {
    const spendDays = data.days.map((d) => ({ day: d.day, counts: spendOf(data, d.counts) }));
    const spend = layoutChart(spendDays, SIZE);
    const f = (n: number) => money(data, n);
    root.append(
      el('h2', s.spend),
      chart(spend, s.spend, (c) => day(c, spendOf(data, countsOf(c.day)), f)),
    );
  }
  root.appendChild(el('h2', s.months));
  const months = el('ul', undefined, 'months');
  for (const m of data.months) {
    const n = Object.values(m.counts).reduce((a, b) => a + b, 0);
    const cost = priced
      ? ` · ${money(
          data,
          Object.values(spendOf(data, m.counts)).reduce((a, b) => a + b, 0),
        )}`
      : '';
    months.appendChild(el('li', `${m.month}: ${n}${cost}`));
  }
  root.appendChild(months);
  root.removeAttribute('aria-busy');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = spendingDataSchema.safeParse(event.data);
  if (parsed.success) render(parsed.data);
});
acquireVsCodeApi().postMessage({ type: 'ready' });
