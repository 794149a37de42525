// Haven dashboard: draws the aggregate figures embedded in the page with Chart.js (served by Haven).
(function () {
  "use strict";
  var el = document.getElementById("dashboard-data");
  if (!el || !window.Chart) { return; }
  var data = JSON.parse(el.textContent);
  window.Chart.defaults.animation = false;
  var triageColours = { URGENT: "#a4161a", LIKELY_IN_MANDATE: "#0b5cad", POSSIBLY_IN_MANDATE: "#2e7d32", OUTSIDE_MANDATE: "#b26a00", PERSON_ASKED: "#6a1b9a" };
  var palette = ["#0b5cad", "#2e7d32", "#b26a00", "#6a1b9a", "#a4161a", "#00838f"];
  function draw(id, config) {
    var canvas = document.getElementById("chart-" + id);
    if (canvas) { new window.Chart(canvas, config); }
  }
  var weeks = Array.from(new Set(data.weekly.map(function (r) { return r.week; }))).sort();
  var channels = Array.from(new Set(data.weekly.map(function (r) { return r.channel; }))).sort();
  draw("weekly", { type: "bar", data: { labels: weeks, datasets: channels.map(function (c, i) {
      return { label: c, backgroundColor: palette[i % palette.length], data: weeks.map(function (w) {
        var row = data.weekly.find(function (r) { return r.week === w && r.channel === c; });
        return row ? row.n : 0; }) };
    }) }, options: { responsive: true, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } });
  draw("triage", { type: "doughnut", data: { labels: data.triage.map(function (r) { return r.label; }),
    datasets: [{ data: data.triage.map(function (r) { return r.n; }), backgroundColor: data.triage.map(function (r) { return triageColours[r.triage] || "#6a1b9a"; }) }] },
    options: { responsive: true, aspectRatio: 2 } });
  draw("replies", { type: "line", data: { labels: data.replies.map(function (r) { return r.week; }), datasets: [
      { label: "median (h)", borderColor: "#0b5cad", data: data.replies.map(function (r) { return r.p50; }) },
      { label: "90th percentile (h)", borderColor: "#b26a00", data: data.replies.map(function (r) { return r.p90; }) }] },
    options: { responsive: true, scales: { y: { beginAtZero: true } } } });
  draw("open", { type: "bar", data: { labels: data.open.map(function (r) { return r.working_group; }), datasets: [
      { label: "new", backgroundColor: "#0b5cad", data: data.open.map(function (r) { return r.queued; }) },
      { label: "in progress", backgroundColor: "#2e7d32", data: data.open.map(function (r) { return r.in_progress; }) },
      { label: "urgent", backgroundColor: "#a4161a", data: data.open.map(function (r) { return r.urgent; }) }] },
    options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
})();
