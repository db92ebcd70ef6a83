/* Draws every dashboard chart: each <script type="application/json" data-chart-for="ID"> block holds one
   Plotly figure (data + layout) for the element with that id. No inline script is needed, so the page
   works under a strict Content-Security-Policy; without JavaScript the tables next to the charts remain.
   Marks "opinia-charts-start" and "opinia-charts-drawn" time the drawing (bench/first_visit.py reads them). */
(function () {
  "use strict";

  var CONFIG = { responsive: true, displayModeBar: false, displaylogo: false };

  function mark(name) {
    if (window.performance && performance.mark) {
      performance.mark(name);
    }
  }

  function draw(block) {
    var target = document.getElementById(block.getAttribute("data-chart-for"));
    if (!target) {
      return null;
    }
    var figure = JSON.parse(block.textContent);
    var layout = figure.layout || {};
    layout.autosize = true;
    if (target.clientWidth < 600 && layout.xaxis) {
      // A phone: slanted month labels that do not overlap, and room kept for them.
      layout.xaxis.tickangle = -60;
      layout.xaxis.automargin = true;
      // The legend above the plot, a row per entry, with room kept for it instead of over the lines.
      var entries = (figure.data || []).filter(function (trace) { return trace.showlegend !== false && trace.name; }).length;
      layout.margin = Object.assign({}, layout.margin, { l: 48, r: 8, t: 24 + 22 * entries });
      layout.legend = Object.assign({}, layout.legend, { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom" });
    }
    return window.Plotly.newPlot(target, figure.data || [], layout, CONFIG).then(function () {
      target.setAttribute("data-drawn", "true");
      var details = target.parentNode.querySelector("details.chart-data");
      if (details) {
        details.removeAttribute("open");
      }
    });
  }

  function drawAll() {
    if (!window.Plotly) {
      return;
    }
    mark("opinia-charts-start");
    var blocks = document.querySelectorAll('script[type="application/json"][data-chart-for]');
    Promise.all(Array.prototype.map.call(blocks, draw)).then(function () { mark("opinia-charts-drawn"); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
