// Before/after bar charts (每月一题's weekly complaints, an emergency's hourly surge): every
// element with data-compare-chart draws the json_script block its data-source names:
// { labels: [...], series: [{ name, data: [n | null], colour }] }. No inline script (CSP).
(() => {
  if (typeof echarts === "undefined") return;
  document.querySelectorAll("[data-compare-chart]").forEach((element) => {
    const source = document.getElementById(element.dataset.source);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 10, right: 10, top: 36, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map((s) => ({
        name: s.name,
        type: s.type || "bar",
        stack: s.type === "line" ? undefined : "all",
        data: s.data,
        itemStyle: s.colour ? { color: s.colour } : undefined,
        lineStyle: s.type === "line" ? { type: "dashed" } : undefined,
      })),
    });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    if (window.ResizeObserver) new ResizeObserver(resize).observe(element);
    element.dataset.ready = "1";
  });
})();
