// A fund's NAV and TVPI by quarter; data from the page's json_script block.
(() => {
  const holder = document.getElementById("history-chart");
  if (!holder) return;
  const data = JSON.parse(document.getElementById("history-data").textContent);
  const chart = echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: ["净值（万元）", "TVPI"] },
    grid: { left: 70, right: 50 },
    xAxis: { type: "category", data: data.quarters },
    yAxis: [{ type: "value", name: "万元" }, { type: "value", name: "TVPI" }],
    series: [
      { name: "净值（万元）", type: "bar", data: data.nav, itemStyle: { color: "#9b1c1c" } },
      { name: "TVPI", type: "line", yAxisIndex: 1, data: data.tvpi, itemStyle: { color: "#1f4e79" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
