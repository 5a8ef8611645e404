/**
 * The chart panel beside the grid: draws the gateway's aggregate with Chart.js (canvas, no eval,
 * no injected styles: it works under the webview's strict CSP), says how many rows it summarises,
 * and offers Save Chart. Only the controllers and scales the four quick charts use are registered,
 * so the bundle carries no more of Chart.js than they need.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { ChartData, ChartSpec } from '../protocol';
import { chartConfigData, chartTitle } from './chart-spec';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip, Legend);

export interface ChartViewOptions {
  panel: HTMLElement;
  title: HTMLElement;
  note: HTMLElement;
  canvas: HTMLCanvasElement;
  save: HTMLButtonElement;
  close: HTMLButtonElement;
  locale?: string;
  onSave(): void;
}

export interface ChartView {
  /** Shows "computing…" for a chart asked for. */
  pending(spec: ChartSpec): void;
  show(data: ChartData): void;
  error(message: string): void;
  hide(): void;
}

/** The foreground colour of the VS Code theme, for axes and text. */
function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function createChartView(options: ChartViewOptions): ChartView {
  let chart: Chart | undefined;
  options.save.addEventListener('click', () => options.onSave());
  const hide = () => {
    chart?.destroy();
    chart = undefined;
    options.panel.hidden = true;
    options.panel.removeAttribute('data-chart-state');
  };
  options.close.addEventListener('click', hide);
  return {
    pending(spec) {
      options.panel.hidden = false;
      options.panel.dataset.chartState = 'loading';
      options.title.textContent = `${spec.kind}…`;
      options.note.textContent = 'Aggregating on the gateway…';
      options.save.disabled = true;
    },
    show(data) {
      chart?.destroy();
      options.panel.hidden = false;
      options.title.textContent = chartTitle(data);
      options.note.textContent = `From ${data.rowCount.toLocaleString('en-US')} rows, ${data.x.length.toLocaleString('en-US')} points aggregated on the gateway`;
      const { type, data: config } = chartConfigData(data, options.locale);
      const text = themeColor('--vscode-foreground', '#888');
      const accent = themeColor('--vscode-charts-blue', '#3794ff');
      for (const dataset of config.datasets) Object.assign(dataset, { backgroundColor: accent, borderColor: accent });
      chart = new Chart(options.canvas, {
        type,
        data: config,
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          color: text,
          plugins: { legend: { display: false } },
          scales: {
            x: { type: type === 'scatter' ? 'linear' : 'category', title: { display: true, text: data.xTitle, color: text }, ticks: { color: text, maxRotation: 60 } },
            y: { type: 'linear', title: { display: true, text: data.yTitle, color: text }, ticks: { color: text } },
          },
        },
      });
      options.save.disabled = false;
      options.panel.dataset.chartState = 'drawn';
      options.panel.dataset.chartKind = data.kind;
      options.panel.dataset.chartPoints = String(data.x.length);
    },
    error(message) {
      chart?.destroy();
      chart = undefined;
      options.panel.hidden = false;
      options.panel.dataset.chartState = 'error';
      options.title.textContent = 'No chart';
      options.note.textContent = message;
      options.save.disabled = true;
    },
    hide,
  };
}
