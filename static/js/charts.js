/* Draws every dashboard chart: each <script type="application/json" data-chart-for="ID"> block holds one
   Plotly figure (data + layout) for the element with that id. No inline script is needed, so the page
   works under a strict Content-Security-Policy; without JavaScript the tables next to the charts remain.
   The tables are folded before the charts are drawn (and opened again if a chart cannot be drawn): each
   chart makes the browser lay out the page again, which costs less without every table open.
   Marks "opinia-charts-start" and "opinia-charts-drawn" time the drawing (bench/first_visit.py reads them). */
(function () {
  "use strict";

  var CONFIG = { responsive: true, displayModeBar: false, displaylogo: false };

  function mark(name) {
    if (window.performance && performance.mark) {
      performance.mark(name);
    }
  }

  function fitToWidth(figure, layout, narrow) {
    if (narrow && layout.xaxis) {
      // A phone: slanted month labels that do not overlap, and room kept for them.
      layout.xaxis.tickangle = -60;
      layout.xaxis.automargin = true;
      // The legend above the plot, a row per entry, with room kept for it instead of over the lines.
      var entries = (figure.data || []).filter(function (trace) { return trace.showlegend !== false && trace.name; }).length;
      layout.margin = Object.assign({}, layout.margin, { l: 48, r: 8, t: 24 + 22 * entries });
      layout.legend = Object.assign({}, layout.legend, { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom" });
    }
  }

  function draw(chart) {
    var figure = JSON.parse(chart.block.textContent);
    var layout = figure.layout || {};
    layout.autosize = true;
    fitToWidth(figure, layout, chart.narrow);
    return window.Plotly.newPlot(chart.target, figure.data || [], layout, CONFIG).then(function () {
      chart.target.setAttribute("data-drawn", "true");
    }, function (error) {
      if (chart.details) {
        chart.details.setAttribute("open", "");
      }
      throw error;
    });
  }

  function drawAll() {
    if (!window.Plotly) {
      return;
    }
    mark("opinia-charts-start");
    var charts = [];
    // Every width is read before anything changes, so the page is laid out once for all of them.
    Array.prototype.forEach.call(document.querySelectorAll('script[type="application/json"][data-chart-for]'), function (block) {
      var target = document.getElementById(block.getAttribute("data-chart-for"));
      if (target) {
        charts.push({ block: block, target: target, narrow: target.clientWidth < 600,
                      details: target.parentNode.querySelector("details.chart-data") });
      }
    });
    charts.forEach(function (chart) {
      if (chart.details) {
        chart.details.removeAttribute("open");
      }
    });
    Promise.all(charts.map(draw)).then(function () { mark("opinia-charts-drawn"); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
