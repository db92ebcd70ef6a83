// Plotly's core (which holds the scatter trace) with the two other trace types the dashboards draw.
// Left out on purpose: the world-calendars component of the published cartesian bundle, which took Chromium
// 0.3-0.4 s to start on a 2-core machine and is never used (the charts use the Gregorian calendar only).
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
]);

module.exports = Plotly;
