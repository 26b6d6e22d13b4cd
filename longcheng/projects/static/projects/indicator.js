// An indicator's months: actual, last year and target; data from the json_script block.
(() => {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const chart = echarts.init(document.getElementById("indicator-chart"), null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.actual, data.labels.last_year, data.labels.target] },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value" },
    series: [
      { name: data.labels.actual, type: "bar", data: data.actual, itemStyle: { color: "#9b1c1c" } },
      { name: data.labels.last_year, type: "bar", data: data.last_year, itemStyle: { color: "#c9c9c9" } },
      { name: data.labels.target, type: "line", data: data.target, connectNulls: true, itemStyle: { color: "#1d4ed8" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
