/* A click on a bar of the themes chart opens the comments of that theme (the link is the bar's customdata).
   The same links are in the table under the chart, which also works without JavaScript. */
(function () {
  "use strict";

  function attach() {
    var chart = document.getElementById("chart-themes");
    if (!chart) {
      return;
    }
    if (typeof chart.on !== "function") {
      window.setTimeout(attach, 100);
      return;
    }
    chart.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      if (point && point.customdata) {
        window.location.assign(point.customdata);
      }
    });
    chart.style.cursor = "pointer";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attach);
  } else {
    attach();
  }
})();
