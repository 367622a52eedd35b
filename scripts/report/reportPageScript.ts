/**
 * The browser side of report.html, as source text: it reads the report from the JSON data island and draws
 * the three charts with the inlined Chart.js UMD build (global `Chart`). Plain ES2020, no imports: the page
 * must work from file:// with no network. The charts are left on `window.reportCharts` for tests.
 */
export const reportPageScript = String.raw`
(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var ts = report.timeseries;
  var RED = '#d62728', GREY = '#b8b8b8', ORANGE = '#ff9f1c';
  var VERSION_COLORS = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b'];
  var versions = Object.keys(ts.okByVersion);
  report.pods.forEach(function (p) { if (versions.indexOf(p.version) < 0) versions.push(p.version); });
  versions.sort();
  function colorOf(version) { var i = versions.indexOf(version); return VERSION_COLORS[(i < 0 ? 0 : i) % VERSION_COLORS.length]; }
  function sec(ms) { return ms === null || ms === undefined ? null : ms / 1000; }

  // One x range (seconds from the time origin) for all three charts, so they line up.
  var lo = 0, hi = ts.second.length;
  report.pods.forEach(function (p) {
    ['created', 'ready', 'terminating', 'exited'].forEach(function (k) {
      var v = sec(p.offsetsMs[k]);
      if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    });
  });
  [report.rollout.startedOffsetMs, report.rollout.completedOffsetMs].forEach(function (ms) {
    if (ms !== null) hi = Math.max(hi, ms / 1000);
  });
  lo = Math.floor(lo / 5) * 5; hi = Math.ceil(hi);

  var markers = [];
  if (report.rollout.startedOffsetMs !== null) markers.push({ at: sec(report.rollout.startedOffsetMs), label: 'rollout started' });
  if (report.rollout.completedOffsetMs !== null) markers.push({ at: sec(report.rollout.completedOffsetMs), label: 'rollout complete' });
  var markerPlugin = {
    id: 'rolloutMarkers',
    afterDatasetsDraw: function (chart) {
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      markers.forEach(function (m, i) {
        var px = x.getPixelForValue(m.at);
        if (px < area.left || px > area.right) return;
        ctx.strokeStyle = '#333'; ctx.lineWidth = 1.5; ctx.setLineDash([6, 4]);
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
        ctx.setLineDash([]); ctx.font = '12px sans-serif';
        var w = ctx.measureText(m.label).width, tx = i === 0 ? px - 4 - w : px + 4;
        ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(tx - 2, area.top + 1, w + 4, 15);
        ctx.fillStyle = '#333'; ctx.textAlign = 'left';
        ctx.fillText(m.label, tx, area.top + 12);
      });
      ctx.restore();
    },
  };
  // A few failures among 100 answers a second are a sliver of red: flag every second that had any.
  var failureFlags = {
    id: 'failureFlags',
    afterDatasetsDraw: function (chart) {
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save(); ctx.fillStyle = RED; ctx.font = 'bold 11px sans-serif'; ctx.textAlign = 'center';
      ts.failed.forEach(function (n, i) {
        if (n === 0) return;
        var px = x.getPixelForValue(ts.second[i] + 0.5);
        ctx.beginPath(); ctx.moveTo(px - 5, area.top - 10); ctx.lineTo(px + 5, area.top - 10); ctx.lineTo(px, area.top - 3); ctx.fill();
        ctx.fillText(String(n), px, area.top - 13);
      });
      ctx.restore();
    },
  };
  var xAxis = { type: 'linear', min: lo, max: hi, title: { display: true, text: 'seconds since the ' + report.timeOriginIs } };
  var common = { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } } };
  function options(extra) { return Object.assign({}, common, extra); }
  function series(values) { return ts.second.map(function (s, i) { return { x: s + 0.5, y: values[i] }; }); }

  var charts = [];
  var rpsSets = versions.filter(function (v) { return ts.okByVersion[v]; }).map(function (v) {
    return { label: 'v' + v + ' answered', data: series(ts.okByVersion[v]), backgroundColor: colorOf(v), barPercentage: 1, categoryPercentage: 0.9 };
  });
  rpsSets.push({ label: 'failed', data: series(ts.failed), backgroundColor: RED, barPercentage: 1, categoryPercentage: 0.9 });
  charts.push(new Chart(document.getElementById('chart-rps'), {
    type: 'bar',
    data: { datasets: rpsSets },
    options: options({ layout: { padding: { top: 24 } }, scales: { x: Object.assign({ stacked: true }, xAxis), y: { stacked: true, beginAtZero: true, title: { display: true, text: 'requests / s' } } } }),
    plugins: [markerPlugin, failureFlags],
  }));

  charts.push(new Chart(document.getElementById('chart-latency'), {
    type: 'line',
    data: { datasets: [
      { label: 'p50', data: series(ts.p50), borderColor: '#1f77b4', backgroundColor: '#1f77b4', pointRadius: 0, borderWidth: 2 },
      { label: 'p99', data: series(ts.p99), borderColor: ORANGE, backgroundColor: ORANGE, pointRadius: 0, borderWidth: 2 },
    ] },
    options: options({ scales: { x: xAxis, y: { beginAtZero: true, title: { display: true, text: 'latency, ms' } } } }),
    plugins: [markerPlugin],
  }));

  // Pod lifetimes: floating bars [from, to] per segment, all segments of a pod on its own row.
  function segment(p, from, toKeys) {
    var start = sec(p.offsetsMs[from]);
    if (start === null) return null;
    for (var i = 0; i < toKeys.length; i++) { var end = sec(p.offsetsMs[toKeys[i]]); if (end !== null) return [start, end]; }
    return [start, hi];
  }
  var pods = report.pods;
  function podSet(label, data, color) {
    return { label: label, data: data, backgroundColor: color, grouped: false, barPercentage: 0.7, categoryPercentage: 1 };
  }
  charts.push(new Chart(document.getElementById('chart-pods'), {
    type: 'bar',
    data: {
      labels: pods.map(function (p) { return p.name + ' (v' + p.version + ')'; }),
      datasets: [
        podSet('starting', pods.map(function (p) { return segment(p, 'created', ['ready', 'terminating', 'exited']); }), GREY),
        podSet('ready', pods.map(function (p) { return segment(p, 'ready', ['terminating', 'exited']); }), pods.map(function (p) { return colorOf(p.version); })),
        podSet('terminating', pods.map(function (p) { return segment(p, 'terminating', ['exited']); }), ORANGE),
      ],
    },
    options: options({ indexAxis: 'y', scales: { x: xAxis, y: { ticks: { autoSkip: false } } } }),
    plugins: [markerPlugin],
  }));
  window.reportCharts = charts;
})();
`;
