// The forest's charts; data from the page's json_script block.
(() => {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const bars = echarts.init(document.getElementById("leverage-chart"), null, { renderer: "svg" });
  bars.setOption({ animation: false, grid: { left: 160 }, xAxis: { type: "value" }, yAxis: { type: "category", data: data.funds }, series: [{ type: "bar", data: data.leverage, itemStyle: { color: "#9b1c1c" } }] });
  const pie = echarts.init(document.getElementById("industry-chart"), null, { renderer: "svg" });
  pie.setOption({ animation: false, tooltip: {}, series: [{ type: "pie", radius: "65%", data: data.industry }] });
})();
