// The cockpit's charts (ECharts, SVG renderer, no inline script): the data comes from the
// json_script block the page renders; a click on a bar or slice opens the matters behind it.
(() => {
  const source = document.getElementById("cockpit-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const dark = document.body.classList.contains("cockpit-screen");
  const text = dark ? "#cbd5e1" : "#374151";
  // The large screen's dark wall takes brighter colours; the bars glow cyan.
  const palette = dark
    ? ["#38bdf8", "#f472b6", "#34d399", "#facc15", "#a78bfa", "#fb923c", "#22d3ee", "#f87171", "#a3e635", "#94a3b8"]
    : ["#9b1c1c", "#1d4ed8", "#15803d", "#ca8a04", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c", "#475569"];
  const split = dark ? { lineStyle: { color: "#1e3a5f" } } : {};
  // The screen's text grows with its height (12 px at 900 px high, 14 px at 1080).
  const fontSize = dark ? Math.max(11, Math.min(18, Math.round(window.innerHeight / 75))) : 12;
  const charts = [];

  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element) return null;
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(Object.assign({ animation: false, color: palette, textStyle: { color: text, fontSize } }, option));
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
      xAxis: { type: "value", axisLabel: { color: text }, splitLine: split },
      yAxis: { type: "category", data: sorted.map((i) => i.name), axisLabel: { color: text, width: 110, overflow: "truncate" } },
      series: [{ type: "bar", data: sorted, cursor: "pointer", itemStyle: { color: dark ? new echarts.graphic.LinearGradient(0, 0, 1, 0, [{ offset: 0, color: "#0369a1" }, { offset: 1, color: "#67e8f9" }]) : palette[0] }, label: { show: true, position: "right", color: text } }],
    });
  }

  draw("chart-status", {
    tooltip: { trigger: "item" },
    // On the screen the legend names each slice (the page has no table beside the ring).
    legend: dark ? { type: "scroll", orient: "vertical", right: 0, top: "middle", textStyle: { color: text, fontSize }, itemWidth: 10, itemHeight: 10, formatter: (name) => `${name} ${(data.status.find((s) => s.name === name) || {}).value}` } : undefined,
    series: [{ type: "pie", radius: dark ? ["40%", "68%"] : ["45%", "75%"], center: dark ? ["28%", "50%"] : ["50%", "50%"], data: data.status, cursor: "pointer", label: { show: false } }],
  });
  draw("chart-monthly", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll", textStyle: { color: text, fontSize }, pageTextStyle: { color: text } },
    grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.months, axisLabel: { color: text } },
    yAxis: { type: "value", axisLabel: { color: text }, splitLine: split },
    series: data.monthly.map((s) => ({ name: s.name, type: "bar", stack: "all", data: s.data })),
  });
  bars("chart-category", data.category);
  bars("chart-division", data.division);
  if (data.inspections.names.length) {
    draw("chart-inspections", {
      tooltip: { trigger: "axis" },
      legend: { top: 0, textStyle: { color: text, fontSize } },
      grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.inspections.names, axisLabel: { color: text, width: 120, overflow: "truncate" } },
      yAxis: { type: "value", max: 100, axisLabel: { color: text }, splitLine: split },
      series: [
        { name: data.inspections.labels[0], type: "bar", data: data.inspections.coverage },
        { name: data.inspections.labels[1], type: "bar", data: data.inspections.pass },
      ],
    });
  }
  draw("chart-fines", {
    tooltip: {},
    grid: { left: 10, right: 40, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: "value", axisLabel: { color: text }, splitLine: split },
    yAxis: { type: "category", data: data.fines.labels, axisLabel: { color: text } },
    series: [{ type: "bar", data: data.fines.values, label: { show: true, position: "right", color: text } }],
  });
  data.funnels.forEach((f, index) => {
    draw(`chart-funnel-${index}`, {
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "5%", width: "60%", top: 5, bottom: 5, minSize: "10%", data: f.steps, label: { position: "right", color: text, formatter: "{b} {c}" } }],
    });
  });
  // The districts' choropleth: Taiyuan's boundaries (WGS-84, /org/boundaries.geojson)
  // registered as an ECharts map, coloured by matters per 10,000 residents or overdue rate;
  // a click filters the cockpit to the district (its url), as the division filter does.
  const districts = data.districts;
  const mapElement = document.getElementById("chart-districts");
  if (districts && mapElement) {
    let metric = "per_10k";
    let chart = null;
    const tip = districts.tooltip;
    const option = () => {
      const values = districts.items.map((d) => d[metric]).filter((v) => v !== null && v !== undefined);
      const max = Math.max(1, ...values);
      return {
        tooltip: {
          trigger: "item",
          formatter: (p) => {
            const d = p.data;
            if (!d) return p.name;
            const shown = d[metric] === null ? tip.none : d[metric];
            return `${d.name}<br>${districts.metrics[metric]}：${shown}<br>${tip.matters} ${d.matters} · ${tip.overdue} ${d.overdue}` + (d.population ? `<br>${tip.population} ${d.population.toLocaleString()}` : "");
          },
        },
        visualMap: {
          type: "continuous", min: 0, max: max, calculable: false, left: 0, bottom: 0, itemHeight: dark ? 70 : 90, itemWidth: 10,
          text: [String(Math.round(max * 10) / 10), "0"], textStyle: { color: text, fontSize: fontSize - 1 },
          inRange: { color: dark ? ["#0c2a4a", "#0e7490", "#67e8f9"] : ["#fef3c7", "#f59e0b", "#9b1c1c"] },
        },
        series: [{
          type: "map", map: "longcheng-districts", roam: false, cursor: "pointer", selectedMode: false,
          layoutCenter: ["55%", "50%"], layoutSize: "95%",
          label: { show: true, color: dark ? "#e2e8f0" : "#1f2937", fontSize: fontSize - 2 },
          itemStyle: { borderColor: dark ? "#38bdf8" : "#ffffff", borderWidth: 1, areaColor: dark ? "#1e293b" : "#e5e7eb" },
          emphasis: { label: { color: dark ? "#fff" : "#000" }, itemStyle: { areaColor: dark ? "#0369a1" : "#fde68a" } },
          data: districts.items.map((d) => Object.assign({}, d, {
            value: d[metric],
            itemStyle: d.name === districts.selected ? { borderColor: dark ? "#facc15" : "#1d4ed8", borderWidth: 3 } : undefined,
          })),
        }],
      };
    };
    fetch(districts.boundaries, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((geo) => {
        if (!geo || !geo.features || !geo.features.length) return;
        echarts.registerMap("longcheng-districts", geo);
        chart = draw("chart-districts", option());
        if (chart && window.ResizeObserver) new ResizeObserver(() => chart.resize()).observe(mapElement);
        mapElement.dataset.ready = "1";
      });
    document.querySelectorAll("[data-metric]").forEach((button) => {
      button.addEventListener("click", () => {
        metric = button.dataset.metric;
        document.querySelectorAll("[data-metric]").forEach((b) => {
          b.classList.toggle("active", b === button);
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        if (chart) chart.setOption(option(), { replaceMerge: ["series"] });
        mapElement.dataset.metric = metric;
      });
    });
  }
  // Charts follow their box: the window turning (a phone), the sidebar opening, the screen.
  const resize = () => charts.forEach((c) => c.resize());
  window.addEventListener("resize", resize);
  if (window.ResizeObserver) {
    const observer = new ResizeObserver(resize);
    charts.forEach((c) => observer.observe(c.getDom()));
  }
  // The large screen reloads its figures every five minutes (a script, not a meta refresh: a
  // timed refresh in the page's head is one no reader can stop).
  if (dark) setTimeout(() => window.location.reload(), 300000);
  // The large screen's clock.
  const clock = document.querySelector("[data-clock]");
  if (clock) {
    const tick = () => { clock.textContent = new Date().toLocaleString(document.documentElement.lang || undefined, { hour12: false }); };
    tick();
    setInterval(tick, 1000);
  }
})();
