// The roadmap as an ECharts Gantt: planned and actual bars per task/project, milestones as
// diamonds; tooltips name the dates and the status; dataZoom (slider, wheel, pinch) and the
// 月/季/年/全部 buttons set the window. Data from the json_script block "gantt-data".
(() => {
  const el = document.getElementById("gantt-chart");
  if (!el || typeof echarts === "undefined") return;
  const data = JSON.parse(document.getElementById("gantt-data").textContent);
  const w = data.words;
  const rows = data.rows;
  const DAY = 86400000;
  const t = (iso) => new Date(iso + "T00:00:00").getTime();
  const shown = (iso) => iso || w.none;
  const COLOURS = { green: "#15803d", yellow: "#ca8a04", red: "#b91c1c" };
  const names = rows.map((r) => (r.level ? "  " : "") + r.label);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  const bars = [];
  rows.forEach((r, i) => {
    bars.push({ value: [i, t(r.planned[0]), t(r.planned[1]), 0], row: r, kind: "planned" });
    if (r.actual) bars.push({ value: [i, t(r.actual[0]), t(r.actual[1]), 1], row: r, kind: "actual" });
  });
  const marks = [];
  rows.forEach((r, i) => {
    r.milestones.forEach((m) => {
      marks.push({
        value: [t(m.actual || m.planned), i],
        milestone: m,
        row: r,
        itemStyle: { color: m.overdue ? "#b91c1c" : m.actual ? "#15803d" : "#1d4ed8" },
      });
    });
  });

  const tip = (p) => {
    const d = p.data;
    if (d.milestone) {
      const m = d.milestone;
      return `<strong>◆ ${esc(m.name)}</strong><br>${esc(d.row.label)}<br>` +
        `${esc(w.planned)}：${esc(m.planned)}<br>${esc(w.actual)}：${esc(shown(m.actual))}<br>` +
        `${esc(w.status)}：${esc(m.status)}`;
    }
    const r = d.row;
    let text = `<strong>${esc(r.label)}</strong><br>${esc(w.planned)}：${esc(r.planned[0])} — ${esc(r.planned[1])}`;
    text += `<br>${esc(w.actual)}：${r.actual ? esc(r.actual[0]) + " — " + esc(r.actual[1]) : esc(w.none)}`;
    if (r.colour_label) text += `<br>${esc(w.colour)}：${esc(r.colour_label)}`;
    return text;
  };

  const chart = echarts.init(el, null, { renderer: "svg" });
  const rowHeight = 34;
  el.style.height = Math.max(220, rows.length * rowHeight + 110) + "px";
  chart.resize();
  chart.setOption({
    animation: false,
    tooltip: { trigger: "item", confine: true, formatter: tip },
    grid: { left: 8, right: 16, top: 12, bottom: 64, containLabel: true },
    xAxis: { type: "time", min: t(data.start), max: t(data.end), axisLabel: { hideOverlap: true } },
    yAxis: {
      type: "category",
      data: names,
      inverse: true,
      axisLabel: { width: el.clientWidth < 500 ? 90 : 220, overflow: "truncate" },
    },
    dataZoom: [
      { type: "slider", xAxisIndex: 0, filterMode: "weakFilter", bottom: 8, height: 22 },
      { type: "inside", xAxisIndex: 0, filterMode: "weakFilter" },
    ],
    series: [
      {
        type: "custom",
        name: w.planned,
        encode: { x: [1, 2], y: 0 },
        data: bars,
        renderItem: (params, api) => {
          const row = api.value(0);
          const actual = api.value(3) === 1;
          const a = api.coord([api.value(1), row]);
          const b = api.coord([api.value(2), row]);
          const band = api.size([0, 1])[1];
          const h = band * (actual ? 0.22 : 0.3);
          const y = a[1] + (actual ? band * 0.06 : -band * 0.32);
          const shape = echarts.graphic.clipRectByRect(
            { x: a[0], y, width: Math.max(b[0] - a[0], 2), height: h },
            { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height },
          );
          const item = bars[params.dataIndex];
          const fill = actual ? COLOURS[item.row.colour] || COLOURS.green : "#cbd5e1";
          return shape && { type: "rect", shape, style: { fill } };
        },
      },
      {
        type: "scatter",
        name: w.milestone,
        symbol: "diamond",
        symbolSize: 13,
        data: marks,
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { color: "#9b1c1c", type: "solid" },
          label: { show: false },
          data: [{ xAxis: t(data.today) }],
        },
      },
    ],
  });
  chart.on("click", (p) => {
    const row = p.data && p.data.row;
    if (row && row.url) window.location.href = row.url;
  });

  const first = t(data.start);
  const last = t(data.end);
  const today = t(data.today);
  const centre = today >= first && today <= last ? today : (first + last) / 2;
  const HALF = { month: 31 * DAY, quarter: 92 * DAY, year: 366 * DAY };
  const buttons = document.querySelectorAll("[data-gantt-zoom]");
  buttons.forEach((button) => {
    button.addEventListener("click", () => {
      const span = HALF[button.dataset.ganttZoom];
      const action = span
        ? { startValue: Math.max(first, centre - span), endValue: Math.min(last, centre + span) }
        : { start: 0, end: 100 };
      chart.dispatchAction({ type: "dataZoom", dataZoomIndex: 0, ...action });
      buttons.forEach((b) => b.classList.toggle("active", b === button));
      el.dataset.zoom = button.dataset.ganttZoom;
    });
  });
  chart.on("datazoom", () => {
    const zoom = chart.getOption().dataZoom[0];
    el.dataset.window = `${new Date(zoom.startValue).toISOString().slice(0, 10)}/${new Date(zoom.endValue).toISOString().slice(0, 10)}`;
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", () => chart.resize());
})();
