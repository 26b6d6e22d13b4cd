// The cockpit's charts (ECharts, SVG renderer, no inline script): the data comes from the
// json_script block the page renders; a click on a bar or slice opens the matters behind it.
(() => {
  const source = document.getElementById("cockpit-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const dark = document.body.classList.contains("cockpit-screen");
  const text = dark ? "#e5e7eb" : "#374151";
  const palette = ["#9b1c1c", "#1d4ed8", "#15803d", "#ca8a04", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c", "#475569"];
  const charts = [];

  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element) return null;
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(Object.assign({ animation: false, color: palette, textStyle: { color: text } }, option));
    chart.on("click", (params) => {
      if (params.data && params.data.url) window.location.href = params.data.url;
    });
    charts.push(chart);
    return chart;
  }

  function bars(id, items) {
    const sorted = items.slice().reverse();
    draw(id, {
      tooltip: {},
      grid: { left: 10, right: 30, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", axisLabel: { color: text } },
      yAxis: { type: "category", data: sorted.map((i) => i.name), axisLabel: { color: text } },
      series: [{ type: "bar", data: sorted, cursor: "pointer", itemStyle: { color: palette[0] }, label: { show: true, position: "right", color: text } }],
    });
  }

  draw("chart-status", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["45%", "75%"], data: data.status, cursor: "pointer", label: { show: false } }],
  });
  draw("chart-monthly", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll", textStyle: { color: text } },
    grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.months, axisLabel: { color: text } },
    yAxis: { type: "value", axisLabel: { color: text } },
    series: data.monthly.map((s) => ({ name: s.name, type: "bar", stack: "all", data: s.data })),
  });
  bars("chart-category", data.category);
  bars("chart-division", data.division);
  if (data.inspections.names.length) {
    draw("chart-inspections", {
      tooltip: { trigger: "axis" },
      legend: { top: 0, textStyle: { color: text } },
      grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.inspections.names, axisLabel: { color: text, width: 120, overflow: "truncate" } },
      yAxis: { type: "value", max: 100, axisLabel: { color: text } },
      series: [
        { name: data.inspections.labels[0], type: "bar", data: data.inspections.coverage },
        { name: data.inspections.labels[1], type: "bar", data: data.inspections.pass },
      ],
    });
  }
  draw("chart-fines", {
    tooltip: {},
    grid: { left: 10, right: 40, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: "value", axisLabel: { color: text } },
    yAxis: { type: "category", data: data.fines.labels, axisLabel: { color: text } },
    series: [{ type: "bar", data: data.fines.values, label: { show: true, position: "right", color: text } }],
  });
  data.funnels.forEach((f, index) => {
    draw(`chart-funnel-${index}`, {
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "5%", width: "60%", top: 5, bottom: 5, minSize: "10%", data: f.steps, label: { position: "right", color: text, formatter: "{b} {c}" } }],
    });
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
